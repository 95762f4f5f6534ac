# Runs configure-only test cases of MultiArchImage, in the style of CMake's
# own Tests/RunCMake: no registry, no Docker, no network.  See README.md.
#
#   cmake -DRunCMake_GROUP=<group>[;<group>...]|ALL
#         [-DRunCMake_BINARY_DIR=<dir>]       (default /tmp/multiarch-runcmake)
#         [-DRunCMake_MODULE_DIR=<dir>]       (default <repo>/Modules)
#         [-DRunCMake_PACKAGE_DIR=<dir>]      (default <repo>: for add_subdirectory)
#         [-DRunCMake_GENERATOR=<generator>]  (default Ninja)
#         [-DRunCMake_MAKE_PROGRAM=<program>]
#         [-DRunCMake_CASES=<regex>]          (only the cases whose name matches)
#         [-DRunCMake_KNOWN_BUGS=OFF|ON|ONLY] (OFF: skip the cases of KNOWN_BUGS.txt)
#         -P tests/RunCMake/RunCMake.cmake
#
# A group is a folder <group>/ holding RunCMakeTest.cmake, which calls
# run_cmake(<case>) once per case.  A case is <group>/<case>.cmake, included
# by <group>/CMakeLists.txt (or a folder <group>/<case>/ with a CMakeLists.txt
# of its own), configured in a fresh build folder with docker, git, cosign
# (and a few more) replaced by tripwires.  Next to it:
#   <case>-result.txt   the expected exit code of `cmake -S ... -B ...`
#                       (default 0)
#   <case>-stderr.txt   regular expressions, one per line (blank lines and
#                       lines starting with # are ignored), each of which must
#                       match the error output with every run of white space
#                       turned into one space (CMake wraps long messages).
#                       Without the file, the error output must be empty.
#   <case>-stdout.txt   the same for the standard output (not checked
#                       without the file)
#   <case>-check.cmake  included after the run, with the helpers of
#                       Check.cmake; sets RunCMake_TEST_FAILED to fail.
# Besides, every case fails when a tripwire went off, when it wrote into the
# source tree, when a failing configure still generated a build system, or
# when a passing one did not.

cmake_minimum_required(VERSION 3.20)

get_filename_component(RunCMake_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}" ABSOLUTE)
if(NOT DEFINED RunCMake_GROUP OR RunCMake_GROUP STREQUAL "")
  message(FATAL_ERROR "RunCMake: give the group(s) to run, e.g. "
    "cmake -DRunCMake_GROUP=ImageArgs -P ${CMAKE_CURRENT_LIST_FILE} (or -DRunCMake_GROUP=ALL).")
endif()
if(NOT DEFINED RunCMake_BINARY_DIR OR RunCMake_BINARY_DIR STREQUAL "")
  set(RunCMake_BINARY_DIR "/tmp/multiarch-runcmake")
endif()
if(NOT DEFINED RunCMake_MODULE_DIR OR RunCMake_MODULE_DIR STREQUAL "")
  get_filename_component(RunCMake_MODULE_DIR "${RunCMake_SOURCE_DIR}/../../Modules" ABSOLUTE)
endif()
# The package's source tree, for the case that adds it with add_subdirectory.
if(NOT DEFINED RunCMake_PACKAGE_DIR OR RunCMake_PACKAGE_DIR STREQUAL "")
  get_filename_component(RunCMake_PACKAGE_DIR "${RunCMake_SOURCE_DIR}/../.." ABSOLUTE)
endif()
if(NOT EXISTS "${RunCMake_MODULE_DIR}/MultiArchImage.cmake")
  message(FATAL_ERROR "RunCMake: no MultiArchImage.cmake in RunCMake_MODULE_DIR \"${RunCMake_MODULE_DIR}\".")
endif()
if(NOT DEFINED RunCMake_GENERATOR OR RunCMake_GENERATOR STREQUAL "")
  set(RunCMake_GENERATOR "Ninja")
endif()
if(NOT DEFINED RunCMake_KNOWN_BUGS OR RunCMake_KNOWN_BUGS STREQUAL "")
  set(RunCMake_KNOWN_BUGS OFF)
endif()
string(TOUPPER "${RunCMake_KNOWN_BUGS}" RunCMake_KNOWN_BUGS)
if(NOT RunCMake_KNOWN_BUGS MATCHES "^(ON|OFF|ONLY)$")
  message(FATAL_ERROR "RunCMake: RunCMake_KNOWN_BUGS \"${RunCMake_KNOWN_BUGS}\" is not OFF, ON or ONLY.")
