add_multiarch_builder(farm DRIVER remote NODES PLATFORMS linux/amd64)
