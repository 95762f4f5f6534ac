# Private: the work of add_multiarch_smoke_test: one test per platform
# (SmokeTest.cmake) and, with EXPECT_SAME_OUTPUT, the test that compares
# them (SameOutput.cmake).  Included by MultiArchImage.cmake; everything here
# may change.
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/Declare.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/GeneratedFiles.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Platforms.cmake")

function(_multiarch_smoke_test_declare image)
  set(single NAME EXPECT_OUTPUT TIMEOUT)
  set(lists COMMAND PLATFORMS ENV)
  cmake_parse_arguments(PARSE_ARGV 1 arg "EXPECT_SAME_OUTPUT" "${single}" "${lists}")
  _multiarch_given_empty(given_empty 1 single)  # ("": as if left out)
  set(where "add_multiarch_smoke_test(${image})")
  _multiarch_check_keywords(add_multiarch_smoke_test "${image}" "${arg_UNPARSED_ARGUMENTS}")
  set(keywords EXPECT_SAME_OUTPUT ${single} ${lists})
  _multiarch_check_list_brackets("${where}" 1 keywords lists)
  _multiarch_smoke_image_platforms("${where}" "${image}" image_platforms)
  if(NOT DEFINED arg_TIMEOUT)
    set(arg_TIMEOUT 60)
  endif()
  if(NOT arg_TIMEOUT MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "${where}: TIMEOUT \"${arg_TIMEOUT}\" is not a positive whole number of seconds.")
  endif()
  _multiarch_check_pairs(add_multiarch_smoke_test "${image}" ENV "${arg_ENV}")
  if(DEFINED arg_EXPECT_OUTPUT)
    _multiarch_smoke_check_regex("${where}" "${arg_EXPECT_OUTPUT}")
  endif()
  _multiarch_smoke_platforms("${where}" "${image_platforms}" "${arg_PLATFORMS}" "${arg_EXPECT_SAME_OUTPUT}"
    platforms)
  _multiarch_smoke_name("${where}" "${image}" "${arg_NAME}" count suffix)

  get_target_property(image_json ${image} MULTIARCH_IMAGE_JSON)
  get_target_property(repository ${image} MULTIARCH_REPOSITORY)
  set(state_dir "${CMAKE_CURRENT_BINARY_DIR}/${image}.multiarch")
  set(script_dir "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/Scripts")
  _multiarch_docker(docker)
  set(fixture "multiarch:${image}:smoke${count}")
  _multiarch_enable_testing()
  set(output_files "")
  set(test_names "")

  foreach(platform IN LISTS platforms)
    _multiarch_platform_parts("${platform}" os arch variant)
    string(REPLACE "/" "-" slug "${platform}")
    set(result_file "${state_dir}/results/smoke${count}-${slug}.digest")
    set(output_file "")
    if(arg_EXPECT_SAME_OUTPUT)
      set(output_file "${state_dir}/results/smoke${count}-${slug}.output")
      list(APPEND output_files "${output_file}")
    endif()
    set(test_file "${state_dir}/smoke${count}-${slug}.cmake")
    set(test_name "${image}[${platform}]${suffix}")
    set(content "")
    _multiarch_set_lines(content
      MULTIARCH_NAME "${image}"
      MULTIARCH_TEST_NAME "${test_name}"
      MULTIARCH_REPOSITORY "${repository}"
      MULTIARCH_IMAGE_JSON "${image_json}"
      MULTIARCH_PLATFORM "${platform}"
      MULTIARCH_COMMAND "${arg_COMMAND}"
      MULTIARCH_EXPECT_OUTPUT "${arg_EXPECT_OUTPUT}"
      MULTIARCH_TIMEOUT "${arg_TIMEOUT}"
      MULTIARCH_ENV "${arg_ENV}"
      MULTIARCH_RESULT_FILE "${result_file}"
      MULTIARCH_OUTPUT_FILE "${output_file}"
      MULTIARCH_SKIP_UNRUNNABLE "${MULTIARCH_SKIP_UNRUNNABLE}"
      MULTIARCH_DOCKER "${docker}"
      MULTIARCH_BUILD_DIR "${CMAKE_BINARY_DIR}")
    _multiarch_write_input("${test_file}" "add_multiarch_smoke_test(${image})" "${content}")

    list(APPEND test_names "${test_name}")
    add_test(NAME "${test_name}"
      COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_INPUT_FILE=${test_file}" -P "${script_dir}/SmokeTest.cmake")
    # The test's own TIMEOUT kills the container; CTest's is a backstop
    # that also covers pulling the image.
    math(EXPR ctest_timeout "${arg_TIMEOUT} + 300")
    set_tests_properties("${test_name}" PROPERTIES
      LABELS "multiarch;${arch}${variant}"
      TIMEOUT ${ctest_timeout}
      SKIP_REGULAR_EXPRESSION "MULTIARCH-SKIPPED:")
    if(arg_EXPECT_SAME_OUTPUT)
      set_tests_properties("${test_name}" PROPERTIES FIXTURES_SETUP "${fixture}")
    endif()
    set_property(TARGET ${image} APPEND PROPERTY MULTIARCH_REQUIRED_RESULTS
      "${platform}|${test_name}|${result_file}")
  endforeach()

  if(arg_EXPECT_SAME_OUTPUT)
    # One more test compares what the platforms printed; CTest runs it after
    # them (a fixture), also for ctest -R on it alone.
    set(test_name "${image}[same-output]${suffix}")
    set(result_file "${state_dir}/results/smoke${count}-same-output.digest")
    set(test_file "${state_dir}/smoke${count}-same-output.cmake")
    set(content "")
    _multiarch_set_lines(content
      MULTIARCH_NAME "${image}"
      MULTIARCH_TEST_NAME "${test_name}"
      MULTIARCH_IMAGE_JSON "${image_json}"
      MULTIARCH_TESTS "${test_names}"
      MULTIARCH_PLATFORMS "${platforms}"
      MULTIARCH_OUTPUT_FILES "${output_files}"
      MULTIARCH_RESULT_FILE "${result_file}"
      MULTIARCH_BUILD_DIR "${CMAKE_BINARY_DIR}")
    _multiarch_write_input("${test_file}" "add_multiarch_smoke_test(${image} ... EXPECT_SAME_OUTPUT)" "${content}")
    add_test(NAME "${test_name}"
      COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_INPUT_FILE=${test_file}" -P "${script_dir}/SameOutput.cmake")
    set_tests_properties("${test_name}" PROPERTIES
      LABELS "multiarch;same-output" FIXTURES_REQUIRED "${fixture}" TIMEOUT 60)
    set_property(TARGET ${image} APPEND PROPERTY MULTIARCH_REQUIRED_RESULTS
      "all platforms|${test_name}|${result_file}")
  endif()
endfunction()

# <out>: the platforms of image <image>, which must be one declared with
# add_multiarch_image.
function(_multiarch_smoke_image_platforms where image out)
  if(NOT TARGET "${image}")
    message(FATAL_ERROR "${where}: no image \"${image}\"; call add_multiarch_image(${image} ...) first.")
  endif()
  get_target_property(image_platforms ${image} MULTIARCH_PLATFORMS)
  if(image_platforms STREQUAL "image_platforms-NOTFOUND")
    message(FATAL_ERROR "${where}: target \"${image}\" is not an image declared with add_multiarch_image.")
  endif()
  set(${out} "${image_platforms}" PARENT_SCOPE)
endfunction()

# Catches a broken EXPECT_OUTPUT now rather than in every test (in a child:
# CMake stops at a broken regular expression instead of reporting it).
function(_multiarch_smoke_check_regex where regex)
  execute_process(COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_REGEX=${regex}"
    -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/Scripts/CheckRegex.cmake"
    RESULT_VARIABLE regex_rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT regex_rc EQUAL 0)
    message(FATAL_ERROR "${where}: EXPECT_OUTPUT \"${regex}\" is not a valid CMake "
      "regular expression; escape ( ) [ ] . * + ? ^ $ | \\ with a backslash where they are meant "
      "literally, e.g. EXPECT_OUTPUT \"hello \\\\(world\".")
  endif()
endfunction()

# <out>: the platforms to test: PLATFORMS (<given>) normalised, each one of
# the image's, else all of the image's; two at least with <same_output>.
function(_multiarch_smoke_platforms where image_platforms given same_output out)
  set(platforms "")
  if(NOT given)
    set(platforms "${image_platforms}")
  endif()
  foreach(p IN LISTS given)
    _multiarch_normalize_platform("${p}" norm error)
    if(error)
      message(FATAL_ERROR "${where}: ${error}")
    endif()
    if(NOT norm IN_LIST image_platforms)
      string(JOIN " " image_platform_text ${image_platforms})
      message(FATAL_ERROR "${where}: platform \"${p}\" is not a platform of the image "
        "(${image_platform_text}); remove it from PLATFORMS or add it to the image.")
    endif()
    list(APPEND platforms "${norm}")
  endforeach()
  list(LENGTH platforms platform_count)
  if(same_output AND platform_count LESS 2)
    message(FATAL_ERROR "${where}: EXPECT_SAME_OUTPUT compares the output of several platforms, "
      "but this test runs on ${platforms} only; remove EXPECT_SAME_OUTPUT or list more PLATFORMS.")
  endif()
  set(${out} "${platforms}" PARENT_SCOPE)
endfunction()

# This smoke test's number among the image's (<count_out>) and the suffix of
# its test names (<suffix_out>): none for the image's first,
# ":<name>" with NAME <name>, "#<n>" else; each once per image.
function(_multiarch_smoke_name where image name count_out suffix_out)
  get_property(count GLOBAL PROPERTY _MULTIARCH_SMOKE_COUNT_${image})
  if(NOT count)
    set(count 0)
  endif()
  math(EXPR count "${count} + 1")
  set_property(GLOBAL PROPERTY _MULTIARCH_SMOKE_COUNT_${image} ${count})
  set(suffix "")
  if(NOT name STREQUAL "")
    if(NOT name MATCHES "^[A-Za-z0-9_.+-]+$")
      message(FATAL_ERROR "${where}: NAME \"${name}\" is not a valid test name part; use "
        "letters, digits and _ . + -, e.g. NAME version.")
    endif()
    set(suffix ":${name}")
  elseif(count GREATER 1)
    set(suffix "#${count}")
  endif()
  get_property(names GLOBAL PROPERTY _MULTIARCH_SMOKE_NAMES_${image})
  if("${suffix}" IN_LIST names)
    message(FATAL_ERROR "${where}: another smoke test of ${image} already has the name "
      "\"${image}[<platform>]${suffix}\"; give this one its own NAME.")
  endif()
  set_property(GLOBAL APPEND PROPERTY _MULTIARCH_SMOKE_NAMES_${image} "${suffix}")
  set(${count_out} "${count}" PARENT_SCOPE)
  set(${suffix_out} "${suffix}" PARENT_SCOPE)
endfunction()
