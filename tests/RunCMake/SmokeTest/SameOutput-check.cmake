runcmake_expect_tests("app[linux/amd64]:features" "app[linux/arm64]:features" "app[same-output]:features"
  "app[linux/amd64]audit" "app[linux/arm64]audit" "app[linux/arm/v7]audit")
runcmake_expect_test_property("app[same-output]:features" LABELS "multiarch;same-output")
runcmake_expect_test_property("app[same-output]:features" FIXTURES_REQUIRED "multiarch:app:smoke1")
runcmake_expect_test_property("app[linux/arm64]:features" FIXTURES_SETUP "multiarch:app:smoke1")
set(results "${RunCMake_TEST_BINARY_DIR}/app.multiarch/results")
runcmake_state_file(app smoke1-same-output.cmake same)
runcmake_expect_vars("${same}"
  MULTIARCH_TESTS "app[linux/amd64]:features;app[linux/arm64]:features"
  MULTIARCH_PLATFORMS "linux/amd64;linux/arm64"
  MULTIARCH_OUTPUT_FILES "${results}/smoke1-linux-amd64.output;${results}/smoke1-linux-arm64.output")
