# Private helpers of MultiArchImage, shared by the module (configure time)
# and the helper scripts (cmake -P at build and test time).  Everything
# here may change; names start with _multiarch_.

include_guard(GLOBAL)

# Quote <value> as a bracket argument, choosing a bracket level that does not
# occur inside it, so that any string survives a round trip through a file.
function(_multiarch_bracket out value)
  set(eq "")
  while(value MATCHES "\\]${eq}\\]")
    string(APPEND eq "=")
  endwhile()
  set(${out} "[${eq}[${value}]${eq}]" PARENT_SCOPE)
endfunction()

# Writes <content> to <path> unless it already holds exactly that, so that
# reconfiguring does not touch files that did not change.
function(_multiarch_write_if_changed path content)
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${content}")
endfunction()

# Normalise an os/arch[/variant] platform the way containerd does for the
# common aliases; set <error> to a message for anything else that is wrong.
function(_multiarch_normalize_platform platform out error_out)
  set(${out} "" PARENT_SCOPE)
  set(${error_out} "" PARENT_SCOPE)
  set(hint "write os/arch[/variant], e.g. linux/amd64, linux/arm64 or linux/arm/v7")
  # Architectures BuildKit and the OCI image spec know.  (A function-local
  # list: the module may be included from a subdirectory's scope.)
  set(known_archs amd64 arm64 arm 386 ppc64le s390x riscv64 mips64le mips64 loong64)
  if(platform STREQUAL "")
    set(${error_out} "an empty platform was given; ${hint}." PARENT_SCOPE)
    return()
  endif()
  if(NOT platform MATCHES "^([a-z0-9_]+)/([A-Za-z0-9_-]+)(/([a-z0-9.]+))?$")
    set(${error_out} "platform \"${platform}\" is malformed; ${hint}." PARENT_SCOPE)
    return()
  endif()
  set(os "${CMAKE_MATCH_1}")
  string(TOLOWER "${CMAKE_MATCH_2}" arch)
  set(variant "${CMAKE_MATCH_4}")
  if(NOT os STREQUAL "linux")
    set(${error_out} "platform \"${platform}\": operating system \"${os}\" is not supported; "
      "Buildx builds Linux images here, so write linux/<arch>." PARENT_SCOPE)
    return()
  endif()
  if(arch MATCHES "^(x86_64|x86-64)$")
    set(arch amd64)
  elseif(arch STREQUAL "aarch64")
    set(arch arm64)
  elseif(arch MATCHES "^(armhf|armel)$")
    set(arch arm)
  elseif(arch MATCHES "^(i386|i686)$")
    set(arch 386)
  endif()
  if(NOT arch IN_LIST known_archs)
    string(JOIN " " known ${known_archs})
    set(${error_out} "platform \"${platform}\": unknown architecture \"${arch}\"; "
      "expected one of: ${known}." PARENT_SCOPE)
    return()
  endif()
  if(arch STREQUAL "arm64")
    if(variant MATCHES "^(v8|)$")
      set(variant "")
    elseif(NOT variant MATCHES "^v(8|9)(\\.[0-9])?$")
      set(${error_out} "platform \"${platform}\": unknown arm64 variant \"${variant}\"; "
        "write linux/arm64." PARENT_SCOPE)
      return()
    endif()
  elseif(arch STREQUAL "arm")
    if(variant STREQUAL "")
      set(variant v7)
    elseif(NOT variant MATCHES "^v[5-7]$")
      set(${error_out} "platform \"${platform}\": unknown arm variant \"${variant}\"; "
        "expected v5, v6 or v7, e.g. linux/arm/v7." PARENT_SCOPE)
      return()
    endif()
  elseif(arch STREQUAL "amd64")
    if(variant STREQUAL "v1")
      set(variant "")
    elseif(NOT variant MATCHES "^(v[2-4]|)$")
      set(${error_out} "platform \"${platform}\": unknown amd64 variant \"${variant}\"; "
        "expected none, v2, v3 or v4." PARENT_SCOPE)
      return()
    endif()
  elseif(NOT variant STREQUAL "")
    set(${error_out} "platform \"${platform}\": architecture ${arch} takes no variant; "
      "write linux/${arch}." PARENT_SCOPE)
    return()
  endif()
  if(variant STREQUAL "")
    set(${out} "${os}/${arch}" PARENT_SCOPE)
  else()
    set(${out} "${os}/${arch}/${variant}" PARENT_SCOPE)
  endif()
