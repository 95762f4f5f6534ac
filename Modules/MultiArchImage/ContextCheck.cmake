# Private: the context check of add_multiarch_image.  Before anything is
# built or pushed, it reads the Dockerfile and the build context (after
# .dockerignore) and reports, with file:line, what would put a file into a
# variant that cannot run it or tie a variant to one CPU; BuildKit's own
# checks (`docker buildx build --call check`) are reported the same way.
# The same walk of the context writes the image target's depfile (every
# file and folder the build sends), also with PORTABILITY_CHECK OFF.
# Scripts/BuildImage.cmake runs it before building, beside its other
# read-only checks (_multiarch_context_check_command, then
# _multiarch_context_check_result); Scripts/CheckContext.cmake (the
# <name>-check target) runs it alone (_multiarch_check_context).

include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Findings.cmake")

# BuildKit's own checks of the Dockerfile (`docker buildx build --call
# check`, a solve of its own), written to <lint_file> as
# <line>\t<severity>\t<rule>\t<message> lines for multiarch-audit, which
# reports them with its own findings; no file when they could not run (they
# need a working builder; the build step says why it has none).
function(_multiarch_buildkit_lint lint_file)
  file(MAKE_DIRECTORY "${MULTIARCH_STATE_DIR}")
  file(REMOVE "${lint_file}")
  string(JOIN "," platform_list ${MULTIARCH_PLATFORMS})
  set(lint "${MULTIARCH_DOCKER}" buildx build)
  if(MULTIARCH_BUILDER)
    list(APPEND lint --builder "${MULTIARCH_BUILDER}")
  endif()
  _multiarch_append_args(lint --platform "${platform_list}" --file "${MULTIARCH_DOCKERFILE}"
    --call "check,format=json")
  foreach(a IN LISTS MULTIARCH_BUILD_ARGS)
    _multiarch_append_args(lint --build-arg "${a}")
  endforeach()
  list(APPEND lint "${MULTIARCH_CONTEXT}")
  execute_process(COMMAND ${lint} TIMEOUT 120
    OUTPUT_VARIABLE lint_out ERROR_VARIABLE lint_err RESULT_VARIABLE lint_rc)
  string(JSON warnings ERROR_VARIABLE json_error GET "${lint_out}" warnings)
  if(json_error AND NOT lint_rc MATCHES "^[0-9]+$")
    set(lint_err "${lint_rc}")
  endif()
  if(json_error)
    string(STRIP "${lint_err}" lint_err)
    string(REGEX REPLACE "\n.*" "" lint_err "${lint_err}")
    message(STATUS "multiarch: BuildKit's Dockerfile checks did not run (${lint_err}); "
      "checking the Dockerfile and context without them")
    return()
  endif()
  set(lines "")
  string(JSON count ERROR_VARIABLE e LENGTH "${lint_out}" warnings)
  if(e)
    set(count 0)
  endif()
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON rule GET "${lint_out}" warnings ${i} ruleName)
      string(JSON detail ERROR_VARIABLE e GET "${lint_out}" warnings ${i} detail)
      if(e OR detail STREQUAL "")
        string(JSON detail GET "${lint_out}" warnings ${i} description)
      endif()
      string(JSON url ERROR_VARIABLE e GET "${lint_out}" warnings ${i} url)
      if(NOT e AND NOT url STREQUAL "")
        string(APPEND detail " (${url})")
      endif()
      string(JSON line ERROR_VARIABLE e GET "${lint_out}" warnings ${i} location ranges 0 start line)
      if(e)
        set(line 0)
      endif()
      string(REGEX REPLACE "[\t\n]+" " " detail "${detail}")
      string(APPEND lines "${line}\twarning\t${rule}\t${detail}\n")
    endforeach()
  endif()
  # A Dockerfile BuildKit cannot parse is an error; any other failure
  # (e.g. a base image it cannot resolve) is for the build step to report.
  string(JSON message ERROR_VARIABLE e GET "${lint_out}" buildError message)
  if(NOT e)
    string(JSON line ERROR_VARIABLE e2 GET "${lint_out}" buildError location ranges 0 start line)
    if(e2)
      set(line 0)
    endif()
    set(severity warning)
    if(message MATCHES "parse error")
      set(severity error)
    endif()
    string(REGEX REPLACE "[\t\n]+" " " message "${message}")
    string(APPEND lines "${line}\t${severity}\tbuildkit-error\t${message}\n")
  endif()
  file(WRITE "${lint_file}" "${lines}")
endfunction()

