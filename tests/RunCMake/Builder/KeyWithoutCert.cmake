add_multiarch_builder(farm DRIVER remote ENDPOINT tcp://10.0.0.1:1234 CACERT certs/ca.pem KEY certs/client-key.pem)
