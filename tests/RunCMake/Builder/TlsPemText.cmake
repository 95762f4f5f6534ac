add_multiarch_builder(farm DRIVER remote ENDPOINT tcp://10.0.0.1:1234 CACERT "-----BEGIN CERTIFICATE-----")