endfunction()

function(_multiarch_platform_parts platform os_out arch_out variant_out)
  string(REPLACE "/" ";" parts "${platform}")
  list(LENGTH parts n)
  list(GET parts 0 os)
  list(GET parts 1 arch)
  set(variant "")
  if(n GREATER 2)
    list(GET parts 2 variant)
  endif()
  set(${os_out} "${os}" PARENT_SCOPE)
  set(${arch_out} "${arch}" PARENT_SCOPE)
  set(${variant_out} "${variant}" PARENT_SCOPE)
endfunction()

# What `uname -m` prints for a platform, and the binfmt_misc handler that
# runs it on another host.
function(_multiarch_machine platform machine_out qemu_out)
  _multiarch_platform_parts("${platform}" os arch variant)
  set(map_amd64 x86_64 x86_64)
  set(map_arm64 aarch64 aarch64)
  set(map_arm "arm${variant}l" arm)
  set(map_386 i686 i386)
  set(map_ppc64le ppc64le ppc64le)
  set(map_s390x s390x s390x)
  set(map_riscv64 riscv64 riscv64)
  set(map_mips64le mips64 mips64el)
  set(map_mips64 mips64 mips64)
  set(map_loong64 loongarch64 loongarch64)
  list(GET map_${arch} 0 machine)
  list(GET map_${arch} 1 qemu)
  set(${machine_out} "${machine}" PARENT_SCOPE)
  set(${qemu_out} "${qemu}" PARENT_SCOPE)
endfunction()

# Repository grammar of the distribution reference spec: an optional
# registry host[:port], then lowercase path components.
function(_multiarch_validate_repository repo error_out)
  set(${error_out} "" PARENT_SCOPE)
  set(example "e.g. registry.example.com/team/app or 127.0.0.1:5000/app")
  if(repo MATCHES "^[A-Za-z][A-Za-z0-9+.-]*://")
    set(${error_out} "REPOSITORY \"${repo}\" has a URL scheme; write host[:port]/path without it, ${example}." PARENT_SCOPE)
    return()
  endif()
  if(repo MATCHES "[ \t\r\n]")
    set(${error_out} "REPOSITORY \"${repo}\" contains white space; write host[:port]/path, ${example}." PARENT_SCOPE)
    return()
  endif()
  if(repo MATCHES "@|:[^/]*$")
    set(${error_out} "REPOSITORY \"${repo}\" holds a tag or digest; give the repository alone and the tags with TAGS." PARENT_SCOPE)
    return()
  endif()
  string(LENGTH "${repo}" len)
  if(len GREATER 255)
    set(${error_out} "REPOSITORY \"${repo}\" is ${len} characters long; the limit is 255." PARENT_SCOPE)
    return()
  endif()
  string(REPLACE "/" ";" parts "${repo}")
  list(LENGTH parts n)
  list(GET parts 0 first)
  # As in docker: the first component is a registry host when it has a dot or
  # a port, or is localhost; otherwise the repository is on Docker Hub.
  if(n GREATER 1 AND (first MATCHES "[.:]" OR first STREQUAL "localhost" OR first MATCHES "[A-Z]"))
    if(NOT first MATCHES "^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(:([0-9]+))?$")
      set(${error_out} "REPOSITORY \"${repo}\": registry host \"${first}\" is not a valid host[:port]; ${example}." PARENT_SCOPE)
      return()
    endif()
    # (if() evaluates parentheses first: match the port on its own.)
    string(REGEX MATCH ":([0-9]+)$" port "${first}")
    string(REPLACE ":" "" port "${port}")
    if(NOT "${port}" STREQUAL "" AND (port GREATER 65535 OR port EQUAL 0))
      set(${error_out} "REPOSITORY \"${repo}\": port ${port} is out of range; use 1-65535." PARENT_SCOPE)
      return()
    endif()
    list(REMOVE_AT parts 0)
  endif()
  if(NOT parts)
    set(${error_out} "REPOSITORY \"${repo}\" names a registry but no path; ${example}." PARENT_SCOPE)
    return()
  endif()
  foreach(c IN LISTS parts)
    if(c MATCHES "[A-Z]")
      string(TOLOWER "${c}" lower)
      set(${error_out} "REPOSITORY \"${repo}\": path component \"${c}\" has uppercase letters; "
        "repository paths are lowercase, write \"${lower}\"." PARENT_SCOPE)
      return()
    endif()
    if(NOT c MATCHES "^[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*$")
      set(${error_out} "REPOSITORY \"${repo}\": path component \"${c}\" is invalid; use lowercase "
        "letters and digits separated by . _ __ or -, ${example}." PARENT_SCOPE)
      return()
    endif()
  endforeach()
