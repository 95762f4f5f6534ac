# One smoke test of add_multiarch_smoke_test: starts one platform's variant
# of the pushed image, by the digest of that platform's own manifest as
# recorded in <name>.image.json, and checks exit code and output.  Run by
# CTest; by hand:
#
#   cmake -DMULTIARCH_INPUT_FILE=<build>/<name>.multiarch/smoke1-linux-arm64.cmake -P Scripts/SmokeTest.cmake
#
# On a pass it records the tested index digest for promotion.

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/../Platforms.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../RegistryClient.cmake")
_multiarch_read_input(SmokeTest.cmake add_multiarch_smoke_test)

# <text> with the words that name <platform> replaced, whole words only:
# the platform (linux/arm64), its uname -m (aarch64), its architecture
# (arm64) and variant (v7) by @PLATFORM@, @MACHINE@, @ARCH@ and @VARIANT@,
# and "32-bit"/"64-bit" by "@BITS@-bit".
function(_multiarch_platform_words_out out text platform)
  _multiarch_platform_parts("${platform}" os arch variant)
  _multiarch_machine("${platform}" machine qemu)
  string(REGEX REPLACE "(^|[^0-9])(32|64)-bit" "\\1@BITS@-bit" text "${text}")
  foreach(pair "PLATFORM=${platform}" "MACHINE=${machine}" "ARCH=${arch}" "VARIANT=${variant}")
    string(REGEX MATCH "^([A-Z]+)=(.*)$" _ "${pair}")
    set(key "${CMAKE_MATCH_1}")
    string(REGEX REPLACE "([][.+*?()^$|\\])" "\\\\\\1" word "${CMAKE_MATCH_2}")
    if(word STREQUAL "")
      continue()
    endif()
    # Adjacent matches share a boundary character: repeat until none is left.
    set(before "")
    while(NOT before STREQUAL text)
      set(before "${text}")
      string(REGEX REPLACE "(^|[^A-Za-z0-9_])${word}([^A-Za-z0-9_]|$)" "\\1@${key}@\\2" text "${text}")
    endwhile()
  endforeach()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

set(docker "${MULTIARCH_DOCKER}")
set(platform "${MULTIARCH_PLATFORM}")
set(name "${MULTIARCH_NAME}")
# This test's name, as CTest lists it (the image's second and later tests
# carry a suffix: ":<NAME>" or "#<n>").
set(test "${MULTIARCH_TEST_NAME}")
if(test STREQUAL "")
  set(test "${name}[${MULTIARCH_PLATFORM}]")
endif()
file(REMOVE "${MULTIARCH_RESULT_FILE}")

_multiarch_pushed_variant("${MULTIARCH_IMAGE_JSON}" "${MULTIARCH_REPOSITORY}" "${platform}" "${name}"
  "${MULTIARCH_BUILD_DIR}" index_digest ref)

# A foreign platform runs only through a binfmt_misc handler (QEMU).
_multiarch_platform_parts("${platform}" os arch variant)
_multiarch_machine("${platform}" machine qemu)
_multiarch_host_arch(host_arch)
if(NOT arch STREQUAL host_arch AND NOT (host_arch STREQUAL "amd64" AND arch STREQUAL "386"))
  set(handler "/proc/sys/fs/binfmt_misc/qemu-${qemu}")
  set(runnable FALSE)
  if(EXISTS "${handler}")
    file(STRINGS "${handler}" state LIMIT_COUNT 1)
    if(state STREQUAL "enabled")
      set(runnable TRUE)
    endif()
  endif()
  if(NOT runnable)
    set(why "this ${host_arch} host cannot run ${platform} binaries: no enabled binfmt_misc "
      "handler ${handler}. Fix: apt install qemu-user-static binfmt-support && update-binfmts --enable "
      "qemu-${qemu}, or run this test on a ${arch} machine")
    if(MULTIARCH_SKIP_UNRUNNABLE)
      string(JOIN "" why ${why})
      message("MULTIARCH-SKIPPED: ${test}: ${why} (skipped: MULTIARCH_SKIP_UNRUNNABLE is ON).")
      return()
    endif()
    _multiarch_die("${test}: " ${why} "; or set -DMULTIARCH_SKIP_UNRUNNABLE=ON to skip it.")
  endif()
endif()

_multiarch_capture(pull "${docker}" pull --quiet --platform "${platform}" "${ref}")
if(NOT pull_rc EQUAL 0)
  _multiarch_die("${test}: cannot pull ${ref}: ${pull_err}")
endif()

