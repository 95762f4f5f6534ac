add_multiarch_builder(farm DRIVER docker-container DRIVER_OPTS network)
