runcmake_expect_tests("app[linux/arm64]" "app[linux/arm64]audit")
