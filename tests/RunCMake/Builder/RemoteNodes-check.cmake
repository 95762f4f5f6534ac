set(c "${RunCMake_TEST_SOURCE_DIR}/certs")
runcmake_builder_file(farm file)
runcmake_expect_vars("${file}"
  MULTIARCH_BUILDER_NODES "farm-amd64;farm-arm64"
  MULTIARCH_BUILDER_ENDPOINT ""
  MULTIARCH_BUILDER_NODE_farm-amd64_ENDPOINT "tcp://10.0.0.1:1234"
  MULTIARCH_BUILDER_NODE_farm-amd64_PLATFORMS "linux/amd64;linux/386"
  MULTIARCH_BUILDER_NODE_farm-amd64_DRIVER_OPTS "default-load=true;cacert=${c}/ca.pem"
  MULTIARCH_BUILDER_NODE_farm-arm64_ENDPOINT "unix:///run/buildkit/buildkitd.sock"
  MULTIARCH_BUILDER_NODE_farm-arm64_PLATFORMS "linux/arm64;linux/arm/v7"
  MULTIARCH_BUILDER_NODE_farm-arm64_DRIVER_OPTS "cacert=${c}/other-ca.pem;default-load=false")
