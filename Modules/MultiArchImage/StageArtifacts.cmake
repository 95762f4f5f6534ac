# Copies one platform's ARTIFACTS of an image into the build context, as
# <CONTEXT>/<platform>/<DESTINATION>/<file>, so that a Dockerfile takes
# them with `COPY ${TARGETPLATFORM}/ /`.  Checks first that every file is
# an ELF binary for that platform's CPU (an amd64 binary in an arm64 image
# still starts on an amd64 host, so a test run would not notice).  With
# RUNTIME_LIBRARIES STATIC, checks that programs need no loader.  With
# COLLECT, copies the shared libraries the programs need
# (file(GET_RUNTIME_DEPENDENCIES), resolved in the platform's sysroot and
# the sub-build) into the image's library folder (MULTIARCH_LIBRARY_DESTINATION,
# e.g. usr/local/lib), which the project's files name in their RUNPATH
# ($ORIGIN/../lib, set when the sub-build linked them), so that they are
# found before a library of the same name in the base image.  Where the
# final stage starts FROM scratch, the C library goes to /usr/lib and the
# loader to the path the programs name (PT_INTERP); on any other base the
# base's C library and loader serve (the audit checks that they are recent
# enough), and nothing is staged outside the DESTINATION and library
# folders, so the tree copies onto merged-/usr bases (/lib a symbolic link)
# and others alike.  Copies only files that differ, removes files it staged
# before and no longer stages, and touches the image's stamp only when
# something changed.  Run by <image>-artifacts; by hand:
#
#   cmake -DMULTIARCH_STAGE_FILE=<build>/<image>.multiarch/artifacts-linux-arm64.cmake
#         -DMULTIARCH_AUDIT_TOOL=<prefix>/bin/multiarch-audit
#         [-DMULTIARCH_CONFIG=<config>] -P StageArtifacts.cmake

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/Common.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Elf.cmake")
if(NOT MULTIARCH_STAGE_FILE OR NOT EXISTS "${MULTIARCH_STAGE_FILE}")
  _multiarch_die("StageArtifacts.cmake needs -DMULTIARCH_STAGE_FILE=<file written by add_multiarch_image>; "
    "re-run CMake on the project if it is missing.")
endif()
include("${MULTIARCH_STAGE_FILE}")
set(name "${MULTIARCH_NAME}")
set(platform "${MULTIARCH_PLATFORM}")
set(root "${MULTIARCH_PLATFORM_DIR}")

set(manifest "${MULTIARCH_MANIFEST_DIR}/multiarch-artifacts.cmake")
if(MULTIARCH_CONFIG)
  set(manifest "${MULTIARCH_MANIFEST_DIR}/multiarch-artifacts-${MULTIARCH_CONFIG}.cmake")
endif()
if(NOT EXISTS "${manifest}")
  _multiarch_die("image ${name}, ${platform}: ${MULTIARCH_ORIGIN} has not recorded its ARTIFACTS "
    "(no ${manifest}). Build the target ${name}-artifacts (or ${name}) instead of calling this "
    "script first, and check that configuring that build succeeded.")
endif()
include("${manifest}")

_multiarch_elf_expected("${platform}" want_machine want_class want_data want_name)

# Checks one binary against the platform; <what> names it in messages.
function(_multiarch_check_binary file what)
  _multiarch_elf_read("${file}" elf)
  if(NOT elf_ELF)
    _multiarch_die("image ${name}, ${platform}: ${what} (${file}) is not an ELF binary; ARTIFACTS "
      "must be executables or shared libraries built for Linux.")
  endif()
  if(want_machine AND NOT (elf_MACHINE EQUAL want_machine AND elf_CLASS EQUAL want_class
                           AND elf_DATA STREQUAL want_data))
    _multiarch_die("image ${name}, ${platform}: ${what} (${file}) is an ELF for machine "
      "${elf_MACHINE} (${elf_CLASS}-bit ${elf_DATA}), not ${want_name} (machine ${want_machine}, "
      "${want_class}-bit ${want_data}) as ${platform} needs. It was built by ${MULTIARCH_ORIGIN}; "
      "its toolchain file compiles for another CPU. Fix: name the right one with TOOLCHAINS "
      "${platform}=<file>.")
  endif()
  set(interp "${elf_INTERP}" PARENT_SCOPE)
