add_multiarch_builder(farm DRIVER remote ENDPOINT tcp://buildkitd.example.com:1234
  CACERT certs/ca.pem CERT certs/client.pem KEY certs/client-key.pem SERVERNAME buildkitd)
