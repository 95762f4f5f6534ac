# One audit test of add_multiarch_image: streams one platform's variant of
# the pushed image (its own manifest, by digest, from <name>.image.json)
# through multiarch-audit, which checks that the platform can run every ELF
# file in it (class, byte order, machine, ARM float ABI), that every
# script's #! interpreter is there, that every program finds its libraries,
# symbol versions and symbols as the platform's loader would, and that the
# image's ENTRYPOINT/CMD program exists there.  Nothing of the image runs, so an amd64
# program in the arm64 variant fails here even on an amd64 host, where it
# would start.  Run by CTest; by hand:
#
#   cmake -DMULTIARCH_INPUT_FILE=<build>/<name>.multiarch/audit-linux-arm64.cmake
#         -DMULTIARCH_AUDIT_TOOL=<prefix>/bin/multiarch-audit -P Scripts/AuditVariant.cmake
#
# On a pass it records the tested index digest in MULTIARCH_RESULT_FILE for
# promotion.  Memory stays bounded: the filesystem is piped, never stored.

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/../ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../RegistryClient.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../Findings.cmake")
_multiarch_read_input(AuditVariant.cmake add_multiarch_image)
if(NOT MULTIARCH_AUDIT_TOOL)
  _multiarch_die("AuditVariant.cmake needs -DMULTIARCH_AUDIT_TOOL=<multiarch-audit>; see the comment at its top.")
endif()
include("${MULTIARCH_IMAGE_FILE}")
include("${MULTIARCH_PORTABILITY_FILE}")
set(docker "${MULTIARCH_DOCKER}")
set(platform "${MULTIARCH_PLATFORM}")
set(name "${MULTIARCH_NAME}")
set(test "${name}[${platform}]audit")
file(REMOVE "${MULTIARCH_RESULT_FILE}")

if(NOT EXISTS "${MULTIARCH_AUDIT_TOOL}")
  _multiarch_die("${test}: the audit tool \"${MULTIARCH_AUDIT_TOOL}\" does not exist; build it "
    "(target MultiArchImage::audit, e.g. cmake --build ${MULTIARCH_BUILD_DIR}) or reinstall MultiArchImage.")
endif()
_multiarch_pushed_variant("${MULTIARCH_IMAGE_JSON}" "${MULTIARCH_REPOSITORY}" "${platform}" "${name}"
  "${MULTIARCH_BUILD_DIR}" index_digest ref)

_multiarch_capture(pull "${docker}" pull --quiet --platform "${platform}" "${ref}")
if(NOT pull_rc EQUAL 0)
  _multiarch_die("${test}: cannot pull ${ref}: ${pull_err}")
endif()
# "#!/usr/bin/env <program>" and the ENTRYPOINT/CMD program are looked up
# in the image's own PATH.  One inspect call: Env, Entrypoint and Cmd as
# one JSON array (or null) per line.
set(path_dirs "")
set(config_entrypoint "")
set(config_cmd "")
_multiarch_capture(config "${docker}" image inspect
  --format "{{json .Config.Env}}\n{{json .Config.Entrypoint}}\n{{json .Config.Cmd}}" "${ref}")
if(config_rc EQUAL 0)
  # Split by hand: a CMake list would break at a ';' or '[' inside the JSON.
  set(rest "${config_out}")
  foreach(kind env entrypoint cmd)
    string(FIND "${rest}" "\n" nl)
    if(nl LESS 0)
      set(line "${rest}")
      set(rest "")
    else()
      string(SUBSTRING "${rest}" 0 ${nl} line)
      math(EXPR nl "${nl} + 1")
      string(SUBSTRING "${rest}" ${nl} -1 rest)
    endif()
    set(config_${kind} "${line}")
  endforeach()
  string(JSON n ERROR_VARIABLE e LENGTH "${config_env}")
  if(NOT e AND n GREATER 0)
    math(EXPR last "${n} - 1")
    foreach(i RANGE ${last})
      string(JSON kv GET "${config_env}" ${i})
      if(kv MATCHES "^PATH=(.*)$")
        set(path_dirs "${CMAKE_MATCH_1}")
      endif()
    endforeach()
  endif()
