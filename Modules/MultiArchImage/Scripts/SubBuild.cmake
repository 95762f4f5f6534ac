# Builds the ARTIFACTS targets for one platform: configures the project's
# source tree with the platform's toolchain file (none for a sub-build of
# the host's platform, which uses the host build's compilers) in its own
# build folder, from the initial cache the host build wrote (its options,
# see _multiarch_artifacts_propagated_cache), then MULTIARCH_SUBBUILD_CMAKE_ARGS
# and MULTIARCH_SUBBUILD_CMAKE_ARGS_<os>_<arch>[_<variant>] (once; again only
# when the toolchain, the generator, the arguments or the initial cache
# changed), then builds just those targets there.  The generator's own
# dependency checks make this a no-op when nothing changed, and recompile
# only what did.  Run by the target multiarch-subbuild-<platform>; by hand:
#
#   cmake -DMULTIARCH_INPUT_FILE=<build>/multiarch-subbuilds/linux-arm64.cmake -P Scripts/SubBuild.cmake
#
# The sub-build's cache holds MULTIARCH_SUBBUILD_PLATFORM=<platform>: there,
# add_multiarch_image declares no image and starts no sub-build.

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/../ScriptRuntime.cmake")
_multiarch_read_input(SubBuild.cmake add_multiarch_image)
set(platform "${MULTIARCH_PLATFORM}")
string(REGEX REPLACE "[/-]" "_" id "${platform}")
set(bin "${MULTIARCH_BINARY_DIR}")

if(NOT MULTIARCH_TOOLCHAIN_FILE STREQUAL "" AND NOT EXISTS "${MULTIARCH_TOOLCHAIN_FILE}")
  _multiarch_die("${platform} sub-build: toolchain file \"${MULTIARCH_TOOLCHAIN_FILE}\" does not exist; "
    "restore it or change TOOLCHAINS ${platform}=<file> and re-run CMake.")
endif()

# What makes a build folder unusable for another setting (CMake keeps the
# compiler of the first configure), and the whole configure command.
set(identity "${MULTIARCH_GENERATOR}|${MULTIARCH_GENERATOR_PLATFORM}|${MULTIARCH_GENERATOR_TOOLSET}|${MULTIARCH_TOOLCHAIN_FILE}")
set(configure "${CMAKE_COMMAND}" -S "${MULTIARCH_SOURCE_DIR}" -B "${bin}" -G "${MULTIARCH_GENERATOR}")
if(MULTIARCH_GENERATOR_PLATFORM)
  list(APPEND configure -A "${MULTIARCH_GENERATOR_PLATFORM}")
endif()
if(MULTIARCH_GENERATOR_TOOLSET)
  list(APPEND configure -T "${MULTIARCH_GENERATOR_TOOLSET}")
endif()
if(MULTIARCH_MAKE_PROGRAM)
  list(APPEND configure "-DCMAKE_MAKE_PROGRAM=${MULTIARCH_MAKE_PROGRAM}")
endif()
list(APPEND configure -C "${MULTIARCH_INITIAL_CACHE}")
if(NOT MULTIARCH_TOOLCHAIN_FILE STREQUAL "")
  list(APPEND configure "-DCMAKE_TOOLCHAIN_FILE=${MULTIARCH_TOOLCHAIN_FILE}")
endif()
if(MULTIARCH_CONFIGURATION_TYPES)
  string(REPLACE ";" "\\;" types_arg "${MULTIARCH_CONFIGURATION_TYPES}")
  list(APPEND configure "-DCMAKE_CONFIGURATION_TYPES=${types_arg}")
else()
  list(APPEND configure "-DCMAKE_BUILD_TYPE=${MULTIARCH_BUILD_TYPE}")
endif()
list(APPEND configure ${MULTIARCH_CMAKE_ARGS})
# The initial cache (the host build's options, the targets to build) is
# part of what must be applied again when it changes.
if(NOT EXISTS "${MULTIARCH_INITIAL_CACHE}")
  _multiarch_die("${platform} sub-build: ${MULTIARCH_INITIAL_CACHE} is missing; re-run CMake on the project.")
endif()
file(SHA256 "${MULTIARCH_INITIAL_CACHE}" cache_hash)
set(applied "${configure}|${cache_hash}")

set(identity_file "${bin}/multiarch-subbuild.identity")
set(command_file "${bin}/multiarch-subbuild.command")
set(old_identity "")
set(old_command "")
if(EXISTS "${identity_file}")
  file(READ "${identity_file}" old_identity)
endif()
if(EXISTS "${command_file}")
  file(READ "${command_file}" old_command)
endif()
if(EXISTS "${bin}/CMakeCache.txt" AND NOT old_identity STREQUAL identity)
  if(old_identity STREQUAL "")
    # No identity: the first configure of this folder did not finish.
    message(STATUS "multiarch: ${platform} sub-build: the last configure did not finish; configuring afresh")
  else()
    message(STATUS "multiarch: ${platform} sub-build: toolchain or generator changed; configuring afresh")
  endif()
  file(REMOVE "${bin}/CMakeCache.txt")
  file(REMOVE_RECURSE "${bin}/CMakeFiles")
endif()
if(NOT EXISTS "${bin}/CMakeCache.txt" OR NOT old_command STREQUAL applied)
  message(STATUS "multiarch: configuring the ${platform} sub-build in ${bin}")
  file(REMOVE "${command_file}")
  execute_process(COMMAND ${configure} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    _multiarch_die("the ${platform} sub-build of ${MULTIARCH_SOURCE_DIR} failed to configure with the "
      "toolchain file ${MULTIARCH_TOOLCHAIN_FILE} (exit ${rc}); see CMake's output above. Fix the "
      "toolchain file (TOOLCHAINS ${platform}=<file>) or the project; sub-builds see "
      "MULTIARCH_SUBBUILD_PLATFORM=${platform}, get this build's options (its BOOL and STRING cache "
      "entries) and MULTIARCH_SUBBUILD_CMAKE_ARGS, then MULTIARCH_SUBBUILD_CMAKE_ARGS_${id}.")
  endif()
  file(WRITE "${identity_file}" "${identity}")
  file(WRITE "${command_file}" "${applied}")
endif()

set(build "${CMAKE_COMMAND}" --build "${bin}")
if(NOT MULTIARCH_BUILD_ALL)  # INSTALL: everything, as `cmake --install` expects
  list(APPEND build --target ${MULTIARCH_TARGETS})
endif()
if(MULTIARCH_CONFIG)
  list(APPEND build --config "${MULTIARCH_CONFIG}")
endif()
execute_process(COMMAND ${build} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  string(JOIN " " targets_text ${MULTIARCH_TARGETS})
  if(MULTIARCH_BUILD_ALL)
    set(targets_text "the project")
  endif()
  _multiarch_die("building ${targets_text} for ${platform} in ${bin} failed (exit ${rc}); see the "
    "compiler's output above.")
endif()