# <out>: `multiarch-audit context` for the image's Dockerfile, context,
# platforms and build arguments (from the caller's MULTIARCH_* variables).
function(_multiarch_context_command out)
  set(cmd "")
  _multiarch_append_args(cmd "${MULTIARCH_AUDIT_TOOL}" context
    --dockerfile "${MULTIARCH_DOCKERFILE}" --context "${MULTIARCH_CONTEXT}")
  foreach(p IN LISTS MULTIARCH_PLATFORMS)
    list(APPEND cmd --platform "${p}")
  endforeach()
  foreach(a IN LISTS MULTIARCH_BUILD_ARGS)
    _multiarch_append_args(cmd --build-arg "${a}")
  endforeach()
  set(${out} "${cmd}" PARENT_SCOPE)
endfunction()

# Runs the context check of the image whose image.cmake and portability.cmake
# the caller has included (MULTIARCH_* variables) and fails the script on an
# error.  DEPFILE <file> DEPFILE_TARGET <path> [DEPENDS <path>...]: also
# writes the image target's depfile from the same walk of the context.
# BUILDKIT_CHECKS_IN_BUILD: BuildKit's own checks are left to the build that
# follows (_multiarch_report_build_checks), not run here (`--call check`, a
# solve of its own that sends the context once more).
function(_multiarch_check_context)
  # Forwarded whole: a ";" in a path stays in it.
  set(args "")
  if(ARGC GREATER 0)
    math(EXPR last "${ARGC} - 1")
    foreach(i RANGE ${last})
      _multiarch_append_args(args "${ARGV${i}}")
    endforeach()
  endif()
  _multiarch_context_check_command(cmd ${args})
  set(check_rc 0)
  if(NOT "${cmd}" STREQUAL "")
    _multiarch_capture(check ${cmd})
  endif()
  _multiarch_context_check_result("${check_rc}" "${check_out}" "${check_err}" ${args})
endfunction()

# The two halves of _multiarch_check_context, for a caller that runs the
# check beside other commands (_multiarch_capture_together), with the same
# keywords (and QUIET: no "checking" line).  <out>: the command to run
# (empty: nothing to run, with PORTABILITY_CHECK OFF and no DEPFILE).
# _multiarch_context_check_result(<rc> <stdout> <stderr> <keywords>...),
# given what it gave (<rc> 0 when nothing ran), reports the findings and
# fails the script on an error.
function(_multiarch_context_check_command out)
  cmake_parse_arguments(PARSE_ARGV 1 arg "BUILDKIT_CHECKS_IN_BUILD;QUIET" "DEPFILE;DEPFILE_TARGET" "DEPENDS")
  set(name "${MULTIARCH_NAME}")
  if(NOT EXISTS "${MULTIARCH_AUDIT_TOOL}")
    _multiarch_die("image ${name}: the portability check tool \"${MULTIARCH_AUDIT_TOOL}\" does not "
      "exist; build it (target MultiArchImage::audit) or reinstall MultiArchImage.")
  endif()
  _multiarch_require_inputs("${name}" "${MULTIARCH_DOCKERFILE}" "${MULTIARCH_CONTEXT}")
  set(${out} "" PARENT_SCOPE)
  if(MULTIARCH_PORTABILITY_CHECK STREQUAL "OFF" AND NOT arg_DEPFILE)
    return()
  endif()
  _multiarch_context_command(cmd)
  if(arg_DEPFILE)
    _multiarch_append_args(cmd --depfile "${arg_DEPFILE}" --depfile-target "${arg_DEPFILE_TARGET}")
    foreach(d IN LISTS arg_DEPENDS)
      _multiarch_append_args(cmd --depends "${d}")
    endforeach()
  endif()
  if(MULTIARCH_PORTABILITY_CHECK STREQUAL "OFF")
    list(APPEND cmd --no-check)
  else()
    if(NOT arg_QUIET)
      string(JOIN "," platform_list ${MULTIARCH_PLATFORMS})
      message(STATUS "multiarch: checking ${MULTIARCH_DOCKERFILE} and its context for ${platform_list}")
    endif()
    foreach(a IN LISTS MULTIARCH_PORTABILITY_ALLOW)
      _multiarch_append_args(cmd --allow "${a}")
    endforeach()
    if(NOT arg_BUILDKIT_CHECKS_IN_BUILD)
      set(lint_file "${MULTIARCH_STATE_DIR}/buildkit-checks.tsv")
      _multiarch_buildkit_lint("${lint_file}")
      if(EXISTS "${lint_file}")
        list(APPEND cmd --lint-file "${lint_file}")
      endif()
    endif()
  endif()
  set(${out} "${cmd}" PARENT_SCOPE)
