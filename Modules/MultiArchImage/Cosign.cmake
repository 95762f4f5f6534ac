# Private: signing and verifying an image digest with cosign.  Included by
# Promote.cmake (signs before any tag moves) and Verify.cmake (the
# <name>[signature] test); not run on its own.  Everything here may change.
#
# Reads, from the caller's scope (promote.cmake / signature.cmake, written
# by add_multiarch_image): MULTIARCH_COSIGN, MULTIARCH_SIGN_OFFLINE,
# MULTIARCH_PLAIN_HTTP, MULTIARCH_STATE_DIR, and MULTIARCH_COSIGN_NOTE, text
# that every failure message ends with (" No tag moved.").  No password
# passes through here: cosign reads COSIGN_PASSWORD from the environment it
# inherits.
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Builder.cmake")

# The cosign line the test setup installs (tests/env/setup-suite.sh), named
# in the messages that tell how to install it.
set(_MULTIARCH_COSIGN_PINNED v3.1.3)

# Fails unless cosign runs; sets <major_out> to its major version (2 or 3),
# which decides the offline flags.  <why> says what needed it.
function(_multiarch_require_cosign why major_out)
  set(cosign "${MULTIARCH_COSIGN}")
  set(fix "Install cosign (e.g. CGO_ENABLED=0 go install "
    "github.com/sigstore/cosign/v3/cmd/cosign@${_MULTIARCH_COSIGN_PINNED}, then put it on PATH) "
    "and re-run CMake, or point -DMULTIARCH_COSIGN_EXECUTABLE=<path to cosign> at it.")
  if(cosign STREQUAL "" OR cosign MATCHES "-NOTFOUND$")
    _multiarch_die("${why} needs cosign, which was not found on PATH when CMake ran "
      "(MULTIARCH_COSIGN_EXECUTABLE is unset). " ${fix} "${MULTIARCH_COSIGN_NOTE}")
  endif()
  if(IS_ABSOLUTE "${cosign}" AND NOT EXISTS "${cosign}")
    _multiarch_die("${why} needs cosign, but MULTIARCH_COSIGN_EXECUTABLE=${cosign} does not exist. "
      ${fix} "${MULTIARCH_COSIGN_NOTE}")
  endif()
  _multiarch_capture(v "${cosign}" version)
  if(NOT v_rc EQUAL 0)
    _multiarch_die("${why} needs cosign, but \"${cosign} version\" failed (${v_rc}): "
      "${v_err}${v_out} " ${fix} "${MULTIARCH_COSIGN_NOTE}")
  endif()
  if(NOT "${v_out}${v_err}" MATCHES "GitVersion:[ \t]*v?([0-9]+)\\.")
    _multiarch_die("${why}: \"${cosign} version\" printed no GitVersion; is ${cosign} cosign? "
      ${fix} "${MULTIARCH_COSIGN_NOTE}")
  endif()
  set(major "${CMAKE_MATCH_1}")
  if(major LESS 2)
    _multiarch_die("${why}: ${cosign} is cosign v${major}; MultiArchImage needs cosign v2 or v3. "
      ${fix} "${MULTIARCH_COSIGN_NOTE}")
  endif()
  set(${major_out} "${major}" PARENT_SCOPE)
endfunction()

# Fails unless <key> (a file, or a KMS URI such as awskms://..., gcpkms://,
# hashivault://, k8s://, pkcs11:) can be used by cosign; <keyword> names it
# in the message.  A key file needs COSIGN_PASSWORD in the environment,
# else cosign would prompt for it: only that it is set is checked.
function(_multiarch_require_key keyword key private)
  if(key MATCHES "^[a-z0-9]+://|^pkcs11:")
    return()
  endif()
  if(NOT EXISTS "${key}" OR IS_DIRECTORY "${key}")
    _multiarch_die("${keyword} \"${key}\" is not a file; give the path of the cosign key "
      "(cosign generate-key-pair writes cosign.key and cosign.pub) or a KMS URI."
      "${MULTIARCH_COSIGN_NOTE}")
  endif()
  if(private AND NOT DEFINED ENV{COSIGN_PASSWORD})
    _multiarch_die("${keyword} ${key} is a key file and COSIGN_PASSWORD is not set in the "
      "environment; cosign would ask for the key's password on a terminal. Set COSIGN_PASSWORD "
      "(empty for a key without one) in the environment of cmake --build, e.g. from your CI's "
      "secret store; never pass it to CMake." "${MULTIARCH_COSIGN_NOTE}")
  endif()
endfunction()

