string(REPEAT "a" 250 long)
add_multiarch_image(app REPOSITORY "registry.example.com/${long}" PLATFORMS linux/amd64)
