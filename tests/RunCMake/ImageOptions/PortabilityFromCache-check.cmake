runcmake_state_file(app portability.cmake portability)
runcmake_expect_vars("${portability}" MULTIARCH_PORTABILITY_CHECK "WARN")
