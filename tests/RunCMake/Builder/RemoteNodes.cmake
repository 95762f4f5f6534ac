add_multiarch_builder(farm DRIVER remote CACERT certs/ca.pem DRIVER_OPTS default-load=true
  NODES
    NODE farm-amd64 ENDPOINT tcp://10.0.0.1:1234 PLATFORMS linux/x86_64 linux/386
    NODE farm-arm64 ENDPOINT unix:///run/buildkit/buildkitd.sock PLATFORMS linux/arm64 linux/arm
      DRIVER_OPTS default-load=false CACERT certs/other-ca.pem)