endif()
if(NOT DEFINED RunCMake_CASES)
  set(RunCMake_CASES "")
endif()

if(RunCMake_GENERATOR MATCHES "Ninja" AND (NOT DEFINED RunCMake_MAKE_PROGRAM OR RunCMake_MAKE_PROGRAM STREQUAL ""))
  find_program(RunCMake_MAKE_PROGRAM NAMES ninja-build ninja samu)
  if(NOT RunCMake_MAKE_PROGRAM)
    message(FATAL_ERROR "RunCMake: the cases are configured with the generator \"${RunCMake_GENERATOR}\", "
      "and no ninja is on PATH; install Ninja or give -DRunCMake_MAKE_PROGRAM=<ninja>.")
  endif()
endif()

include("${RunCMake_SOURCE_DIR}/Check.cmake")

# Seconds since the epoch, with microseconds where CMake has %f (3.23+).
function(_runcmake_now out)
  string(TIMESTAMP t "%s.%f" UTC)
  if(t MATCHES "%f")
    string(TIMESTAMP t "%s" UTC)
  endif()
  set(${out} "${t}" PARENT_SCOPE)
endfunction()

function(_runcmake_elapsed out start)
  _runcmake_now(end)
  # math() has integers only: milliseconds.
  string(REGEX REPLACE "\\.([0-9][0-9][0-9]).*$" "\\1" s_ms "${start}.000")
  string(REGEX REPLACE "\\.([0-9][0-9][0-9]).*$" "\\1" e_ms "${end}.000")
  string(REGEX REPLACE "^0+([0-9])" "\\1" s_ms "${s_ms}")
  string(REGEX REPLACE "^0+([0-9])" "\\1" e_ms "${e_ms}")
  math(EXPR ms "${e_ms} - ${s_ms}")
  math(EXPR s "${ms} / 1000")
  math(EXPR frac "${ms} % 1000")
  string(LENGTH "${frac}" n)
  if(n EQUAL 1)
    set(frac "00${frac}")
  elseif(n EQUAL 2)
    set(frac "0${frac}")
  endif()
  set(${out} "${s}.${frac}" PARENT_SCOPE)
endfunction()

# KNOWN_BUGS.txt: "<group>/<case>  <what is wrong>" per line.
set(_runcmake_known_bugs "")
file(STRINGS "${RunCMake_SOURCE_DIR}/KNOWN_BUGS.txt" _lines ENCODING UTF-8)
foreach(_line IN LISTS _lines)
  if(_line MATCHES "^([A-Za-z0-9_]+/[A-Za-z0-9_]+)([ \t]|$)")
    list(APPEND _runcmake_known_bugs "${CMAKE_MATCH_1}")
  endif()
endforeach()

