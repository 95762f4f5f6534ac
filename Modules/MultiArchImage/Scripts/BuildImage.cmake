# Builds one image declared by add_multiarch_image, pushes it by digest,
# verifies the index in the registry, then tags it and writes
# <name>.image.json.  Run by the <name> target; by hand:
#
#   cmake -DMULTIARCH_INPUT_FILE=<build>/<name>.multiarch/image.cmake
#         -DMULTIARCH_AUDIT_TOOL=<prefix>/bin/multiarch-audit -P Scripts/BuildImage.cmake
#
# No tag is set before the registry has been read back and found to hold
# exactly the declared platforms.  With -DMULTIARCH_DRY_RUN=ON (or the cache
# variable when CMake ran) it prints the build and tag commands instead of
# running them, after the read-only checks.

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/../ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../RegistryClient.cmake")
_multiarch_read_input(BuildImage.cmake add_multiarch_image)
if(NOT MULTIARCH_AUDIT_TOOL OR NOT EXISTS "${MULTIARCH_AUDIT_TOOL}")
  _multiarch_die("BuildImage.cmake needs -DMULTIARCH_AUDIT_TOOL=<multiarch-audit>; got "
    "\"${MULTIARCH_AUDIT_TOOL}\". Build it (target MultiArchImage::audit) or reinstall MultiArchImage.")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/../Preflight.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../ContextCheck.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../Metadata.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../ImageBuild.cmake")

set(docker "${MULTIARCH_DOCKER}")
set(name "${MULTIARCH_NAME}")
set(repo "${MULTIARCH_REPOSITORY}")

# The stamp says "pushed and verified"; it goes now and comes back only at
# the end, so a failed run leaves none and the next build retries.
set(stamp "${MULTIARCH_STAMP_FILE}")
file(REMOVE "${stamp}")
set(dry_run FALSE)
if(MULTIARCH_DRY_RUN OR MULTIARCH_IMAGE_DRY_RUN)
  set(dry_run TRUE)
endif()

# 0. Release metadata (Metadata.cmake): git, the version, the epoch, the
# tags resolved and checked, before any Docker command.
set(need_remote FALSE)
if(MULTIARCH_METADATA)
  set(need_remote TRUE)
endif()
set(git_flags TIME)
if(need_remote)
  list(APPEND git_flags REMOTE)
endif()
_multiarch_git_facts("${MULTIARCH_GIT}" "${MULTIARCH_SOURCE_DIR}" git ${git_flags})
set(epoch_source "${git_TIME}")
_multiarch_epoch("${epoch_source}" epoch)
if(MULTIARCH_REPRODUCIBLE AND "$ENV{SOURCE_DATE_EPOCH}" STREQUAL "" AND "${epoch_source}" STREQUAL "")
  message(WARNING "multiarch: image ${name}: SOURCE_DATE_EPOCH is not set and ${MULTIARCH_SOURCE_DIR} "
    "is not in a git checkout, so the epoch is the build time (${epoch}): the image's digest then "
    "depends on when it was built. Fix: export SOURCE_DATE_EPOCH (e.g. the release's commit time), "
    "or build from a git checkout.")
endif()
set(version "${MULTIARCH_IMAGE_VERSION}")
foreach(keyword TAGS PROMOTE_TAGS)
  _multiarch_resolve_tags(resolved KEYWORD ${keyword} TAGS ${MULTIARCH_${keyword}}
    VERSION "${version}" GIT_SHA "${git_REVISION}" GIT_BRANCH "${git_BRANCH}" IN_GIT "${git_IN_GIT}")
  if(resolved_ERROR)
    _multiarch_die("image ${name}: ${resolved_ERROR}")
  endif()
  set(${keyword} "${resolved}")
  set(${keyword}_ALIASES "${resolved_ALIASES}")
endforeach()
foreach(t IN LISTS PROMOTE_TAGS)
  if(t IN_LIST TAGS)
    _multiarch_die("image ${name}: tag \"${t}\" results from both TAGS and PROMOTE_TAGS; a promote "
      "tag must only move after the tests passed, so let TAGS name another one (e.g. @VERSION@-rc, "
      "sha-@GIT_SHA@). Nothing was pushed.")
  endif()
endforeach()
set(metadata_defaults "")
if(MULTIARCH_METADATA)
  set(oci "org.opencontainers.image")
  foreach(pair "title|${MULTIARCH_PROJECT_NAME}" "description|${MULTIARCH_PROJECT_DESCRIPTION}"
      "url|${MULTIARCH_PROJECT_HOMEPAGE_URL}" "source|${git_SOURCE}" "version|${version}"
      "revision|${git_REVISION}" "created|${epoch_CREATED}" "licenses|${MULTIARCH_LICENSES}")
    string(REGEX MATCH "^([a-z]+)\\|(.*)$" _ "${pair}")
    if(NOT CMAKE_MATCH_2 STREQUAL "")
      _multiarch_append_args(metadata_defaults "${oci}.${CMAKE_MATCH_1}=${CMAKE_MATCH_2}")
    endif()
  endforeach()
