add_multiarch_image(app REPOSITORY "" PLATFORMS linux/amd64)
