add_multiarch_builder(farm DRIVER remote NODES NODE Farm-AMD64 ENDPOINT tcp://10.0.0.1:1234 PLATFORMS linux/amd64)
