add_multiarch_builder(farm DRIVER remote NODES)
