add_multiarch_builder(farm DRIVER_OPTS network=host)
