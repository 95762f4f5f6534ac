# In a sub-build of ARTIFACTS the three commands declare nothing, not
# even check their arguments.
add_multiarch_image(app NOT VALID ARGUMENTS)
add_multiarch_builder(b NOT VALID)
add_multiarch_smoke_test(app NOT VALID)
