# The test <image>[same-output] of add_multiarch_smoke_test(... EXPECT_SAME_OUTPUT):
# compares what one smoke test printed on each platform, each platform's own
# words (@PLATFORM@, @MACHINE@, @ARCH@, @VARIANT@, 32-bit/64-bit) replaced
# by the smoke tests, and fails with the lines that differ.  Variants built
# with different options (a setting that reached one platform's build only)
# print different things where their startup still succeeds.  CTest runs it
# after the platforms' smoke tests (a fixture); by hand:
#
#   cmake -DMULTIARCH_INPUT_FILE=<build>/<image>.multiarch/smoke1-same-output.cmake -P Scripts/SameOutput.cmake
#
# On a pass it records the compared index digest for promotion.

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/../ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../RegistryClient.cmake")
_multiarch_read_input(SameOutput.cmake add_multiarch_smoke_test)
set(name "${MULTIARCH_NAME}")
set(this_test "${MULTIARCH_TEST_NAME}")  # with its suffix, as CTest lists it
if(this_test STREQUAL "")
  set(this_test "${name}[same-output]")
endif()
file(REMOVE "${MULTIARCH_RESULT_FILE}")
_multiarch_built_digest("${MULTIARCH_IMAGE_JSON}" "${name}" "${MULTIARCH_BUILD_DIR}" digest)

# Each file: the index digest it was printed by, a newline, the output.
set(reference "")
set(reference_platform "")
set(differences "")
foreach(platform file test IN ZIP_LISTS MULTIARCH_PLATFORMS MULTIARCH_OUTPUT_FILES MULTIARCH_TESTS)
  if(NOT EXISTS "${file}")
    _multiarch_die("${this_test}: ${test} has recorded no output (it failed or was not run); "
      "run ctest -L multiarch, which runs it first.")
  endif()
  file(READ "${file}" content)
  string(FIND "${content}" "\n" nl)
  string(SUBSTRING "${content}" 0 ${nl} from)
  math(EXPR nl "${nl} + 1")
  string(SUBSTRING "${content}" ${nl} -1 output)
  if(NOT from STREQUAL digest)
    _multiarch_die("${this_test}: the output of ${test} is from ${from}, not from the current "
      "image ${digest}; run ctest -L multiarch again.")
  endif()
  if(reference_platform STREQUAL "")
    set(reference "${output}")
    set(reference_platform "${platform}")
    continue()
  endif()
  if(output STREQUAL reference)
    continue()
  endif()
  # The lines that differ, as a diff of the reference against this one.
  string(REPLACE ";" "\\;" a "${reference}")
  string(REPLACE ";" "\\;" b "${output}")
  string(REPLACE "\n" ";" a "${a}")
  string(REPLACE "\n" ";" b "${b}")
  list(LENGTH a na)
  list(LENGTH b nb)
  set(n ${na})
  if(nb GREATER n)
    set(n ${nb})
  endif()
  string(APPEND differences "\n--- ${reference_platform}\n+++ ${platform}\n")
  set(shown 0)
  math(EXPR last "${n} - 1")
  foreach(i RANGE ${last})
    set(la "")
    set(lb "")
    set(has_a FALSE)
    set(has_b FALSE)
    if(i LESS na)
      list(GET a ${i} la)
      set(has_a TRUE)
    endif()
    if(i LESS nb)
      list(GET b ${i} lb)
      set(has_b TRUE)
    endif()
    if(NOT la STREQUAL lb OR NOT has_a STREQUAL has_b)
      math(EXPR line "${i} + 1")
      string(APPEND differences "@@ line ${line}\n")
      if(has_a)
        string(APPEND differences "-${la}\n")
      endif()
      if(has_b)
        string(APPEND differences "+${lb}\n")
      endif()
      math(EXPR shown "${shown} + 1")
      if(shown EQUAL 20)
        string(APPEND differences "(more lines differ)\n")
        break()
      endif()
    endif()
  endforeach()
endforeach()
if(NOT differences STREQUAL "")
  # Printed as it is: message(FATAL_ERROR) would reflow the lines.
  message("${this_test}: the platforms printed different things "
    "(each platform's own words replaced by @PLATFORM@, @MACHINE@, @ARCH@, @VARIANT@, @BITS@):${differences}")
  _multiarch_die("${this_test} FAILED for ${digest}: the variants do not behave alike (the "
    "differences are printed above). A build setting likely reached one platform's build only: "
    "options given with -D reach every sub-build (BOOL and STRING cache entries), flags and paths do "
    "not; give them per platform with MULTIARCH_SUBBUILD_CMAKE_ARGS_<os>_<arch>[_<variant>]. "
    "Promotion of ${name} is refused.")
endif()
get_filename_component(dir "${MULTIARCH_RESULT_FILE}" DIRECTORY)
file(MAKE_DIRECTORY "${dir}")
file(WRITE "${MULTIARCH_RESULT_FILE}" "${digest}")
list(JOIN MULTIARCH_PLATFORMS ", " platform_text)
message(STATUS "${this_test} passed: ${platform_text} printed the same for ${digest}")
