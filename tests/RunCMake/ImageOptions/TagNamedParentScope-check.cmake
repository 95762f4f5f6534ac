runcmake_image_file(app image)
runcmake_expect_vars("${image}" MULTIARCH_TAGS "PARENT_SCOPE")