endfunction()

set(staged "")     # paths below <root>, as recorded
set(changed FALSE)
function(_multiarch_stage_file source relative)
  set(dest "${root}/${relative}")
  if(IS_SYMLINK "${dest}")
    file(REMOVE "${dest}")  # staged as a link before: never write through it
  elseif(EXISTS "${dest}")
    file(SHA256 "${source}" a)
    file(SHA256 "${dest}" b)
    if(a STREQUAL b)
      set(staged ${staged} "${relative}" PARENT_SCOPE)
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
  set(staged ${staged} "${relative}" PARENT_SCOPE)
  set(changed TRUE PARENT_SCOPE)
endfunction()

# <out>: the base image of the final stage of the image's Dockerfile (with
# its BUILD_ARGS), as multiarch-audit reads it: a reference, "scratch" or
# "unknown".
function(_multiarch_final_base image_file platform out)
  include("${image_file}")  # in this function's scope only
  if(NOT EXISTS "${MULTIARCH_AUDIT_TOOL}")
    _multiarch_die("image ${MULTIARCH_NAME}, ${platform}: the tool multiarch-audit "
      "\"${MULTIARCH_AUDIT_TOOL}\" does not exist; build it (target MultiArchImage::audit) or "
      "reinstall MultiArchImage.")
  endif()
  # The variant's own ARGs (TARGETARCH, ...) are the tool's to fill from the platform.
  _multiarch_dockerfile_query(base "${MULTIARCH_AUDIT_TOOL}" "final-base;--platform;${platform}"
    "${MULTIARCH_DOCKERFILE}" "image ${MULTIARCH_NAME}, ${platform}" ${MULTIARCH_BUILD_ARGS})
  set(${out} "${base}" PARENT_SCOPE)
endfunction()

