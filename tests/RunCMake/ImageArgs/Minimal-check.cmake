# The defaults, as the helper scripts will read them.
runcmake_image_file(app image)
runcmake_expect_vars("${image}"
  MULTIARCH_NAME "app"
  MULTIARCH_REPOSITORY "127.0.0.1:5000/app"
  MULTIARCH_PLATFORMS "linux/amd64"
  MULTIARCH_TAGS "2.3.4"
  MULTIARCH_PROMOTE_TAGS ""
  MULTIARCH_IMAGE_VERSION "2.3.4"
  MULTIARCH_DOCKERFILE "${RunCMake_TEST_SOURCE_DIR}/Dockerfile"
  MULTIARCH_CONTEXT "${RunCMake_TEST_SOURCE_DIR}"
  MULTIARCH_METADATA "ON"
  MULTIARCH_REPRODUCIBLE "ON"
  MULTIARCH_PROVENANCE "min"
  MULTIARCH_SBOM "off"
  MULTIARCH_CACHE_TYPE "off"
  MULTIARCH_BUILDER ""
  MULTIARCH_PROJECT_NAME "consumer"
  MULTIARCH_IMAGE_DRY_RUN "OFF"
  MULTIARCH_BAKE_TARGET "app"
  MULTIARCH_IMAGE_JSON "${RunCMake_TEST_BINARY_DIR}/app.image.json")
runcmake_expect_properties(app
  MULTIARCH_REPOSITORY "127.0.0.1:5000/app"
  MULTIARCH_PLATFORMS "linux/amd64"
  MULTIARCH_TAGS "2.3.4"
  MULTIARCH_PROMOTE_TAGS ""
  MULTIARCH_IMAGE_JSON "${RunCMake_TEST_BINARY_DIR}/app.image.json")
runcmake_expect_targets(app app-promote app-check image image-promote)
runcmake_expect_tests("app[linux/amd64]audit")
runcmake_expect_test_property("app[linux/amd64]audit" LABELS "multiarch;amd64;audit")
# Configuring built, pushed and tagged nothing.
runcmake_expect_missing("${RunCMake_TEST_BINARY_DIR}/app.image.json"
  "${RunCMake_TEST_BINARY_DIR}/app.bake.json"
  "${RunCMake_TEST_BINARY_DIR}/app.multiarch/pushed.stamp")