endif()
_multiarch_merge_metadata(labels annotations "${metadata_defaults}" "${MULTIARCH_LABELS}"
  "${MULTIARCH_ANNOTATIONS}")

# 1. Preconditions, before a byte is sent.
_multiarch_require_inputs("${name}" "${MULTIARCH_DOCKERFILE}" "${MULTIARCH_CONTEXT}")
# A builder declared with add_multiarch_builder is created (or repaired)
# first, in this process; no bootstrap there: the inspection below does it,
# unless the builder was found unchanged and running (its inspection then
# serves).
set(builder_file "${MULTIARCH_BUILDER_FILE}")
set(inspected "")
set(reused FALSE)
if(MULTIARCH_BUILDER AND EXISTS "${builder_file}")
  include("${CMAKE_CURRENT_LIST_DIR}/../BuilderSetup.cmake")
  _multiarch_ensure_builder(BUILDER_FILE "${builder_file}" BOOTSTRAP OFF DRY_RUN "${dry_run}"
    FAILURE_NOTE "(Image ${name}: builder ${MULTIARCH_BUILDER} could not be prepared. Nothing was pushed.)"
    INSPECT_VAR inspected INSPECTION_FILE "${MULTIARCH_INSPECTION_FILE}" REUSED_VAR reused
    PLATFORMS ${MULTIARCH_PLATFORMS})
endif()
# The read-only checks, their commands side by side (one wait instead of
# three): the builder's inspection (unless EnsureBuilder's serves; no
# `buildx version` first: where Buildx is missing, the inspection fails and
# says how to install it), the registry probe (Preflight.cmake), and the
# context check (ContextCheck.cmake), which also writes the image target's
# depfile from its walk of the context: a change of a file the build sends,
# of the builder's declaration, or of git's HEAD and the ref it names (a
# new commit: new revision, epoch and @GIT_SHA@ tags) reruns it without
# reconfiguring.  Their results are then read in this order, so the first
# failing check is the one reported.
# A docker-container builder's inspection that passed these checks before
# is read again while the builder, its BuildKit containers, the host's
# emulators and Buildx are unchanged (Builder.cmake): then only `docker
# container inspect` runs here, to tell.
set(jobs "")
set(reuse_cmd "")
set(reuse_sum "")
if(NOT "${MULTIARCH_INSPECTION_FILE}" STREQUAL "" AND NOT reused)
  _multiarch_builder_reuse_command(reuse_cmd "${docker}" "${MULTIARCH_BUILDER}")
endif()
if(inspected STREQUAL "")
  _multiarch_builder_inspect_command(inspect_cmd "${docker}" "${MULTIARCH_BUILDER}")
  if(NOT "${reuse_cmd}" STREQUAL "" AND EXISTS "${MULTIARCH_INSPECTION_FILE}")
    list(APPEND jobs reuse reuse_cmd)
  else()
    list(APPEND jobs inspect inspect_cmd)
  endif()
endif()
list(GET TAGS 0 first_tag)
_multiarch_probe_command(reach_cmd "${first_tag}")
if(NOT "${reach_cmd}" STREQUAL "")
  list(APPEND jobs reach reach_cmd)
endif()
set(declared_builder "")
if(EXISTS "${builder_file}")
  set(declared_builder "${builder_file}")
endif()
include("${MULTIARCH_PORTABILITY_FILE}")
set(context_args "")
_multiarch_append_args(context_args BUILDKIT_CHECKS_IN_BUILD DEPFILE "${MULTIARCH_DEPFILE}"
  DEPFILE_TARGET "${stamp}" DEPENDS)
foreach(f IN LISTS declared_builder git_FILES)
  _multiarch_append_args(context_args "${f}")
endforeach()
_multiarch_context_check_command(context_cmd ${context_args})
set(context_rc 0)
if(NOT "${context_cmd}" STREQUAL "")
  list(APPEND jobs context context_cmd)
endif()
_multiarch_capture_together(${jobs})
if("reuse" IN_LIST jobs)
  _multiarch_builder_reuse_key(reuse_sum "${reuse_cmd_KEY}" "${reuse_rc}" "${reuse_out}")
  _multiarch_builder_reused(inspected "${MULTIARCH_INSPECTION_FILE}" "${reuse_sum}" "${MULTIARCH_PLATFORMS}")
  if(inspected STREQUAL "")
    _multiarch_capture(inspect ${inspect_cmd})
  else()
    set(reused TRUE)
  endif()
endif()
if(reused)
  message(STATUS "multiarch: builder ${MULTIARCH_BUILDER} unchanged since its last inspection "
    "(configuration, BuildKit container, emulators, Buildx): not inspected again")
endif()
if(inspected STREQUAL "")
  _multiarch_builder_read_inspection("${docker}" "${MULTIARCH_BUILDER}" ins "${inspect_rc}"
    "${inspect_out}" "${inspect_err}")
  set(inspected "${inspect_out}")
else()
  _multiarch_builder_platforms("${docker}" "${MULTIARCH_BUILDER}" ins TEXT "${inspected}")
