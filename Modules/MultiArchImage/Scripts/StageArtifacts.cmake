# Copies one platform's ARTIFACTS of an image into the build context, as
# <CONTEXT>/<platform>/<DESTINATION>/<file>, so that a Dockerfile takes
# them with `COPY ${TARGETPLATFORM}/ /`.  Run by <image>-artifacts; by hand:
#
#   cmake -DMULTIARCH_INPUT_FILE=<build>/<image>.multiarch/artifacts-linux-arm64.cmake
#         -DMULTIARCH_AUDIT_TOOL=<prefix>/bin/multiarch-audit
#         [-DMULTIARCH_CONFIG=<config>] -P Scripts/StageArtifacts.cmake
#
# multiarch-audit reads every file to stage, and finds the shared libraries
# they load (`multiarch-audit resolve`: the same ELF reader as the audit,
# no objdump).  Every file must be an ELF binary for the platform's CPU (an
# amd64 binary in an arm64 image still starts on an amd64 host, so a test
# run would not notice).  With RUNTIME_LIBRARIES STATIC, programs must need
# no loader.  With COLLECT, the libraries they load, found in the
# sub-build and the platform's sysroot, go to the image's library folder
# (MULTIARCH_LIBRARY_DESTINATION, e.g. usr/local/lib), which the project's
# files name in their RUNPATH ($ORIGIN/../lib, set when the sub-build linked
# them), so that they are found before a library of the same name in the
# base image.  Where the final stage starts FROM scratch, the C library goes
# to /usr/lib and the loader to the path the programs name (PT_INTERP); on
# any other base the base's C library and loader serve (the audit checks
# that they are recent enough), and nothing is staged outside DESTINATION
# and the library folder, so the tree copies onto merged-/usr bases (/lib a
# symbolic link) and others alike.  With INSTALL, what the project's
# install() rules install for the components is staged as `cmake --install`
# lays it out, links kept.
#
# Copies only files that differ, removes files it staged before and no
# longer stages, and touches the image's stamp only when something changed.

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/../GeneratedFiles.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../ScriptRuntime.cmake")

# The C library's own files (glibc, musl): they come with the loader, from
# the base, or all of them onto scratch.
set(_MULTIARCH_CLIB_REGEX "^(ld-linux.*|ld64|ld-musl-.*|libc|libm|libmvec|libpthread|libdl|librt|libresolv|libutil|libanl|libnsl|libBrokenLocale|libc_malloc_debug|libthread_db|libnss_[A-Za-z0-9_]+)\\.so(\\..*)?$")

# What this run staged (paths below the platform's folder, <root>) and
# whether anything there changed: global properties, as every step of the
# staging adds to them.
function(_multiarch_staged relative changed)
  set_property(GLOBAL APPEND PROPERTY _MULTIARCH_STAGED "${relative}")
  if(changed)
    set_property(GLOBAL PROPERTY _MULTIARCH_STAGE_CHANGED TRUE)
  endif()
endfunction()

