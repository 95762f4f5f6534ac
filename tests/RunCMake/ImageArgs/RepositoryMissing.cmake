add_multiarch_image(app PLATFORMS linux/amd64)
