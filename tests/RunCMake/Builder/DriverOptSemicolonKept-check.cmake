runcmake_builder_file(farm file)
runcmake_expect_vars("${file}" MULTIARCH_BUILDER_DRIVER_OPTS "env.GREETING=a\\;b=c;network=host")