string(RANDOM LENGTH 12 ALPHABET "abcdefghijklmnopqrstuvwxyz0123456789" suffix)
set(container "multiarch-smoke-${suffix}")
set(cmd "${docker}" run --rm --name "${container}" --platform "${platform}")
foreach(e IN LISTS MULTIARCH_ENV)
  _multiarch_append_args(cmd --env "${e}")
endforeach()
list(APPEND cmd "${ref}")
foreach(arg IN LISTS MULTIARCH_COMMAND)
  _multiarch_append_args(cmd "${arg}")
endforeach()
if(MULTIARCH_OUTPUT_FILE)
  file(REMOVE "${MULTIARCH_OUTPUT_FILE}")
endif()
execute_process(COMMAND ${cmd} TIMEOUT ${MULTIARCH_TIMEOUT}
  OUTPUT_VARIABLE output ERROR_VARIABLE output RESULT_VARIABLE rc)
set(timed_out FALSE)
if(NOT rc MATCHES "^[0-9]+$")
  set(timed_out TRUE)
  execute_process(COMMAND "${docker}" rm --force "${container}" OUTPUT_QUIET ERROR_QUIET)
endif()

string(CONCAT expect "${MULTIARCH_EXPECT_OUTPUT}")  # (set() would misread PARENT_SCOPE)
foreach(pair "PLATFORM=${platform}" "OS=${os}" "ARCH=${arch}" "VARIANT=${variant}" "MACHINE=${machine}")
  string(REGEX MATCH "^([A-Z]+)=(.*)$" _ "${pair}")
  string(REPLACE "@${CMAKE_MATCH_1}@" "${CMAKE_MATCH_2}" expect "${expect}")
endforeach()

set(problem "")
if(timed_out)
  set(problem "did not finish within ${MULTIARCH_TIMEOUT} s (${rc}); the container was killed")
elseif(NOT rc EQUAL 0)
  set(problem "exited with code ${rc}")
elseif(NOT expect STREQUAL "" AND NOT output MATCHES "${expect}")
  set(problem "exited 0 but its output does not match \"${expect}\"")
endif()
if(problem)
  # The tail: the last 2000 characters (kept as a string; a list would eat
  # ";"), printed as it came: message(FATAL_ERROR) would reflow it.
  set(tail "${output}")
  string(LENGTH "${tail}" length)
  if(length GREATER 2000)
    math(EXPR from "${length} - 2000")
    string(SUBSTRING "${tail}" ${from} -1 tail)
    set(tail "...${tail}")
  endif()
  message("${test}: output of ${ref} (last lines):\n${tail}")
  set(hint "")
  if(output MATCHES "exec format error")
    string(APPEND hint " Hint: \"exec format error\" means a binary for another CPU, or no QEMU "
      "handler for ${platform} on this host (check /proc/sys/fs/binfmt_misc/qemu-${qemu}, and "
      "install qemu-user-static and binfmt-support).")
  elseif(output MATCHES "exec [^\n]*: no such file or directory")
    string(APPEND hint " Hint: \"no such file or directory\" when the program is there means its "
      "loader (the ELF program interpreter, e.g. /lib/ld-linux-aarch64.so.1) or a script's #! "
      "interpreter is missing from the image; the audit test ${name}[${platform}]audit names it. "
      "Fix: link the program statically (RUNTIME_LIBRARIES STATIC), ship the C library with it "
      "(RUNTIME_LIBRARIES COLLECT on FROM scratch), or use a base image that has it.")
  elseif(output MATCHES "error while loading shared libraries|symbol lookup error|version `[^']+' not found")
    string(APPEND hint " Hint: a shared library is missing from the image, or a library of the "
      "same name from the base image was loaded instead of the program's own; the audit test "
      "${name}[${platform}]audit names it (rules missing-library, undefined-symbol, "
      "missing-symbol-version).")
  endif()
  _multiarch_die("${test} FAILED: ${ref} ${problem}; its output is printed above.${hint}")
endif()
message("${output}")
if(MULTIARCH_OUTPUT_FILE)
  # For EXPECT_SAME_OUTPUT: the output with this platform's own words
  # replaced, after the digest it came from.
  _multiarch_platform_words_out(normalized "${output}" "${platform}")
  file(WRITE "${MULTIARCH_OUTPUT_FILE}" "${index_digest}\n${normalized}")
endif()
get_filename_component(dir "${MULTIARCH_RESULT_FILE}" DIRECTORY)
file(MAKE_DIRECTORY "${dir}")
file(WRITE "${MULTIARCH_RESULT_FILE}" "${index_digest}")
message(STATUS "${test} passed: ${ref}")
