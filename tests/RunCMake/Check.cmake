# Helpers for the <case>-check.cmake files, included by RunCMake.cmake.
# A check runs inside run_cmake() with RunCMake_TEST_BINARY_DIR (the case's
# build folder), RunCMake_TEST_SOURCE_DIR, RunCMake_TEST_STDOUT and
# RunCMake_TEST_STDERR set, and fails by appending to RunCMake_TEST_FAILED
# (runcmake_fail does that).  Every helper fails the case, rather than the
# runner, when what it reads is missing or broken.
#
# Where the module writes its generated files (private paths: when they
# move, change them here only):
#   <build>/<image>.multiarch/image.cmake         runcmake_image_file()
#   <build>/<image>.multiarch/<other>.cmake        (portability, promote, signature,
#                                                  smoke<n>-<slug>, artifacts-<slug>)
#   <build>/multiarch-builders/<builder>.cmake     runcmake_builder_file()
#   <build>/multiarch-subbuilds/<slug>.cmake

# Appends its arguments, as one line, to RunCMake_TEST_FAILED in the
# caller's scope.
function(runcmake_fail)
  set(msg "")
  math(EXPR last "${ARGC} - 1")
  foreach(i RANGE 0 ${last})
    string(APPEND msg "${ARGV${i}}")
  endforeach()
  set(RunCMake_TEST_FAILED "${RunCMake_TEST_FAILED}${msg}\n" PARENT_SCOPE)
endfunction()

function(runcmake_image_file image out)
  set(${out} "${RunCMake_TEST_BINARY_DIR}/${image}.multiarch/image.cmake" PARENT_SCOPE)
endfunction()

function(runcmake_state_file image file out)
  set(${out} "${RunCMake_TEST_BINARY_DIR}/${image}.multiarch/${file}" PARENT_SCOPE)
endfunction()

function(runcmake_builder_file builder out)
  set(${out} "${RunCMake_TEST_BINARY_DIR}/multiarch-builders/${builder}.cmake" PARENT_SCOPE)
endfunction()

# Shows a value with its edges and line breaks visible (the first 400
# characters of a long one).
function(_runcmake_show out value)
  string(LENGTH "${value}" n)
  set(more "")
  if(n GREATER 400)
    string(SUBSTRING "${value}" 0 400 value)
    math(EXPR n "${n} - 400")
    set(more "... (${n} more characters)")
  endif()
  string(REPLACE "\n" "\\n" value "${value}")
  set(${out} "[${value}]${more}" PARENT_SCOPE)
endfunction()

# runcmake_read_vars(<file> <prefix> <var>...): includes <file> in a child
# `cmake -P` (a generated file that does not parse fails the case, not the
# runner) and sets <prefix>_<var> to each variable's value, exactly, and
# <prefix>_<var>_DEFINED to TRUE or FALSE; <prefix>_OK to whether it read.
macro(runcmake_read_vars _rv_file _rv_prefix)
  _runcmake_read_vars("${_rv_file}" "${_rv_prefix}" ${ARGN})
  if(NOT ${_rv_prefix}_OK)
    runcmake_fail("${${_rv_prefix}_ERROR}")
  endif()
endmacro()

