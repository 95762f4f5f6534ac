runcmake_state_file(app artifacts-linux-arm64.cmake stage)
runcmake_expect_vars("${stage}"
  MULTIARCH_ARTIFACTS "hello;greet"
  MULTIARCH_DESTINATION "app/bin"
  MULTIARCH_LIBRARY_DESTINATION "app/lib"
  MULTIARCH_RUNTIME_LIBRARIES "COLLECT")
set(cache "${RunCMake_TEST_BINARY_DIR}/multiarch-subbuilds/linux-arm64.initial-cache.cmake")
runcmake_expect_vars("${cache}"
  MULTIARCH_SUBBUILD_PLATFORM "linux/arm64"
  MULTIARCH_SUBBUILD_TARGETS "hello;greet"
  MULTIARCH_SUBBUILD_STATIC_TARGETS ""
  MULTIARCH_SUBBUILD_RUNPATHS "hello=$ORIGIN/../lib;greet=$ORIGIN/../lib"
  WITH_GREETING "ON")
# The host's compilers and flags stay out of the sub-build's cache.
runcmake_read_file("${cache}" text)
if(text MATCHES "CMAKE_C_COMPILER|CMAKE_C_FLAGS|MULTIARCH_DOCKER")
  runcmake_fail("${cache} holds a host-only entry: ${CMAKE_MATCH_0}")
endif()