endfunction()

function(_multiarch_validate_tag tag error_out)
  set(${error_out} "" PARENT_SCOPE)
  string(LENGTH "${tag}" len)
  if(len GREATER 128)
    set(${error_out} "tag \"${tag}\" is ${len} characters long; the limit is 128." PARENT_SCOPE)
  elseif(NOT tag MATCHES "^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
    string(CONCAT msg "tag \"${tag}\" is invalid; a tag starts with a letter, digit or _ and holds "
      "only letters, digits, _ . - (e.g. 1.2.0 or 1.2.0-rc1).")
    set(${error_out} "${msg}" PARENT_SCOPE)
  endif()
endfunction()

# ---------------------------------------------------------------------------
# Helpers for the cmake -P scripts.

function(_multiarch_die)
  # ARGV<i>, not ARGN: a ";" in the message must stay a ";".
  set(msg "")
  math(EXPR last "${ARGC} - 1")
  foreach(i RANGE 0 ${last})
    string(APPEND msg "${ARGV${i}}")
  endforeach()
  message(FATAL_ERROR "multiarch: ${msg}")
endfunction()

# Appends each value to the list <var> as one element, whatever it holds:
# a ";" inside a value would otherwise split it into two arguments.
function(_multiarch_append_args var)
  set(result "${${var}}")
  math(EXPR last "${ARGC} - 1")
  foreach(i RANGE 1 ${last})
    # ARGV<i> keeps the argument whole; ARGN would already be split.
    string(REPLACE ";" "\\;" value "${ARGV${i}}")
    list(APPEND result "${value}")
  endforeach()
  set(${var} "${result}" PARENT_SCOPE)
endfunction()

# Runs a command given as a list; output captured into <prefix>_out,
# <prefix>_err and exit code into <prefix>_rc.  Never through a shell.  A
# function reading ARGV<i>, not a macro: an argument holding ";" stays one
# argument.
function(_multiarch_capture prefix)
  set(cmd "")
  math(EXPR last "${ARGC} - 1")
  foreach(i RANGE 1 ${last})
    string(REPLACE ";" "\\;" arg "${ARGV${i}}")
    list(APPEND cmd "${arg}")
  endforeach()
  execute_process(COMMAND ${cmd} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  set(${prefix}_out "${out}" PARENT_SCOPE)
  set(${prefix}_err "${err}" PARENT_SCOPE)
  set(${prefix}_rc "${rc}" PARENT_SCOPE)
endfunction()

# The host platform's architecture as BuildKit names it.
function(_multiarch_host_arch out)
  cmake_host_system_information(RESULT proc QUERY OS_PLATFORM)
  if(proc MATCHES "^(x86_64|amd64|AMD64)$")
    set(${out} amd64 PARENT_SCOPE)
  elseif(proc MATCHES "^(aarch64|arm64)$")
    set(${out} arm64 PARENT_SCOPE)
  elseif(proc MATCHES "^armv7")
    set(${out} arm PARENT_SCOPE)
  else()
    set(${out} "${proc}" PARENT_SCOPE)
  endif()
endfunction()

# Fails unless the Dockerfile and the context of image <name> are still
# there: they were checked when CMake ran, but may have gone since.
function(_multiarch_require_inputs name dockerfile context)
  if(NOT EXISTS "${dockerfile}" OR IS_DIRECTORY "${dockerfile}")
    _multiarch_die("image ${name}: Dockerfile \"${dockerfile}\" is missing or not a file; "
      "restore it or change DOCKERFILE and re-run CMake.")
  endif()
  if(NOT IS_DIRECTORY "${context}")
    _multiarch_die("image ${name}: build context \"${context}\" is not a directory; "
      "restore it or change CONTEXT and re-run CMake.")
  endif()
endfunction()

# Fails unless `docker buildx` answers; the message says how to install it.
function(_multiarch_require_buildx docker)
  _multiarch_capture(v "${docker}" buildx version)
  if(NOT v_rc EQUAL 0)
    _multiarch_die("Docker Buildx is not available (\"${docker} buildx version\" failed: "
      "${v_err}${v_out}). Install the docker-buildx plugin (Debian: apt install docker-buildx; "
      "or put the binary at ~/.docker/cli-plugins/docker-buildx), or set MULTIARCH_DOCKER_EXECUTABLE "
      "to a docker CLI that has it.")
  endif()
endfunction()

# Registry access.  By default through Buildx (docker login's credentials,
# the builder's registry configuration).  A registry opted in to plain HTTP
# (MULTIARCH_PLAIN_HTTP true in the caller's scope) is spoken to directly
# over its HTTP API, without credentials: they would travel in clear text.

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
  if(MULTIARCH_PLAIN_HTTP)
    _multiarch_split_ref("${ref}" host path reference)
    string(RANDOM LENGTH 10 suffix)
    set(tmp "${CMAKE_CURRENT_BINARY_DIR}/.multiarch-index-${suffix}.json")
    file(DOWNLOAD "http://${host}/v2/${path}/manifests/${reference}" "${tmp}"
      HTTPHEADER "Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json"
      STATUS status TIMEOUT 60)
    list(GET status 0 code)
    if(NOT code EQUAL 0)
      file(REMOVE "${tmp}")
      list(GET status 1 why)
      _multiarch_die("cannot read ${ref} from the plain-HTTP registry ${host}: ${why}")
    endif()
    file(READ "${tmp}" body)
    file(REMOVE "${tmp}")
    set(${out_json} "${body}" PARENT_SCOPE)
    return()
  endif()
  set(args "${docker}" buildx imagetools inspect --raw)
  if(builder)
    list(APPEND args --builder "${builder}")
  endif()
  _multiarch_capture(i ${args} "${ref}")
  if(NOT i_rc EQUAL 0)
    _multiarch_die("cannot read ${ref} from the registry: ${i_err}")
  endif()
  set(${out_json} "${i_out}" PARENT_SCOPE)
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
    set(cmd "${docker}" buildx imagetools create)
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
  foreach(t IN LISTS tags)
    _multiarch_read_index("${docker}" "${builder}" "${repo}:${t}" tagged)
    string(SHA256 tagged_digest "${tagged}")
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

# <out>: what `multiarch-audit <query> --dockerfile <dockerfile> --build-arg
# ...` prints (query final-base or from-images: the tool is the one reader
# of Dockerfiles).  Fails the script, naming <what>, when the tool fails.
function(_multiarch_dockerfile_query out tool query dockerfile what)
  set(cmd "${tool}" ${query} --dockerfile "${dockerfile}")
  math(EXPR last "${ARGC} - 1")
  if(ARGC GREATER 5)
    foreach(i RANGE 5 ${last})
      _multiarch_append_args(cmd --build-arg "${ARGV${i}}")
    endforeach()
  endif()
  execute_process(COMMAND ${cmd} OUTPUT_VARIABLE result ERROR_VARIABLE err RESULT_VARIABLE rc
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    _multiarch_die("${what}: cannot read ${dockerfile} with ${tool} ${query} (exit ${rc}): ${err}")
  endif()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# <digest_out>: the index digest that <image_json> records; fails with the
# target to build when the image has not been built.
function(_multiarch_built_digest image_json name build_dir digest_out)
  if(NOT EXISTS "${image_json}")
    _multiarch_die("image ${name} has not been built yet (no ${image_json}). "
      "Build it first: cmake --build ${build_dir} --target ${name}")
  endif()
  file(READ "${image_json}" image)
  string(JSON digest GET "${image}" digest)
  set(${digest_out} "${digest}" PARENT_SCOPE)
endfunction()

# The pushed variant of <platform> as recorded in <image_json>: sets
# <index_out> to the index digest and <ref_out> to repository@<manifest
# digest>, so that tests run and read exactly what was pushed.  Fails with
# the target to build when the image has not been built.
function(_multiarch_pushed_variant image_json repository platform name build_dir index_out ref_out)
  _multiarch_built_digest("${image_json}" "${name}" "${build_dir}" index_digest)
  file(READ "${image_json}" image)
  string(JSON manifest ERROR_VARIABLE err GET "${image}" platforms "${platform}")
  if(err)
    _multiarch_die("${image_json} records no ${platform} variant of ${name}; "
      "rebuild it: cmake --build ${build_dir} --target ${name}")
  endif()
  set(${index_out} "${index_digest}" PARENT_SCOPE)
  set(${ref_out} "${repository}@${manifest}" PARENT_SCOPE)
endfunction()
