# Moves the PROMOTE_TAGS of one image to the index recorded in
# <name>.image.json, without rebuilding, only when every multiarch test of
# the image passed against that digest and every platform was tested.
# With SIGN_KEY, cosign signs that digest first; if signing fails, no tag
# moves.
# Run by <name>-promote; by hand:
#
#   cmake -DMULTIARCH_INPUT_FILE=<build>/<name>.multiarch/promote.cmake -P Scripts/Promote.cmake

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/../ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../RegistryClient.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../Cosign.cmake")
_multiarch_read_input(Promote.cmake add_multiarch_image)
include("${CMAKE_CURRENT_LIST_DIR}/../Metadata.cmake")
set(docker "${MULTIARCH_DOCKER}")
set(name "${MULTIARCH_NAME}")
set(repo "${MULTIARCH_REPOSITORY}")

if(NOT MULTIARCH_PROMOTE_TAGS)
  message(STATUS "multiarch: image ${name} has no PROMOTE_TAGS; nothing to promote")
  return()
endif()
set(MULTIARCH_COSIGN_NOTE " No tag moved.")  # ends every signing failure's message
if(MULTIARCH_SIGN_KEY)
  # Before anything else: a missing cosign or COSIGN_PASSWORD must not
  # surface after the checks below, or as cosign's password prompt.
  _multiarch_require_cosign("promoting ${name} with SIGN_KEY" cosign_major)
  _multiarch_require_key(SIGN_KEY "${MULTIARCH_SIGN_KEY}" TRUE)
endif()
_multiarch_read_built_image("${MULTIARCH_IMAGE_JSON}" "${name}" "${MULTIARCH_BUILD_DIR}" image digest
  " && ctest -L multiarch. No tag moved.")
_multiarch_promote_tags_of_build("${image}" "${MULTIARCH_PROMOTE_TAGS}" promote_tags promote_aliases
  version)
if(NOT MULTIARCH_REQUIRED_RESULTS)
  _multiarch_die("image ${name} has no tests; promotion needs add_multiarch_smoke_test(${name} ...) "
    "and passing runs of ctest -L multiarch. No tag moved.")
endif()

set(failed "")
set(tested "")
foreach(entry IN LISTS MULTIARCH_REQUIRED_RESULTS)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 platform)
  list(GET parts 1 test)
  list(GET parts 2 result)
  set(passed "")
  if(EXISTS "${result}")
    file(READ "${result}" passed)
  endif()
  if(passed STREQUAL digest)
    list(APPEND tested "${platform}")
  elseif(passed STREQUAL "")
    list(APPEND failed "${platform} (test ${test} failed or was not run)")
  else()
    list(APPEND failed "${platform} (test ${test} passed for ${passed}, not for the current ${digest})")
  endif()
endforeach()
string(JSON count LENGTH "${image}" platforms)
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON platform MEMBER "${image}" platforms ${i})
  set(has_test FALSE)
  foreach(entry IN LISTS MULTIARCH_REQUIRED_RESULTS)
    if(entry MATCHES "^([^|]+)\\|" AND CMAKE_MATCH_1 STREQUAL platform)
      set(has_test TRUE)
    endif()
  endforeach()
  if(NOT has_test)
    list(APPEND failed "${platform} (no test declared for it)")
  endif()
endforeach()
if(failed)
  list(REMOVE_DUPLICATES failed)
  string(JOIN "\n  " text ${failed})
  string(JOIN ", " tag_text ${promote_tags})
  _multiarch_die("refusing to promote ${repo}@${digest} to ${tag_text}: not every "
    "platform passed:\n  ${text}\nRun ctest -L multiarch (after building ${name}), which tests "
    "the current digest, and fix any failure. No tag moved.")
endif()

_multiarch_require_buildx("${docker}")
# SEMVER aliases never move backwards (Metadata.cmake).
_multiarch_keep_higher_aliases(promote_tags "${repo}" "${version}" "${promote_aliases}" "No tag moved.")
if(MULTIARCH_SIGN_KEY)
  # The tested digest, by digest: a tag could have moved since.
  _multiarch_cosign_sign("${repo}@${digest}" "${MULTIARCH_SIGN_KEY}" "${MULTIARCH_SIGN_RECURSIVE}")
  message(STATUS "multiarch: signed ${repo}@${digest} with ${MULTIARCH_SIGN_KEY}")
endif()
_multiarch_tag_index("${docker}" "${MULTIARCH_BUILDER}" "${repo}" "${digest}" ${promote_tags})
string(JOIN ", " tag_text ${promote_tags})
message(STATUS "multiarch: promoted ${repo}@${digest} to ${tag_text}")
