add_multiarch_builder(farm DRIVER remote NODES NODE farm-a PLATFORMS linux/amd64)
