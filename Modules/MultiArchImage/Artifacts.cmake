# Private: the ARTIFACTS of add_multiarch_image.  Included by
# MultiArchImage.cmake; everything here may change.
#
# One build of the project per platform.  The platform the project itself
# is built for (the host build) uses the project's own targets.  For every
# other platform, the target multiarch-subbuild-<platform> configures the
# same source tree once more with that platform's toolchain file, in
# <build>/multiarch-subbuilds/<platform>/, and builds only the artifact
# targets there (SubBuild.cmake).  Sub-builds run in parallel where the
# generator runs targets in parallel (Ninja).  A sub-build gets
# -DMULTIARCH_SUBBUILD_PLATFORM=<platform>; there add_multiarch_image and
# the other commands declare nothing, so no sub-build starts another.
#
# Each build writes <its build dir>/multiarch-artifacts[-<config>].cmake, the
# paths of the artifact files it produced (file(GENERATE), at the end of
# configuring).  The target <image>-artifacts then copies them, and with
# RUNTIME_LIBRARIES COLLECT the shared libraries they need, into
# <CONTEXT>/<platform>/<DESTINATION>/ (StageArtifacts.cmake), and touches
# <image>.multiarch/artifacts.stamp only if a file changed: the image's
# push depends on that stamp.
include_guard(GLOBAL)

set(MULTIARCH_SUBBUILD_CMAKE_ARGS "" CACHE STRING
  "Extra arguments (a ;-list, e.g. -DFOO=ON) for configuring the per-platform sub-builds of ARTIFACTS")

# The platform of the host build: what the project's own compiler targets.
function(_multiarch_artifacts_host_platform out)
  set(${out} "" PARENT_SCOPE)
  if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux" OR "${CMAKE_SYSTEM_PROCESSOR}" STREQUAL "")
    return()
  endif()
  string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" proc)
  if(proc MATCHES "^armv7")
    set(proc arm/v7)
  elseif(proc MATCHES "^armv6")
    set(proc arm/v6)
  elseif(proc MATCHES "^(ppc64le|powerpc64le)$")
    set(proc ppc64le)
  endif()
  _multiarch_normalize_platform("linux/${proc}" platform error)
  if(NOT error)
    set(${out} "${platform}" PARENT_SCOPE)
  endif()
endfunction()

# The toolchain files shipped with the package: <slug>.cmake per platform.
function(_multiarch_artifacts_shipped_toolchains dir out)
  file(GLOB files RELATIVE "${dir}" "${dir}/linux-*.cmake")
  set(platforms "")
  foreach(f IN LISTS files)
    string(REGEX REPLACE "\\.cmake$" "" slug "${f}")
    string(REPLACE "-" "/" platform "${slug}")
    list(APPEND platforms "${platform}")
  endforeach()
  list(SORT platforms)
  set(${out} "${platforms}" PARENT_SCOPE)
endfunction()

# A shipped toolchain file names Debian's cross compilers; fail now, not in
# the middle of the build, when one that the project's languages need is
# not installed.
function(_multiarch_artifacts_check_compilers name platform toolchain)
  file(READ "${toolchain}" text)
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  foreach(lang IN LISTS languages)
    if(NOT lang MATCHES "^(C|CXX)$")
      continue()
    endif()
    if(NOT text MATCHES "set\\(CMAKE_${lang}_COMPILER ([^)]+)\\)")
      continue()
    endif()
    set(compiler "${CMAKE_MATCH_1}")
    string(MAKE_C_IDENTIFIER "${compiler}" id)
    find_program(_MULTIARCH_COMPILER_${id} NAMES "${compiler}"
      DOC "Cross compiler named by a MultiArchImage toolchain file")
    mark_as_advanced(_MULTIARCH_COMPILER_${id})
    if(NOT _MULTIARCH_COMPILER_${id})
      string(REGEX REPLACE "^(.+)-(g\\+\\+|gcc)$" "\\2-\\1" package "${compiler}")
      _multiarch_fail("${name}" "ARTIFACTS for platform ${platform} use the toolchain file "
        "\"${toolchain}\", whose ${lang} compiler \"${compiler}\" is not installed (not on PATH). "
        "Fix: apt install ${package} (Debian/Ubuntu), or name your own toolchain file with "
        "TOOLCHAINS ${platform}=<file>, or remove ${platform} from PLATFORMS.")
    endif()
  endforeach()
