# The <name>[signature] test of add_multiarch_image(... VERIFY_KEY): runs
# cosign verify with that key against the index digest recorded in
# <name>.image.json (and, with SIGN_RECURSIVE, every platform's manifest).
# Run by CTest (ctest -L signature, after <name>-promote signed); by hand:
#
#   cmake -DMULTIARCH_INPUT_FILE=<build>/<name>.multiarch/signature.cmake -P Scripts/Verify.cmake

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/../ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../RegistryClient.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../Cosign.cmake")
_multiarch_read_input(Verify.cmake add_multiarch_image)

function(_multiarch_verify_main)
  set(name "${MULTIARCH_NAME}")
  set(repo "${MULTIARCH_REPOSITORY}")
  _multiarch_require_cosign("the test ${name}[signature]" major)
  _multiarch_built_digest("${MULTIARCH_IMAGE_JSON}" "${name}" "${MULTIARCH_BUILD_DIR}" digest)
  set(refs "${repo}@${digest}")
  if(MULTIARCH_SIGN_RECURSIVE)
    file(READ "${MULTIARCH_IMAGE_JSON}" image)
    string(JSON count LENGTH "${image}" platforms)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON platform MEMBER "${image}" platforms ${i})
      string(JSON manifest GET "${image}" platforms "${platform}")
      list(APPEND refs "${repo}@${manifest}")
    endforeach()
  endif()
  set(failed "")  # text, not a list: cosign's messages may hold ";"
  foreach(ref IN LISTS refs)
    _multiarch_cosign_verify("${ref}" "${MULTIARCH_VERIFY_KEY}" ok why)
    if(ok)
      message(STATUS "multiarch: ${ref} carries a valid signature for ${MULTIARCH_VERIFY_KEY}")
    else()
      string(APPEND failed "\n  ${ref}: ${why}")
    endif()
  endforeach()
  if(failed)
    _multiarch_die("${name}[signature] FAILED: no valid signature for VERIFY_KEY "
      "${MULTIARCH_VERIFY_KEY} on${failed}\nThe image in ${MULTIARCH_IMAGE_JSON} is signed by "
      "promotion (cmake --build ${MULTIARCH_BUILD_DIR} --target ${name}-promote, with SIGN_KEY and "
      "passing ctest -L multiarch); a digest built since, or another key, fails here.")
  endif()
endfunction()

_multiarch_verify_main()
