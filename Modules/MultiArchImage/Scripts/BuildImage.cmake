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
if(MULTIARCH_BUILDER AND EXISTS "${builder_file}")
  include("${CMAKE_CURRENT_LIST_DIR}/../BuilderSetup.cmake")
  _multiarch_ensure_builder(BUILDER_FILE "${builder_file}" BOOTSTRAP OFF DRY_RUN "${dry_run}"
    FAILURE_NOTE "(Image ${name}: builder ${MULTIARCH_BUILDER} could not be prepared. Nothing was pushed.)"
    INSPECT_VAR inspected)
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
set(jobs "")
if(inspected STREQUAL "")
  _multiarch_builder_inspect_command(inspect_cmd "${docker}" "${MULTIARCH_BUILDER}")
  list(APPEND jobs inspect inspect_cmd)
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
if(inspected STREQUAL "")
  _multiarch_builder_platforms("${docker}" "${MULTIARCH_BUILDER}" ins
    RESULT "${inspect_rc}" TEXT "${inspect_out}" ERROR "${inspect_err}")
else()
  _multiarch_builder_platforms("${docker}" "${MULTIARCH_BUILDER}" ins TEXT "${inspected}")
endif()
_multiarch_preflight_builder(ins)
set(builder "${ins_NAME}")
_multiarch_preflight_registry(REACH_RC "${reach_rc}" REACH_ERR "${reach_err}" PROBE_TAG "${first_tag}")
_multiarch_context_check_result(RESULT "${context_rc}" OUTPUT "${context_out}"
  ERROR "${context_err}" ${context_args})

# 2. Build and push the index by digest only: no tag moves yet.
file(MAKE_DIRECTORY "${MULTIARCH_STATE_DIR}")
set(metadata "${MULTIARCH_METADATA_FILE}")
file(REMOVE "${metadata}")
string(JOIN "," platform_list ${MULTIARCH_PLATFORMS})
set(insecure "")
if(MULTIARCH_PLAIN_HTTP)
  set(insecure ",registry.insecure=true")
endif()
set(output "type=image,name=${repo},push-by-digest=true,name-canonical=true,push=true${insecure}")
if(MULTIARCH_REPRODUCIBLE)
  # Same source, same digest: file times in the layers clamped to the epoch
  # (only those newer than it), and the media types and compression stated
  # rather than left to BuildKit's defaults (its compatibility-version).
  string(APPEND output ",rewrite-timestamp=true,oci-mediatypes=true,compression=gzip")
endif()
# The attestations, named (also buildx's default, provenance min), so that
# the Bake file states the same build whatever Buildx's defaults become.
set(attest "")
if(MULTIARCH_PROVENANCE STREQUAL "off")
  list(APPEND attest "type=provenance,disabled=true")
else()
  list(APPEND attest "type=provenance,mode=${MULTIARCH_PROVENANCE}")
endif()
if(NOT MULTIARCH_SBOM STREQUAL "off")
  list(APPEND attest "type=sbom,generator=${MULTIARCH_SBOM}")
endif()
# The build cache: read before, written after, with every stage (mode=max).
set(cache_from "")
set(cache_to "")
if(MULTIARCH_CACHE_TYPE STREQUAL "registry")
  set(cache_insecure "")
  if(MULTIARCH_CACHE_PLAIN_HTTP)
    set(cache_insecure ",registry.insecure=true")
  endif()
  set(cache_from "type=registry,ref=${MULTIARCH_CACHE_REF}${cache_insecure}")
  set(cache_to "type=registry,ref=${MULTIARCH_CACHE_REF},mode=max,image-manifest=true,oci-mediatypes=true${cache_insecure}")
elseif(MULTIARCH_CACHE_TYPE STREQUAL "local")
  set(cache_from "type=local,src=${MULTIARCH_CACHE_REF}")
  set(cache_to "type=local,dest=${MULTIARCH_CACHE_REF},mode=max,image-manifest=true,oci-mediatypes=true")
endif()
# BuildKit takes SOURCE_DATE_EPOCH for the config's "created" and history;
# an index even for one platform (the read-back and index annotations need
# one).  A BUILD_ARGS value of the user's comes after and wins.
set(build_args "SOURCE_DATE_EPOCH=${epoch}")
list(LENGTH MULTIARCH_PLATFORMS platform_count)
if(platform_count EQUAL 1)
  list(APPEND build_args "BUILDKIT_MULTI_PLATFORM=1")
endif()
foreach(a IN LISTS MULTIARCH_BUILD_ARGS)
  string(REGEX REPLACE "=.*" "" key "${a}")
  list(FILTER build_args EXCLUDE REGEX "^${key}=")
  _multiarch_append_args(build_args "${a}")
endforeach()
# (A dry run prints the command as a user would type it.)
set(buildx "${docker}" buildx)
if(NOT dry_run)
  _multiarch_buildx(buildx "${docker}")
