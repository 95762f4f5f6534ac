# Builds one image declared by add_multiarch_image, pushes it by digest,
# verifies the index in the registry, then tags it and writes
# <name>.image.json.  Run by the <name> target; by hand:
#
#   cmake -DMULTIARCH_IMAGE_FILE=<build>/<name>.multiarch/image.cmake
#         -DMULTIARCH_AUDIT_TOOL=<prefix>/bin/multiarch-audit -P BuildImage.cmake
#
# No tag is set before the registry has been read back and found to hold
# exactly the declared platforms.

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/Common.cmake")
if(NOT MULTIARCH_IMAGE_FILE OR NOT EXISTS "${MULTIARCH_IMAGE_FILE}")
  _multiarch_die("BuildImage.cmake needs -DMULTIARCH_IMAGE_FILE=<file written by add_multiarch_image>.")
endif()
include("${MULTIARCH_IMAGE_FILE}")
if(NOT MULTIARCH_AUDIT_TOOL OR NOT EXISTS "${MULTIARCH_AUDIT_TOOL}")
  _multiarch_die("BuildImage.cmake needs -DMULTIARCH_AUDIT_TOOL=<multiarch-audit>; got "
    "\"${MULTIARCH_AUDIT_TOOL}\". Build it (target MultiArchImage::audit) or reinstall MultiArchImage.")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/Builder.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Context.cmake")

set(docker "${MULTIARCH_DOCKER}")
set(name "${MULTIARCH_NAME}")
set(repo "${MULTIARCH_REPOSITORY}")

# The stamp says "pushed and verified"; it goes now and comes back only at
# the end, so a failed run leaves none and the next build retries.
set(stamp "${MULTIARCH_STATE_DIR}/pushed.stamp")
file(REMOVE "${stamp}")

