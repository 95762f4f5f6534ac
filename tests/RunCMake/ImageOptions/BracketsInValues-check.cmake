runcmake_state_file(app promote.cmake promote)
runcmake_expect_vars("${promote}" MULTIARCH_SIGN_KEY "${RunCMake_TEST_SOURCE_DIR}/keys/[prod]/cosign.key")
runcmake_state_file(app signature.cmake signature)
runcmake_expect_vars("${signature}" MULTIARCH_VERIFY_KEY "${RunCMake_TEST_SOURCE_DIR}/keys/a]=]b.pub")
runcmake_state_file(app portability.cmake portability)
runcmake_expect_vars("${portability}"
  MULTIARCH_PORTABILITY_ALLOW "foreign-elf:/opt/[ab]*/lib/**;missing-library:/[x]=")
runcmake_expect_tests("app[linux/amd64]audit" "app[signature]")
