runcmake_state_file(app smoke1-linux-amd64.cmake smoke)
runcmake_expect_vars("${smoke}" MULTIARCH_EXPECT_OUTPUT "^$")
