add_multiarch_builder(farm DRIVER docker-container DRIVER_OPTS "env.GREETING=a;b=c" network=host)