endif()

# A container is created, never started: `docker export` writes its
# filesystem as one tar stream.  The command only satisfies images that
# have no ENTRYPOINT or CMD.
string(RANDOM LENGTH 12 ALPHABET "abcdefghijklmnopqrstuvwxyz0123456789" suffix)
set(container "multiarch-audit-${suffix}")
_multiarch_capture(create "${docker}" create --platform "${platform}" --name "${container}" "${ref}"
  multiarch-audit-never-run)
if(NOT create_rc EQUAL 0)
  _multiarch_die("${test}: cannot create a container of ${ref} to read its filesystem: ${create_err}")
endif()
set(audit "${MULTIARCH_AUDIT_TOOL}" audit --platform "${platform}")
if(NOT path_dirs STREQUAL "")
  list(APPEND audit --path "${path_dirs}")
endif()
# The ENTRYPOINT and CMD words, verbatim: --entrypoint=<word> keeps an empty
# word one argument, and _multiarch_append_args keeps one holding ';' whole.
# A word holding '[' or ']' would break the CMake list of the command: the
# words stop before it (the audit uses only the first word of each), and
# when it is a first word the check is left out.
set(words_ok ON)
foreach(kind entrypoint cmd)
  string(JSON n ERROR_VARIABLE e LENGTH "${config_${kind}}")
  if(e OR NOT n GREATER 0)  # null or []
    set(n 0)
  endif()
  set(stop_${kind} ${n})
  foreach(i RANGE ${n})
    if(i LESS n)
      string(JSON word GET "${config_${kind}}" ${i})
      if(word MATCHES "[][]")
        set(stop_${kind} ${i})
        if(i EQUAL 0)
          set(words_ok OFF)
        endif()
        break()
      endif()
    endif()
  endforeach()
endforeach()
foreach(kind entrypoint cmd)
  if(words_ok AND stop_${kind} GREATER 0)
    math(EXPR last "${stop_${kind}} - 1")
    foreach(i RANGE ${last})
      string(JSON word GET "${config_${kind}}" ${i})
      _multiarch_append_args(audit "--${kind}=${word}")
    endforeach()
  endif()
endforeach()
foreach(a IN LISTS MULTIARCH_PORTABILITY_ALLOW)
  _multiarch_append_args(audit --allow "${a}")
endforeach()
list(APPEND audit -)
message(STATUS "multiarch: auditing ${ref} (${platform})")
execute_process(COMMAND "${docker}" export "${container}" COMMAND ${audit}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULTS_VARIABLE results)
execute_process(COMMAND "${docker}" rm --force "${container}" OUTPUT_QUIET ERROR_QUIET)
list(GET results 0 export_rc)
list(GET results 1 audit_rc)
if(NOT export_rc EQUAL 0)
  _multiarch_die("${test}: docker export of ${ref} failed (${export_rc}): ${err}")
endif()
if(NOT audit_rc MATCHES "^[01]$")
  _multiarch_die("${test}: the audit of ${ref} could not read its filesystem (${audit_rc}): ${err}")
endif()

_multiarch_report_findings("${out}" "${MULTIARCH_PORTABILITY_CHECK}" errors)
if(errors GREATER 0)
  _multiarch_die("${test} FAILED: ${ref} has ${errors} error(s) for ${platform}, listed above; "
    "promotion of ${name} is refused. Fix the Dockerfile or the files it copies; accept a finding "
    "on purpose with PORTABILITY_ALLOW <rule>[:<glob>] in add_multiarch_image(${name}).")
endif()
get_filename_component(dir "${MULTIARCH_RESULT_FILE}" DIRECTORY)
file(MAKE_DIRECTORY "${dir}")
file(WRITE "${MULTIARCH_RESULT_FILE}" "${index_digest}")
message(STATUS "${test} passed: ${ref}")
