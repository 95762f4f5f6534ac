# Private: reading indexes from the registry and moving tags.  By default
# through Buildx (docker login's credentials, the builder's registry
# configuration).  A registry opted in to plain HTTP (MULTIARCH_PLAIN_HTTP
# true in the caller's scope) is spoken to directly over its HTTP API,
# without credentials: they would travel in clear text.
# Everything here may change; names start with _multiarch_.

include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Platforms.cmake")

function(_multiarch_split_ref ref host_out path_out rest_out)
  string(REGEX MATCH "^([^/]+)/([^@:]+)([@:].*)$" _ "${ref}")
  set(${host_out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
  set(${path_out} "${CMAKE_MATCH_2}" PARENT_SCOPE)
  string(REGEX REPLACE "^[@:]" "" rest "${CMAKE_MATCH_3}")
  set(${rest_out} "${rest}" PARENT_SCOPE)
endfunction()

# Reads the index (or manifest list) at <ref>; sets <out_json> to its raw
# bytes as text.  Fails the script if the registry cannot give it.
function(_multiarch_read_index docker builder ref out_json)
  _multiarch_read_indexes("${docker}" "${builder}" read "${ref}")
  if(NOT read_1_ERROR STREQUAL "")
    _multiarch_die("${read_1_ERROR}")
  endif()
  set(${out_json} "${read_1}" PARENT_SCOPE)
endfunction()

# Reads each <ref> at once (one Buildx call each, side by side); sets
# <prefix>_1, <prefix>_2... to their raw bytes as text, in the order given,
# and <prefix>_<i>_ERROR to why one could not be read (empty when it was),
# for the caller to report in its own order.
function(_multiarch_read_indexes docker builder prefix)
  set(refs ${ARGN})
  if(MULTIARCH_PLAIN_HTTP)
    set(i 0)
    foreach(ref IN LISTS refs)
      math(EXPR i "${i} + 1")
      _multiarch_download_manifest("${ref}" body error)
      set(${prefix}_${i} "${body}" PARENT_SCOPE)
      set(${prefix}_${i}_ERROR "${error}" PARENT_SCOPE)
    endforeach()
    return()
  endif()
  set(jobs "")
  set(i 0)
  foreach(ref IN LISTS refs)
    math(EXPR i "${i} + 1")
    _multiarch_raw_read_command(cmd_${i} "${docker}" "${builder}" "${ref}")
    list(APPEND jobs r${i} cmd_${i})
  endforeach()
  _multiarch_capture_together(${jobs})
  set(i 0)
  foreach(ref IN LISTS refs)
    math(EXPR i "${i} + 1")
    set(error "")
    if(NOT r${i}_rc EQUAL 0)
      set(error "cannot read ${ref} from the registry: ${r${i}_err}")
    endif()
    set(${prefix}_${i} "${r${i}_out}" PARENT_SCOPE)
    set(${prefix}_${i}_ERROR "${error}" PARENT_SCOPE)
  endforeach()
endfunction()

# <out>: the command that prints the raw manifest at <ref> through Buildx
# (`docker buildx imagetools inspect --raw [--builder <builder>] <ref>`).
function(_multiarch_raw_read_command out docker builder ref)
  _multiarch_buildx(cmd "${docker}")
  list(APPEND cmd imagetools inspect --raw)
  if(NOT builder STREQUAL "")
    list(APPEND cmd --builder "${builder}")
  endif()
  list(APPEND cmd "${ref}")
  set(${out} "${cmd}" PARENT_SCOPE)
endfunction()

# <out_json>: the manifest at <ref> from a plain-HTTP registry, read over
# its HTTP API without credentials; <error_out>: why it could not be read
# (empty when it was).
function(_multiarch_download_manifest ref out_json error_out)
  _multiarch_split_ref("${ref}" host path reference)
  string(RANDOM LENGTH 10 suffix)
  set(tmp "${CMAKE_CURRENT_BINARY_DIR}/.multiarch-index-${suffix}.json")
  file(DOWNLOAD "http://${host}/v2/${path}/manifests/${reference}" "${tmp}"
    HTTPHEADER "Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json"
    STATUS status TIMEOUT 60)
  list(GET status 0 code)
  set(body "")
  set(error "")
  if(NOT code EQUAL 0)
    list(GET status 1 why)
    set(error "cannot read ${ref} from the plain-HTTP registry ${host}: ${why}")
  else()
    file(READ "${tmp}" body)
  endif()
  file(REMOVE "${tmp}")
  set(${out_json} "${body}" PARENT_SCOPE)
  set(${error_out} "${error}" PARENT_SCOPE)
endfunction()

# Points each of <tags> of <repo> at the index <digest> (no rebuild: the
# same bytes under new names), then checks every tag resolves to it.
function(_multiarch_tag_index docker builder repo digest)
  set(tags ${ARGN})
  if(MULTIARCH_PLAIN_HTTP)
    _multiarch_read_index("${docker}" "${builder}" "${repo}@${digest}" body)
    string(JSON media GET "${body}" mediaType)
    _multiarch_split_ref("${repo}@${digest}" host path _)
    string(RANDOM LENGTH 10 suffix)
    set(tmp "${CMAKE_CURRENT_BINARY_DIR}/.multiarch-index-${suffix}.json")
    file(WRITE "${tmp}" "${body}")
    foreach(t IN LISTS tags)
      file(UPLOAD "${tmp}" "http://${host}/v2/${path}/manifests/${t}"
        HTTPHEADER "Content-Type: ${media}" STATUS status TIMEOUT 60)
      list(GET status 0 code)
      if(NOT code EQUAL 0)
        file(REMOVE "${tmp}")
        list(GET status 1 why)
        _multiarch_die("tagging ${repo}:${t} on the plain-HTTP registry ${host} failed: ${why}")
      endif()
    endforeach()
    file(REMOVE "${tmp}")
  else()
    _multiarch_buildx(cmd "${docker}")
    list(APPEND cmd imagetools create)
    if(builder)
      list(APPEND cmd --builder "${builder}")
    endif()
    foreach(t IN LISTS tags)
      list(APPEND cmd --tag "${repo}:${t}")
    endforeach()
    _multiarch_capture(tag ${cmd} "${repo}@${digest}")
    if(NOT tag_rc EQUAL 0)
      _multiarch_die("tagging ${repo}@${digest} failed: ${tag_err}")
    endif()
  endif()
  set(refs "")
  foreach(t IN LISTS tags)
    list(APPEND refs "${repo}:${t}")
  endforeach()
  _multiarch_read_indexes("${docker}" "${builder}" tagged ${refs})
  set(i 0)
  foreach(t IN LISTS tags)
    math(EXPR i "${i} + 1")
    if(NOT tagged_${i}_ERROR STREQUAL "")
      _multiarch_die("${tagged_${i}_ERROR}")
    endif()
    string(SHA256 tagged_digest "${tagged_${i}}")
    if(NOT "sha256:${tagged_digest}" STREQUAL digest)
      _multiarch_die("after tagging, ${repo}:${t} points at sha256:${tagged_digest}, not at ${digest}. "
        "Another push may have raced this one; run the step again.")
    endif()
  endforeach()
endfunction()

# From an index's JSON, the list of "platform=digest" for each manifest,
# attestation manifests (unknown/unknown) left out.
function(_multiarch_index_platforms json out)
  set(result "")
  string(JSON mediatype ERROR_VARIABLE err GET "${json}" mediaType)
  string(JSON n ERROR_VARIABLE err LENGTH "${json}" manifests)
  if(err)
    _multiarch_die("the registry returned a manifest that is not an index (mediaType ${mediatype}); "
      "a multi-platform push must produce an OCI index or a Docker manifest list.")
  endif()
  if(n GREATER 0)
    math(EXPR last "${n} - 1")
    foreach(i RANGE ${last})
      string(JSON digest GET "${json}" manifests ${i} digest)
      string(JSON os ERROR_VARIABLE e1 GET "${json}" manifests ${i} platform os)
      string(JSON arch ERROR_VARIABLE e2 GET "${json}" manifests ${i} platform architecture)
      string(JSON variant ERROR_VARIABLE e3 GET "${json}" manifests ${i} platform variant)
      if(e1 OR e2 OR os STREQUAL "unknown" OR arch STREQUAL "unknown")
        continue()
      endif()
      set(platform "${os}/${arch}")
      if(NOT e3 AND NOT variant STREQUAL "")
        string(APPEND platform "/${variant}")
      endif()
      _multiarch_normalize_platform("${platform}" norm error)
      if(norm)
        set(platform "${norm}")
      endif()
      list(APPEND result "${platform}=${digest}")
    endforeach()
  endif()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# <json_out>: what <image_json> records, and <digest_out> its index digest;
# fails with the target to build when the image has not been built
# (<then>, if given, is what the message adds after that command).
function(_multiarch_read_built_image image_json name build_dir json_out digest_out)
  if(NOT EXISTS "${image_json}")
    set(then "")
    if(ARGC GREATER 5)
      set(then "${ARGV5}")
    endif()
    _multiarch_die("image ${name} has not been built yet (no ${image_json}). "
      "Build it first: cmake --build ${build_dir} --target ${name}${then}")
  endif()
  file(READ "${image_json}" image)
  string(JSON digest GET "${image}" digest)
  set(${json_out} "${image}" PARENT_SCOPE)
  set(${digest_out} "${digest}" PARENT_SCOPE)
endfunction()

# <digest_out>: the index digest that <image_json> records; fails with the
# target to build when the image has not been built.
function(_multiarch_built_digest image_json name build_dir digest_out)
  _multiarch_read_built_image("${image_json}" "${name}" "${build_dir}" image digest)
  set(${digest_out} "${digest}" PARENT_SCOPE)
endfunction()

# The pushed variant of <platform> as recorded in <image_json>: sets
# <index_out> to the index digest and <ref_out> to repository@<manifest
# digest>, so that tests run and read exactly what was pushed.  Fails with
# the target to build when the image has not been built.
function(_multiarch_pushed_variant image_json repository platform name build_dir index_out ref_out)
  _multiarch_read_built_image("${image_json}" "${name}" "${build_dir}" image index_digest)
  string(JSON manifest ERROR_VARIABLE err GET "${image}" platforms "${platform}")
  if(err)
    _multiarch_die("${image_json} records no ${platform} variant of ${name}; "
      "rebuild it: cmake --build ${build_dir} --target ${name}")
  endif()
  set(${index_out} "${index_digest}" PARENT_SCOPE)
  set(${ref_out} "${repository}@${manifest}" PARENT_SCOPE)
endfunction()
