add_custom_target(tool)
add_multiarch_smoke_test(tool)
