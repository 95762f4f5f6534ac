# Private: the steps of Scripts/BuildImage.cmake after its checks: the
# `docker buildx build` command (and the Bake file that states the same
# build), the read-back of what it pushed, and the record of it,
# <name>.image.json.  Each reads the image's settings from the MULTIARCH_*
# variables of the image.cmake that the calling script included.
# Everything here may change; names start with _multiarch_.

include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/RegistryClient.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Metadata.cmake")

# <out>: the build command, pushing the index by digest only (no tag moves),
# with the REPRODUCIBLE options, the attestations, the cache, the build
# arguments (SOURCE_DATE_EPOCH <EPOCH> first; a BUILD_ARGS value of the
# user's wins), <labels>, <annotations> (lists) and secrets; <buildx>: how
# Buildx is run (a list of words); <metadata>: Buildx's metadata file.
# (Arguments by position, not keyword: a builder or a label may be named
# like any keyword.)  Also writes the image's Bake file.
function(_multiarch_build_command out buildx builder epoch metadata labels annotations)
  set(insecure "")
  if(MULTIARCH_PLAIN_HTTP)
    set(insecure ",registry.insecure=true")
  endif()
  set(output "type=image,name=${MULTIARCH_REPOSITORY},push-by-digest=true,name-canonical=true,push=true${insecure}")
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
  string(JOIN "," platform_list ${MULTIARCH_PLATFORMS})
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
  set(${out} "${cmd}" PARENT_SCOPE)
endfunction()

# Reads the index <digest> back from the registry (through <builder>) and
# checks that it holds exactly the declared platforms and, for each, the
# requested attestations; fails the script ("No tag was set.") otherwise.
# Sets <prefix>_PUSHED to "<platform>=<manifest digest>" for each platform
# and <prefix>_ATTESTATIONS to the JSON that image.json records.
function(_multiarch_verify_pushed_index prefix docker builder digest)
  set(repo "${MULTIARCH_REPOSITORY}")
  set(name "${MULTIARCH_NAME}")
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

  _multiarch_verify_attestations(attestations_json "${index}" "${pushed}" "${docker}" "${builder}"
    "${digest}")
  set(${prefix}_PUSHED "${pushed}" PARENT_SCOPE)
  set(${prefix}_ATTESTATIONS "${attestations_json}" PARENT_SCOPE)
endfunction()

# <out>: the JSON that image.json records under "attestations", after
# checking, for each "<platform>=<manifest digest>" of <pushed>, that the
# index <index_json> (<digest>) holds the attestations that PROVENANCE and
# SBOM request; fails the script ("No tag was set.") otherwise.
function(_multiarch_verify_attestations out index pushed docker builder digest)
  set(repo "${MULTIARCH_REPOSITORY}")
  set(name "${MULTIARCH_NAME}")
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
  set(${out} "${attestations_json}" PARENT_SCOPE)
endfunction()

# Writes <name>.image.json (MULTIARCH_IMAGE_JSON) for the pushed and tagged
# index <digest>: the repository, the <version>, the lists <tags>,
# <promote_tags> with their <promote_aliases>, <labels>, <annotations>, the
# <pushed> platforms and the <attestations> JSON (as
# _multiarch_verify_pushed_index gives them) and whether the build was
# reproducible; replaced whole, never half-written.  (Arguments by
# position, not keyword: a tag may be named like any keyword.)
function(_multiarch_write_image_json digest version tags promote_tags promote_aliases labels annotations
         pushed attestations)
  set(json "{}")
  string(JSON json SET "${json}" repository "\"${MULTIARCH_REPOSITORY}\"")
  set(tags_json "[]")
  set(i 0)
  foreach(t IN LISTS tags)
    string(JSON tags_json SET "${tags_json}" ${i} "\"${t}\"")
    math(EXPR i "${i} + 1")
  endforeach()
  string(JSON json SET "${json}" tags "${tags_json}")
  # Promotion moves these (SEMVER resolved with this build's version and
  # commit), checking the aliases against the registry again then.
  _multiarch_string_list_json(promote_json FALSE ${promote_tags})
  string(JSON json SET "${json}" promote_tags "${promote_json}")
  _multiarch_string_list_json(aliases_json FALSE ${promote_aliases})
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
  string(JSON json SET "${json}" attestations "${attestations}")
  if(MULTIARCH_REPRODUCIBLE)
    string(JSON json SET "${json}" reproducible true)
  else()
    string(JSON json SET "${json}" reproducible false)
  endif()
  file(WRITE "${MULTIARCH_IMAGE_JSON}.tmp" "${json}\n")
  file(RENAME "${MULTIARCH_IMAGE_JSON}.tmp" "${MULTIARCH_IMAGE_JSON}")
endfunction()
