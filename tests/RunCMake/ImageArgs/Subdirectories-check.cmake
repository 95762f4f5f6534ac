set(a "${RunCMake_TEST_BINARY_DIR}/Subdirectories/a")
set(b "${RunCMake_TEST_BINARY_DIR}/Subdirectories/b")
set(src "${RunCMake_TEST_SOURCE_DIR}/Subdirectories")
# Relative paths are the declaring directory's; the state goes to its
# binary folder; one "image" target builds both.
runcmake_expect_vars("${a}/app-a.multiarch/image.cmake"
  MULTIARCH_DOCKERFILE "${src}/a/Dockerfile"
  MULTIARCH_CONTEXT "${src}/a"
  MULTIARCH_SOURCE_DIR "${src}/a"
  MULTIARCH_IMAGE_JSON "${a}/app-a.image.json")
runcmake_expect_vars("${b}/app-b.multiarch/image.cmake"
  MULTIARCH_DOCKERFILE "${src}/b/docker/Dockerfile"
  MULTIARCH_CONTEXT "${src}/b")
runcmake_expect_targets(app-a app-b image image-promote)
runcmake_read_file("${RunCMake_TEST_BINARY_DIR}/build.ninja" ninja)
runcmake_expect_match("image builds both" "${ninja}" "build [^ ]*image: phony [^\n]*app-a[^\n]*app-b")
runcmake_expect_tests("app-a[linux/amd64]audit" "app-b[linux/arm64]audit" "app-b[linux/arm64]")
