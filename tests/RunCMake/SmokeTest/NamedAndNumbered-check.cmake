runcmake_expect_tests("app[linux/amd64]" "app[linux/arm64]" "app[linux/arm/v7]"
  "app[linux/arm64]#2" "app[linux/arm/v7]:version" "app[linux/amd64]:version"
  "app[linux/amd64]:v2.0+x_y-z"
  "app[linux/amd64]audit" "app[linux/arm64]audit" "app[linux/arm/v7]audit")
runcmake_state_file(app smoke2-linux-arm64.cmake smoke)
runcmake_expect_vars("${smoke}" MULTIARCH_COMMAND "--help" MULTIARCH_EXPECT_OUTPUT "")
