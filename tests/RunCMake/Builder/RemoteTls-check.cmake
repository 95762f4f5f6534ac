set(c "${RunCMake_TEST_SOURCE_DIR}/certs")
runcmake_builder_file(farm file)
runcmake_expect_vars("${file}"
  MULTIARCH_BUILDER_DRIVER "remote"
  MULTIARCH_BUILDER_ENDPOINT "tcp://buildkitd.example.com:1234"
  MULTIARCH_BUILDER_DRIVER_OPTS "cacert=${c}/ca.pem;cert=${c}/client.pem;key=${c}/client-key.pem;servername=buildkitd")
# Paths only: no PEM text in the generated file.
runcmake_read_file("${file}" text)
if(text MATCHES "dummy certificate")
  runcmake_fail("${file} holds the certificate's text")
endif()
