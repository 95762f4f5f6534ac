add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app@sha256:0123 PLATFORMS linux/amd64)
