runcmake_expect_no_targets(app app-promote image multiarch-builder-b)
runcmake_expect_tests()
runcmake_expect_missing("${RunCMake_TEST_BINARY_DIR}/app.multiarch")
