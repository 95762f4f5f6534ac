add_multiarch_builder(farm DRIVER kubernetes NODES NODE farm-a PLATFORMS linux/amd64 DRIVER_OPTS replicas)
