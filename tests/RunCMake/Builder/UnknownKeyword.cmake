add_multiarch_builder(farm DRIVERS docker-container)
