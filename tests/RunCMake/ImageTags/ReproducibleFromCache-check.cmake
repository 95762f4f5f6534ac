runcmake_image_file(app image)
runcmake_expect_vars("${image}" MULTIARCH_REPRODUCIBLE "OFF")
runcmake_image_file(app2 image2)
runcmake_expect_vars("${image2}" MULTIARCH_REPRODUCIBLE "ON")
