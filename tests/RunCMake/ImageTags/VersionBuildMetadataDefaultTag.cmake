# A version with build metadata is valid; the default tag would hold "+".
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 VERSION 1.4.0+build.5)
