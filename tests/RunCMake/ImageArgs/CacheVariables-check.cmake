# The module looks docker, git and cosign up on PATH (here: the
# tripwires) and runs none of them when CMake runs.
file(STRINGS "${RunCMake_TEST_BINARY_DIR}/CMakeCache.txt" cache
  REGEX "^MULTIARCH_(DOCKER_EXECUTABLE|GIT_EXECUTABLE|COSIGN_EXECUTABLE|REPRODUCIBLE|PORTABILITY_CHECK|SKIP_UNRUNNABLE|SIGN_OFFLINE):")
list(SORT cache)
set(t "${RunCMake_TRIPWIRE_DIR}")
runcmake_expect_eq("MULTIARCH_* cache entries" "${cache}"
  "MULTIARCH_COSIGN_EXECUTABLE:FILEPATH=${t}/cosign;MULTIARCH_DOCKER_EXECUTABLE:FILEPATH=${t}/docker;MULTIARCH_GIT_EXECUTABLE:FILEPATH=${t}/git;MULTIARCH_PORTABILITY_CHECK:STRING=ERROR;MULTIARCH_REPRODUCIBLE:BOOL=ON;MULTIARCH_SIGN_OFFLINE:BOOL=OFF;MULTIARCH_SKIP_UNRUNNABLE:BOOL=OFF")
runcmake_image_file(app image)
runcmake_expect_vars("${image}" MULTIARCH_DOCKER "${t}/docker" MULTIARCH_GIT "${t}/git")
