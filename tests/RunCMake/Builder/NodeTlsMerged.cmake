# The builder's CACERT and the node's CERT: the node lacks its KEY.
add_multiarch_builder(farm DRIVER remote CACERT certs/ca.pem NODES
  NODE farm-a ENDPOINT tcp://10.0.0.1:1234 PLATFORMS linux/amd64 CERT certs/client.pem)