endfunction()

# Called by add_multiarch_image for every image.  Checks the ARTIFACTS
# keywords, decides which build makes each platform's files, declares the
# sub-builds and the target <name>-artifacts, and appends the stamp the
# push must depend on to the caller's <depends_var>.
function(_multiarch_artifacts_declare name platforms context state_dir
         artifacts destination runtime toolchains depends_var)
  if(NOT artifacts)
    set(kw "")
    if(NOT destination STREQUAL "")
      set(kw DESTINATION)
    elseif(NOT runtime STREQUAL "")
      set(kw RUNTIME_LIBRARIES)
    elseif(NOT toolchains STREQUAL "")
      set(kw TOOLCHAINS)
    endif()
    if(kw)
      _multiarch_fail("${name}" "${kw} is given without ARTIFACTS; it says where and how the "
        "ARTIFACTS targets go into the image. Add ARTIFACTS <target>... or remove ${kw}.")
    endif()
    return()
  endif()

  # RUNTIME_LIBRARIES
  if(runtime STREQUAL "")
    set(runtime STATIC)
  endif()
  if(NOT runtime MATCHES "^(STATIC|COLLECT|NONE)$")
    _multiarch_fail("${name}" "RUNTIME_LIBRARIES \"${runtime}\" is not one of STATIC (link the "
      "programs statically; the default), COLLECT (copy the shared libraries they need from the "
      "platform's sysroot into the image) or NONE (the base image provides them).")
  endif()

  # DESTINATION: a path inside the image.
  if(destination STREQUAL "")
    set(destination "usr/local/bin")
  endif()
  string(REGEX REPLACE "^/+" "" dest "${destination}")
  string(REGEX REPLACE "/+$" "" dest "${dest}")
  if(dest MATCHES "(^|/)\\.\\.?(/|$)" OR dest MATCHES "[\\\\$<>]")
    _multiarch_fail("${name}" "DESTINATION \"${destination}\" is not a plain path inside the image; "
      "give a folder such as usr/local/bin or /app (no . or .. components, no generator expressions).")
  endif()

  # ARTIFACTS: target names; whether they exist is checked at the end of
  # configuring, when every target has been declared.
  set(seen "")
  foreach(t IN LISTS artifacts)
    if(t IN_LIST seen)
      _multiarch_fail("${name}" "ARTIFACTS lists \"${t}\" twice; list each target once.")
    endif()
    list(APPEND seen "${t}")
    get_property(mode GLOBAL PROPERTY _MULTIARCH_ARTIFACT_MODE_${t})
    if(mode AND NOT mode STREQUAL runtime)
      _multiarch_fail("${name}" "ARTIFACTS \"${t}\" is linked with RUNTIME_LIBRARIES ${mode} for "
        "another image, but ${runtime} here; a target is built once per platform, so give every "
        "image that ships it the same RUNTIME_LIBRARIES.")
    endif()
    set_property(GLOBAL PROPERTY _MULTIARCH_ARTIFACT_MODE_${t} "${runtime}")
  endforeach()

  # The context is written to: it must be in the build tree.
  cmake_path(IS_PREFIX CMAKE_BINARY_DIR "${context}" NORMALIZE in_build_tree)
  if(NOT in_build_tree)
    _multiarch_fail("${name}" "CONTEXT \"${context}\" is outside the build tree, but ARTIFACTS are "
      "copied into <CONTEXT>/<platform>/. Leave CONTEXT out (the default with ARTIFACTS is "
      "${CMAKE_CURRENT_BINARY_DIR}/${name}.context) or give a folder below ${CMAKE_BINARY_DIR}.")
  endif()

  # TOOLCHAINS <platform>=<file>
  set(toolchain_dir "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/toolchains")
  set(given_platforms "")
  foreach(pair IN LISTS toolchains)
    if(NOT pair MATCHES "^([^=]+)=(.+)$")
      _multiarch_fail("${name}" "TOOLCHAINS value \"${pair}\" is not <platform>=<toolchain file>; "
        "write e.g. TOOLCHAINS linux/arm64=\${CMAKE_SOURCE_DIR}/cmake/arm64.cmake.")
    endif()
    set(file "${CMAKE_MATCH_2}")
    _multiarch_normalize_platform("${CMAKE_MATCH_1}" p error)
    if(error)
      _multiarch_fail("${name}" "TOOLCHAINS value \"${pair}\": ${error}")
    endif()
    if(NOT p IN_LIST platforms)
      _multiarch_fail("${name}" "TOOLCHAINS value \"${pair}\" names platform ${p}, which is not in "
        "PLATFORMS (${platforms}); remove it or add the platform.")
    endif()
    if(p IN_LIST given_platforms)
      _multiarch_fail("${name}" "TOOLCHAINS names platform ${p} twice; give one file per platform.")
    endif()
    cmake_path(ABSOLUTE_PATH file BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    if(NOT EXISTS "${file}" OR IS_DIRECTORY "${file}")
      _multiarch_fail("${name}" "TOOLCHAINS ${p}: toolchain file \"${file}\" does not exist; give "
        "the path of a CMake toolchain file (a relative path is taken from ${CMAKE_CURRENT_SOURCE_DIR}).")
    endif()
    list(APPEND given_platforms "${p}")
    set(toolchain_${p} "${file}")
  endforeach()

  _multiarch_artifacts_host_platform(host)
  file(MAKE_DIRECTORY "${state_dir}")
  set(stamp "${state_dir}/artifacts.stamp")
  set(stage_commands "")
  set(subbuild_targets "")
  set(host_used FALSE)
  foreach(platform IN LISTS platforms)
    string(REPLACE "/" "-" slug "${platform}")
    if(DEFINED toolchain_${platform})
      set(toolchain "${toolchain_${platform}}")
    elseif(platform STREQUAL host)
      set(toolchain "")
    else()
      set(toolchain "${toolchain_dir}/${slug}.cmake")
      if(NOT EXISTS "${toolchain}")
        _multiarch_artifacts_shipped_toolchains("${toolchain_dir}" shipped)
        string(JOIN " " shipped_text ${shipped})
        _multiarch_fail("${name}" "ARTIFACTS need a toolchain file for platform \"${platform}\", "
          "and MultiArchImage ships none for it (it ships ${shipped_text}, in ${toolchain_dir}). "
          "Fix: name one with TOOLCHAINS ${platform}=<file>, or remove ${platform} from PLATFORMS.")
      endif()
      _multiarch_artifacts_check_compilers("${name}" "${platform}" "${toolchain}")
    endif()

    if(toolchain STREQUAL "")
      set(host_used TRUE)
      set(manifest_dir "${CMAKE_BINARY_DIR}")
      set(origin "the host build in ${CMAKE_BINARY_DIR}")
      set_property(GLOBAL APPEND PROPERTY _MULTIARCH_HOST_ARTIFACTS ${artifacts})
    else()
      # One sub-build per platform serves every image of the project.
      get_property(previous GLOBAL PROPERTY _MULTIARCH_SUBBUILD_TOOLCHAIN_${slug})
      if(previous AND NOT previous STREQUAL toolchain)
        _multiarch_fail("${name}" "platform ${platform} is built with the toolchain file "
          "\"${toolchain}\" here but \"${previous}\" for another image; one sub-build per platform "
          "serves every image of the project, so name the same file in every TOOLCHAINS.")
      endif()
      set(manifest_dir "${CMAKE_BINARY_DIR}/multiarch-subbuilds/${slug}")
      set(origin "the ${platform} sub-build in ${manifest_dir}")
      if(NOT TARGET multiarch-subbuild-${slug})
        set_property(GLOBAL PROPERTY _MULTIARCH_SUBBUILD_TOOLCHAIN_${slug} "${toolchain}")
        set_property(GLOBAL APPEND PROPERTY _MULTIARCH_SUBBUILD_PLATFORMS "${platform}")
        add_custom_target(multiarch-subbuild-${slug}
          COMMAND "${CMAKE_COMMAND}"
                  "-DMULTIARCH_SUBBUILD_FILE=${CMAKE_BINARY_DIR}/multiarch-subbuilds/${slug}.cmake"
                  "-DMULTIARCH_CONFIG=$<CONFIG>"
                  -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/SubBuild.cmake"
          COMMENT "Building ARTIFACTS for ${platform} (toolchain ${toolchain})"
          VERBATIM)
      endif()
      set_property(GLOBAL APPEND PROPERTY _MULTIARCH_SUBBUILD_TARGETS_${slug} ${artifacts})
      list(APPEND subbuild_targets multiarch-subbuild-${slug})
    endif()

    set(stage_file "${state_dir}/artifacts-${slug}.cmake")
    set(content "# Generated by add_multiarch_image(${name}); read by StageArtifacts.cmake.\n")
    _multiarch_set_lines(content
      MULTIARCH_NAME "${name}"
      MULTIARCH_PLATFORM "${platform}"
      MULTIARCH_ARTIFACTS "${artifacts}"
      MULTIARCH_MANIFEST_DIR "${manifest_dir}"
      MULTIARCH_ORIGIN "${origin}"
      MULTIARCH_PLATFORM_DIR "${context}/${platform}"
      MULTIARCH_DESTINATION "${dest}"
      MULTIARCH_RUNTIME_LIBRARIES "${runtime}"
      MULTIARCH_RECORD_FILE "${state_dir}/artifacts-${slug}.staged"
      MULTIARCH_STAMP "${stamp}")
    _multiarch_write_if_changed("${stage_file}" "${content}")
    list(APPEND stage_commands
      COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_STAGE_FILE=${stage_file}" "-DMULTIARCH_CONFIG=$<CONFIG>"
              -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/StageArtifacts.cmake")
  endforeach()

  # Runs every time (the builds decide what is out of date); the stamp is
  # touched only when a file in the context changed, and the push reruns
  # only then.  BYPRODUCTS: Ninja re-checks the stamp after the step.
  string(JOIN " " artifacts_text ${artifacts})
  add_custom_target(${name}-artifacts
    ${stage_commands}
    BYPRODUCTS "${stamp}"
    COMMENT "Copying ${artifacts_text} of every platform into ${context}/<platform>/${dest}"
    VERBATIM)
  if(host_used)
    add_dependencies(${name}-artifacts ${artifacts})
  endif()
  if(subbuild_targets)
    add_dependencies(${name}-artifacts ${subbuild_targets})
  endif()

  set_property(GLOBAL APPEND PROPERTY _MULTIARCH_ARTIFACT_IMAGES "${name}")
  set_property(GLOBAL PROPERTY _MULTIARCH_ARTIFACTS_OF_${name} "${artifacts}")
  get_property(scheduled GLOBAL PROPERTY _MULTIARCH_ARTIFACTS_SCHEDULED)
  if(NOT scheduled)
    set_property(GLOBAL PROPERTY _MULTIARCH_ARTIFACTS_SCHEDULED TRUE)
    cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _multiarch_artifacts_finish)
  endif()

  set(${depends_var} "${${depends_var}}" "${stamp}" PARENT_SCOPE)
endfunction()

# Fails unless <target> can be an artifact: an executable or shared
# library of this project.  <where> says which build asks.
function(_multiarch_artifacts_check_target where target mode)
  if(NOT TARGET "${target}")
    message(FATAL_ERROR "${where}: ARTIFACTS \"${target}\" is not a target of this project. "
      "Expected an executable or a shared library built here (add_executable / add_library, "
      "anywhere in the source tree, also after the image). Fix: declare it, or correct the name.")
  endif()
  get_target_property(imported "${target}" IMPORTED)
  get_target_property(type "${target}" TYPE)
  if(imported)
    message(FATAL_ERROR "${where}: ARTIFACTS \"${target}\" is an imported target; it is not built "
      "here, so it cannot be built once per platform. Name a target of this project.")
  endif()
  if(NOT type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|MODULE_LIBRARY)$")
    message(FATAL_ERROR "${where}: ARTIFACTS \"${target}\" is a ${type} target; expected an "
      "executable or a shared or module library, i.e. a file that goes into the image.")
  endif()
  if(mode STREQUAL "STATIC" AND NOT type STREQUAL "EXECUTABLE")
    message(FATAL_ERROR "${where}: ARTIFACTS \"${target}\" is a ${type}, but with "
      "RUNTIME_LIBRARIES STATIC (the default) programs are linked statically and load no shared "
      "library. Use RUNTIME_LIBRARIES COLLECT (the programs and their libraries, shared), or list "
      "only executables.")
  endif()
endfunction()

# Links the STATIC executables statically and writes this build's
# multiarch-artifacts[-<config>].cmake: for every target, its type and the
# path of its file.
function(_multiarch_artifacts_write_manifest targets)
  list(REMOVE_DUPLICATES targets)
  set(content "# Generated by MultiArchImage: the ARTIFACTS this build makes, for StageArtifacts.cmake.\n")
  set(dirs "")
  foreach(lang C CXX)
    list(APPEND dirs ${CMAKE_${lang}_IMPLICIT_LINK_DIRECTORIES})
  endforeach()
  if(CMAKE_SYSROOT)
    list(APPEND dirs "${CMAKE_SYSROOT}/lib" "${CMAKE_SYSROOT}/usr/lib")
  endif()
  list(REMOVE_DUPLICATES dirs)
  _multiarch_set_lines(content
    MULTIARCH_BUILD_PLATFORM "${MULTIARCH_SUBBUILD_PLATFORM}"
    MULTIARCH_CROSSCOMPILING "${CMAKE_CROSSCOMPILING}"
    MULTIARCH_OBJDUMP "${CMAKE_OBJDUMP}"
    MULTIARCH_LIBRARY_DIRS "${dirs}")
  foreach(t IN LISTS targets)
    get_target_property(type "${t}" TYPE)
    get_property(mode GLOBAL PROPERTY _MULTIARCH_ARTIFACT_MODE_${t})
    if(mode STREQUAL "STATIC" AND type STREQUAL "EXECUTABLE")
      # The C and C++ runtime go into the program: nothing to load at run time.
      set_property(TARGET "${t}" APPEND PROPERTY LINK_OPTIONS -static)
    endif()
    if(type STREQUAL "SHARED_LIBRARY")
      set(file "$<TARGET_SONAME_FILE:${t}>")  # the name the loader looks for
    else()
      set(file "$<TARGET_FILE:${t}>")
    endif()
    string(APPEND content "set([==[MULTIARCH_ARTIFACT_TYPE_${t}]==] ${type})\n"
      "set([==[MULTIARCH_ARTIFACT_FILE_${t}]==] [==[${file}]==])\n")
  endforeach()
  file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/multiarch-artifacts$<$<BOOL:$<CONFIG>>:-$<CONFIG>>.cmake"
    CONTENT "${content}")
