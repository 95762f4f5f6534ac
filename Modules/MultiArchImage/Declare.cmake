# Private: configure-time helpers of the Declare*.cmake rooms (checks,
# messages, the generated files' writers).  Included by MultiArchImage.cmake;
# everything here may change.
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/GeneratedFiles.cmake")

# The docker CLI may be installed after configuring; fall back to the name
# so the build step reports it missing with a useful message.
function(_multiarch_docker out)
  if(MULTIARCH_DOCKER_EXECUTABLE)
    set(${out} "${MULTIARCH_DOCKER_EXECUTABLE}" PARENT_SCOPE)
  else()
    set(${out} docker PARENT_SCOPE)
  endif()
endfunction()

function(_multiarch_fail name)
  # ARGV<i>, not ARGN: a ";" in the message must stay a ";".
  set(msg "")
  math(EXPR last "${ARGC} - 1")
  foreach(i RANGE 1 ${last})
    string(APPEND msg "${ARGV${i}}")
  endforeach()
  message(FATAL_ERROR "add_multiarch_image(${name}): ${msg}")
endfunction()

# Stops CMake when a value of a list keyword holds unequal numbers of "["
# and "]".  In a CMake list an unmatched bracket keeps the ";" after it
# from separating (cmake-language(7), "Lists"), so such a value would reach
# Docker merged with every argument after it (BUILD_ARGS "A=x]" "B=2": one
# build argument "A=x];B=2;--label;..."), silently.  <where>: the call, for
# the message; <first>: the index of the caller's first argument to check;
# <keywords>, <lists>: names of variables holding all the call's keywords
# and those whose values are lists.  A macro, to read the caller's ARGV<i>
# (its own arguments whole); it stops at the caller's ARGC.
macro(_multiarch_check_list_brackets where first keywords lists)
  set(_mcb_keyword "")
  set(_mcb_argc_name ARGC)
  set(_mcb_i ${first})
  while(_mcb_i LESS ${_mcb_argc_name})
    # (string(CONCAT): set() would take a value CACHE or PARENT_SCOPE.)
    string(CONCAT _mcb_value "${ARGV${_mcb_i}}")
    if(_mcb_value IN_LIST ${keywords})
      string(CONCAT _mcb_keyword "${_mcb_value}")
    elseif(_mcb_keyword IN_LIST ${lists})
      string(REGEX REPLACE "[^[]" "" _mcb_open "${_mcb_value}")
      string(REGEX REPLACE "[^]]" "" _mcb_close "${_mcb_value}")
      string(LENGTH "${_mcb_open}" _mcb_open)
      string(LENGTH "${_mcb_close}" _mcb_close)
      if(NOT _mcb_open EQUAL _mcb_close)
        message(FATAL_ERROR "${where}: ${_mcb_keyword} value \"${_mcb_value}\" holds ${_mcb_open} "
          "\"[\" and ${_mcb_close} \"]\". In a CMake list an unmatched bracket joins a value with "
          "the ones after it, so it would reach Docker merged with the next arguments. Fix: match "
          "every \"[\" with a \"]\" in the value, or pass it another way (e.g. an ARG default in "
          "the Dockerfile, or a file in the context).")
      endif()
    endif()
    math(EXPR _mcb_i "${_mcb_i} + 1")
  endwhile()
endmacro()

function(_multiarch_check_keywords command name unparsed)
  if(unparsed)
    cmake_path(GET CMAKE_CURRENT_FUNCTION_LIST_DIR PARENT_PATH modules)
    set(module "${modules}/MultiArchImage.cmake")
    list(GET unparsed 0 first)
    message(FATAL_ERROR "${command}(${name}): unknown argument \"${first}\". "
      "See the keywords documented in ${module}.")
  endif()
endfunction()

function(_multiarch_check_pairs command name keyword values)
  # GIVEN_EMPTY: the keyword was given only "", one empty value (which a
  # loop over the list would skip).
  set(given_empty FALSE)
  if(ARGC GREATER 4 AND "${ARGV4}" STREQUAL "GIVEN_EMPTY")
    set(given_empty TRUE)
  endif()
  set(checked "${values}")
  if(given_empty)
    set(checked "<empty>")
  endif()
  foreach(v IN LISTS checked)
    if(v STREQUAL "<empty>" AND given_empty)
      set(v "")
    elseif(v MATCHES "^[A-Za-z_][A-Za-z0-9_.-]*=")
      continue()
    endif()
    message(FATAL_ERROR "${command}(${name}): ${keyword} value \"${v}\" is not "
      "KEY=VALUE. Write it as ${keyword} MY_KEY=value (the key: letters, digits, _ . -).")
  endforeach()