# A symbolic link of what the project installs (libfoo.so.1 -> libfoo.so.1.2.0).
function(_multiarch_stage_link target relative)
  set(dest "${root}/${relative}")
  if(IS_SYMLINK "${dest}")
    file(READ_SYMLINK "${dest}" current)
    if(current STREQUAL target)
      set(staged ${staged} "${relative}" PARENT_SCOPE)
      return()
    endif()
  endif()
  file(REMOVE_RECURSE "${dest}")
  get_filename_component(dir "${dest}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  file(CREATE_LINK "${target}" "${dest}" SYMBOLIC)
  set(staged ${staged} "${relative}" PARENT_SCOPE)
  set(changed TRUE PARENT_SCOPE)
endfunction()

set(prefix "")
if(NOT MULTIARCH_DESTINATION STREQUAL "")
  set(prefix "${MULTIARCH_DESTINATION}/")
endif()
set(libprefix "${MULTIARCH_LIBRARY_DESTINATION}/")
if(MULTIARCH_RUNTIME_LIBRARIES STREQUAL "STATIC")
  set(libprefix "${prefix}")
endif()
set(project_files "")  # what the project built, as staged
set(executables "")
set(libraries "")
set(modules "")
set(interpreters "")
foreach(t IN LISTS MULTIARCH_ARTIFACTS)
  if(NOT DEFINED "MULTIARCH_ARTIFACT_FILE_${t}")
    _multiarch_die("image ${name}, ${platform}: ${MULTIARCH_ORIGIN} did not record the target ${t} "
      "(${manifest}). Re-run CMake on the project.")
  endif()
  set(file "${MULTIARCH_ARTIFACT_FILE_${t}}")
  set(type "${MULTIARCH_ARTIFACT_TYPE_${t}}")
  if(NOT EXISTS "${file}")
    _multiarch_die("image ${name}, ${platform}: ${t} was not built (${file} is missing) by "
      "${MULTIARCH_ORIGIN}.")
  endif()
  _multiarch_check_binary("${file}" "ARTIFACTS ${t}")
  if(type STREQUAL "EXECUTABLE")
    list(APPEND executables "${file}")
    if(MULTIARCH_RUNTIME_LIBRARIES STREQUAL "STATIC" AND NOT interp STREQUAL "")
      _multiarch_die("image ${name}, ${platform}: ARTIFACTS ${t} (${file}) is linked dynamically "
        "(it needs the loader ${interp}), although RUNTIME_LIBRARIES is STATIC, which adds -static. "
        "Something in the project overrides it. Fix: remove what links ${t} dynamically, or use "
        "RUNTIME_LIBRARIES COLLECT to ship the libraries it needs.")
    endif()
    if(NOT interp STREQUAL "")
      list(APPEND interpreters "${interp}")
    endif()
  elseif(type STREQUAL "SHARED_LIBRARY")
    list(APPEND libraries "${file}")
  else()
    list(APPEND modules "${file}")
  endif()
  get_filename_component(file_name "${file}" NAME)
  set(relative "${prefix}${file_name}")
  if(type STREQUAL "SHARED_LIBRARY")
    set(relative "${libprefix}${file_name}")
  endif()
  _multiarch_stage_file("${file}" "${relative}")
  list(APPEND project_files "${relative}")
endforeach()

# INSTALL: what the project's install() rules install for the components,
# as `cmake --install` puts it under the prefix, links kept; the ELF files
# among it are the project's own (the sub-build installed them with a
# RUNPATH relative to $ORIGIN).
set(own_root "${MULTIARCH_ARTIFACTS_BUILD_DIR}")
if(MULTIARCH_INSTALL)
  set(destdir "${MULTIARCH_INSTALL_DIR}")
  set(own_root "${destdir}")
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
    execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
      _multiarch_die("image ${name}, ${platform}: installing ${component} of ${MULTIARCH_ORIGIN} "
        "failed (exit ${rc}):\n${out}")
    endif()
  endforeach()
  file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE "${destdir}" "${destdir}/*")
  if(NOT installed)
    string(JOIN ", " components_text ${components})
    _multiarch_die("image ${name}, ${platform}: INSTALL COMPONENTS ${components_text}: the project's "
      "install() rules install nothing for it in ${MULTIARCH_ORIGIN}. Fix: name the components its "
      "install(... COMPONENT <name>) rules use, or leave COMPONENTS out for all of them.")
  endif()
  foreach(relative IN LISTS installed)
    set(file "${destdir}/${relative}")
    if(IS_SYMLINK "${file}")
      file(READ_SYMLINK "${file}" target)
      _multiarch_stage_link("${target}" "${relative}")
      continue()
    endif()
    _multiarch_elf_read("${file}" elf)
    if(elf_ELF)
      _multiarch_check_binary("${file}" "the installed file /${relative}")
      list(APPEND project_files "${relative}")
      if(NOT interp STREQUAL "")
        list(APPEND executables "${file}")
        list(APPEND interpreters "${interp}")
      elseif(elf_TYPE EQUAL 3)  # ET_DYN without a loader: a shared library
        list(APPEND libraries "${file}")
      endif()
    endif()
    _multiarch_stage_file("${file}" "${relative}")
  endforeach()
endif()