endif()
set(cmd ${buildx} build
  --builder "${builder}"
  --platform "${platform_list}"
  --file "${MULTIARCH_DOCKERFILE}"
  --output "${output}"
  --metadata-file "${metadata}")
foreach(a IN LISTS attest)
  _multiarch_append_args(cmd --attest "${a}")
endforeach()
if(NOT cache_to STREQUAL "")
  if(NOT MULTIARCH_CACHE_TYPE STREQUAL "local" OR EXISTS "${MULTIARCH_CACHE_REF}/index.json")
    _multiarch_append_args(cmd --cache-from "${cache_from}")
  endif()
  _multiarch_append_args(cmd --cache-to "${cache_to}")
endif()
foreach(a IN LISTS build_args)
  _multiarch_append_args(cmd --build-arg "${a}")
endforeach()
foreach(a IN LISTS labels)
  _multiarch_append_args(cmd --label "${a}")
endforeach()
foreach(a IN LISTS annotations)
  _multiarch_append_args(cmd --annotation "${a}")
endforeach()
foreach(a IN LISTS MULTIARCH_SECRETS)
  _multiarch_append_args(cmd --secret "${a}")
endforeach()
list(APPEND cmd "${MULTIARCH_CONTEXT}")
_multiarch_write_bake_file(FILE "${MULTIARCH_BAKE_FILE}" TARGET "${MULTIARCH_BAKE_TARGET}"
  CONTEXT "${MULTIARCH_CONTEXT}" DOCKERFILE "${MULTIARCH_DOCKERFILE}" PLATFORMS ${MULTIARCH_PLATFORMS}
  ARGS ${build_args} LABELS ${labels} ANNOTATIONS ${annotations} SECRETS ${MULTIARCH_SECRETS}
  ATTEST ${attest} OUTPUT "${output}" CACHE_FROM ${cache_from} CACHE_TO ${cache_to})
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
# Output is not captured: buildx's progress reaches the user as it runs.
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc)
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
_multiarch_read_index("${docker}" "${builder}" "${repo}@${digest}" index)
_multiarch_index_platforms("${index}" pushed)
set(pushed_platforms "")
foreach(entry IN LISTS pushed)
  string(REGEX REPLACE "=.*" "" p "${entry}")
  list(APPEND pushed_platforms "${p}")
endforeach()
set(expected "${MULTIARCH_PLATFORMS}")
list(SORT expected)
set(actual "${pushed_platforms}")
list(SORT actual)
if(NOT expected STREQUAL actual)
  string(JOIN ", " e ${expected})
  string(JOIN ", " a ${actual})
  _multiarch_die("image ${name}: the registry holds ${repo}@${digest} with platforms [${a}], "
    "but [${e}] were declared. No tag was set.")
endif()

# The requested attestations, for every platform: an index entry
# unknown/unknown whose vnd.docker.reference.digest names the platform's
# manifest, holding a layer of each requested predicate type.
set(want_predicates "")
if(NOT MULTIARCH_PROVENANCE STREQUAL "off")
  list(APPEND want_predicates "provenance|https://slsa.dev/provenance/")
endif()
if(NOT MULTIARCH_SBOM STREQUAL "off")
  list(APPEND want_predicates "sbom|https://spdx.dev/Document")
endif()
set(attestations_json "{}")
string(JSON entry_count LENGTH "${index}" manifests)
# Each platform's attestation manifest, found in the index, then all read
# at once, then checked platform by platform.
set(att_digests "")
set(att_refs "")
foreach(entry IN LISTS pushed)
  string(REGEX MATCH "^([^=]+)=(.+)$" _ "${entry}")
  set(manifest_digest "${CMAKE_MATCH_2}")
  set(att_digest "-")
  if(entry_count GREATER 0)
    math(EXPR last "${entry_count} - 1")
    foreach(i RANGE ${last})
      string(JSON ref_digest ERROR_VARIABLE e GET "${index}" manifests ${i} annotations
        vnd.docker.reference.digest)
      if(NOT e AND ref_digest STREQUAL manifest_digest)
        string(JSON att_digest GET "${index}" manifests ${i} digest)
      endif()
    endforeach()
  endif()
  list(APPEND att_digests "${att_digest}")
  if(NOT att_digest STREQUAL "-")
    list(APPEND att_refs "${repo}@${att_digest}")
  endif()
endforeach()
if(NOT "${att_refs}" STREQUAL "")
  _multiarch_read_indexes("${docker}" "${builder}" att ${att_refs})
