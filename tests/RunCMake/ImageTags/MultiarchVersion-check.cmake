runcmake_image_file(app image)
runcmake_expect_vars("${image}" MULTIARCH_TAGS "3.0.0-beta.2" MULTIARCH_IMAGE_VERSION "3.0.0-beta.2")
