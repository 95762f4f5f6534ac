add_multiarch_builder(farm DRIVER docker-container BUILDKITD_CONFIG nope.toml)