endif()
_multiarch_preflight_builder(ins)
set(builder "${ins_NAME}")
_multiarch_preflight_registry("${reach_rc}" "${reach_err}" "${first_tag}")
_multiarch_context_check_result("${context_rc}" "${context_out}" "${context_err}" ${context_args})
if(NOT "${reuse_cmd}" STREQUAL "" AND NOT reused AND NOT dry_run)
  _multiarch_builder_keep_inspection("${MULTIARCH_INSPECTION_FILE}" "${reuse_cmd}" "${reuse_cmd_KEY}"
    "${reuse_sum}" ins "${inspected}")
endif()

# 2. Build and push the index by digest only: no tag moves yet.
file(MAKE_DIRECTORY "${MULTIARCH_STATE_DIR}")
set(metadata "${MULTIARCH_METADATA_FILE}")
file(REMOVE "${metadata}")
string(JOIN "," platform_list ${MULTIARCH_PLATFORMS})
# (A dry run prints the command as a user would type it.)
set(buildx "${docker}" buildx)
if(NOT dry_run)
  _multiarch_buildx(buildx "${docker}")
endif()
_multiarch_build_command(cmd "${buildx}" "${builder}" "${epoch}" "${metadata}" "${labels}"
  "${annotations}")
if(dry_run)
  _multiarch_json_command(json ${cmd})
  message(STATUS "multiarch: would run: ${json}")
  set(tag_cmd "${docker}" buildx imagetools create --builder "${builder}")
  foreach(t IN LISTS TAGS)
    list(APPEND tag_cmd --tag "${repo}:${t}")
  endforeach()
  _multiarch_json_command(json ${tag_cmd} "${repo}@sha256:<index digest of the build>")
  message(STATUS "multiarch: would run: ${json}")
  message(STATUS "multiarch: dry run of image ${name}: nothing was built, pushed or tagged; "
    "the Bake file is ${MULTIARCH_BAKE_FILE}")
  return()
endif()
message(STATUS "multiarch: building ${repo} for ${platform_list} on builder ${builder}")
# BuildKit runs its Dockerfile checks in the build itself; with this, Buildx
# writes what they found into the metadata file, reported below (no second
# solve with --call check).
set(ENV{BUILDX_METADATA_WARNINGS} 1)
# Buildx's progress reaches the user as it runs.  With several nodes, each
# pushes its own platform's layers, and two that push one same layer at
# once can meet a registry that refuses one of the two uploads ("provided
# digest did not match uploaded content", "blob unknown": a race in the
# registry's storage).  So there, stderr is also kept (Buildx then shows
# plain progress), and a build refused so is run once more: BuildKit's
# cache leaves only the push to do, and the layer is there by then.
if(ins_COUNT GREATER 1)
  foreach(attempt 1 2)
    execute_process(COMMAND ${cmd} RESULT_VARIABLE rc ERROR_VARIABLE build_err ECHO_ERROR_VARIABLE)
    if(rc EQUAL 0 OR attempt EQUAL 2 OR NOT build_err MATCHES
        "digest did not match uploaded content|blob unknown to registry|blob upload unknown|DIGEST_INVALID|BLOB_UNKNOWN|BLOB_UPLOAD_UNKNOWN")
      break()
    endif()
    message(STATUS "multiarch: the registry refused a layer that builder ${builder}'s nodes may have "
      "pushed at the same time (see above); building ${repo} once more (from BuildKit's cache)")
  endforeach()
else()
  execute_process(COMMAND ${cmd} RESULT_VARIABLE rc)
endif()
if(NOT rc EQUAL 0)
  _multiarch_die("image ${name}: docker buildx build failed (exit ${rc}); see its output above. "
    "No tag was set.")
endif()
file(READ "${metadata}" meta)
string(JSON digest ERROR_VARIABLE err GET "${meta}" containerimage.digest)
if(err OR NOT digest MATCHES "^sha256:[0-9a-f]+$")
  _multiarch_die("image ${name}: buildx wrote no index digest to ${metadata}; no tag was set.")
endif()
_multiarch_report_build_checks("${meta}")

# 3. Read the index back and compare its platforms with the declared ones.
_multiarch_verify_pushed_index(verified "${docker}" "${builder}" "${digest}")

# 4. Tag the verified index, check each tag resolves to it, record it.
# SEMVER aliases that a higher release of the repository owns stay put.
_multiarch_keep_higher_aliases(TAGS "${repo}" "${version}" "${TAGS_ALIASES}" "No tag was set.")
_multiarch_tag_index("${docker}" "${builder}" "${repo}" "${digest}" ${TAGS})

_multiarch_write_image_json("${digest}" "${version}" "${TAGS}" "${PROMOTE_TAGS}"
  "${PROMOTE_TAGS_ALIASES}" "${labels}" "${annotations}" "${verified_PUSHED}" "${verified_ATTESTATIONS}")
file(WRITE "${stamp}" "${digest}\n")
string(JOIN ", " tag_text ${TAGS})
message(STATUS "multiarch: pushed ${repo}@${digest} (${platform_list}) as ${tag_text}; "
  "recorded in ${MULTIARCH_IMAGE_JSON}")
