add_multiarch_builder(farm DRIVER kubernetes DRIVER_OPTS namespace=buildkit BUILDKITD_CONFIG buildkitd.toml
  NODES
    NODE farm-amd64 PLATFORMS linux/amd64 DRIVER_OPTS "nodeselector=kubernetes.io/arch=amd64,pool=build"
    NODE farm-arm64 PLATFORMS linux/arm64 DRIVER_OPTS replicas=2)
