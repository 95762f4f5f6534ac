runcmake_image_file(app image)
runcmake_expect_vars("${image}" MULTIARCH_BUILDER "ci-builder" MULTIARCH_IMAGE_DRY_RUN "ON"
  MULTIARCH_PLAIN_HTTP "TRUE")
runcmake_image_file(other image)
runcmake_expect_vars("${image}" MULTIARCH_BUILDER "own")
