runcmake_image_file(app image)
runcmake_expect_vars("${image}" MULTIARCH_TAGS "latest-build" MULTIARCH_IMAGE_VERSION "")
