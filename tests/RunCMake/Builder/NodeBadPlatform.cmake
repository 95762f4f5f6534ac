add_multiarch_builder(farm DRIVER remote NODES NODE farm-a ENDPOINT tcp://10.0.0.1:1234 PLATFORMS linux/sparc)
