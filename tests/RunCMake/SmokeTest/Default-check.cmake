set(results "${RunCMake_TEST_BINARY_DIR}/app.multiarch/results")
runcmake_expect_tests("app[linux/amd64]" "app[linux/arm64]" "app[linux/arm/v7]"
  "app[linux/amd64]audit" "app[linux/arm64]audit" "app[linux/arm/v7]audit")
runcmake_expect_test_property("app[linux/amd64]" LABELS "multiarch;amd64")
runcmake_expect_test_property("app[linux/arm/v7]" LABELS "multiarch;armv7")
runcmake_expect_test_property("app[linux/arm64]" TIMEOUT "360")
runcmake_expect_test_property("app[linux/arm64]" SKIP_REGULAR_EXPRESSION "MULTIARCH-SKIPPED:")
runcmake_state_file(app smoke1-linux-arm-v7.cmake smoke)
runcmake_expect_vars("${smoke}"
  MULTIARCH_NAME "app"
  MULTIARCH_REPOSITORY "127.0.0.1:5000/app"
  MULTIARCH_PLATFORM "linux/arm/v7"
  MULTIARCH_COMMAND "--version"
  MULTIARCH_EXPECT_OUTPUT "app 2.3.4 @PLATFORM@ @MACHINE@"
  MULTIARCH_TIMEOUT "60"
  MULTIARCH_ENV ""
  MULTIARCH_SKIP_UNRUNNABLE "OFF"
  MULTIARCH_IMAGE_JSON "${RunCMake_TEST_BINARY_DIR}/app.image.json"
  MULTIARCH_RESULT_FILE "${results}/smoke1-linux-arm-v7.digest")
# Promotion requires the smoke tests declared after the image, and the audits.
runcmake_state_file(app promote.cmake promote)
runcmake_read_vars("${promote}" p MULTIARCH_REQUIRED_RESULTS)
foreach(entry
    "linux/amd64|app[linux/amd64]audit|${results}/audit-linux-amd64.digest"
    "linux/arm/v7|app[linux/arm/v7]|${results}/smoke1-linux-arm-v7.digest"
    "linux/arm64|app[linux/arm64]|${results}/smoke1-linux-arm64.digest")
  if(NOT entry IN_LIST p_MULTIARCH_REQUIRED_RESULTS)
    runcmake_fail("promote.cmake does not require ${entry}: ${p_MULTIARCH_REQUIRED_RESULTS}")
  endif()
endforeach()
