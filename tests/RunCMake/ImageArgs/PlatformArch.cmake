add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/sparc99)