# Copies <source> to <root>/<relative> unless it holds the same bytes.
function(_multiarch_stage_file source relative)
  set(dest "${root}/${relative}")
  if(IS_SYMLINK "${dest}")
    file(REMOVE "${dest}")  # staged as a link before: never write through it
  elseif(EXISTS "${dest}")
    file(SHA256 "${source}" a)
    file(SHA256 "${dest}" b)
    if(a STREQUAL b)
      _multiarch_staged("${relative}" FALSE)
      return()
    endif()
  endif()
  get_filename_component(dir "${dest}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  # copy, not a symlink: the context must hold the file itself.  Follows a
  # symlinked source (libstdc++.so.6 -> libstdc++.so.6.0.30).
  execute_process(COMMAND "${CMAKE_COMMAND}" -E copy "${source}" "${dest}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    _multiarch_die("image ${name}, ${platform}: cannot copy ${source} to ${dest}.")
  endif()
  _multiarch_staged("${relative}" TRUE)
endfunction()

# A symbolic link of what the project installs (libfoo.so.1 -> libfoo.so.1.2.0).
function(_multiarch_stage_link target relative)
  set(dest "${root}/${relative}")
  if(IS_SYMLINK "${dest}")
    file(READ_SYMLINK "${dest}" current)
    if(current STREQUAL target)
      _multiarch_staged("${relative}" FALSE)
      return()
    endif()
  endif()
  file(REMOVE_RECURSE "${dest}")
  get_filename_component(dir "${dest}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  file(CREATE_LINK "${target}" "${dest}" SYMBOLIC)
  _multiarch_staged("${relative}" TRUE)
endfunction()

# <out>: the base image of the final stage of the image's Dockerfile (with
# its BUILD_ARGS), as multiarch-audit reads it: a reference, "scratch" or
# "unknown".
function(_multiarch_final_base image_file platform out)
  include("${image_file}")  # in this function's scope only
  # The variant's own ARGs (TARGETARCH, ...) are the tool's to fill from the platform.
  _multiarch_dockerfile_query(base "${MULTIARCH_AUDIT_TOOL}" "final-base;--platform;${platform}"
    "${MULTIARCH_DOCKERFILE}" "image ${MULTIARCH_NAME}, ${platform}" ${MULTIARCH_BUILD_ARGS})
  set(${out} "${base}" PARENT_SCOPE)
endfunction()

# Runs `cmake --install` of the sub-build for the INSTALL components into
# <destdir> and sets <out> to what it installed (paths relative to <destdir>).
function(_multiarch_install_components destdir out)
  file(REMOVE_RECURSE "${destdir}")
  set(components "${MULTIARCH_INSTALL_COMPONENTS}")
  if(NOT components)
    set(components "<every component>")
  endif()
  foreach(component IN LISTS components)
    set(cmd "${CMAKE_COMMAND}" -E env "DESTDIR=${destdir}"
      "${CMAKE_COMMAND}" --install "${MULTIARCH_MANIFEST_DIR}" --prefix "${MULTIARCH_INSTALL_PREFIX}")
    if(MULTIARCH_CONFIG)
      list(APPEND cmd --config "${MULTIARCH_CONFIG}")
    endif()
    if(NOT component STREQUAL "<every component>")
      list(APPEND cmd --component "${component}")
    endif()
    execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
    if(NOT rc EQUAL 0)
      _multiarch_die("image ${name}, ${platform}: installing ${component} of ${MULTIARCH_ORIGIN} "
        "failed (exit ${rc}):\n${log}")
    endif()
  endforeach()
  file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE "${destdir}" "${destdir}/*")
  if(NOT installed)
    string(JOIN ", " components_text ${components})
    _multiarch_die("image ${name}, ${platform}: INSTALL COMPONENTS ${components_text}: the project's "
      "install() rules install nothing for it in ${MULTIARCH_ORIGIN}. Fix: name the components its "
      "install(... COMPONENT <name>) rules use, or leave COMPONENTS out for all of them.")
  endif()
  set(${out} "${installed}" PARENT_SCOPE)
endfunction()

# <prefix>_<field> for every field of entry <i> of <array> in the JSON of
# `multiarch-audit resolve` (path, kind, describe, fits, why, interp,
# soname, rpath, runpath, name, needed_by; "" where absent).
function(_multiarch_resolved_entry json array i prefix)
  foreach(field path kind describe fits why interp soname rpath runpath name needed_by)
    string(JSON value ERROR_VARIABLE err GET "${json}" ${array} ${i} ${field})
    if(err)
      set(value "")
    endif()
    set(${prefix}_${field} "${value}" PARENT_SCOPE)
  endforeach()
endfunction()

# Fails unless the file read into <prefix>_... is an ELF binary the
# platform runs; <what> names it in messages.
function(_multiarch_require_fit prefix what)
  if(NOT ${prefix}_kind MATCHES "^(executable|shared)$")
    _multiarch_die("image ${name}, ${platform}: ${what} (${${prefix}_path}) is not an ELF program "
      "or shared library; ARTIFACTS must be executables or shared libraries built for Linux.")
  endif()
  if(NOT ${prefix}_fits)
    _multiarch_die("image ${name}, ${platform}: ${what} (${${prefix}_path}) is a "
      "${${prefix}_describe}: ${${prefix}_why}. It was built by ${MULTIARCH_ORIGIN}; its toolchain "
      "file compiles for another CPU. Fix: name the right one with TOOLCHAINS ${platform}=<file>.")
  endif()
endfunction()

# <out>: the manifest in which the build that made this platform's
# ARTIFACTS recorded them (multiarch-artifacts[-<config>].cmake).
function(_multiarch_stage_manifest out)
  set(manifest "${MULTIARCH_MANIFEST_DIR}/multiarch-artifacts.cmake")
  if(MULTIARCH_CONFIG)
    set(manifest "${MULTIARCH_MANIFEST_DIR}/multiarch-artifacts-${MULTIARCH_CONFIG}.cmake")
  endif()
  if(NOT EXISTS "${manifest}")
    _multiarch_die("image ${name}, ${platform}: ${MULTIARCH_ORIGIN} has not recorded its ARTIFACTS "
      "(no ${manifest}). Build the target ${name}-artifacts (or ${name}) instead of calling this "
      "script first, and check that configuring that build succeeded.")
  endif()
  set(${out} "${manifest}" PARENT_SCOPE)
endfunction()

# What to stage, as "<source>|<path in the image>|<what, for messages>|<must
# be ELF>": every ARTIFACTS target of the manifest and, with INSTALL, every
# file the project installs (its links are staged here, as links).  Sets
# <inputs_out>, and <own_root_out> to the folder of the project's own files
# (this build, or the install folder).
function(_multiarch_stage_inputs manifest inputs_out own_root_out)
  set(inputs "")
  foreach(t IN LISTS MULTIARCH_ARTIFACTS)
    if(NOT DEFINED "MULTIARCH_ARTIFACT_FILE_${t}")
      _multiarch_die("image ${name}, ${platform}: ${MULTIARCH_ORIGIN} did not record the target ${t} "
        "(${manifest}). Re-run CMake on the project.")
    endif()
    set(file "${MULTIARCH_ARTIFACT_FILE_${t}}")
    if(NOT EXISTS "${file}")
      _multiarch_die("image ${name}, ${platform}: ${t} was not built (${file} is missing) by "
        "${MULTIARCH_ORIGIN}.")
    endif()
    get_filename_component(file_name "${file}" NAME)
    set(relative "${prefix}${file_name}")
    if(MULTIARCH_ARTIFACT_TYPE_${t} STREQUAL "SHARED_LIBRARY")
      set(relative "${libprefix}${file_name}")
    endif()
    list(APPEND inputs "${file}|${relative}|ARTIFACTS ${t}|ELF")
  endforeach()
  set(own_root "${MULTIARCH_ARTIFACTS_BUILD_DIR}")
  if(MULTIARCH_INSTALL)
    set(own_root "${MULTIARCH_INSTALL_DIR}")
    _multiarch_install_components("${own_root}" installed)
    foreach(relative IN LISTS installed)
      set(file "${own_root}/${relative}")
      if(IS_SYMLINK "${file}")
        file(READ_SYMLINK "${file}" target)
        _multiarch_stage_link("${target}" "${relative}")
      else()
        list(APPEND inputs "${file}|${relative}|the installed file /${relative}|")
      endif()
    endforeach()
  endif()
  set(${inputs_out} "${inputs}" PARENT_SCOPE)
  set(${own_root_out} "${own_root}" PARENT_SCOPE)
endfunction()

# <out>: what `multiarch-audit resolve` says of every input and of the
# libraries they load (one reading of each file: the same ELF reader as the
# audit).
function(_multiarch_stage_resolve inputs out)
  set(cmd "${MULTIARCH_AUDIT_TOOL}" resolve --platform "${platform}")
  if(MULTIARCH_RUNTIME_LIBRARIES STREQUAL "COLLECT")
    # The project's library folders first (its files name the image's
    # folder in RUNPATH, not these), then the platform's, as the compiler
    # links against them.
    foreach(dir IN LISTS MULTIARCH_PROJECT_LIBRARY_DIRS MULTIARCH_LIBRARY_DIRS)
      list(APPEND cmd --dir "${dir}")
    endforeach()
  endif()
  foreach(entry IN LISTS inputs)
    string(REGEX MATCH "^[^|]*" file "${entry}")
    list(APPEND cmd "${file}")
  endforeach()
  execute_process(COMMAND ${cmd} OUTPUT_VARIABLE json ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    _multiarch_die("image ${name}, ${platform}: ${MULTIARCH_AUDIT_TOOL} resolve failed (exit ${rc}): ${err}")
  endif()
  set(${out} "${json}" PARENT_SCOPE)
endfunction()

# Stages every input, an ELF file checked to fit the platform (and to need
# no loader with STATIC).  Sets <out>_FILES (what the project built, as
# staged), <out>_RPATHS ("<rpath>:<runpath>" of each) and
# <out>_INTERPRETERS (the loaders the programs name).
function(_multiarch_stage_inputs_checked json inputs out)
  set(project_files "")
  set(rpaths "")
  set(interpreters "")
  set(i 0)
  foreach(entry IN LISTS inputs)
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 file)
    list(GET parts 1 relative)
    list(GET parts 2 what)
    list(GET parts 3 must_be_elf)
    _multiarch_resolved_entry("${json}" files ${i} f)
    math(EXPR i "${i} + 1")
    if(must_be_elf OR f_kind MATCHES "^(executable|shared)$")
      _multiarch_require_fit(f "${what}")
      list(APPEND project_files "${relative}")
      list(APPEND rpaths "${f_rpath}:${f_runpath}")
      if(MULTIARCH_RUNTIME_LIBRARIES STREQUAL "STATIC" AND f_kind STREQUAL "executable"
         AND NOT f_interp STREQUAL "")
        _multiarch_die("image ${name}, ${platform}: ${what} (${file}) is linked dynamically (it "
          "needs the loader ${f_interp}), although RUNTIME_LIBRARIES is STATIC, which adds -static. "
          "Something in the project overrides it. Fix: remove what links it dynamically, or use "
          "RUNTIME_LIBRARIES COLLECT to ship the libraries it needs.")
      endif()
      if(NOT f_interp STREQUAL "")
        list(APPEND interpreters "${f_interp}")
      endif()
    endif()
    _multiarch_stage_file("${file}" "${relative}")
  endforeach()
  list(REMOVE_DUPLICATES interpreters)
  set(${out}_FILES "${project_files}" PARENT_SCOPE)
  set(${out}_RPATHS "${rpaths}" PARENT_SCOPE)
  set(${out}_INTERPRETERS "${interpreters}" PARENT_SCOPE)
endfunction()

# COLLECT: fails when a library the programs load was found nowhere.
function(_multiarch_stage_require_resolved json)
  string(JSON count LENGTH "${json}" unresolved)
  if(count EQUAL 0)
    return()
  endif()
  set(missing "")
  math(EXPR last "${count} - 1")
  foreach(k RANGE ${last})
    _multiarch_resolved_entry("${json}" unresolved ${k} u)
    list(APPEND missing "${u_name} (needed by ${u_needed_by})")
  endforeach()
  string(JOIN ", " missing_text ${missing})
  string(JOIN ", " dirs_text ${MULTIARCH_PROJECT_LIBRARY_DIRS} ${MULTIARCH_LIBRARY_DIRS})
  _multiarch_die("image ${name}, ${platform}: no library for ${platform} found for "
    "${missing_text} in the project's and the platform's library folders (${dirs_text}). Fix: "
    "install that library for ${platform} (Debian: the package's :<arch> or -cross variant, or a "
    "sysroot: MULTIARCH_SUBBUILD_CMAKE_ARGS_<os>_<arch>=-DCMAKE_SYSROOT=<dir>), or link it statically.")
endfunction()

# COLLECT: stages the libraries the programs load: the project's own beside
# the programs (where their RUNPATH points), appended to <out>_FILES and
# <out>_RPATHS; the others in the library folder, or onto scratch in
# /usr/lib with the loader at the path the programs name; the C library's
# own files come from any other base.
function(_multiarch_stage_libraries json own_root base out)
  set(project_files "${${out}_FILES}")
  set(rpaths "${${out}_RPATHS}")
  set(interpreters "${${out}_INTERPRETERS}")
  set(loaders "")   # "<PT_INTERP>|<file>"
  set(from_base "")
  string(JSON count LENGTH "${json}" libraries)
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(k RANGE ${last})
      _multiarch_resolved_entry("${json}" libraries ${k} l)
      set(lib_name "${l_name}")  # the name the loader looks for, not the link's target
      cmake_path(IS_PREFIX own_root "${l_path}" NORMALIZE own)
      set(is_loader FALSE)
      foreach(interp IN LISTS interpreters)
        get_filename_component(interp_name "${interp}" NAME)
        if(lib_name STREQUAL interp_name)
          list(APPEND loaders "${interp}|${l_path}")
          set(is_loader TRUE)
        endif()
      endforeach()
      if(is_loader)
        continue()
      elseif(own AND MULTIARCH_INSTALL)
        continue()  # installed, and staged where it was installed
      elseif(own)
        # One of the project's own libraries: beside the others, where the
        # programs' RUNPATH points.
        _multiarch_stage_file("${l_path}" "${libprefix}${lib_name}")
        list(APPEND project_files "${libprefix}${lib_name}")
        list(APPEND rpaths "${l_rpath}:${l_runpath}")
      elseif(base STREQUAL "scratch")
        # /usr/lib: a folder every glibc (and musl) loader searches by
        # itself, with no ld.so.cache in the image.
        _multiarch_stage_file("${l_path}" "usr/lib/${lib_name}")
      elseif(lib_name MATCHES "${_MULTIARCH_CLIB_REGEX}")
        list(APPEND from_base "${lib_name}")
      else()
        _multiarch_stage_file("${l_path}" "${libprefix}${lib_name}")
      endif()
    endforeach()
  endif()
  if(base STREQUAL "scratch")
    _multiarch_stage_loaders("${interpreters}" "${loaders}")
  else()
    string(JOIN ", " from_base_text ${interpreters} ${from_base})
    if(from_base_text)
      message(STATUS "multiarch: ${name} ${platform}: the base image (${base}) provides the C "
        "library (${from_base_text}); its audit test checks that it defines what the programs need")
    endif()
  endif()
  set(${out}_FILES "${project_files}" PARENT_SCOPE)
  set(${out}_RPATHS "${rpaths}" PARENT_SCOPE)
endfunction()

# FROM scratch: the loader of each of <interpreters> at the path the
# programs name, from <loaders> ("<PT_INTERP>|<file>", what resolve found)
# or the platform's library folders.
function(_multiarch_stage_loaders interpreters loaders)
  foreach(interp IN LISTS interpreters)
    set(source "")
    foreach(pair IN LISTS loaders)
      if(pair MATCHES "^([^|]*)\\|(.*)$" AND CMAKE_MATCH_1 STREQUAL interp)
        set(source "${CMAKE_MATCH_2}")
      endif()
    endforeach()
    get_filename_component(interp_name "${interp}" NAME)
    foreach(dir IN LISTS MULTIARCH_LIBRARY_DIRS)
      if(source STREQUAL "" AND EXISTS "${dir}/${interp_name}")
        set(source "${dir}/${interp_name}")
      endif()
    endforeach()
    if(source STREQUAL "")
      string(JOIN ", " dirs_text ${MULTIARCH_LIBRARY_DIRS})
      _multiarch_die("image ${name}, ${platform}: the programs need the loader ${interp}, which "
        "is not in the platform's library folders (${dirs_text}). Fix: install the C library for "
        "${platform} (Debian: libc6-<arch>-cross), or use RUNTIME_LIBRARIES STATIC.")
    endif()
    string(REGEX REPLACE "^/+" "" relative "${interp}")
    _multiarch_stage_file("${source}" "${relative}")
  endforeach()
endfunction()

# Nothing of the build tree may remain in what is staged: a RUNPATH that
# names it would find nothing in the image, or another library, and makes
# two clean builds differ.
function(_multiarch_stage_require_relative_rpaths project_files rpaths)
  foreach(relative paths IN ZIP_LISTS project_files rpaths)
    if(paths MATCHES "(^|:)/")
      _multiarch_die("image ${name}, ${platform}: ${relative} has the RPATH/RUNPATH \"${paths}\" "
        "(rpath:runpath), a folder of the machine that built it, not of the image. It was built by "
        "${MULTIARCH_ORIGIN}; something in the project sets it after MultiArchImage (BUILD_RPATH, "
        "INSTALL_RPATH, CMAKE_INSTALL_RPATH_USE_LINK_PATH or -Wl,-rpath on the target). Remove that "
        "for the sub-builds (if(MULTIARCH_SUBBUILD_PLATFORM) ...), which give every staged file a "
        "RUNPATH relative to $ORIGIN.")
    endif()
  endforeach()
endfunction()

# Removes what an earlier run staged and this one did not (an artifact or a
# library dropped since), records what is staged, and touches the image's
# stamp when anything changed.
function(_multiarch_stage_finish)
  get_property(staged GLOBAL PROPERTY _MULTIARCH_STAGED)
  get_property(changed GLOBAL PROPERTY _MULTIARCH_STAGE_CHANGED)
  list(REMOVE_DUPLICATES staged)
  if(EXISTS "${MULTIARCH_RECORD_FILE}")
    file(STRINGS "${MULTIARCH_RECORD_FILE}" before)
    foreach(relative IN LISTS before)
      if(NOT relative IN_LIST staged AND (EXISTS "${root}/${relative}" OR IS_SYMLINK "${root}/${relative}"))
        file(REMOVE "${root}/${relative}")
        set(changed TRUE)
      endif()
    endforeach()
  endif()
  file(MAKE_DIRECTORY "${root}")
  string(JOIN "\n" record ${staged})
  _multiarch_write_if_changed("${MULTIARCH_RECORD_FILE}" "${record}\n")

  list(LENGTH staged count)
  if(changed OR NOT EXISTS "${MULTIARCH_STAMP}")
    file(TOUCH "${MULTIARCH_STAMP}")
    message(STATUS "multiarch: ${name} ${platform}: staged ${count} file(s) in ${root} from ${MULTIARCH_ORIGIN}")
  else()
    message(STATUS "multiarch: ${name} ${platform}: ${count} file(s) in ${root} up to date")
  endif()
endfunction()

_multiarch_read_input(StageArtifacts.cmake add_multiarch_image)
set(name "${MULTIARCH_NAME}")
set(platform "${MULTIARCH_PLATFORM}")
set(root "${MULTIARCH_PLATFORM_DIR}")
if(NOT EXISTS "${MULTIARCH_AUDIT_TOOL}")
  _multiarch_die("image ${name}, ${platform}: the tool multiarch-audit \"${MULTIARCH_AUDIT_TOOL}\" "
    "does not exist; build it (target MultiArchImage::audit) or reinstall MultiArchImage.")
endif()
_multiarch_stage_manifest(manifest)
include("${manifest}")
# Programs in DESTINATION; shared libraries in the library folder, or beside
# the programs with STATIC.
set(prefix "")
if(NOT MULTIARCH_DESTINATION STREQUAL "")
  set(prefix "${MULTIARCH_DESTINATION}/")
endif()
set(libprefix "${MULTIARCH_LIBRARY_DESTINATION}/")
if(MULTIARCH_RUNTIME_LIBRARIES STREQUAL "STATIC")
  set(libprefix "${prefix}")
endif()

_multiarch_stage_inputs("${manifest}" inputs own_root)
_multiarch_stage_resolve("${inputs}" json)
_multiarch_stage_inputs_checked("${json}" "${inputs}" project)
if(MULTIARCH_RUNTIME_LIBRARIES STREQUAL "COLLECT")
  _multiarch_stage_require_resolved("${json}")
  _multiarch_final_base("${MULTIARCH_IMAGE_FILE}" "${platform}" base)
  _multiarch_stage_libraries("${json}" "${own_root}" "${base}" project)
  _multiarch_stage_require_relative_rpaths("${project_FILES}" "${project_RPATHS}")
endif()
_multiarch_stage_finish()
