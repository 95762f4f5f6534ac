runcmake_expect_tests("app[linux/amd64]audit" "app[signature]")
runcmake_expect_test_property("app[signature]" LABELS "signature")
runcmake_state_file(app promote.cmake promote)
runcmake_expect_vars("${promote}"
  MULTIARCH_SIGN_KEY "${RunCMake_TEST_SOURCE_DIR}/keys/cosign.key"
  MULTIARCH_SIGN_RECURSIVE "ON"
  MULTIARCH_SIGN_OFFLINE "OFF"
  MULTIARCH_REQUIRED_RESULTS "linux/amd64|app[linux/amd64]audit|${RunCMake_TEST_BINARY_DIR}/app.multiarch/results/audit-linux-amd64.digest")
runcmake_state_file(app signature.cmake signature)
runcmake_expect_vars("${signature}"
  MULTIARCH_VERIFY_KEY "awskms:///arn:aws:kms:eu-west-1:000000000000:key/abc"
  MULTIARCH_SIGN_KEY "${RunCMake_TEST_SOURCE_DIR}/keys/cosign.key")
