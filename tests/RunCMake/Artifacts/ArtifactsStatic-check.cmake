    include("${RunCMake_TEST_BINARY_DIR}/platforms.cmake")
    string(REPLACE "/" "-" host_slug "${host}")
    string(REPLACE "/" "-" other_slug "${other}")
    # Nothing is built yet: configuring only declares the steps.
    runcmake_expect_targets(app app-artifacts multiarch-subbuild-${other_slug})
    runcmake_expect_no_targets(multiarch-subbuild-${host_slug})
    runcmake_image_file(app image)
    runcmake_expect_vars("${image}"
      MULTIARCH_CONTEXT "${RunCMake_TEST_BINARY_DIR}/app.context"
      MULTIARCH_DOCKERFILE "${RunCMake_TEST_SOURCE_DIR}/Dockerfile")
    runcmake_expect_exists("${RunCMake_TEST_BINARY_DIR}/app.context")
    runcmake_state_file(app artifacts-${other_slug}.cmake stage)
    runcmake_expect_vars("${stage}"
      MULTIARCH_PLATFORM "${other}"
      MULTIARCH_ARTIFACTS "hello"
      MULTIARCH_DESTINATION "usr/local/bin"
      MULTIARCH_RUNTIME_LIBRARIES "STATIC"
      MULTIARCH_PLATFORM_DIR "${RunCMake_TEST_BINARY_DIR}/app.context/${other}"
      MULTIARCH_MANIFEST_DIR "${RunCMake_TEST_BINARY_DIR}/multiarch-subbuilds/${other_slug}")
    runcmake_state_file(app artifacts-${host_slug}.cmake stage)
    runcmake_expect_vars("${stage}" MULTIARCH_MANIFEST_DIR "${RunCMake_TEST_BINARY_DIR}")
    runcmake_expect_vars("${RunCMake_TEST_BINARY_DIR}/multiarch-subbuilds/${other_slug}.cmake"
      MULTIARCH_PLATFORM "${other}"
      MULTIARCH_TOOLCHAIN_FILE "${RunCMake_TEST_SOURCE_DIR}/toolchain-a.cmake"
      MULTIARCH_TARGETS "hello")
    # The host build's manifest (file(GENERATE)): the program, linked -static.
    runcmake_expect_vars("${RunCMake_TEST_BINARY_DIR}/multiarch-artifacts.cmake"
      MULTIARCH_ARTIFACT_TYPE_hello "EXECUTABLE"
      MULTIARCH_ARTIFACT_FILE_hello "${RunCMake_TEST_BINARY_DIR}/hello")
    runcmake_read_file("${RunCMake_TEST_BINARY_DIR}/build.ninja" ninja)
    runcmake_expect_match("hello is linked -static" "${ninja}" "LINK_FLAGS = [^
]*-static")