endfunction()

# End of configuring the host build: every target exists now.
function(_multiarch_artifacts_finish)
  get_property(images GLOBAL PROPERTY _MULTIARCH_ARTIFACT_IMAGES)
  foreach(image IN LISTS images)
    # The push depends on the stamp of <image>-artifacts; this orders the
    # targets for generators that do not see a file produced by another
    # target (Makefiles).
    add_dependencies(${image} ${image}-artifacts)
    get_property(targets GLOBAL PROPERTY _MULTIARCH_ARTIFACTS_OF_${image})
    foreach(t IN LISTS targets)
      get_property(mode GLOBAL PROPERTY _MULTIARCH_ARTIFACT_MODE_${t})
      _multiarch_artifacts_check_target("add_multiarch_image(${image})" "${t}" "${mode}")
    endforeach()
  endforeach()
  get_property(host_targets GLOBAL PROPERTY _MULTIARCH_HOST_ARTIFACTS)
  if(host_targets)
    _multiarch_artifacts_write_manifest("${host_targets}")
  endif()

  get_property(subbuilds GLOBAL PROPERTY _MULTIARCH_SUBBUILD_PLATFORMS)
  foreach(platform IN LISTS subbuilds)
    string(REPLACE "/" "-" slug "${platform}")
    get_property(toolchain GLOBAL PROPERTY _MULTIARCH_SUBBUILD_TOOLCHAIN_${slug})
    get_property(targets GLOBAL PROPERTY _MULTIARCH_SUBBUILD_TARGETS_${slug})
    list(REMOVE_DUPLICATES targets)
    set(static "")
    foreach(t IN LISTS targets)
      get_property(mode GLOBAL PROPERTY _MULTIARCH_ARTIFACT_MODE_${t})
      if(mode STREQUAL "STATIC")
        list(APPEND static "${t}")
      endif()
    endforeach()
    set(args "")
    if(DEFINED MultiArchImage_DIR AND MultiArchImage_DIR)
      # find_package must find this package again, also under a toolchain
      # file that confines searches to the target's sysroot.
      list(APPEND args "-DMultiArchImage_DIR=${MultiArchImage_DIR}")
    endif()
    list(APPEND args ${MULTIARCH_SUBBUILD_CMAKE_ARGS})
    set(content "# Generated by MultiArchImage; read by SubBuild.cmake.\n")
    _multiarch_set_lines(content
      MULTIARCH_PLATFORM "${platform}"
      MULTIARCH_SOURCE_DIR "${CMAKE_SOURCE_DIR}"
      MULTIARCH_BINARY_DIR "${CMAKE_BINARY_DIR}/multiarch-subbuilds/${slug}"
      MULTIARCH_GENERATOR "${CMAKE_GENERATOR}"
      MULTIARCH_GENERATOR_PLATFORM "${CMAKE_GENERATOR_PLATFORM}"
      MULTIARCH_GENERATOR_TOOLSET "${CMAKE_GENERATOR_TOOLSET}"
      MULTIARCH_MAKE_PROGRAM "${CMAKE_MAKE_PROGRAM}"
      MULTIARCH_TOOLCHAIN_FILE "${toolchain}"
      MULTIARCH_BUILD_TYPE "${CMAKE_BUILD_TYPE}"
      MULTIARCH_CONFIGURATION_TYPES "${CMAKE_CONFIGURATION_TYPES}"
      MULTIARCH_CMAKE_ARGS "${args}"
      MULTIARCH_TARGETS "${targets}"
      MULTIARCH_STATIC_TARGETS "${static}")
    _multiarch_write_if_changed("${CMAKE_BINARY_DIR}/multiarch-subbuilds/${slug}.cmake" "${content}")
  endforeach()
endfunction()

# End of configuring a sub-build: the targets the host build asked for.
function(_multiarch_artifacts_finish_subbuild)
  set(where "MultiArchImage sub-build for ${MULTIARCH_SUBBUILD_PLATFORM} (${CMAKE_BINARY_DIR})")
  foreach(t IN LISTS MULTIARCH_SUBBUILD_TARGETS)
    set(mode COLLECT)
    if(t IN_LIST MULTIARCH_SUBBUILD_STATIC_TARGETS)
      set(mode STATIC)
    endif()
    set_property(GLOBAL PROPERTY _MULTIARCH_ARTIFACT_MODE_${t} "${mode}")
    _multiarch_artifacts_check_target("${where}" "${t}" "${mode}")
  endforeach()
  _multiarch_artifacts_write_manifest("${MULTIARCH_SUBBUILD_TARGETS}")
endfunction()

if(DEFINED MULTIARCH_SUBBUILD_PLATFORM)
  cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _multiarch_artifacts_finish_subbuild)
endif()
