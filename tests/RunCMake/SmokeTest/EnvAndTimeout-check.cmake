runcmake_expect_test_property("app[linux/amd64]" TIMEOUT "305")
runcmake_state_file(app smoke1-linux-amd64.cmake smoke)
runcmake_expect_vars("${smoke}" MULTIARCH_TIMEOUT "5" MULTIARCH_ENV "GREETING=hello world;LIST=a\\;b;EMPTY=")
