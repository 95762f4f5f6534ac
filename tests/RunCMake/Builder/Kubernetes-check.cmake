runcmake_builder_file(farm file)
runcmake_expect_vars("${file}"
  MULTIARCH_BUILDER_DRIVER "kubernetes"
  MULTIARCH_BUILDER_CONFIG "${RunCMake_TEST_SOURCE_DIR}/buildkitd.toml"
  MULTIARCH_BUILDER_NODES "farm-amd64;farm-arm64"
  MULTIARCH_BUILDER_NODE_farm-amd64_ENDPOINT ""
  MULTIARCH_BUILDER_NODE_farm-amd64_DRIVER_OPTS "namespace=buildkit;nodeselector=kubernetes.io/arch=amd64,pool=build"
  MULTIARCH_BUILDER_NODE_farm-arm64_DRIVER_OPTS "namespace=buildkit;replicas=2")
