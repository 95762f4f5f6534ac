add_multiarch_builder(farm DRIVER docker)
