# Copies one platform's ARTIFACTS of an image into the build context, as
# <CONTEXT>/<platform>/<DESTINATION>/<file>, so that a Dockerfile takes
# them with `COPY ${TARGETPLATFORM}/ /`.  Checks first that every file is
# an ELF binary for that platform's CPU (an amd64 binary in an arm64 image
# still starts on an amd64 host, so a test run would not notice).  With
# RUNTIME_LIBRARIES STATIC, checks that programs need no loader; with
# COLLECT, copies the shared libraries they need (file(GET_RUNTIME_DEPENDENCIES),
# resolved in the platform's sysroot) to /usr/lib and the program
# interpreter to the path the programs name.  Copies only files that
# differ, removes files it staged before and no longer stages, and touches
# the image's stamp only when something changed.  Run by <image>-artifacts;
# by hand:
#
#   cmake -DMULTIARCH_STAGE_FILE=<build>/<image>.multiarch/artifacts-linux-arm64.cmake
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
  if(EXISTS "${dest}")
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

set(prefix "")
if(NOT MULTIARCH_DESTINATION STREQUAL "")
  set(prefix "${MULTIARCH_DESTINATION}/")
endif()
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
  _multiarch_stage_file("${file}" "${prefix}${file_name}")
endforeach()

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
  if(MULTIARCH_CROSSCOMPILING)
    # The platform's folders take the place of ldconfig's: its sysroot, as
    # the compiler links against it (the host's folders hold the host's CPU).
    string(REPLACE ";" "\\;" dirs_arg "${MULTIARCH_LIBRARY_DIRS}")
    set(CMAKE_LDCONFIG_COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_LIBRARY_DIRS=${dirs_arg}"
      -P "${CMAKE_CURRENT_LIST_DIR}/LdconfigDirs.cmake")
  endif()
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
  set(interp_names "")
  list(REMOVE_DUPLICATES interpreters)
  foreach(i IN LISTS interpreters)
    get_filename_component(n "${i}" NAME)
    list(APPEND interp_names "${n}")
  endforeach()
  set(found_interps "")
  foreach(lib IN LISTS resolved)
    get_filename_component(lib_name "${lib}" NAME)
    _multiarch_check_binary("${lib}" "the library ${lib_name}")
    if(lib_name IN_LIST interp_names)
      # The loader: it goes where the programs look for it (PT_INTERP).
      list(APPEND found_interps "${lib}")
      continue()
    endif()
    # /usr/lib: a folder every glibc (and musl) loader searches by itself,
    # with no ld.so.cache in the image.
    _multiarch_stage_file("${lib}" "usr/lib/${lib_name}")
  endforeach()
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
