add_multiarch_image(app REPOSITORY registry.example.com/ PLATFORMS linux/amd64)
