runcmake_expect_exists("${RunCMake_TEST_BINARY_DIR}/ctx")
runcmake_image_file(app image)
runcmake_expect_vars("${image}"
  MULTIARCH_CONTEXT "${RunCMake_TEST_BINARY_DIR}/ctx"
  MULTIARCH_DOCKERFILE "${RunCMake_TEST_SOURCE_DIR}/Dockerfile"
  MULTIARCH_SECRETS "id=token,src=${RunCMake_TEST_BINARY_DIR}/token.txt;id=npm,env=NPM_TOKEN")
