add_multiarch_builder(farm DRIVER remote ENDPOINT 10.0.0.1:1234)
