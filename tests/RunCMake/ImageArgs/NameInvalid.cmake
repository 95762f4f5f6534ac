add_multiarch_image("my app" REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64)