endif()
set(k 0)
set(n 0)
foreach(entry IN LISTS pushed)
  string(REGEX MATCH "^([^=]+)=(.+)$" _ "${entry}")
  set(p "${CMAKE_MATCH_1}")
  set(manifest_digest "${CMAKE_MATCH_2}")
  list(GET att_digests ${k} att_digest)
  math(EXPR k "${k} + 1")
  if(att_digest STREQUAL "-")
    if(want_predicates)
      _multiarch_die("image ${name}: ${repo}@${digest} holds no attestation manifest for ${p} "
        "(no index entry with vnd.docker.reference.digest ${manifest_digest}), though "
        "${want_predicates} were requested. No tag was set.")
    endif()
    continue()
  endif()
  math(EXPR n "${n} + 1")
  if(NOT att_${n}_ERROR STREQUAL "")
    _multiarch_die("${att_${n}_ERROR}")
  endif()
  set(att "${att_${n}}")
  set(one "{}")
  string(JSON one SET "${one}" manifest "\"${att_digest}\"")
  string(JSON layer_count ERROR_VARIABLE e LENGTH "${att}" layers)
  if(e)
    set(layer_count 0)
  endif()
  foreach(want IN LISTS want_predicates)
    string(REGEX MATCH "^([a-z]+)\\|(.*)$" _ "${want}")
    set(kind "${CMAKE_MATCH_1}")
    set(prefix "${CMAKE_MATCH_2}")
    set(found "")
    if(layer_count GREATER 0)
      math(EXPR last "${layer_count} - 1")
      foreach(i RANGE ${last})
        string(JSON type ERROR_VARIABLE e GET "${att}" layers ${i} annotations in-toto.io/predicate-type)
        string(FIND "${type}" "${prefix}" at)
        if(NOT e AND at EQUAL 0 AND found STREQUAL "")
          string(JSON found GET "${att}" layers ${i} digest)
        endif()
      endforeach()
    endif()
    if(found STREQUAL "")
      _multiarch_die("image ${name}: the attestation manifest ${att_digest} of ${p} in "
        "${repo}@${digest} holds no ${kind} attestation (predicate type ${prefix}...), though "
        "ATTESTATIONS requested it. No tag was set.")
    endif()
    string(JSON one SET "${one}" ${kind} "\"${found}\"")
  endforeach()
  string(JSON attestations_json SET "${attestations_json}" "${p}" "${one}")
endforeach()

# 4. Tag the verified index, check each tag resolves to it, record it.
# SEMVER aliases that a higher release of the repository owns stay put.
_multiarch_keep_higher_aliases(TAGS "${repo}" "${version}" "${TAGS_ALIASES}" "No tag was set.")
_multiarch_tag_index("${docker}" "${builder}" "${repo}" "${digest}" ${TAGS})

set(json "{}")
string(JSON json SET "${json}" repository "\"${repo}\"")
set(tags_json "[]")
set(i 0)
foreach(t IN LISTS TAGS)
  string(JSON tags_json SET "${tags_json}" ${i} "\"${t}\"")
  math(EXPR i "${i} + 1")
endforeach()
string(JSON json SET "${json}" tags "${tags_json}")
# Promotion moves these (SEMVER resolved with this build's version and
# commit), checking the aliases against the registry again then.
_multiarch_string_list_json(promote_json FALSE ${PROMOTE_TAGS})
string(JSON json SET "${json}" promote_tags "${promote_json}")
_multiarch_string_list_json(aliases_json FALSE ${PROMOTE_TAGS_ALIASES})
string(JSON json SET "${json}" promote_aliases "${aliases_json}")
_multiarch_json_string(version_json "${version}")
string(JSON json SET "${json}" version "${version_json}")
_multiarch_pairs_json(labels_json "${labels}" FALSE)
string(JSON json SET "${json}" labels "${labels_json}")
_multiarch_annotations_json(annotations_json "${annotations}" "${MULTIARCH_PLATFORMS}")
string(JSON json SET "${json}" annotations "${annotations_json}")
string(JSON json SET "${json}" digest "\"${digest}\"")
set(platforms_json "{}")
foreach(entry IN LISTS pushed)
  string(REGEX MATCH "^([^=]+)=(.+)$" _ "${entry}")
  string(JSON platforms_json SET "${platforms_json}" "${CMAKE_MATCH_1}" "\"${CMAKE_MATCH_2}\"")
endforeach()
string(JSON json SET "${json}" platforms "${platforms_json}")
string(JSON json SET "${json}" attestations "${attestations_json}")
if(MULTIARCH_REPRODUCIBLE)
  string(JSON json SET "${json}" reproducible true)
else()
  string(JSON json SET "${json}" reproducible false)
endif()
file(WRITE "${MULTIARCH_IMAGE_JSON}.tmp" "${json}\n")
file(RENAME "${MULTIARCH_IMAGE_JSON}.tmp" "${MULTIARCH_IMAGE_JSON}")
file(WRITE "${stamp}" "${digest}\n")
string(JOIN ", " tag_text ${TAGS})
message(STATUS "multiarch: pushed ${repo}@${digest} (${platform_list}) as ${tag_text}; "
  "recorded in ${MULTIARCH_IMAGE_JSON}")
