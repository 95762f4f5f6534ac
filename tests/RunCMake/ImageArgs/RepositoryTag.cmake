add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app:1.0 PLATFORMS linux/amd64)
