# Private: the ARTIFACTS of add_multiarch_image.  Included by
# MultiArchImage.cmake; everything here may change.
#
# One build of the project per platform.  With RUNTIME_LIBRARIES STATIC or
# NONE, the platform the project itself is built for (the host build) uses
# the project's own targets.  For every other platform, and with COLLECT for
# every platform (the staged files need RUNPATHs that the user's own build
# tree must not get), the target multiarch-subbuild-<platform> configures
# the same source tree once more, with that platform's toolchain file, in
# <build>/multiarch-subbuilds/<platform>/, and builds only the artifact
# targets there (SubBuild.cmake).  Sub-builds run in parallel where the
# generator runs targets in parallel (Ninja).  A sub-build is configured
# from the host build's cache (_multiarch_artifacts_propagated_cache: the
# project's options and settings, not its paths or flags) with
# MULTIARCH_SUBBUILD_PLATFORM=<platform>; there add_multiarch_image and the
# other commands declare nothing, so no sub-build starts another.
#
# Each build writes <its build dir>/multiarch-artifacts[-<config>].cmake, the
# paths of the artifact files it produced (file(GENERATE), at the end of
# configuring).  The target <image>-artifacts then copies them, and with
# RUNTIME_LIBRARIES COLLECT the shared libraries they need, into
# <CONTEXT>/<platform>/<DESTINATION>/ (StageArtifacts.cmake), and touches
# <image>.multiarch/artifacts.stamp only if a file changed: the image's
# push depends on that stamp.
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/Declare.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/GeneratedFiles.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Platforms.cmake")

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
      string(REPLACE "_" "-" package "${package}")  # g++-x86-64-linux-gnu
      _multiarch_fail("${name}" "ARTIFACTS for platform ${platform} use the toolchain file "
        "\"${toolchain}\", whose ${lang} compiler \"${compiler}\" is not installed (not on PATH). "
        "Fix: apt install ${package} (Debian/Ubuntu), or name your own toolchain file with "
        "TOOLCHAINS ${platform}=<file>, or remove ${platform} from PLATFORMS.")
    endif()
  endforeach()
endfunction()

# The folder of the image that COLLECT puts shared libraries in: `lib`
# beside DESTINATION when that ends in bin or sbin (usr/local/bin ->
# usr/local/lib), else <DESTINATION>/lib (app -> app/lib); never a folder at
# the top of the image (/lib is a symbolic link on merged-/usr bases, which
# a directory of the context cannot replace).
function(_multiarch_artifacts_library_dir dest out)
  if(dest MATCHES "^(.+)/s?bin$")
    set(libdir "${CMAKE_MATCH_1}/lib")
  elseif(dest MATCHES "^s?bin$")
    set(libdir "usr/local/lib")
  elseif(dest STREQUAL "")
    set(libdir "lib")
  else()
    set(libdir "${dest}/lib")
  endif()
  if(NOT libdir MATCHES "/")
    set(libdir "usr/local/lib")
  endif()
  set(${out} "${libdir}" PARENT_SCOPE)
endfunction()

