runcmake_builder_file(farm file)
runcmake_expect_vars("${file}"
  MULTIARCH_BUILDER_ENDPOINT "tcp://[fd00::1]:1234"
  MULTIARCH_BUILDER_DRIVER_OPTS "env.A=[[]];env.C=line1\nline2;env.B=[x]=")
