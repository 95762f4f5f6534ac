add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 ARTIFACTS hello)
add_multiarch_image(other REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 ARTIFACTS hello RUNTIME_LIBRARIES COLLECT)