# <out>: the arguments that make cosign speak to the registry of <ref> the
# package's way, and, through <env_out>, `cmake -E env` arguments to put
# before the command.  Loopback registries and those of
# MULTIARCH_PLAIN_HTTP_REGISTRIES are plain HTTP (--allow-http-registry);
# a listed registry other than loopback gets no credentials (an empty
# Docker configuration): they would travel in clear text.
function(_multiarch_cosign_registry_args ref out env_out)
  _multiarch_reference_host("${ref}" host)
  _multiarch_loopback_host("${host}" loopback)
  set(args "")
  set(env "")
  if(loopback OR MULTIARCH_PLAIN_HTTP)
    list(APPEND args --allow-http-registry)
  endif()
  if(MULTIARCH_PLAIN_HTTP AND NOT loopback)
    set(config "${MULTIARCH_STATE_DIR}/cosign-no-credentials")
    file(MAKE_DIRECTORY "${config}")
    file(WRITE "${config}/config.json" "{\"auths\": {}}\n")
    set(env "${CMAKE_COMMAND}" -E env "DOCKER_CONFIG=${config}" --unset=REGISTRY_AUTH_FILE
      --unset=XDG_RUNTIME_DIR --)
  endif()
  set(${out} "${args}" PARENT_SCOPE)
  set(${env_out} "${env}" PARENT_SCOPE)
endfunction()

# <out>: cosign's error from its output <text>, the "Error: ..." line without
# its warnings (offline: the transparency log's TUF root cannot be fetched)
# and the repetition "error during command execution: ..."; else <text>.
function(_multiarch_cosign_error text out)
  string(STRIP "${text}" text)
  set(result "${text}")
  if(text MATCHES "(^|\n)Error: ([^\n]*)")
    set(result "${CMAKE_MATCH_2}")
  endif()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# Signs <ref> (repository@sha256:...) with <key>; RECURSIVE also signs
# every manifest of the index.  Fails the script when cosign fails.
function(_multiarch_cosign_sign ref key recursive)
  _multiarch_require_cosign("signing ${ref}" major)
  _multiarch_require_key(SIGN_KEY "${key}" TRUE)
  _multiarch_cosign_registry_args("${ref}" args env)
  set(cmd ${env} "${MULTIARCH_COSIGN}" sign --yes)
  _multiarch_append_args(cmd --key "${key}" ${args})
  if(recursive)
    list(APPEND cmd --recursive)
  endif()
  if(MULTIARCH_SIGN_OFFLINE)
    if(major GREATER_EQUAL 3)
      # cosign v3 signs only by a signing configuration; an empty one names
      # no Fulcio, no Rekor and no timestamp authority.
      set(config "${MULTIARCH_STATE_DIR}/cosign-offline-signing-config.json")
      _multiarch_capture(sc "${MULTIARCH_COSIGN}" signing-config create --out "${config}")
      if(NOT sc_rc EQUAL 0)
        _multiarch_die("cosign signing-config create failed (${sc_rc}): ${sc_err}${sc_out}"
          "${MULTIARCH_COSIGN_NOTE}")
      endif()
      _multiarch_append_args(cmd --signing-config "${config}")
    else()
      list(APPEND cmd --tlog-upload=false)
    endif()
  endif()
  _multiarch_capture(s ${cmd} "${ref}")
  if(NOT s_rc EQUAL 0)
    _multiarch_cosign_error("${s_err}${s_out}" why)
    set(hint "")
    if(why MATCHES "decrypt|password|passphrase")
      set(hint ". Is COSIGN_PASSWORD the password of ${key}?")
    endif()
    _multiarch_die("signing ${ref} with ${key} failed (cosign exit ${s_rc}): ${why}${hint}"
      "${MULTIARCH_COSIGN_NOTE}")
  endif()
endfunction()

# Runs cosign verify of <ref> with <key>; sets <ok_out> to TRUE or FALSE
# and <why_out> to what cosign said.
function(_multiarch_cosign_verify ref key ok_out why_out)
  _multiarch_require_cosign("verifying ${ref}" major)
  _multiarch_require_key(VERIFY_KEY "${key}" FALSE)
  _multiarch_cosign_registry_args("${ref}" args env)
  set(cmd ${env} "${MULTIARCH_COSIGN}" verify)
  _multiarch_append_args(cmd --key "${key}" ${args})
  if(MULTIARCH_SIGN_OFFLINE)
    list(APPEND cmd --insecure-ignore-tlog=true)
  endif()
  _multiarch_capture(v ${cmd} "${ref}")
  _multiarch_cosign_error("${v_err}" why)
  if(v_rc EQUAL 0)
    set(${ok_out} TRUE PARENT_SCOPE)
  else()
    set(${ok_out} FALSE PARENT_SCOPE)
  endif()
  set(${why_out} "${why}" PARENT_SCOPE)
endfunction()