# The targets that <targets> link, directly or through other targets'
# usage requirements (LINK_LIBRARIES, INTERFACE_LINK_LIBRARIES, aliases
# resolved, $<LINK_ONLY:...> unwrapped), <targets> included; other
# generator expressions are not evaluated.  <files_out>: the items that are
# not targets (library paths and names).
function(_multiarch_link_closure out files_out)
  set(todo ${ARGN})
  set(seen "")
  set(files "")
  while(todo)
    list(POP_FRONT todo t)
    get_target_property(aliased "${t}" ALIASED_TARGET)
    if(aliased)
      set(t "${aliased}")
    endif()
    if(t IN_LIST seen)
      continue()
    endif()
    list(APPEND seen "${t}")
    set(items "")
    foreach(prop LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
      get_target_property(libs "${t}" ${prop})
      if(libs)
        list(APPEND items ${libs})
      endif()
    endforeach()
    foreach(item IN LISTS items)
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" item "${item}")
      # "::@(<dir>)" and "::@" bracket items linked from another directory.
      if(item STREQUAL "" OR item MATCHES "^::@" OR item MATCHES "\\$<" OR item MATCHES "^-")
        continue()
      elseif(TARGET "${item}")
        list(APPEND todo "${item}")
      else()
        list(APPEND files "${item}")
      endif()
    endforeach()
  endwhile()
  set(${out} "${seen}" PARENT_SCOPE)
  set(${files_out} "${files}" PARENT_SCOPE)
endfunction()

# RUNTIME_LIBRARIES STATIC links with -static, which fails at link time
# ("attempted static link of dynamic object") for a shared library: say so
# now, naming the library and what to do.
function(_multiarch_artifacts_check_static image target)
  _multiarch_link_closure(linked files "${target}")
  set(fix "Fix: RUNTIME_LIBRARIES COLLECT (ship the shared libraries with the programs), or link a "
    "static library instead")
  foreach(t IN LISTS linked)
    get_target_property(type "${t}" TYPE)
    get_target_property(imported "${t}" IMPORTED)
    if(type STREQUAL "SHARED_LIBRARY" AND NOT imported)
      _multiarch_fail("${image}" "ARTIFACTS \"${target}\" links the shared library target \"${t}\", "
        "but RUNTIME_LIBRARIES STATIC (the default) links programs with -static, which cannot take "
        "a shared library. " ${fix} ": -DBUILD_SHARED_LIBS=OFF if the project builds ${t} as "
        "BUILD_SHARED_LIBS says, or add_library(${t} STATIC ...).")
    endif()
    if(imported AND type MATCHES "^(SHARED_LIBRARY|UNKNOWN_LIBRARY)$")
      set(locations "")
      foreach(prop IMPORTED_LOCATION IMPORTED_LOCATION_RELEASE IMPORTED_LOCATION_RELWITHDEBINFO
                   IMPORTED_LOCATION_DEBUG IMPORTED_LOCATION_NOCONFIG)
        get_target_property(loc "${t}" ${prop})
        if(loc)
          list(APPEND locations "${loc}")
        endif()
      endforeach()
      foreach(loc IN LISTS locations)
        if(type STREQUAL "SHARED_LIBRARY" OR loc MATCHES "\\.so(\\.[0-9]+)*$")
          string(REGEX REPLACE "::.*" "" package "${t}")
          _multiarch_fail("${image}" "ARTIFACTS \"${target}\" links \"${t}\", the shared library "
            "${loc}, but RUNTIME_LIBRARIES STATIC (the default) links programs with -static, which "
            "cannot take a shared library. " ${fix} ": ask the package for its static library "
            "(e.g. -D${package}_USE_STATIC_LIBS=ON where its find module offers it, as FindZLIB and "
            "FindOpenSSL do), or install the platform's static library (the -dev package's .a).")
        endif()
      endforeach()
    endif()
  endforeach()
  foreach(f IN LISTS files)
    if(f MATCHES "\\.so(\\.[0-9]+)*$")
      _multiarch_fail("${image}" "ARTIFACTS \"${target}\" links the shared library ${f}, but "
        "RUNTIME_LIBRARIES STATIC (the default) links programs with -static, which cannot take a "
        "shared library. " ${fix} " (the .a file).")
    endif()
  endforeach()
endfunction()

# The host build's cache entries that describe the project's configuration,
# as `set(... CACHE ... FORCE)` lines for a sub-build's initial cache (-C):
# every BOOL and STRING entry (option() defaults included) and every entry
# given with -D but never declared (UNINITIALIZED), except CMAKE_*
# entries other than CMAKE_BUILD_TYPE (compilers, flags, paths: the
# toolchain's business), MULTIARCH_* entries, *_DIR entries and compiler or
# linker flags (*FLAGS*: they may hold host-only options such as
# -march=native).  PATH, FILEPATH and INTERNAL entries are this machine's
# or this build tree's, not the project's.
function(_multiarch_artifacts_propagated_cache out)
  get_cmake_property(entries CACHE_VARIABLES)
  set(text "")
  foreach(v IN LISTS entries)
    get_property(type CACHE "${v}" PROPERTY TYPE)
    if(NOT type MATCHES "^(BOOL|STRING|UNINITIALIZED)$"
       OR (v MATCHES "^CMAKE_" AND NOT v STREQUAL "CMAKE_BUILD_TYPE")
       OR v MATCHES "^_?MULTIARCH_" OR v MATCHES "_DIR$" OR v MATCHES "FLAGS")
      continue()
    endif()
    get_property(value CACHE "${v}" PROPERTY VALUE)
    get_property(help CACHE "${v}" PROPERTY HELPSTRING)
    _multiarch_bracket(qv "${value}")
    _multiarch_bracket(qh "${help}")
    _multiarch_bracket(qn "${v}")
    string(APPEND text "set(${qn} ${qv} CACHE ${type} ${qh} FORCE)\n")
  endforeach()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Every target declared in <dir> and the directories below it.
function(_multiarch_artifacts_all_targets out dir)
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _multiarch_artifacts_all_targets(more "${sub}")
    list(APPEND targets ${more})
  endforeach()
  set(${out} "${targets}" PARENT_SCOPE)
endfunction()

# Called by add_multiarch_image for every image, with its keywords:
#   NAME, PLATFORMS (normalised), CONTEXT, STATE_DIR, IMAGE_FILE, ARTIFACTS,
#   DESTINATION, RUNTIME_LIBRARIES, TOOLCHAINS, INSTALL_GIVEN (whether the
#   keyword INSTALL was given), INSTALL (its values), DEPENDS_VAR.
# Checks the ARTIFACTS and INSTALL keywords, decides which build makes each
# platform's files, declares the sub-builds and the target <name>-artifacts,
# and appends the stamp the push must depend on to the caller's DEPENDS_VAR.
function(_multiarch_artifacts_declare)
  cmake_parse_arguments(PARSE_ARGV 0 a ""
    "NAME;CONTEXT;STATE_DIR;IMAGE_FILE;DESTINATION;RUNTIME_LIBRARIES;INSTALL_GIVEN;DEPENDS_VAR"
    "PLATFORMS;ARTIFACTS;TOOLCHAINS;INSTALL")
  set(name "${a_NAME}")
  set(platforms "${a_PLATFORMS}")
  set(context "${a_CONTEXT}")
  set(state_dir "${a_STATE_DIR}")
  set(artifacts "${a_ARTIFACTS}")
  set(destination "${a_DESTINATION}")
  set(runtime "${a_RUNTIME_LIBRARIES}")
  set(toolchains "${a_TOOLCHAINS}")
  set(depends_var "${a_DEPENDS_VAR}")
  set(install "${a_INSTALL_GIVEN}")
  if(NOT artifacts AND NOT install)
    set(kw "")
    if(NOT destination STREQUAL "")
      set(kw DESTINATION)
    elseif(NOT runtime STREQUAL "")
      set(kw RUNTIME_LIBRARIES)
    elseif(NOT toolchains STREQUAL "")
      set(kw TOOLCHAINS)
    endif()
    if(kw)
      _multiarch_fail("${name}" "${kw} is given without ARTIFACTS or INSTALL; it says where and "
        "how the ARTIFACTS targets go into the image. Add ARTIFACTS <target>... or remove ${kw}.")
    endif()
    return()
  endif()

  _multiarch_artifacts_install_args("${name}" "${install}" "${a_INSTALL}"
    install_prefix install_components)
  _multiarch_artifacts_runtime("${name}" "${runtime}" "${install}" runtime)
  _multiarch_artifacts_destination("${name}" "${destination}" dest)
  _multiarch_artifacts_register("${name}" "${artifacts}" "${runtime}")
  # The context is written to: it must be in the build tree.
  cmake_path(IS_PREFIX CMAKE_BINARY_DIR "${context}" NORMALIZE in_build_tree)
  if(NOT in_build_tree)
    _multiarch_fail("${name}" "CONTEXT \"${context}\" is outside the build tree, but ARTIFACTS are "
      "copied into <CONTEXT>/<platform>/. Leave CONTEXT out (the default with ARTIFACTS is "
      "${CMAKE_CURRENT_BINARY_DIR}/${name}.context) or give a folder below ${CMAKE_BINARY_DIR}.")
  endif()
  _multiarch_artifacts_toolchains("${name}" "${toolchains}" "${platforms}" toolchain)
  _multiarch_artifacts_runpath("${name}" "${artifacts}" "${runtime}" "${dest}" "${install}"
    "${install_prefix}" libdir)

  file(MAKE_DIRECTORY "${state_dir}")
  set(stamp "${state_dir}/artifacts.stamp")
  set(stage_commands "")
  set(subbuild_targets "")
  set(host_used FALSE)
  foreach(platform IN LISTS platforms)
    string(REPLACE "/" "-" slug "${platform}")
    _multiarch_artifacts_platform_build("${name}" "${platform}" "${toolchain_${platform}}"
      "${runtime}" "${install}" "${install_prefix}" "${artifacts}" manifest_dir origin subbuild)
    if(subbuild)
      list(APPEND subbuild_targets "${subbuild}")
    else()
      set(host_used TRUE)
    endif()

    set(stage_file "${state_dir}/artifacts-${slug}.cmake")
    set(content "")
    _multiarch_set_lines(content
      MULTIARCH_NAME "${name}"
      MULTIARCH_PLATFORM "${platform}"
      MULTIARCH_ARTIFACTS "${artifacts}"
      MULTIARCH_MANIFEST_DIR "${manifest_dir}"
      MULTIARCH_ORIGIN "${origin}"
      MULTIARCH_PLATFORM_DIR "${context}/${platform}"
      MULTIARCH_DESTINATION "${dest}"
      MULTIARCH_LIBRARY_DESTINATION "${libdir}"
      MULTIARCH_RUNTIME_LIBRARIES "${runtime}"
      MULTIARCH_INSTALL "${install}"
      MULTIARCH_INSTALL_COMPONENTS "${install_components}"
      MULTIARCH_INSTALL_PREFIX "${install_prefix}"
      MULTIARCH_INSTALL_DIR "${state_dir}/install-${slug}"
      MULTIARCH_IMAGE_FILE "${a_IMAGE_FILE}"
      MULTIARCH_RECORD_FILE "${state_dir}/artifacts-${slug}.staged"
      MULTIARCH_STAMP "${stamp}")
    _multiarch_write_input("${stage_file}" "add_multiarch_image(${name})" "${content}")
    list(APPEND stage_commands
      COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_INPUT_FILE=${stage_file}" "-DMULTIARCH_CONFIG=$<CONFIG>"
              "-DMULTIARCH_AUDIT_TOOL=$<TARGET_FILE:MultiArchImage::audit>"
              -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/Scripts/StageArtifacts.cmake")
  endforeach()

  # Runs every time (the builds decide what is out of date); the stamp is
  # touched only when a file in the context changed, and the push reruns
  # only then.  BYPRODUCTS: Ninja re-checks the stamp after the step.
  string(JOIN " " artifacts_text ${artifacts})
  if(install)
    string(JOIN " " artifacts_text ${artifacts} "what the project installs")
  endif()
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

# INSTALL [COMPONENTS <component>...] [PREFIX <dir>] (when <given>): sets
# <prefix_out> (default /usr/local, no trailing /) and <components_out>;
# both empty without INSTALL.
function(_multiarch_artifacts_install_args name given values prefix_out components_out)
  set(${prefix_out} "" PARENT_SCOPE)
  set(${components_out} "" PARENT_SCOPE)
  if(NOT given)
    return()
  endif()
  cmake_parse_arguments(inst "" "PREFIX" "COMPONENTS" ${values})
  string(JOIN " " values_text ${values})
  if(inst_UNPARSED_ARGUMENTS OR "COMPONENTS" IN_LIST inst_KEYWORDS_MISSING_VALUES
     OR "PREFIX" IN_LIST inst_KEYWORDS_MISSING_VALUES)
    _multiarch_fail("${name}" "INSTALL takes [COMPONENTS <component>...] [PREFIX <dir>], e.g. "
      "INSTALL COMPONENTS Runtime PREFIX /usr/local; got \"${values_text}\".")
  endif()
  set(prefix "/usr/local")
  if(DEFINED inst_PREFIX)
    set(prefix "${inst_PREFIX}")
  endif()
  if(NOT prefix MATCHES "^/" OR prefix MATCHES "(^|/)\\.\\.?(/|$)"
     OR prefix MATCHES "[\\$<>;]" OR prefix MATCHES "^/+$")
    _multiarch_fail("${name}" "INSTALL PREFIX \"${prefix}\" is not an absolute folder of "
      "the image below /; give e.g. PREFIX /usr/local or PREFIX /opt/app.")
  endif()
  string(REGEX REPLACE "/+$" "" prefix "${prefix}")
  set(${prefix_out} "${prefix}" PARENT_SCOPE)
  set(${components_out} "${inst_COMPONENTS}" PARENT_SCOPE)
endfunction()

# <out>: RUNTIME_LIBRARIES checked; default STATIC, COLLECT with INSTALL.
function(_multiarch_artifacts_runtime name runtime install out)
  if(runtime STREQUAL "")
    set(runtime STATIC)
    if(install)
      set(runtime COLLECT)
    endif()
  endif()
  if(NOT runtime MATCHES "^(STATIC|COLLECT|NONE)$")
    _multiarch_fail("${name}" "RUNTIME_LIBRARIES \"${runtime}\" is not one of STATIC (link the "
      "programs statically; the default), COLLECT (copy the shared libraries they need from the "
      "platform's sysroot into the image) or NONE (the base image provides them).")
  endif()
  if(install AND runtime STREQUAL "STATIC")
    _multiarch_fail("${name}" "INSTALL stages what the project installs, shared libraries "
      "included, so RUNTIME_LIBRARIES STATIC does not apply to it; use COLLECT (the default with "
      "INSTALL) or NONE, or list the programs in ARTIFACTS without INSTALL.")
  endif()
  set(${out} "${runtime}" PARENT_SCOPE)
endfunction()

# <out>: DESTINATION as a plain relative path inside the image (default
# usr/local/bin).
function(_multiarch_artifacts_destination name destination out)
  if(destination STREQUAL "")
    set(destination "usr/local/bin")
  endif()
  string(REGEX REPLACE "^/+" "" dest "${destination}")
  string(REGEX REPLACE "/+$" "" dest "${dest}")
  if(dest MATCHES "(^|/)\\.\\.?(/|$)" OR dest MATCHES "[\\\\$<>]")
    _multiarch_fail("${name}" "DESTINATION \"${destination}\" is not a plain path inside the image; "
      "give a folder such as usr/local/bin or /app (no . or .. components, no generator expressions).")
  endif()
  set(${out} "${dest}" PARENT_SCOPE)
endfunction()

# ARTIFACTS: target names, each once, linked the same way for every image
# that ships it; whether they exist is checked at the end of configuring,
# when every target has been declared.
function(_multiarch_artifacts_register name artifacts runtime)
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
endfunction()

# TOOLCHAINS <platform>=<file>: sets <prefix>_<platform> in the caller's
# scope to the absolute file for each platform given.
function(_multiarch_artifacts_toolchains name toolchains platforms prefix)
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
      string(JOIN " " platform_text ${platforms})
      _multiarch_fail("${name}" "TOOLCHAINS value \"${pair}\" names platform ${p}, which is not in "
        "PLATFORMS (${platform_text}); remove it or add the platform.")
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
    set(${prefix}_${p} "${file}" PARENT_SCOPE)
  endforeach()
endfunction()

# <libdir_out>: the image's library folder.  With COLLECT, executables (and
# module libraries) go in DESTINATION and shared libraries in the library
# folder beside it, found through a RUNPATH relative to $ORIGIN, before any
# library of the same name in the base; every image that ships a target
# must agree on that RUNPATH (the target is built once per platform).
function(_multiarch_artifacts_runpath name artifacts runtime dest install install_prefix libdir_out)
  _multiarch_artifacts_library_dir("${dest}" libdir)
  if(install)
    # What $ORIGIN/../lib (CMAKE_INSTALL_RPATH of install staging) names.
    string(REGEX REPLACE "^/" "" libdir "${install_prefix}/lib")
  endif()
  cmake_path(RELATIVE_PATH libdir BASE_DIRECTORY "${dest}" OUTPUT_VARIABLE rel)
  set(runpath "$ORIGIN/${rel}")
  if(runtime STREQUAL "COLLECT")
    foreach(t IN LISTS artifacts)
      get_property(previous GLOBAL PROPERTY _MULTIARCH_ARTIFACT_RUNPATH_${t})
      if(previous AND NOT previous STREQUAL runpath)
        _multiarch_fail("${name}" "ARTIFACTS \"${t}\" is shipped by another image with a DESTINATION "
          "that needs the RUNPATH ${previous}, but ${runpath} here (DESTINATION ${dest}, libraries in "
          "${libdir}); a target is built once per platform, so give every image that ships it the "
          "same DESTINATION.")
      endif()
      set_property(GLOBAL PROPERTY _MULTIARCH_ARTIFACT_RUNPATH_${t} "${runpath}")
    endforeach()
  endif()
  set(${libdir_out} "${libdir}" PARENT_SCOPE)
endfunction()

# Which build makes <platform>'s ARTIFACTS of image <name>: the host build
# (sets <subbuild_out> empty) or the platform's sub-build, declared here
# once for every image of the project (sets <subbuild_out> to its target).
# <toolchain> is the file given with TOOLCHAINS, if any.  Sets
# <manifest_dir_out> (where that build's multiarch-artifacts.cmake is) and
# <origin_out> (how the staging step names it).
function(_multiarch_artifacts_platform_build name platform toolchain runtime install install_prefix
         artifacts manifest_dir_out origin_out subbuild_out)
  _multiarch_artifacts_host_platform(host)
  set(toolchain_dir "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/toolchains")
  string(REPLACE "/" "-" slug "${platform}")
  set(host_subbuild FALSE)
  if(NOT toolchain STREQUAL "")
  elseif(platform STREQUAL host AND (runtime STREQUAL "COLLECT" OR install))
    # A sub-build with the host build's own compilers and no toolchain file.
    set(host_subbuild TRUE)
  elseif(NOT platform STREQUAL host)
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

  if(toolchain STREQUAL "" AND NOT host_subbuild)
    set_property(GLOBAL APPEND PROPERTY _MULTIARCH_HOST_ARTIFACTS ${artifacts})
    set(${manifest_dir_out} "${CMAKE_BINARY_DIR}" PARENT_SCOPE)
    set(${origin_out} "the host build in ${CMAKE_BINARY_DIR}" PARENT_SCOPE)
    set(${subbuild_out} "" PARENT_SCOPE)
    return()
  endif()
  set(toolchain_key "${toolchain}")
  set(toolchain_text "the toolchain file \"${toolchain}\"")
  if(host_subbuild)
    set(toolchain_key "<host compilers>")
    set(toolchain_text "this build's own compilers")
  endif()
  get_property(previous GLOBAL PROPERTY _MULTIARCH_SUBBUILD_TOOLCHAIN_${slug})
  if(previous AND NOT previous STREQUAL toolchain_key)
    _multiarch_fail("${name}" "platform ${platform} is built with ${toolchain_text} here but "
      "\"${previous}\" for another image; one sub-build per platform serves every image of the "
      "project, so name the same file in every TOOLCHAINS (or none for the host's platform).")
  endif()
  set(manifest_dir "${CMAKE_BINARY_DIR}/multiarch-subbuilds/${slug}")
  if(NOT TARGET multiarch-subbuild-${slug})
    set_property(GLOBAL PROPERTY _MULTIARCH_SUBBUILD_TOOLCHAIN_${slug} "${toolchain_key}")
    set_property(GLOBAL APPEND PROPERTY _MULTIARCH_SUBBUILD_PLATFORMS "${platform}")
    add_custom_target(multiarch-subbuild-${slug}
      COMMAND "${CMAKE_COMMAND}"
              "-DMULTIARCH_INPUT_FILE=${CMAKE_BINARY_DIR}/multiarch-subbuilds/${slug}.cmake"
              "-DMULTIARCH_CONFIG=$<CONFIG>"
              -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/Scripts/SubBuild.cmake"
      COMMENT "Building ARTIFACTS for ${platform} (${toolchain_text})"
      VERBATIM)
  endif()
  set_property(GLOBAL APPEND PROPERTY _MULTIARCH_SUBBUILD_TARGETS_${slug} ${artifacts})
  if(install)
    # The sub-build builds everything (what the components install) and
    # is configured for the install prefix; one prefix per platform.
    get_property(previous GLOBAL PROPERTY _MULTIARCH_SUBBUILD_INSTALL_PREFIX_${slug})
    if(previous AND NOT previous STREQUAL install_prefix)
      _multiarch_fail("${name}" "INSTALL PREFIX ${install_prefix} differs from ${previous} of another "
        "image; one sub-build per platform serves every image, so give every image the same PREFIX.")
    endif()
    set_property(GLOBAL PROPERTY _MULTIARCH_SUBBUILD_INSTALL_PREFIX_${slug} "${install_prefix}")
  endif()
  set(${manifest_dir_out} "${manifest_dir}" PARENT_SCOPE)
  set(${origin_out} "the ${platform} sub-build in ${manifest_dir}" PARENT_SCOPE)
  set(${subbuild_out} "multiarch-subbuild-${slug}" PARENT_SCOPE)
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
# path of its file; the folders of the project's shared libraries that the
# targets link (where COLLECT finds them: their RUNPATH is the image's).
function(_multiarch_artifacts_write_manifest targets)
  list(REMOVE_DUPLICATES targets)
  set(content "")
  set(dirs "")
  foreach(lang C CXX)
    list(APPEND dirs ${CMAKE_${lang}_IMPLICIT_LINK_DIRECTORIES})
  endforeach()
  if(CMAKE_SYSROOT)
    foreach(sub lib usr/lib)
      if(CMAKE_LIBRARY_ARCHITECTURE)  # a Debian-layout sysroot
        list(APPEND dirs "${CMAKE_SYSROOT}/${sub}/${CMAKE_LIBRARY_ARCHITECTURE}")
      endif()
      list(APPEND dirs "${CMAKE_SYSROOT}/${sub}")
    endforeach()
  endif()
  list(REMOVE_DUPLICATES dirs)
  _multiarch_link_closure(linked files ${targets})
  set(project_dirs "")
  foreach(t IN LISTS linked)
    get_target_property(type "${t}" TYPE)
    get_target_property(imported "${t}" IMPORTED)
    if(type STREQUAL "SHARED_LIBRARY" AND NOT imported)
      list(APPEND project_dirs "$<TARGET_FILE_DIR:${t}>")
    endif()
  endforeach()
  _multiarch_set_lines(content
    MULTIARCH_BUILD_PLATFORM "${MULTIARCH_SUBBUILD_PLATFORM}"
    MULTIARCH_LIBRARY_DIRS "${dirs}"
    MULTIARCH_ARTIFACTS_BUILD_DIR "${CMAKE_BINARY_DIR}")
  _multiarch_set_generated_line(content MULTIARCH_PROJECT_LIBRARY_DIRS "${project_dirs}")
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
    # (A target's name is a valid variable name.)
    _multiarch_set_lines(content "MULTIARCH_ARTIFACT_TYPE_${t}" "${type}")
    _multiarch_set_generated_line(content "MULTIARCH_ARTIFACT_FILE_${t}" "${file}")
  endforeach()
  _multiarch_write_input("${CMAKE_BINARY_DIR}/multiarch-artifacts$<$<BOOL:$<CONFIG>>:-$<CONFIG>>.cmake"
    "MultiArchImage (the ARTIFACTS this build makes)" "${content}" GENERATE)
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
      if(mode STREQUAL "STATIC")
        _multiarch_artifacts_check_static("${image}" "${t}")
      endif()
    endforeach()
  endforeach()
  get_property(host_targets GLOBAL PROPERTY _MULTIARCH_HOST_ARTIFACTS)
  if(host_targets)
    _multiarch_artifacts_write_manifest("${host_targets}")
    # REPRODUCIBLE images: the host build's ARTIFACTS, and the project's
    # targets they link, name neither this build tree nor the source tree
    # (__FILE__, debug information); the user's other targets keep theirs.
    get_property(reproducible GLOBAL PROPERTY _MULTIARCH_REPRODUCIBLE_ARTIFACTS)
    set(mapped "")
    foreach(t IN LISTS host_targets)
      if(t IN_LIST reproducible)
        list(APPEND mapped "${t}")
      endif()
    endforeach()
    if(mapped)
      _multiarch_link_closure(linked files ${mapped})
      _multiarch_artifacts_map_prefixes(${linked})
    endif()
  endif()

  get_property(subbuilds GLOBAL PROPERTY _MULTIARCH_SUBBUILD_PLATFORMS)
  if(NOT subbuilds)
    return()
  endif()
  _multiarch_artifacts_propagated_cache(propagated)
  foreach(platform IN LISTS subbuilds)
    string(REPLACE "/" "-" slug "${platform}")
    string(REPLACE "-" "_" id "${slug}")
    get_property(toolchain GLOBAL PROPERTY _MULTIARCH_SUBBUILD_TOOLCHAIN_${slug})
    get_property(targets GLOBAL PROPERTY _MULTIARCH_SUBBUILD_TARGETS_${slug})
    get_property(install_prefix GLOBAL PROPERTY _MULTIARCH_SUBBUILD_INSTALL_PREFIX_${slug})
    list(REMOVE_DUPLICATES targets)
    set(static "")
    set(runpaths "")
    foreach(t IN LISTS targets)
      get_property(mode GLOBAL PROPERTY _MULTIARCH_ARTIFACT_MODE_${t})
      if(mode STREQUAL "STATIC")
        list(APPEND static "${t}")
      elseif(mode STREQUAL "COLLECT")
        get_property(runpath GLOBAL PROPERTY _MULTIARCH_ARTIFACT_RUNPATH_${t})
        list(APPEND runpaths "${t}=${runpath}")
      endif()
    endforeach()
    set(args "")
    if(toolchain STREQUAL "<host compilers>")
      set(toolchain "")
      get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
      foreach(lang IN LISTS languages)
        if(CMAKE_${lang}_COMPILER AND lang MATCHES "^(C|CXX|ASM|Fortran)$")
          list(APPEND args "-DCMAKE_${lang}_COMPILER=${CMAKE_${lang}_COMPILER}")
        endif()
      endforeach()
    endif()
    if(DEFINED MultiArchImage_DIR AND MultiArchImage_DIR)
      # find_package must find this package again, also under a toolchain
      # file that confines searches to the target's sysroot.
      list(APPEND args "-DMultiArchImage_DIR=${MultiArchImage_DIR}")
    endif()
    list(APPEND args ${MULTIARCH_SUBBUILD_CMAKE_ARGS} ${MULTIARCH_SUBBUILD_CMAKE_ARGS_${id}})

    # The initial cache (-C): the host build's configuration, then what the
    # sub-build must build.
    set(cache_file "${CMAKE_BINARY_DIR}/multiarch-subbuilds/${slug}.initial-cache.cmake")
    set(cache "${propagated}")
    if(install_prefix)
      # INSTALL: installed for this prefix, with a RUNPATH that finds the
      # project's libraries in <prefix>/lib from <prefix>/bin and lib alike
      # (a project's own CMAKE_INSTALL_RPATH or INSTALL_RPATH wins).
      _multiarch_bracket(q "${install_prefix}")
      string(APPEND cache "set(CMAKE_INSTALL_PREFIX ${q} CACHE PATH \"\" FORCE)\n"
        "set(CMAKE_INSTALL_RPATH [[$ORIGIN/../lib]] CACHE STRING \"\" FORCE)\n")
    endif()
    foreach(pair "MULTIARCH_SUBBUILD_PLATFORM|${platform}" "MULTIARCH_SUBBUILD_TARGETS|${targets}"
                 "MULTIARCH_SUBBUILD_STATIC_TARGETS|${static}" "MULTIARCH_SUBBUILD_RUNPATHS|${runpaths}")
      string(REGEX MATCH "^([^|]+)\\|(.*)$" _ "${pair}")
      _multiarch_bracket(q "${CMAKE_MATCH_2}")
      string(APPEND cache "set(${CMAKE_MATCH_1} ${q} CACHE INTERNAL \"\")\n")
    endforeach()
    _multiarch_write_input("${cache_file}" "MultiArchImage (the initial cache of the ${platform} sub-build)"
      "${cache}")

    set(content "")
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
      MULTIARCH_INITIAL_CACHE "${cache_file}"
      MULTIARCH_CMAKE_ARGS "${args}"
      MULTIARCH_TARGETS "${targets}"
      MULTIARCH_BUILD_ALL "${install_prefix}")
    _multiarch_write_input("${CMAKE_BINARY_DIR}/multiarch-subbuilds/${slug}.cmake"
      "MultiArchImage (the ${platform} sub-build)" "${content}")
  endforeach()
endfunction()

# Maps the build tree and the source tree to "." in the C and C++ of the
# given targets (those built here, not imported), for GCC and Clang: two
# checkouts built in two folders then give the same bytes.  The build tree
# comes last, so it wins where it lies inside the source tree.
function(_multiarch_artifacts_map_prefixes)
  if(NOT (CMAKE_C_COMPILER_ID MATCHES "GNU|Clang" OR CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang"))
    return()
  endif()
  foreach(t IN LISTS ARGN)
    if(NOT TARGET "${t}")
      continue()
    endif()
    get_target_property(imported "${t}" IMPORTED)
    get_target_property(type "${t}" TYPE)
    if(imported OR NOT type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|MODULE_LIBRARY|STATIC_LIBRARY|OBJECT_LIBRARY)$")
      continue()
    endif()
    target_compile_options("${t}" PRIVATE
      "$<$<COMPILE_LANGUAGE:C,CXX>:-ffile-prefix-map=${CMAKE_SOURCE_DIR}=.>"
      "$<$<COMPILE_LANGUAGE:C,CXX>:-ffile-prefix-map=${CMAKE_BINARY_DIR}=.>")
  endforeach()
endfunction()

# End of configuring a sub-build: the targets the host build asked for.
# COLLECT targets, and the project's shared libraries, are linked with the
# RUNPATH they need in the image (relative to $ORIGIN) instead of this
# build tree's folders: nothing of the sub-build's path is staged.
function(_multiarch_artifacts_finish_subbuild)
  set(where "MultiArchImage sub-build for ${MULTIARCH_SUBBUILD_PLATFORM} (${CMAKE_BINARY_DIR})")
  set(collect "")
  foreach(t IN LISTS MULTIARCH_SUBBUILD_TARGETS)
    set(mode COLLECT)
    if(t IN_LIST MULTIARCH_SUBBUILD_STATIC_TARGETS)
      set(mode STATIC)
    else()
      list(APPEND collect "${t}")
    endif()
    set_property(GLOBAL PROPERTY _MULTIARCH_ARTIFACT_MODE_${t} "${mode}")
    _multiarch_artifacts_check_target("${where}" "${t}" "${mode}")
  endforeach()
  _multiarch_link_closure(linked files ${collect})
  foreach(t IN LISTS linked)
    get_target_property(type "${t}" TYPE)
    get_target_property(imported "${t}" IMPORTED)
    if(imported OR NOT type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|MODULE_LIBRARY)$")
      continue()
    endif()
    set(runpath "")
    if(type STREQUAL "SHARED_LIBRARY")
      set(runpath "$ORIGIN")  # staged beside the other shared libraries
    endif()
    foreach(pair IN LISTS MULTIARCH_SUBBUILD_RUNPATHS)
      if(pair MATCHES "^([^=]+)=(.*)$" AND CMAKE_MATCH_1 STREQUAL t AND NOT type STREQUAL "SHARED_LIBRARY")
        set(runpath "${CMAKE_MATCH_2}")
      endif()
    endforeach()
    if(NOT runpath STREQUAL "")
      set_target_properties("${t}" PROPERTIES BUILD_WITH_INSTALL_RPATH ON INSTALL_RPATH "${runpath}")
    endif()
  endforeach()
  # Debug information and __FILE__ name the sub-build's folder, which
  # differs between build trees: map it away.
  _multiarch_artifacts_all_targets(all "${CMAKE_SOURCE_DIR}")
  _multiarch_artifacts_map_prefixes(${all})
  _multiarch_artifacts_write_manifest("${MULTIARCH_SUBBUILD_TARGETS}")
endfunction()

if(DEFINED MULTIARCH_SUBBUILD_PLATFORM)
  cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _multiarch_artifacts_finish_subbuild)
endif()