endfunction()

function(_multiarch_context_check_result check_rc check_out check_err)
  cmake_parse_arguments(PARSE_ARGV 3 arg "BUILDKIT_CHECKS_IN_BUILD" "DEPFILE;DEPFILE_TARGET" "DEPENDS")
  set(name "${MULTIARCH_NAME}")
  if(MULTIARCH_PORTABILITY_CHECK STREQUAL "OFF")
    if(arg_DEPFILE AND NOT check_rc EQUAL 0)
      _multiarch_die("image ${name}: cannot read the build context (${check_rc}): ${check_err}Nothing was built.")
    endif()
    message(STATUS "multiarch: PORTABILITY_CHECK is OFF for image ${name}")
    return()
  endif()
  if(check_rc EQUAL 1 AND arg_BUILDKIT_CHECKS_IN_BUILD AND MULTIARCH_PORTABILITY_CHECK STREQUAL "ERROR")
    # Errors stop the build, so BuildKit's checks would not be seen at all:
    # run them now and report everything together.
    _multiarch_context_check_command(cmd DEPFILE "${arg_DEPFILE}" DEPFILE_TARGET
      "${arg_DEPFILE_TARGET}" DEPENDS ${arg_DEPENDS} BUILDKIT_CHECKS_IN_BUILD QUIET)
    set(lint_file "${MULTIARCH_STATE_DIR}/buildkit-checks.tsv")
    _multiarch_buildkit_lint("${lint_file}")
    if(EXISTS "${lint_file}")
      list(APPEND cmd --lint-file "${lint_file}")
      _multiarch_capture(check ${cmd})
    endif()
  endif()
  if(NOT check_rc MATCHES "^[01]$")
    _multiarch_die("image ${name}: the portability check could not run (${check_rc}): ${check_err}"
      "Nothing was built.")
  endif()
  _multiarch_report_findings("${check_out}" "${MULTIARCH_PORTABILITY_CHECK}" errors)
  if(errors GREATER 0)
    _multiarch_die("image ${name}: the portability check found ${errors} error(s), listed above; "
      "nothing was built or pushed. Fix them, or accept one on purpose: a comment line "
      "\"# multiarch: allow <rule>\" right above the Dockerfile instruction, or "
      "PORTABILITY_ALLOW <rule>[:<glob>] in add_multiarch_image(${name}); PORTABILITY_CHECK WARN "
      "reports without stopping.")
  endif()
endfunction()

# Reports the Dockerfile checks BuildKit ran during the build, from the
# JSON of Buildx's metadata file (buildx.build.warnings, written with
# BUILDX_METADATA_WARNINGS=1), as the context check reports BuildKit's
# checks: warnings under their names, accepted by `# multiarch: allow` or
# PORTABILITY_ALLOW.  Nothing with PORTABILITY_CHECK OFF.
function(_multiarch_report_build_checks meta)
  if(MULTIARCH_PORTABILITY_CHECK STREQUAL "OFF")
    return()
  endif()
  string(JSON count ERROR_VARIABLE err LENGTH "${meta}" "buildx.build.warnings")
  if(err OR count EQUAL 0)
    return()
  endif()
  set(lines "")
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON short ERROR_VARIABLE e GET "${meta}" "buildx.build.warnings" ${i} short)
    if(e)
      continue()
    endif()
    string(JSON line ERROR_VARIABLE e GET "${meta}" "buildx.build.warnings" ${i} range 0 start line)
    if(e)
      set(line 0)
    endif()
    string(JSON url ERROR_VARIABLE e GET "${meta}" "buildx.build.warnings" ${i} url)
    if(e)
      set(url "")
    endif()
    string(APPEND lines "${line}\t${short}\t${url}\n")
  endforeach()
  set(file "${MULTIARCH_STATE_DIR}/buildkit-checks-of-build.tsv")
  file(WRITE "${file}" "${lines}")
  _multiarch_context_command(cmd)
  foreach(a IN LISTS MULTIARCH_PORTABILITY_ALLOW)
    _multiarch_append_args(cmd --allow "${a}")
  endforeach()
  _multiarch_append_args(cmd --buildx-warnings "${file}" --lint-only)
  _multiarch_capture(lint ${cmd})
  if(lint_rc MATCHES "^[01]$")
    _multiarch_report_findings("${lint_out}" "${MULTIARCH_PORTABILITY_CHECK}" errors)
  endif()
endfunction()