function(_runcmake_read_vars file prefix)
  set(${prefix}_OK FALSE PARENT_SCOPE)
  if(NOT EXISTS "${file}")
    set(${prefix}_ERROR "generated file ${file} does not exist" PARENT_SCOPE)
    return()
  endif()
  string(MD5 key "${file}")
  set(dir "${RunCMake_TEST_BINARY_DIR}/../read-${key}")
  file(REMOVE_RECURSE "${dir}")
  file(MAKE_DIRECTORY "${dir}")
  string(JOIN ";" vars ${ARGN})
  execute_process(COMMAND "${CMAKE_COMMAND}" "-DRunCMake_FILE=${file}" "-DRunCMake_OUT=${dir}"
    "-DRunCMake_VARS=${vars}" -P "${RunCMake_SOURCE_DIR}/ReadVars.cmake"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    set(${prefix}_ERROR "generated file ${file} cannot be read back by CMake (include() failed):\n${err}"
      PARENT_SCOPE)
    return()
  endif()
  foreach(v IN LISTS ARGN)
    if(EXISTS "${dir}/${v}.value")
      file(READ "${dir}/${v}.value" value)
      set(${prefix}_${v} "${value}" PARENT_SCOPE)
      set(${prefix}_${v}_DEFINED TRUE PARENT_SCOPE)
    else()
      set(${prefix}_${v} "" PARENT_SCOPE)
      set(${prefix}_${v}_DEFINED FALSE PARENT_SCOPE)
    endif()
  endforeach()
  set(${prefix}_OK TRUE PARENT_SCOPE)
endfunction()

# runcmake_expect_var(<file> <var> <expected>): <var> as <file> sets it is
# exactly <expected>.  (Several in one file: runcmake_read_vars once.)
macro(runcmake_expect_var _ev_file _ev_var _ev_expected)
  runcmake_read_vars("${_ev_file}" _ev "${_ev_var}")
  if(_ev_OK)
    runcmake_expect_eq("${_ev_var} in ${_ev_file}" "${_ev_${_ev_var}}" "${_ev_expected}")
  endif()
endmacro()

# runcmake_expect_eq(<what> <actual> <expected>) (functions, not macros: a
# macro's arguments lose the "\" of a "\;" on the way)
function(runcmake_expect_eq what actual expected)
  if(NOT actual STREQUAL expected)
    _runcmake_show(a "${actual}")
    _runcmake_show(e "${expected}")
    runcmake_fail("${what}:\n  expected ${e}\n  actual   ${a}")
    set(RunCMake_TEST_FAILED "${RunCMake_TEST_FAILED}" PARENT_SCOPE)
  endif()
endfunction()

# runcmake_expect_match(<what> <actual> <regex>)
function(runcmake_expect_match what actual regex)
  if(NOT actual MATCHES "${regex}")
    _runcmake_show(a "${actual}")
    runcmake_fail("${what}:\n  expected to match ${regex}\n  actual ${a}")
    set(RunCMake_TEST_FAILED "${RunCMake_TEST_FAILED}" PARENT_SCOPE)
  endif()
endfunction()

# runcmake_expect_exists(<path>...) / runcmake_expect_missing(<path>...)
macro(runcmake_expect_exists)
  foreach(_ex_path ${ARGN})
    if(NOT EXISTS "${_ex_path}")
      runcmake_fail("expected ${_ex_path} to exist")
    endif()
  endforeach()
endmacro()
macro(runcmake_expect_missing)
  foreach(_ex_path ${ARGN})
    if(EXISTS "${_ex_path}")
      runcmake_fail("expected no ${_ex_path}")
    endif()
  endforeach()
endmacro()

# The targets of the generated build system (Ninja's phony rules of custom
# targets, and the outputs of the other targets).
function(runcmake_targets out)
  set(result "")
  set(ninja "${RunCMake_TEST_BINARY_DIR}/build.ninja")
  if(EXISTS "${ninja}")
    file(STRINGS "${ninja}" lines REGEX "^build [^ :$]+: phony")
    foreach(line IN LISTS lines)
      if(line MATCHES "^build ([^ :$]+): phony")
        list(APPEND result "${CMAKE_MATCH_1}")
      endif()
    endforeach()
  endif()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# runcmake_expect_targets(<target>...) and runcmake_expect_no_targets(<target>...)
macro(runcmake_expect_targets)
  runcmake_targets(_et_targets)
  foreach(_et_t ${ARGN})
    if(NOT _et_t IN_LIST _et_targets)
      runcmake_fail("expected a target ${_et_t} in the generated build system")
    endif()
  endforeach()
endmacro()
macro(runcmake_expect_no_targets)
  runcmake_targets(_et_targets)
  foreach(_et_t ${ARGN})
    if(_et_t IN_LIST _et_targets)
      runcmake_fail("expected no target ${_et_t} in the generated build system")
    endif()
  endforeach()
endmacro()

# The tests CTest sees in the case's build folder (ctest --show-only=json-v1),
# as <out> (names) and <out>_JSON (the document).
function(runcmake_tests out)
  get_filename_component(bin "${CMAKE_COMMAND}" DIRECTORY)
  execute_process(COMMAND "${bin}/ctest" --show-only=json-v1
    WORKING_DIRECTORY "${RunCMake_TEST_BINARY_DIR}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE json ERROR_VARIABLE err)
  set(names "")
  if(rc EQUAL 0)
    string(JSON n LENGTH "${json}" tests)
    if(n GREATER 0)
      math(EXPR last "${n} - 1")
      foreach(i RANGE ${last})
        string(JSON name GET "${json}" tests ${i} name)
        string(REPLACE ";" "\\;" name "${name}")
        list(APPEND names "${name}")
      endforeach()
    endif()
  endif()
  set(${out} "${names}" PARENT_SCOPE)
  set(${out}_JSON "${json}" PARENT_SCOPE)
endfunction()

# runcmake_test_property(<test> <property> <out>): a property of a test as
# CTest sees it (a list for LABELS, FIXTURES_*), <out>_FOUND whether set.
function(runcmake_test_property test property out)
  runcmake_tests(names)
  set(value "")
  set(found FALSE)
  list(FIND names "${test}" i)
  if(i GREATER -1)
    string(JSON np ERROR_VARIABLE err LENGTH "${names_JSON}" tests ${i} properties)
    if(NOT err AND np GREATER 0)
      math(EXPR last "${np} - 1")
      foreach(j RANGE ${last})
        string(JSON pname GET "${names_JSON}" tests ${i} properties ${j} name)
        if(pname STREQUAL property)
          set(found TRUE)
          string(JSON type TYPE "${names_JSON}" tests ${i} properties ${j} value)
          if(type STREQUAL "ARRAY")
            string(JSON nv LENGTH "${names_JSON}" tests ${i} properties ${j} value)
            if(nv GREATER 0)
              math(EXPR lastv "${nv} - 1")
              foreach(k RANGE ${lastv})
                string(JSON item GET "${names_JSON}" tests ${i} properties ${j} value ${k})
                list(APPEND value "${item}")
              endforeach()
            endif()
          else()
            string(JSON value GET "${names_JSON}" tests ${i} properties ${j} value)
          endif()
        endif()
      endforeach()
    endif()
  endif()
  set(${out} "${value}" PARENT_SCOPE)
  set(${out}_FOUND "${found}" PARENT_SCOPE)
endfunction()

# runcmake_expect_tests(<name>...): CTest has exactly these tests, in any order.
macro(runcmake_expect_tests)
  runcmake_tests(_et_tests)
  set(_et_want ${ARGN})
  list(SORT _et_want)
  set(_et_have "${_et_tests}")
  list(SORT _et_have)
  if(NOT "${_et_have}" STREQUAL "${_et_want}")
    string(JOIN "\n    " _et_w ${_et_want})
    string(JOIN "\n    " _et_h ${_et_have})
    runcmake_fail("CTest tests:\n  expected\n    ${_et_w}\n  actual\n    ${_et_h}")
  endif()
endmacro()

# runcmake_expect_test_property(<test> <property> <expected>) (LABELS and
# FIXTURES_* compared as sets)
macro(runcmake_expect_test_property _tp_test _tp_prop _tp_expected)
  runcmake_test_property("${_tp_test}" "${_tp_prop}" _tp_value)
  if(NOT _tp_value_FOUND)
    runcmake_fail("test ${_tp_test} has no property ${_tp_prop} (or no such test)")
  else()
    set(_tp_want "${_tp_expected}")
    if("${_tp_prop}" MATCHES "^(LABELS|FIXTURES_SETUP|FIXTURES_REQUIRED|FIXTURES_CLEANUP)$")
      list(SORT _tp_value)  # CTest reports these sorted
      list(SORT _tp_want)
    endif()
    if(_tp_value MATCHES "^[0-9]+\\.0*$")
      string(REGEX REPLACE "\\.0*$" "" _tp_value "${_tp_value}")  # TIMEOUT 360.0 is 360
    endif()
    runcmake_expect_eq("${_tp_prop} of test ${_tp_test}" "${_tp_value}" "${_tp_want}")
  endif()
endmacro()

# The target properties that the case recorded with
# runcmake_record_properties(<target> <property>...) (Prelude.cmake).
macro(runcmake_read_properties _rp_target _rp_prefix)
  runcmake_read_vars("${RunCMake_TEST_BINARY_DIR}/RunCMake-properties/${_rp_target}.cmake"
    "${_rp_prefix}" ${ARGN})
endmacro()

# runcmake_expect_vars(<file> <var> <expected> [<var> <expected>]...): each
# variable that <file> sets is exactly its expected value (a value may hold
# ";": give it as one quoted argument).  <file> is read once.
function(runcmake_expect_vars file)
  _runcmake_expect_pairs("${file}" 1)
  set(RunCMake_TEST_FAILED "${RunCMake_TEST_FAILED}" PARENT_SCOPE)
endfunction()

# runcmake_expect_properties(<target> <property> <expected> [...]): the
# target's properties as recorded by runcmake_record_properties().
function(runcmake_expect_properties target)
  _runcmake_expect_pairs("${RunCMake_TEST_BINARY_DIR}/RunCMake-properties/${target}.cmake" 1)
  set(RunCMake_TEST_FAILED "${RunCMake_TEST_FAILED}" PARENT_SCOPE)
endfunction()

# The body of the two above: reads the calling function's ARGV<i> from
# <first> on as <var> <expected> pairs (a macro, so that ${ARGV${i}} is the
# caller's: each argument whole, ";" included).
macro(_runcmake_expect_pairs _ep_file _ep_first)
  set(_ep_vars "")
  set(_ep_argc ARGC)  # the calling function's ARGC (a macro's own ${ARGC} is the macro's)
  math(EXPR _ep_last "${${_ep_argc}} - 1")
  foreach(_ep_i RANGE ${_ep_first} ${_ep_last} 2)
    list(APPEND _ep_vars "${ARGV${_ep_i}}")
  endforeach()
  _runcmake_read_vars("${_ep_file}" _ep ${_ep_vars})
  if(NOT _ep_OK)
    runcmake_fail("${_ep_ERROR}")
  else()
    foreach(_ep_i RANGE ${_ep_first} ${_ep_last} 2)
      math(EXPR _ep_j "${_ep_i} + 1")
      set(_ep_var "${ARGV${_ep_i}}")
      if(NOT _ep_${_ep_var}_DEFINED)
        runcmake_fail("${_ep_var} is not set in ${_ep_file}")
      else()
        runcmake_expect_eq("${_ep_var} in ${_ep_file}" "${_ep_${_ep_var}}" "${ARGV${_ep_j}}")
      endif()
    endforeach()
  endif()
endmacro()

# runcmake_read_file(<path> <out>): the file's content, or the case fails
# (and <out> is empty) when it does not exist.
macro(runcmake_read_file _rf_path _rf_out)
  set(${_rf_out} "")
  if(EXISTS "${_rf_path}")
    file(READ "${_rf_path}" ${_rf_out})
  else()
    runcmake_fail("expected ${_rf_path} to exist")
  endif()
endmacro()
