runcmake_image_file(reg f)
runcmake_expect_vars("${f}" MULTIARCH_CACHE_TYPE "registry" MULTIARCH_CACHE_REF "127.0.0.1:5000/cache:app")
runcmake_image_file(loc f)
runcmake_expect_vars("${f}" MULTIARCH_CACHE_TYPE "local"
  MULTIARCH_CACHE_REF "${RunCMake_TEST_BINARY_DIR}/buildcache/loc")
runcmake_image_file(off f)
runcmake_expect_vars("${f}" MULTIARCH_CACHE_TYPE "off" MULTIARCH_CACHE_REF ""
  MULTIARCH_PROVENANCE "off" MULTIARCH_SBOM "off")
