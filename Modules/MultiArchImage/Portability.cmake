# Private: declares the portability checks of add_multiarch_image (the
# context check before the push, one audit test per platform after it).
# Included by the module; the work is done at build and test time by
# CheckContext.cmake and AuditVariant.cmake with the multiarch-audit tool
# (tools/multiarch-audit, target MultiArchImage::audit).
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/Declare.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/GeneratedFiles.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Platforms.cmake")

set(MULTIARCH_PORTABILITY_CHECK "ERROR" CACHE STRING
  "Default PORTABILITY_CHECK of add_multiarch_image: ERROR, WARN or OFF")
set_property(CACHE MULTIARCH_PORTABILITY_CHECK PROPERTY STRINGS ERROR WARN OFF)

# Checks PORTABILITY_CHECK and PORTABILITY_ALLOW of image <name>, writes
# <file> (image.cmake names it: BuildImage.cmake runs the context check from
# it) and <state_dir>/audit-<platform>.cmake, the input of each audit test,
# creates the target <name>-check and one audit test per platform, and sets
# <results_out> to the entries "<platform>|<test>|<result file>" that
# promotion requires (MULTIARCH_REQUIRED_RESULTS).
function(_multiarch_portability_declare name platforms image_file file state_dir depends mode allow
         results_out)
  set(source "PORTABILITY_CHECK")
  if("${mode}" STREQUAL "")
    set(mode "${MULTIARCH_PORTABILITY_CHECK}")
    set(source "the cache variable MULTIARCH_PORTABILITY_CHECK")
  endif()
  string(TOUPPER "${mode}" upper)
  if(NOT upper MATCHES "^(ERROR|WARN|OFF)$")
    _multiarch_fail("${name}" "${source} \"${mode}\" is not ERROR, WARN or OFF; "
      "ERROR (the default) stops the build on a definite finding, WARN reports it, OFF checks nothing.")
  endif()
  set(mode "${upper}")
  # The rules of multiarch-audit (tools/multiarch-audit/src/findings.cpp),
  # function-local as the module may be included in another directory's
  # scope; BuildKit's own checks are CamelCase names (FromAsCasing, ...).
  set(rules elf-for-every-platform elf-wrong-platform from-fixed-platform fixed-arch-url
    fixed-arch-repository dpkg-add-architecture foreign-arch-package build-stage-copy
    buildkit-error foreign-elf elf-compat malformed-elf missing-interpreter interpreter-not-in-path
    missing-library missing-symbol-version undefined-symbol missing-entrypoint)
  foreach(entry IN LISTS allow)
    string(REGEX REPLACE ":.*" "" rule "${entry}")
    if(NOT rule IN_LIST rules AND NOT rule MATCHES "^[A-Z][A-Za-z0-9]*$")
      string(JOIN ", " known ${rules})
      _multiarch_fail("${name}" "PORTABILITY_ALLOW \"${entry}\": unknown rule \"${rule}\"; write "
        "<rule>[:<glob>] with one of ${known}, or a BuildKit check name such as FromAsCasing.")
    endif()
  endforeach()

  set(content "")
  _multiarch_set_lines(content
    MULTIARCH_PORTABILITY_CHECK "${mode}"
    MULTIARCH_PORTABILITY_ALLOW "${allow}")
  _multiarch_write_input("${file}" "add_multiarch_image(${name})" "${content}")

  set(scripts "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/Scripts")
  set(${results_out} "" PARENT_SCOPE)
  if(mode STREQUAL "OFF")
    add_custom_target(${name}-check
      COMMAND "${CMAKE_COMMAND}" -E echo "multiarch: PORTABILITY_CHECK is OFF for image ${name}"
      VERBATIM)
    return()
  endif()
  set(tool "$<TARGET_FILE:MultiArchImage::audit>")
  set(check
    "${CMAKE_COMMAND}" "-DMULTIARCH_INPUT_FILE=${image_file}" "-DMULTIARCH_AUDIT_TOOL=${tool}"
    -P "${scripts}/CheckContext.cmake")
  # Alone, the check runs every time: after what builds the context.
  add_custom_target(${name}-check
    COMMAND ${check}
    DEPENDS ${depends}
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
    COMMENT "Checking the Dockerfile and build context of ${name} for portability"
    USES_TERMINAL VERBATIM)

  _multiarch_enable_testing()
  set(results "")
  foreach(platform IN LISTS platforms)
    _multiarch_platform_parts("${platform}" os arch variant)
    string(REPLACE "/" "-" slug "${platform}")
    set(test "${name}[${platform}]audit")
    set(result "${state_dir}/results/audit-${slug}.digest")
    set(input "${state_dir}/audit-${slug}.cmake")
    set(content "")
    _multiarch_set_lines(content
      MULTIARCH_IMAGE_FILE "${image_file}"
      MULTIARCH_PLATFORM "${platform}"
      MULTIARCH_RESULT_FILE "${result}")
    _multiarch_write_input("${input}" "add_multiarch_image(${name})" "${content}")
    add_test(NAME "${test}"
      COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_INPUT_FILE=${input}" "-DMULTIARCH_AUDIT_TOOL=${tool}"
              -P "${scripts}/AuditVariant.cmake")
    set_tests_properties("${test}" PROPERTIES LABELS "multiarch;${arch}${variant};audit" TIMEOUT 1800)
    list(APPEND results "${platform}|${test}|${result}")
  endforeach()
  set(${results_out} "${results}" PARENT_SCOPE)
endfunction()
