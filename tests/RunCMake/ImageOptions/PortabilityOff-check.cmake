runcmake_expect_targets(app app-check)
runcmake_expect_tests()
runcmake_state_file(app portability.cmake portability)
runcmake_expect_vars("${portability}" MULTIARCH_PORTABILITY_CHECK "OFF")
