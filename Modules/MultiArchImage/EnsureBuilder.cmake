# Creates the builder declared by add_multiarch_builder if it does not
# exist, recreates it if this build tree created it with other options, and
# bootstraps it.  By hand:
#
#   cmake -DMULTIARCH_BUILDER_FILE=<build>/multiarch-builders/<name>.cmake -P EnsureBuilder.cmake

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/Common.cmake")
if(NOT MULTIARCH_BUILDER_FILE OR NOT EXISTS "${MULTIARCH_BUILDER_FILE}")
  _multiarch_die("EnsureBuilder.cmake needs -DMULTIARCH_BUILDER_FILE=<file written by add_multiarch_builder>.")
endif()
include("${MULTIARCH_BUILDER_FILE}")
set(docker "${MULTIARCH_DOCKER}")
set(name "${MULTIARCH_BUILDER_NAME}")
_multiarch_require_buildx("${docker}")

set(create "${docker}" buildx create --name "${name}" --driver "${MULTIARCH_BUILDER_DRIVER}" --bootstrap)
foreach(o IN LISTS MULTIARCH_BUILDER_DRIVER_OPTS)
  list(APPEND create --driver-opt "${o}")
endforeach()
if(MULTIARCH_BUILDER_CONFIG)
  list(APPEND create --buildkitd-config "${MULTIARCH_BUILDER_CONFIG}")
  file(SHA256 "${MULTIARCH_BUILDER_CONFIG}" config_hash)
endif()
# What this build tree last created the builder with; a change means drift.
string(SHA256 wanted "${create};${config_hash}")
set(record "${MULTIARCH_BUILDER_FILE}.created")

_multiarch_capture(i "${docker}" buildx inspect "${name}")
if(i_rc EQUAL 0)
  set(previous "")
  if(EXISTS "${record}")
    file(READ "${record}" previous)
  endif()
  string(REGEX MATCH "Driver:[ \t]*([^\n]*)" _ "${i_out}")
  set(driver "${CMAKE_MATCH_1}")
  if((previous AND NOT previous STREQUAL wanted) OR NOT driver STREQUAL MULTIARCH_BUILDER_DRIVER)
    message(STATUS "multiarch: builder ${name} differs from its declaration; creating it anew")
    _multiarch_capture(rm "${docker}" buildx rm --force "${name}")
    if(NOT rm_rc EQUAL 0)
      _multiarch_die("cannot remove builder ${name} to recreate it: ${rm_err}")
    endif()
  else()
    _multiarch_capture(b "${docker}" buildx inspect --bootstrap "${name}")
    if(NOT b_rc EQUAL 0)
      _multiarch_die("builder ${name} exists but does not start: ${b_err}Fix: docker buildx rm ${name}, "
        "then build again to recreate it.")
    endif()
    message(STATUS "multiarch: builder ${name} is ready")
    return()
  endif()
endif()
message(STATUS "multiarch: creating builder ${name} (driver ${MULTIARCH_BUILDER_DRIVER})")
execute_process(COMMAND ${create} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  _multiarch_die("docker buildx create --name ${name} failed (exit ${rc}); see the output above. "
    "Check DRIVER_OPTS (e.g. image=<a BuildKit image this host can pull or has>).")
endif()
file(WRITE "${record}" "${wanted}")
