add_multiarch_builder(farm DRIVER docker-container)
add_multiarch_builder(farm DRIVER docker-container)