if(MULTIARCH_RUNTIME_LIBRARIES STREQUAL "COLLECT" AND (executables OR libraries OR modules))
  if(NOT MULTIARCH_OBJDUMP)
    _multiarch_die("image ${name}, ${platform}: RUNTIME_LIBRARIES COLLECT needs objdump for the "
      "platform, and ${MULTIARCH_ORIGIN} found none (CMAKE_OBJDUMP). Fix: install the binutils of "
      "the cross toolchain (e.g. apt install binutils-aarch64-linux-gnu), or set CMAKE_OBJDUMP in "
      "the toolchain file.")
  endif()
  set(CMAKE_GET_RUNTIME_DEPENDENCIES_PLATFORM linux+elf)
  set(CMAKE_GET_RUNTIME_DEPENDENCIES_TOOL objdump)
  set(CMAKE_GET_RUNTIME_DEPENDENCIES_COMMAND "${MULTIARCH_OBJDUMP}")
  # In place of `ldconfig -p`: the project's own library folders (their
  # files name the image's folder in RUNPATH, not these), then the
  # platform's, as the compiler links against them (for a cross build, the
  # host's folders hold the host's CPU).
  string(REPLACE ";" "\\;" dirs_arg "${MULTIARCH_PROJECT_LIBRARY_DIRS};${MULTIARCH_LIBRARY_DIRS}")
  set(CMAKE_LDCONFIG_COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_LIBRARY_DIRS=${dirs_arg}"
    -P "${CMAKE_CURRENT_LIST_DIR}/LdconfigDirs.cmake")
  set(args RESOLVED_DEPENDENCIES_VAR resolved UNRESOLVED_DEPENDENCIES_VAR unresolved
    CONFLICTING_DEPENDENCIES_PREFIX conflict)
  if(executables)
    list(APPEND args EXECUTABLES ${executables})
  endif()
  if(libraries)
    list(APPEND args LIBRARIES ${libraries})
  endif()
  if(modules)
    list(APPEND args MODULES ${modules})
  endif()
  file(GET_RUNTIME_DEPENDENCIES ${args})
  if(unresolved)
    string(JOIN ", " unresolved_text ${unresolved})
    string(JOIN ", " dirs_text ${MULTIARCH_LIBRARY_DIRS})
    _multiarch_die("image ${name}, ${platform}: the ARTIFACTS need ${unresolved_text}, which are "
      "not in the platform's library folders (${dirs_text}) nor in the programs' RPATH. Fix: install "
      "that library for ${platform} (Debian: the package's :<arch> or -cross variant), or link it "
      "statically.")
  endif()
  # The same library found in two folders (e.g. /lib and /usr/lib on a
  # merged-/usr host): take the first.
  foreach(conflict_name IN LISTS conflict_FILENAMES)
    list(GET conflict_${conflict_name} 0 first)
    list(APPEND resolved "${first}")
  endforeach()

  # FROM scratch: the image has no C library and no loader of its own.
  _multiarch_final_base("${MULTIARCH_IMAGE_FILE}" "${platform}" base)
  set(scratch FALSE)
  if(base STREQUAL "scratch")
    set(scratch TRUE)
  endif()

  # The C library's own files (glibc, musl): they come with the loader, from
  # the base, or all of them onto scratch.
  set(clib_regex "^(ld-linux.*|ld64|ld-musl-.*|libc|libm|libmvec|libpthread|libdl|librt|libresolv|libutil|libanl|libnsl|libBrokenLocale|libc_malloc_debug|libthread_db|libnss_[A-Za-z0-9_]+)\\.so(\\..*)?$")
  set(interp_names "")
  list(REMOVE_DUPLICATES interpreters)
  foreach(i IN LISTS interpreters)
    get_filename_component(n "${i}" NAME)
    list(APPEND interp_names "${n}")
  endforeach()
  set(found_interps "")
  set(from_base "")
  foreach(lib IN LISTS resolved)
    get_filename_component(lib_name "${lib}" NAME)
    _multiarch_check_binary("${lib}" "the library ${lib_name}")
    if(lib_name IN_LIST interp_names)
      # The loader: it goes where the programs look for it (PT_INTERP).
      list(APPEND found_interps "${lib}")
      continue()
    endif()
    cmake_path(IS_PREFIX own_root "${lib}" NORMALIZE own)
    if(own AND MULTIARCH_INSTALL)
      continue()  # installed, and staged where it was installed
    elseif(own)
      # One of the project's own libraries: beside the others, where the
      # programs' RUNPATH points.
      _multiarch_stage_file("${lib}" "${libprefix}${lib_name}")
      list(APPEND project_files "${libprefix}${lib_name}")
    elseif(lib_name MATCHES "${clib_regex}")
      if(scratch)
        # /usr/lib: a folder every glibc (and musl) loader searches by
        # itself, with no ld.so.cache in the image.
        _multiarch_stage_file("${lib}" "usr/lib/${lib_name}")
      else()
        list(APPEND from_base "${lib_name}")
      endif()
    elseif(scratch)
      _multiarch_stage_file("${lib}" "usr/lib/${lib_name}")
    else()
      _multiarch_stage_file("${lib}" "${libprefix}${lib_name}")
    endif()
  endforeach()
  if(NOT scratch)
    string(JOIN ", " from_base_text ${interpreters} ${from_base})
    if(from_base_text)
      message(STATUS "multiarch: ${name} ${platform}: the base image (${base}) provides the C "
        "library (${from_base_text}); its audit test checks that it defines what the programs need")
    endif()
    set(interpreters "")
  endif()
  foreach(i IN LISTS interpreters)
    get_filename_component(n "${i}" NAME)
    set(source "")
    foreach(lib IN LISTS found_interps)
      get_filename_component(lib_name "${lib}" NAME)
      if(lib_name STREQUAL n)
        set(source "${lib}")
        break()
      endif()
    endforeach()
    if(source STREQUAL "")
      foreach(dir IN LISTS MULTIARCH_LIBRARY_DIRS)
        if(EXISTS "${dir}/${n}")
          set(source "${dir}/${n}")
          break()
        endif()
      endforeach()
    endif()
    if(source STREQUAL "")
      string(JOIN ", " dirs_text ${MULTIARCH_LIBRARY_DIRS})
      _multiarch_die("image ${name}, ${platform}: the programs need the loader ${i}, which is not in "
        "the platform's library folders (${dirs_text}). Fix: install the C library for ${platform} "
        "(Debian: libc6-<arch>-cross), or use RUNTIME_LIBRARIES STATIC.")
    endif()
    string(REGEX REPLACE "^/+" "" relative "${i}")
    _multiarch_stage_file("${source}" "${relative}")
  endforeach()

  # Nothing of the build tree may remain in what is staged: a RUNPATH that
  # names it would find nothing in the image, or another library, and
  # makes two clean builds differ.
  foreach(relative IN LISTS project_files)
    file(READ_ELF "${root}/${relative}" RUNPATH runpath RPATH rpath)
    foreach(value IN ITEMS "${runpath}" "${rpath}")
      if(value MATCHES "(^|:)/")
        _multiarch_die("image ${name}, ${platform}: ${relative} has the RPATH/RUNPATH \"${value}\", "
          "a folder of the machine that built it, not of the image. It was built by ${MULTIARCH_ORIGIN}; "
          "something in the project sets it after MultiArchImage (BUILD_RPATH, INSTALL_RPATH or "
          "-Wl,-rpath link options on the target). Remove that for the sub-builds "
          "(if(MULTIARCH_SUBBUILD_PLATFORM) ...), which give every staged file a RUNPATH relative to $ORIGIN.")
      endif()
    endforeach()
  endforeach()
endif()

# Remove what an earlier run staged and this one did not (an artifact or a
# library dropped since).
list(REMOVE_DUPLICATES staged)
if(EXISTS "${MULTIARCH_RECORD_FILE}")
  file(STRINGS "${MULTIARCH_RECORD_FILE}" before)
  foreach(relative IN LISTS before)
    if(NOT relative IN_LIST staged AND EXISTS "${root}/${relative}")
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
