runcmake_builder_file(farm file)
runcmake_expect_vars("${file}"
  MULTIARCH_BUILDER_NAME "farm"
  MULTIARCH_BUILDER_DRIVER "docker-container"
  MULTIARCH_BUILDER_DRIVER_OPTS "network=host;image=moby/buildkit:v0.32.2;env.HTTP_PROXY=http://proxy:3128"
  MULTIARCH_BUILDER_CONFIG "${RunCMake_TEST_SOURCE_DIR}/buildkitd.toml"
  MULTIARCH_BUILDER_ENDPOINT ""
  MULTIARCH_BUILDER_NODES "")
runcmake_expect_targets(multiarch-builder-farm)
