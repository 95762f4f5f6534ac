runcmake_state_file(app artifacts-linux-arm64.cmake stage)
runcmake_expect_vars("${stage}"
  MULTIARCH_INSTALL "TRUE"
  MULTIARCH_INSTALL_COMPONENTS "Runtime"
  MULTIARCH_INSTALL_PREFIX "/opt/hello"
  MULTIARCH_RUNTIME_LIBRARIES "COLLECT")
runcmake_expect_vars("${RunCMake_TEST_BINARY_DIR}/multiarch-subbuilds/linux-arm64.initial-cache.cmake"
  CMAKE_INSTALL_PREFIX "/opt/hello"
  CMAKE_INSTALL_RPATH "$ORIGIN/../lib")
runcmake_expect_vars("${RunCMake_TEST_BINARY_DIR}/multiarch-subbuilds/linux-arm64.cmake"
  MULTIARCH_BUILD_ALL "/opt/hello")
runcmake_expect_targets(app-artifacts multiarch-subbuild-linux-arm64)
