add_multiarch_builder(farm DRIVER docker-container DRIVER_OPTS "env.A=x]" network=host)
