runcmake_image_file(app image)
runcmake_expect_vars("${image}" MULTIARCH_BUILD_ARGS "" MULTIARCH_LABELS "" MULTIARCH_PROMOTE_TAGS "" MULTIARCH_TAGS "2.3.4")
