add_multiarch_builder(farm DRIVER docker-container DRIVER_OPTS network=host)
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 BUILDER farm)
