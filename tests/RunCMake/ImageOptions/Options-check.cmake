runcmake_image_file(app image)
runcmake_expect_vars("${image}"
  MULTIARCH_PROVENANCE "max"
  MULTIARCH_SBOM "127.0.0.1:5000/tools/sbom:1"
  MULTIARCH_CACHE_TYPE "registry"
  MULTIARCH_CACHE_REF "127.0.0.1:5000/app:buildcache"
  MULTIARCH_BUILDER "my-builder"
  MULTIARCH_BUILDER_FILE "${RunCMake_TEST_BINARY_DIR}/multiarch-builders/my-builder.cmake")
runcmake_state_file(app portability.cmake portability)
runcmake_expect_vars("${portability}"
  MULTIARCH_PORTABILITY_CHECK "WARN"
  MULTIARCH_PORTABILITY_ALLOW "foreign-elf:/usr/aarch64-linux-gnu/**;FromAsCasing;fixed-arch-url")
runcmake_expect_tests("app[linux/amd64]audit")