# The tripwires: programs that no configure step may start.  Each prints
# TRIPWIRE, appends its name and arguments to $MULTIARCH_TRIPWIRE_LOG and
# exits 99.  They come first on PATH for every case.
# (One folder per set of groups: CTest runs the groups in parallel.)
string(MD5 _key "${RunCMake_GROUP}")
string(SUBSTRING "${_key}" 0 8 _key)
set(RunCMake_TRIPWIRE_DIR "${RunCMake_BINARY_DIR}/tripwire-${_key}")
file(MAKE_DIRECTORY "${RunCMake_TRIPWIRE_DIR}")
foreach(_prog docker git cosign buildctl buildkitd kubectl multiarch-audit docker-buildx)
  file(WRITE "${RunCMake_TRIPWIRE_DIR}/${_prog}"
"#!/bin/sh
echo \"TRIPWIRE: ${_prog} $*\"
echo \"TRIPWIRE: ${_prog} $*\" >&2
if [ -n \"$MULTIARCH_TRIPWIRE_LOG\" ]; then echo \"${_prog} $*\" >> \"$MULTIARCH_TRIPWIRE_LOG\"; fi
exit 99
")
  file(CHMOD "${RunCMake_TRIPWIRE_DIR}/${_prog}"
    PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
set(ENV{PATH} "${RunCMake_TRIPWIRE_DIR}:$ENV{PATH}")
# Nothing of the caller's environment may steer a case.
foreach(_var DOCKER_HOST DOCKER_CONFIG BUILDX_BUILDER SOURCE_DATE_EPOCH COSIGN_PASSWORD
             CMAKE_GENERATOR CMAKE_PREFIX_PATH CMAKE_TOOLCHAIN_FILE CMAKE_BUILD_TYPE)
  unset(ENV{${_var}})
endforeach()

# Indents every line of <text> with <prefix>.
function(_runcmake_indent out prefix text)
  string(REGEX REPLACE "\n$" "" text "${text}")
  string(REPLACE "\n" "\n${prefix}" text "${text}")
  set(${out} "${prefix}${text}" PARENT_SCOPE)
endfunction()

# The regular expressions of an expectation file, one per line.
function(_runcmake_read_regexes file out)
  file(READ "${file}" text)
  string(REPLACE "\r" "" text "${text}")
  # One element per line; a ";" in a regex must stay a ";".
  string(REPLACE ";" "\\;" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(result "")
  foreach(line IN LISTS lines)
    if(line STREQUAL "" OR line MATCHES "^#")
      continue()
    endif()
    string(REPLACE ";" "\\;" line "${line}")
    list(APPEND result "${line}")
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# Fails (appends to <failures>) unless every regex of <file> matches <text>.
function(_runcmake_match_file out_var what file text)
  set(msg "${${out_var}}")
  _runcmake_read_regexes("${file}" regexes)
  string(REGEX REPLACE "[ \t\r\n]+" " " flat "${text}")
  string(STRIP "${flat}" flat)
  set(missed "")
  foreach(re IN LISTS regexes)
    if(NOT flat MATCHES "${re}")
      string(APPEND missed "      ${re}\n")
    endif()
  endforeach()
  if(NOT missed STREQUAL "")
    get_filename_component(fname "${file}" NAME)
    _runcmake_indent(actual "      | " "${text}")
    string(APPEND msg "  ${what} does not match ${fname}.\n"
      "    expected to match (each line, white space flattened):\n${missed}"
      "    actual ${what}:\n${actual}\n")
  endif()
  set(${out_var} "${msg}" PARENT_SCOPE)
endfunction()

set(_runcmake_passed 0)
set(_runcmake_failed "")
set(_runcmake_skipped "")
set(_runcmake_known_passing "")

# run_cmake(<case>): configures the case and compares.  Reads, if set in
# the calling RunCMakeTest.cmake: RunCMake_TEST_OPTIONS (more -D arguments).
function(run_cmake case)
  set(id "${RunCMake_TEST_GROUP}/${case}")
  if(NOT RunCMake_CASES STREQUAL "" AND NOT case MATCHES "${RunCMake_CASES}" AND NOT id MATCHES "${RunCMake_CASES}")
    return()
  endif()
  set(known FALSE)
  if(id IN_LIST _runcmake_known_bugs)
    set(known TRUE)
  endif()
  if((known AND RunCMake_KNOWN_BUGS STREQUAL "OFF") OR (NOT known AND RunCMake_KNOWN_BUGS STREQUAL "ONLY"))
    if(known)
      list(APPEND _runcmake_skipped "${id}")
      set(_runcmake_skipped "${_runcmake_skipped}" PARENT_SCOPE)
    endif()
    return()
  endif()

  set(group_dir "${RunCMake_SOURCE_DIR}/${RunCMake_TEST_GROUP}")
  set(RunCMake_TEST_SOURCE_DIR "${group_dir}")
  if(EXISTS "${group_dir}/${case}/CMakeLists.txt")
    set(RunCMake_TEST_SOURCE_DIR "${group_dir}/${case}")
  elseif(NOT EXISTS "${group_dir}/${case}.cmake")
    message(FATAL_ERROR "RunCMake: case ${id} has neither ${case}.cmake nor ${case}/CMakeLists.txt.")
  endif()
  set(RunCMake_TEST_BINARY_DIR "${RunCMake_BINARY_DIR}/${RunCMake_TEST_GROUP}/${case}-build")
  file(REMOVE_RECURSE "${RunCMake_TEST_BINARY_DIR}")
  file(MAKE_DIRECTORY "${RunCMake_TEST_BINARY_DIR}")
  set(tripwire_log "${RunCMake_BINARY_DIR}/${RunCMake_TEST_GROUP}/${case}-tripwire.log")
  file(REMOVE "${tripwire_log}")
  set(ENV{MULTIARCH_TRIPWIRE_LOG} "${tripwire_log}")

  file(GLOB_RECURSE source_before LIST_DIRECTORIES true "${group_dir}/*")

  set(cmd "${CMAKE_COMMAND}" -S "${RunCMake_TEST_SOURCE_DIR}" -B "${RunCMake_TEST_BINARY_DIR}"
    -G "${RunCMake_GENERATOR}" --no-warn-unused-cli)
  if(DEFINED RunCMake_MAKE_PROGRAM AND NOT RunCMake_MAKE_PROGRAM STREQUAL "")
    list(APPEND cmd "-DCMAKE_MAKE_PROGRAM=${RunCMake_MAKE_PROGRAM}")
  endif()
  list(APPEND cmd "-DRunCMake_TEST=${case}" "-DRunCMake_SOURCE_DIR=${RunCMake_SOURCE_DIR}"
    "-DRunCMake_MODULE_DIR=${RunCMake_MODULE_DIR}" "-DRunCMake_PACKAGE_DIR=${RunCMake_PACKAGE_DIR}"
    "-DRunCMake_TRIPWIRE_DIR=${RunCMake_TRIPWIRE_DIR}"
    ${RunCMake_TEST_OPTIONS})
  _runcmake_now(start)
  execute_process(COMMAND ${cmd}
    WORKING_DIRECTORY "${RunCMake_TEST_BINARY_DIR}"
    RESULT_VARIABLE actual_result OUTPUT_VARIABLE actual_stdout ERROR_VARIABLE actual_stderr
    TIMEOUT 120)
  _runcmake_elapsed(seconds "${start}")
  unset(ENV{MULTIARCH_TRIPWIRE_LOG})
  string(REPLACE "\r\n" "\n" actual_stdout "${actual_stdout}")
  string(REPLACE "\r\n" "\n" actual_stderr "${actual_stderr}")
  # Written for the -check.cmake files and for reading after a failure.
  file(WRITE "${RunCMake_TEST_BINARY_DIR}/../${case}-stdout.log" "${actual_stdout}")
  file(WRITE "${RunCMake_TEST_BINARY_DIR}/../${case}-stderr.log" "${actual_stderr}")

  set(failures "")
  set(expected_result 0)
  if(EXISTS "${group_dir}/${case}-result.txt")
    file(STRINGS "${group_dir}/${case}-result.txt" expected_result LIMIT_COUNT 1)
    string(STRIP "${expected_result}" expected_result)
  endif()
  if(NOT "${actual_result}" STREQUAL "${expected_result}")
    string(APPEND failures "  exit code: expected ${expected_result}, actual ${actual_result}\n")
  endif()

  if(EXISTS "${group_dir}/${case}-stderr.txt")
    _runcmake_match_file(failures "stderr" "${group_dir}/${case}-stderr.txt" "${actual_stderr}")
  else()
    string(STRIP "${actual_stderr}" stripped)
    if(NOT stripped STREQUAL "")
      _runcmake_indent(actual "      + " "${actual_stderr}")
      string(APPEND failures "  stderr: expected none (no ${case}-stderr.txt), actual:\n${actual}\n")
    endif()
  endif()
  if(EXISTS "${group_dir}/${case}-stdout.txt")
    _runcmake_match_file(failures "stdout" "${group_dir}/${case}-stdout.txt" "${actual_stdout}")
  endif()

  if(EXISTS "${tripwire_log}" OR "${actual_stdout}${actual_stderr}" MATCHES "TRIPWIRE")
    set(log "")
    if(EXISTS "${tripwire_log}")
      file(READ "${tripwire_log}" log)
    endif()
    _runcmake_indent(log "      ! " "${log}")
    string(APPEND failures "  TRIPWIRE: configuring started a program it must not start "
      "(docker, git, cosign, ...):\n${log}\n")
  endif()

  file(GLOB_RECURSE source_after LIST_DIRECTORIES true "${group_dir}/*")
  if(NOT source_after STREQUAL source_before)
    set(new_files "${source_after}")
    list(REMOVE_ITEM new_files ${source_before})
    string(JOIN "\n      ! " new_files ${new_files})
    string(APPEND failures "  configuring changed the source tree ${group_dir}:\n      ! ${new_files}\n")
  endif()

  set(generated FALSE)
  foreach(f build.ninja Makefile)
    if(EXISTS "${RunCMake_TEST_BINARY_DIR}/${f}")
      set(generated TRUE)
    endif()
  endforeach()
  if(expected_result STREQUAL "0" AND NOT generated)
    string(APPEND failures "  no build system was generated in ${RunCMake_TEST_BINARY_DIR}\n")
  elseif(NOT expected_result STREQUAL "0" AND generated)
    string(APPEND failures "  the configure step was expected to fail, yet a build system was generated\n")
  endif()

  if(EXISTS "${group_dir}/${case}-check.cmake")
    set(RunCMake_TEST_FAILED "")
    set(RunCMake_TEST_STDOUT "${actual_stdout}")
    set(RunCMake_TEST_STDERR "${actual_stderr}")
    include("${group_dir}/${case}-check.cmake")
    if(NOT RunCMake_TEST_FAILED STREQUAL "")
      _runcmake_indent(text "    " "${RunCMake_TEST_FAILED}")
      string(APPEND failures "  ${case}-check.cmake:\n${text}\n")
    endif()
  endif()

  if(failures STREQUAL "")
    math(EXPR n "${_runcmake_passed} + 1")
    set(_runcmake_passed ${n} PARENT_SCOPE)
    set(tag "")
    if(known)
      set(tag "  (KNOWN_BUGS.txt lists it: it passes now, move it in)")
      list(APPEND _runcmake_known_passing "${id}")
      set(_runcmake_known_passing "${_runcmake_known_passing}" PARENT_SCOPE)
    endif()
    message("-- ${id} - passed (${seconds} s)${tag}")
  else()
    list(APPEND _runcmake_failed "${id}")
    set(_runcmake_failed "${_runcmake_failed}" PARENT_SCOPE)
    string(JOIN "\" \"" shown ${cmd})
    set(tag "")
    if(known)
      set(tag " (a known bug, KNOWN_BUGS.txt)")
    endif()
    message("-- ${id} - FAILED${tag} (${seconds} s)\n${failures}"
      "  command: \"${shown}\"\n"
      "  logs: ${RunCMake_TEST_BINARY_DIR}/../${case}-stderr.log, ...-stdout.log\n")
  endif()
endfunction()

# The groups: every folder with a RunCMakeTest.cmake, or those named.
if(RunCMake_GROUP STREQUAL "ALL")
  file(GLOB _tests RELATIVE "${RunCMake_SOURCE_DIR}" "${RunCMake_SOURCE_DIR}/*/RunCMakeTest.cmake")
  set(RunCMake_GROUP "")
  foreach(_t IN LISTS _tests)
    get_filename_component(_g "${_t}" DIRECTORY)
    list(APPEND RunCMake_GROUP "${_g}")
  endforeach()
  list(SORT RunCMake_GROUP)
endif()

_runcmake_now(_runcmake_start)
foreach(RunCMake_TEST_GROUP IN LISTS RunCMake_GROUP)
  if(NOT EXISTS "${RunCMake_SOURCE_DIR}/${RunCMake_TEST_GROUP}/RunCMakeTest.cmake")
    message(FATAL_ERROR "RunCMake: no group \"${RunCMake_TEST_GROUP}\" "
      "(${RunCMake_SOURCE_DIR}/${RunCMake_TEST_GROUP}/RunCMakeTest.cmake).")
  endif()
  file(MAKE_DIRECTORY "${RunCMake_BINARY_DIR}/${RunCMake_TEST_GROUP}")
  unset(RunCMake_TEST_OPTIONS)
  include("${RunCMake_SOURCE_DIR}/${RunCMake_TEST_GROUP}/RunCMakeTest.cmake")
endforeach()
_runcmake_elapsed(_runcmake_seconds "${_runcmake_start}")

list(LENGTH _runcmake_failed _nfailed)
list(LENGTH _runcmake_skipped _nskipped)
string(JOIN " " _groups ${RunCMake_GROUP})
set(_summary "RunCMake ${_groups}: ${_runcmake_passed} passed, ${_nfailed} failed")
if(_nskipped GREATER 0)
  string(APPEND _summary ", ${_nskipped} known bugs skipped (KNOWN_BUGS.txt; -DRunCMake_KNOWN_BUGS=ONLY runs them)")
endif()
string(APPEND _summary ", in ${_runcmake_seconds} s.")
if(_runcmake_known_passing)
  string(JOIN "\n  " _text ${_runcmake_known_passing})
  string(APPEND _summary "\nListed in KNOWN_BUGS.txt but passing now (remove them there):\n  ${_text}")
endif()
if(_nfailed GREATER 0)
  string(JOIN "\n  " _text ${_runcmake_failed})
  message(FATAL_ERROR "${_summary}\nFailed:\n  ${_text}")
endif()
message("${_summary}")
