add_multiarch_image(app REPOSITORY localhost:0/app PLATFORMS linux/amd64)