# 1. Preconditions, before a byte is sent.
_multiarch_require_inputs("${name}" "${MULTIARCH_DOCKERFILE}" "${MULTIARCH_CONTEXT}")
_multiarch_require_buildx("${docker}")
# A builder declared with add_multiarch_builder is created (or repaired) first.
set(builder_file "${MULTIARCH_BUILD_DIR}/multiarch-builders/${MULTIARCH_BUILDER}.cmake")
if(MULTIARCH_BUILDER AND EXISTS "${builder_file}")
  execute_process(COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_BUILDER_FILE=${builder_file}"
    -DMULTIARCH_BOOTSTRAP=OFF -P "${CMAKE_CURRENT_LIST_DIR}/EnsureBuilder.cmake" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    _multiarch_die("image ${name}: builder ${MULTIARCH_BUILDER} could not be prepared; see above. "
      "Nothing was pushed.")
  endif()
endif()
# One `docker buildx inspect --bootstrap`: its output also gives the driver
# and each node's options, which the checks below read.
_multiarch_builder_platforms("${docker}" "${MULTIARCH_BUILDER}" ins)
set(builder "${ins_NAME}")
set(supported "${ins_SUPPORTED}")
set(flags "")
if(MULTIARCH_BUILDER)
  list(APPEND flags EXPLICIT)
endif()
if(MULTIARCH_BUILDER AND EXISTS "${builder_file}")
  list(APPEND flags DECLARED)
endif()
_multiarch_require_builder_driver(ins IMAGE "${name}" REPOSITORY "${repo}"
  DOCKERFILE "${MULTIARCH_DOCKERFILE}" BUILD_ARGS ${MULTIARCH_BUILD_ARGS}
  AUDIT_TOOL "${MULTIARCH_AUDIT_TOOL}" ${flags})
set(missing "")
foreach(p IN LISTS MULTIARCH_PLATFORMS)
  if(NOT p IN_LIST supported)
    list(APPEND missing "${p}")
  endif()
endforeach()
if(missing)
  string(JOIN ", " missing_text ${missing})
  string(JOIN ", " supported_text ${supported})
  _multiarch_die("image ${name}: builder \"${builder}\" cannot build ${missing_text}. "
    "It supports: ${supported_text}. Fix: register QEMU emulators on the builder's host "
    "(e.g. apt install qemu-user-static binfmt-support, then recreate the builder), use a builder "
    "with a node for that platform (add_multiarch_builder, or MULTIARCH_BUILDER / BUILDER), "
    "or remove the platform from PLATFORMS. Nothing was pushed.")
endif()

# The registry answers (a missing tag is fine; no connection is not).
string(REGEX MATCH "^[^/]+" registry_host "${repo}")
if(MULTIARCH_PLAIN_HTTP)
  file(DOWNLOAD "http://${registry_host}/v2/" STATUS reach TIMEOUT 20)
  list(GET reach 0 reach_code)
  if(NOT reach_code EQUAL 0)
    list(GET reach 1 reach_why)
    _multiarch_die("image ${name}: the plain-HTTP registry ${registry_host} does not answer at "
      "http://${registry_host}/v2/: ${reach_why}. Fix: start it or correct REPOSITORY. Nothing was pushed.")
  endif()
else()
  list(GET MULTIARCH_TAGS 0 first_tag)
  _multiarch_capture(reach "${docker}" buildx imagetools inspect --builder "${builder}" --raw
    "${repo}:${first_tag}")
  string(STRIP "${reach_err}" reach_err)
  if(NOT reach_rc EQUAL 0 AND reach_err MATCHES "server gave HTTP response to HTTPS client")
    _multiarch_die("image ${name}: registry ${registry_host} answers plain HTTP, not HTTPS (${reach_err}). "
      "Plain HTTP to a registry other than loopback needs an explicit opt-in: "
      "-DMULTIARCH_PLAIN_HTTP_REGISTRIES=${registry_host} (then no credentials are sent). "
      "Nothing was pushed.")
  elseif(NOT reach_rc EQUAL 0 AND reach_err MATCHES
      "connection refused|no such host|i/o timeout|dial tcp|certificate|[Uu]nauthorized|authentication required|denied|401")
    _multiarch_die("image ${name}: the registry of ${repo} cannot be used: ${reach_err}. "
      "Fix: start the registry or correct REPOSITORY; for a registry that needs a login, run "
      "docker login ${registry_host} first. Nothing was pushed.")
  endif()
endif()

# 2. Build and push the index by digest only: no tag moves yet.
file(MAKE_DIRECTORY "${MULTIARCH_STATE_DIR}")
set(metadata "${MULTIARCH_STATE_DIR}/metadata.json")
file(REMOVE "${metadata}")
string(JOIN "," platform_list ${MULTIARCH_PLATFORMS})
set(insecure "")
if(MULTIARCH_PLAIN_HTTP)
  set(insecure ",registry.insecure=true")
endif()
set(cmd "${docker}" buildx build
  --builder "${builder}"
  --platform "${platform_list}"
  --file "${MULTIARCH_DOCKERFILE}"
  --output "type=image,name=${repo},push-by-digest=true,name-canonical=true,push=true${insecure}"
  --metadata-file "${metadata}")
foreach(a IN LISTS MULTIARCH_BUILD_ARGS)
  _multiarch_append_args(cmd --build-arg "${a}")
endforeach()
foreach(a IN LISTS MULTIARCH_LABELS)
  _multiarch_append_args(cmd --label "${a}")
endforeach()
foreach(a IN LISTS MULTIARCH_SECRETS)
  _multiarch_append_args(cmd --secret "${a}")
endforeach()
list(APPEND cmd "${MULTIARCH_CONTEXT}")
message(STATUS "multiarch: building ${repo} for ${platform_list} on builder ${builder}")
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

# 4. Tag the verified index, check each tag resolves to it, record it.
_multiarch_tag_index("${docker}" "${builder}" "${repo}" "${digest}" ${MULTIARCH_TAGS})

set(json "{}")
string(JSON json SET "${json}" repository "\"${repo}\"")
set(tags_json "[]")
set(i 0)
foreach(t IN LISTS MULTIARCH_TAGS)
  string(JSON tags_json SET "${tags_json}" ${i} "\"${t}\"")
  math(EXPR i "${i} + 1")
endforeach()
string(JSON json SET "${json}" tags "${tags_json}")
string(JSON json SET "${json}" digest "\"${digest}\"")
set(platforms_json "{}")
foreach(entry IN LISTS pushed)
  string(REGEX MATCH "^([^=]+)=(.+)$" _ "${entry}")
  string(JSON platforms_json SET "${platforms_json}" "${CMAKE_MATCH_1}" "\"${CMAKE_MATCH_2}\"")
endforeach()
string(JSON json SET "${json}" platforms "${platforms_json}")
file(WRITE "${MULTIARCH_IMAGE_JSON}.tmp" "${json}\n")
file(RENAME "${MULTIARCH_IMAGE_JSON}.tmp" "${MULTIARCH_IMAGE_JSON}")
set(declared_builder "")
if(EXISTS "${builder_file}")
  set(declared_builder "${builder_file}")
endif()
_multiarch_write_depfile("${MULTIARCH_STATE_DIR}/pushed.d" "${stamp}" "${MULTIARCH_CONTEXT}"
  "${MULTIARCH_DOCKERFILE}" ${declared_builder})
file(WRITE "${stamp}" "${digest}\n")
string(JOIN ", " tag_text ${MULTIARCH_TAGS})
message(STATUS "multiarch: pushed ${repo}@${digest} (${platform_list}) as ${tag_text}; "
  "recorded in ${MULTIARCH_IMAGE_JSON}")
