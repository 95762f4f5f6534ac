add_multiarch_builder(farm DRIVER docker-container NODES NODE farm-a PLATFORMS linux/amd64)