endfunction()

# <out>: the file add_multiarch_builder(<name>) writes, which
# Scripts/EnsureBuilder.cmake and Scripts/BuildImage.cmake read; empty for
# an empty <name> (the current builder).
function(_multiarch_builder_file out name)
  if(name STREQUAL "")
    set(${out} "" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_BINARY_DIR}/multiarch-builders/${name}.cmake" PARENT_SCOPE)
  endif()
endfunction()

# The tests the package declares must reach ctest: at the end of
# configuring, testing is enabled in the directory that declares them and
# in every directory above it.  (A project added with add_subdirectory into
# one that never called enable_testing() would otherwise give ctest's "No
# tests were found", and promotion could never pass.)  Where the project
# turned testing off (the cache entry BUILD_TESTING OFF, from
# include(CTest)) or has a target named "test" of its own, testing stays
# off, with a warning.  Directories are named by their binary folder: one
# source folder may be added twice.
function(_multiarch_enable_testing)
  set(dir "${CMAKE_CURRENT_BINARY_DIR}")
  while(NOT dir STREQUAL "")
    get_property(scheduled DIRECTORY "${dir}" PROPERTY _MULTIARCH_TESTING_SCHEDULED)
    if(NOT scheduled)
      set_property(DIRECTORY "${dir}" PROPERTY _MULTIARCH_TESTING_SCHEDULED TRUE)
      cmake_language(DEFER DIRECTORY "${dir}" CALL _multiarch_enable_testing_here)
    endif()
    get_property(parent DIRECTORY "${dir}" PROPERTY PARENT_DIRECTORY)
    set(dir "")
    if(NOT parent STREQUAL "")
      get_property(dir DIRECTORY "${parent}" PROPERTY BINARY_DIR)
    endif()
  endwhile()
endfunction()

# A macro: enable_testing() sets a variable of the directory's own scope.
# (BUILD_TESTING as the cache holds it: a project may set an ordinary
# BUILD_TESTING OFF around a dependency it adds.)
macro(_multiarch_enable_testing_here)
  get_property(_multiarch_warned GLOBAL PROPERTY _MULTIARCH_TESTING_WARNED)
  if(CMAKE_TESTING_ENABLED)
    # enable_testing() or include(CTest) did it already.
  elseif(DEFINED CACHE{BUILD_TESTING} AND NOT "$CACHE{BUILD_TESTING}")
    if(NOT _multiarch_warned)
      set_property(GLOBAL PROPERTY _MULTIARCH_TESTING_WARNED TRUE)
      message(WARNING "MultiArchImage: BUILD_TESTING is OFF, so the smoke and audit tests of "
        "the images are not generated and their promotion cannot pass; configure with "
        "-DBUILD_TESTING=ON to test and promote them.")
    endif()
  elseif(TARGET test)
    message(WARNING "MultiArchImage: ${CMAKE_CURRENT_SOURCE_DIR} has a target named \"test\", "
      "which CTest needs for itself, so testing is not enabled there and ctest finds no test of "
      "its images; rename that target, or call enable_testing() where you want the tests.")
  else()
    enable_testing()
  endif()
endmacro()

# In the calling function, whose keywords cmake_parse_arguments put in
# arg_<keyword>: sets <out> to the single-value keywords of the list
# variable <single> that its arguments from <first> on give only "", and
# unsets their arg_<keyword>, so that such a keyword means what leaving it
# out means on every CMake version (from CMake 3.31, CMP0174 defines it as
# "").  A macro, to read the function's ARGV<i> and ARGC (computed names:
# a macro's own would be its own).
macro(_multiarch_given_empty out first single)
  set(${out} "")
  set(_multiarch_argc_name ARGC)
  math(EXPR _multiarch_stop "${${_multiarch_argc_name}} - 1")
  set(_multiarch_i ${first})
  while(_multiarch_i LESS _multiarch_stop)
    math(EXPR _multiarch_j "${_multiarch_i} + 1")
    if("${ARGV${_multiarch_j}}" STREQUAL "" AND "${ARGV${_multiarch_i}}" IN_LIST ${single})
      list(APPEND ${out} "${ARGV${_multiarch_i}}")
      unset(arg_${ARGV${_multiarch_i}})
    endif()
    math(EXPR _multiarch_i "${_multiarch_i} + 1")
  endwhile()
endmacro()

function(_multiarch_ensure_aggregate target comment)
  if(NOT TARGET ${target})
    add_custom_target(${target} COMMENT "${comment}")
  endif()
endfunction()
