add_multiarch_builder(farm DRIVER docker-container ENDPOINT tcp://10.0.0.1:1234)
