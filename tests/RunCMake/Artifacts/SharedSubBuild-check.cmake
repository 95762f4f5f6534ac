runcmake_expect_targets(app-artifacts other-artifacts multiarch-subbuild-linux-arm64)
runcmake_expect_vars("${RunCMake_TEST_BINARY_DIR}/multiarch-subbuilds/linux-arm64.cmake"
  MULTIARCH_TARGETS "hello;tool")
