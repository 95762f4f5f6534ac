string(REPEAT "a" 129 long)
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 TAGS "${long}")
