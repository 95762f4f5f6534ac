# Private: the builder's and the registry's checks of an image, read-only,
# before anything is built: the builder answers and builds every declared
# platform with a driver that can push an index by digest, and the
# registry answers.  Scripts/BuildImage.cmake runs the inspection and the
# probe beside the context check (_multiarch_capture_together), then these
# checks on what they gave.
# Everything here may change; names start with _multiarch_.

include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Builder.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/RegistryClient.cmake")

# <out>: the registry probe, `docker buildx imagetools inspect --raw
# <repository>:<tag>` for the image whose image.cmake the caller has
# included; empty for a plain-HTTP registry (_multiarch_preflight_registry
# asks it itself).
function(_multiarch_probe_command out tag)
  set(${out} "" PARENT_SCOPE)
  if(MULTIARCH_PLAIN_HTTP)
    return()
  endif()
  _multiarch_raw_read_command(cmd "${MULTIARCH_DOCKER}" "${MULTIARCH_BUILDER}"
    "${MULTIARCH_REPOSITORY}:${tag}")
  set(${out} "${cmd}" PARENT_SCOPE)
endfunction()

# The builder's checks, on what _multiarch_builder_platforms read into
# <prefix>_...: its driver, its nodes' errors, the declared platforms.
# Fails the script with the value and the fix.
function(_multiarch_preflight_builder prefix)
  set(name "${MULTIARCH_NAME}")
  set(builder "${${prefix}_NAME}")
  set(supported "${${prefix}_SUPPORTED}")
  set(flags "")
  if(MULTIARCH_BUILDER)
    list(APPEND flags EXPLICIT)
  endif()
  if(MULTIARCH_BUILDER AND EXISTS "${MULTIARCH_BUILDER_FILE}")
    list(APPEND flags DECLARED)
  endif()
  _multiarch_require_builder_driver(${prefix} IMAGE "${name}" REPOSITORY "${MULTIARCH_REPOSITORY}"
    DOCKERFILE "${MULTIARCH_DOCKERFILE}" BUILD_ARGS ${MULTIARCH_BUILD_ARGS}
    AUDIT_TOOL "${MULTIARCH_AUDIT_TOOL}" ${flags})
  # A builder that answers inspect but cannot work (e.g. the docker driver
  # with no daemon behind it) says why in its error lines.
  set(builder_errors "")
  if(NOT ${prefix}_ERROR STREQUAL "")
    list(APPEND builder_errors "${${prefix}_ERROR}")
  endif()
  if(${prefix}_COUNT GREATER 0)
    foreach(i RANGE 1 ${${prefix}_COUNT})
      if(NOT ${prefix}_${i}_ERROR STREQUAL "")
        list(APPEND builder_errors "node ${${prefix}_${i}_NAME}: ${${prefix}_${i}_ERROR}")
      endif()
    endforeach()
  endif()
  if(NOT supported AND builder_errors)
    string(JOIN "; " errors_text ${builder_errors})
    _multiarch_die("image ${name}: builder \"${builder}\" is not usable: ${errors_text}. Fix: start "
      "what it runs on (the Docker daemon, the BuildKit daemon at its endpoint) or choose another "
      "builder (MULTIARCH_BUILDER / BUILDER). Nothing was pushed.")
  endif()
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
endfunction()

# The registry answers (a missing tag is fine; no connection is not):
# plain HTTP asked here, else what the command of _multiarch_probe_command
# for <probe_tag> gave (<reach_rc>, <reach_err>).
function(_multiarch_preflight_registry reach_rc reach_err probe_tag)
  set(name "${MULTIARCH_NAME}")
  set(repo "${MULTIARCH_REPOSITORY}")
  string(REGEX MATCH "^[^/]+" registry_host "${repo}")
  if(MULTIARCH_PLAIN_HTTP)
    file(DOWNLOAD "http://${registry_host}/v2/" STATUS reach TIMEOUT 20)
    list(GET reach 0 reach_code)
    if(NOT reach_code EQUAL 0)
      list(GET reach 1 reach_why)
      _multiarch_die("image ${name}: the plain-HTTP registry ${registry_host} does not answer at "
        "http://${registry_host}/v2/: ${reach_why}. Fix: start it or correct REPOSITORY. Nothing was pushed.")
    endif()
    return()
  endif()
  string(STRIP "${reach_err}" reach_err)
  if(NOT reach_rc EQUAL 0 AND reach_err MATCHES "server gave HTTP response to HTTPS client")
    _multiarch_die("image ${name}: registry ${registry_host} answers plain HTTP, not HTTPS (${reach_err}). "
      "Plain HTTP to a registry other than loopback needs an explicit opt-in: "
      "-DMULTIARCH_PLAIN_HTTP_REGISTRIES=${registry_host} (then no credentials are sent). "
      "Nothing was pushed.")
  endif()
  # Buildx's message quotes the reference, whose host, port, name and tag
  # may hold any of these words (a port 54011 holds "401", a repository
  # "team/certificate-store", a tag "denied"): match what Buildx says around
  # it.  The longest forms first (the name may be part of the host, a short
  # tag part of any word), the host before the name.
  string(REGEX REPLACE "^[^/]+/" "" repo_path "${repo}")
  set(reach_said "${reach_err}")
  foreach(form "${repo}:${probe_tag}" "${registry_host}/v2/${repo_path}/manifests/${probe_tag}")
    string(REPLACE "${form}" "<reference>" reach_said "${reach_said}")
  endforeach()
  # The host and the name alone only as whole words: a name "t" is in
  # "connection refused".
  foreach(form "${registry_host}" "${repo_path}")
    string(REGEX REPLACE "([][.*+?^$()|\\])" "\\\\\\1" pattern "${form}")
    string(REGEX REPLACE "(^|[^A-Za-z0-9_.-])${pattern}([^A-Za-z0-9_.-]|$)" "\\1<reference>\\2"
      reach_said "${reach_said}")
  endforeach()
  if(NOT reach_rc EQUAL 0 AND reach_said MATCHES
      "connection refused|no such host|i/o timeout|dial tcp|certificate|[Uu]nauthorized|authentication required|denied|401")
    _multiarch_die("image ${name}: the registry of ${repo} cannot be used: ${reach_err}. "
      "Fix: start the registry or correct REPOSITORY; for a registry that needs a login, run "
      "docker login ${registry_host} first. Nothing was pushed.")
  endif()
endfunction()
