# Private: makes the Buildx builder declared by add_multiarch_builder match
# its declaration, changing only what differs (plan, then apply), then
# bootstraps it.  Scripts/EnsureBuilder.cmake (the multiarch-builder-<name>
# target) runs it alone; Scripts/BuildImage.cmake calls
# _multiarch_ensure_builder in its own process.

include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Builder.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Metadata.cmake")

# _multiarch_die, followed by <note> (what the caller adds, e.g. that
# nothing was pushed) when it is not empty.
function(_multiarch_builder_die note)
  set(msg "")
  math(EXPR last "${ARGC} - 1")
  foreach(i RANGE 1 ${last})
    string(APPEND msg "${ARGV${i}}")
  endforeach()
  if(NOT note STREQUAL "")
    string(APPEND msg " ${note}")
  endif()
  _multiarch_die("${msg}")
endfunction()

# Reads the file add_multiarch_builder wrote (in this function's scope: its
# variables do not reach the caller) and checks that the files it names
# still exist.  Sets, in the caller's scope:
#   <prefix>_NAME, <prefix>_DRIVER, <prefix>_DOCKER, <prefix>_CONFIG
#   <prefix>_COUNT        the number of declared nodes; for each <w> in 1..COUNT:
#   <prefix>_<w>_NAME     empty without NODES (Buildx names the one node)
#   <prefix>_<w>_ENDPOINT, <prefix>_<w>_PLATFORMS, <prefix>_<w>_DRIVER_OPTS
#   <prefix>_CONFIG_HASH  SHA256 of BUILDKITD_CONFIG's content (empty: none)
#   <prefix>_SPEC_HASH    SHA256 of the whole declaration
# Keywords: FILE <builder file> [FAILURE_NOTE <text added to an error>].
function(_multiarch_builder_declaration prefix)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "FILE;FAILURE_NOTE" "")
  include("${arg_FILE}")
  set(name "${MULTIARCH_BUILDER_NAME}")
  set(driver "${MULTIARCH_BUILDER_DRIVER}")
  set(vars NAME DRIVER DOCKER CONFIG COUNT CONFIG_HASH SPEC_HASH)
  set(NAME "${name}")
  set(DRIVER "${driver}")
  set(DOCKER "${MULTIARCH_DOCKER}")
  set(CONFIG "${MULTIARCH_BUILDER_CONFIG}")

  # Without NODES the builder has one node whose name Buildx chooses.
  set(COUNT 0)
  if(MULTIARCH_BUILDER_NODES)
    foreach(node IN LISTS MULTIARCH_BUILDER_NODES)
      math(EXPR COUNT "${COUNT} + 1")
      set(${COUNT}_NAME "${node}")
      set(${COUNT}_ENDPOINT "${MULTIARCH_BUILDER_NODE_${node}_ENDPOINT}")
      set(${COUNT}_PLATFORMS "${MULTIARCH_BUILDER_NODE_${node}_PLATFORMS}")
      set(${COUNT}_DRIVER_OPTS "${MULTIARCH_BUILDER_NODE_${node}_DRIVER_OPTS}")
      list(APPEND vars ${COUNT}_NAME ${COUNT}_ENDPOINT ${COUNT}_PLATFORMS ${COUNT}_DRIVER_OPTS)
    endforeach()
  else()
    set(COUNT 1)
    set(1_NAME "")
    set(1_ENDPOINT "${MULTIARCH_BUILDER_ENDPOINT}")
    set(1_PLATFORMS "")
    set(1_DRIVER_OPTS "${MULTIARCH_BUILDER_DRIVER_OPTS}")
    list(APPEND vars 1_NAME 1_ENDPOINT 1_PLATFORMS 1_DRIVER_OPTS)
  endif()

  # TLS files are read by Buildx when it dials: a missing one would surface
  # as a node that "does not answer".  Say which file instead.
  foreach(w RANGE 1 ${COUNT})
    foreach(o IN LISTS ${w}_DRIVER_OPTS)
      # (${CMAKE_MATCH_<n>} in the same if() would expand before the match.)
      if(NOT o MATCHES "^(cacert|cert|key)=(.*)$")
        continue()
      endif()
      if(NOT EXISTS "${CMAKE_MATCH_2}")
        string(TOUPPER "${CMAKE_MATCH_1}" kw)
        set(label "")
        if(NOT ${w}_NAME STREQUAL "")
          set(label ", node ${${w}_NAME}")
        endif()
        _multiarch_builder_die("${arg_FAILURE_NOTE}" "builder ${name}${label}: the TLS file "
          "${CMAKE_MATCH_2} (${kw}) is missing. "
          "Fix: restore it, or change ${kw} in add_multiarch_builder(${name} ...) and re-run CMake.")
      endif()
    endforeach()
  endforeach()

  # What inspect cannot show (the content of BUILDKITD_CONFIG; the nodes of a
  # running Kubernetes builder, which it lists as pods) is compared with what
  # this build tree last applied, recorded next to the declaration.
  set(CONFIG_HASH "")
  if(CONFIG)
    if(NOT EXISTS "${CONFIG}")
      _multiarch_builder_die("${arg_FAILURE_NOTE}" "builder ${name}: BUILDKITD_CONFIG ${CONFIG} "
        "is missing; restore it or change BUILDKITD_CONFIG and re-run CMake.")
    endif()
    file(SHA256 "${CONFIG}" CONFIG_HASH)
  endif()
  set(spec "${driver}\n${CONFIG_HASH}")
  foreach(w RANGE 1 ${COUNT})
    string(APPEND spec "\n${${w}_NAME}|${${w}_ENDPOINT}|${${w}_PLATFORMS}|${${w}_DRIVER_OPTS}")
  endforeach()
  string(SHA256 SPEC_HASH "${spec}")

  foreach(v IN LISTS vars)
    set(${prefix}_${v} "${${v}}" PARENT_SCOPE)
  endforeach()
endfunction()

# How an actual node differs from its declaration, as a phrase ("endpoint
# <a>, declared <b>; platforms [...], declared [...]"); empty if it does not.
# Keywords: DRIVER <driver>, HAVE_ENDPOINT, HAVE_REPORTED <bool>,
# HAVE_PLATFORMS, HAVE_DRIVER_OPTS (what inspect shows, sorted),
# WANT_ENDPOINT, WANT_PLATFORMS, WANT_DRIVER_OPTS (the declaration).
function(_multiarch_builder_node_diff out)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "DRIVER;HAVE_ENDPOINT;HAVE_REPORTED;WANT_ENDPOINT"
    "HAVE_PLATFORMS;HAVE_DRIVER_OPTS;WANT_PLATFORMS;WANT_DRIVER_OPTS")
  set(d "")
  # A docker-container node's endpoint is the Docker context, a kubernetes
  # one's is made up by Buildx: only a remote node's is declared.
  if(arg_DRIVER STREQUAL "remote" AND NOT "${arg_HAVE_ENDPOINT}" STREQUAL "${arg_WANT_ENDPOINT}")
    list(APPEND d "endpoint ${arg_HAVE_ENDPOINT}, declared ${arg_WANT_ENDPOINT}")
  endif()
  # A node in error shows no platforms: then they cannot be compared.
  set(wp "${arg_WANT_PLATFORMS}")
  list(SORT wp)
  if(arg_HAVE_REPORTED AND NOT "${arg_HAVE_PLATFORMS}" STREQUAL "${wp}")
    string(JOIN "," hp ${arg_HAVE_PLATFORMS})
    string(JOIN "," wp ${wp})
    list(APPEND d "platforms [${hp}], declared [${wp}]")
  endif()
  set(wo "${arg_WANT_DRIVER_OPTS}")
  _multiarch_sort_args(wo)
  if(NOT "${arg_HAVE_DRIVER_OPTS}" STREQUAL "${wo}")
    string(JOIN " " ho ${arg_HAVE_DRIVER_OPTS})
    string(JOIN " " wo ${wo})
    list(APPEND d "driver options [${ho}], declared [${wo}]")
  endif()
  string(JOIN "; " d ${d})
  set(${out} "${d}" PARENT_SCOPE)
endfunction()

# Compares the declaration in <builder file> with what `docker buildx
# inspect <name>` reports (one call, no bootstrap; `buildx version` only
# when inspect fails, to tell a missing Buildx from a missing builder) and
# sets, in the caller's scope, the plan:
#   <prefix>_NAME, <prefix>_DRIVER, <prefix>_DOCKER
#   <prefix>_STEPS          1..<n>, one per command; empty: nothing differs
#   <prefix>_<k>_KIND       rm, leave, create or bootstrap
#   <prefix>_<k>_COMMAND    the command, a list, docker CLI first
#   <prefix>_<k>_NODE       the node a leave or create is for (may be empty)
#   <prefix>_RECORD, <prefix>_RECORD_TEXT   the file, and what to write into
#                           it once applied (what inspect cannot show)
#   <prefix>_INSPECT        with no step and every node running: what inspect
#                           printed (it lists the platforms), else empty
#   <prefix>_REUSED         TRUE when that was the inspection kept in
#                           INSPECTION_FILE (see _multiarch_builder_reused)
# Prints why it changes what it changes.  Keywords: BUILDER_FILE <file>,
# INSPECTION_FILE <an image's kept inspection, read instead of inspecting
# while the builder is unchanged and it lists every platform of PLATFORMS
# <platform>...>,
# BOOTSTRAP <bool> (default ON: an unchanged builder is bootstrapped; OFF
# when the caller bootstraps it next), DRY_RUN <bool> (a missing Buildx or
# a remote builder that Buildx would break is reported, not fatal),
# FAILURE_NOTE <text added to an error>.
function(_multiarch_builder_plan prefix)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "BUILDER_FILE;BOOTSTRAP;DRY_RUN;FAILURE_NOTE;INSPECTION_FILE"
    "PLATFORMS")
  if(NOT DEFINED arg_BOOTSTRAP)
    set(arg_BOOTSTRAP ON)
  endif()
  set(note "${arg_FAILURE_NOTE}")
  _multiarch_builder_declaration(want FILE "${arg_BUILDER_FILE}" FAILURE_NOTE "${note}")
  set(docker "${want_DOCKER}")
  set(name "${want_NAME}")
  set(driver "${want_DRIVER}")
  set(record "${arg_BUILDER_FILE}.created")
  set(have_record FALSE)
  if(EXISTS "${record}")
    file(READ "${record}" applied)
    if(applied MATCHES "config=([0-9a-f]*)\nspec=([0-9a-f]+)")
      set(have_record TRUE)
      set(applied_config "${CMAKE_MATCH_1}")
      set(applied_spec "${CMAKE_MATCH_2}")
    endif()
  endif()

  # The inspection kept by the last build of an image (Builder.cmake), while
  # nothing it depends on changed; else a live one.
  set(kept "")
  if(NOT "${arg_INSPECTION_FILE}" STREQUAL "" AND EXISTS "${arg_INSPECTION_FILE}")
    _multiarch_builder_reuse_command(reuse "${docker}" "${name}")
    if(NOT "${reuse}" STREQUAL "")
      _multiarch_capture(identity ${reuse})
      _multiarch_builder_reuse_key(sum "${reuse_KEY}" "${identity_rc}" "${identity_out}")
      _multiarch_builder_reused(kept "${arg_INSPECTION_FILE}" "${sum}" "${arg_PLATFORMS}")
    endif()
  endif()
  if(NOT kept STREQUAL "")
    _multiarch_parse_inspect("${kept}" have have_vars)
    set(have_FOUND TRUE)
    set(have_TEXT "${kept}")
  else()
    _multiarch_inspect_builder("${docker}" "${name}" have)
  endif()
  if(NOT have_FOUND)
    # Buildx missing, or only the builder?
    if(NOT arg_DRY_RUN)
      _multiarch_require_buildx("${docker}")
    else()
      _multiarch_capture(v "${docker}" buildx version)
      if(NOT v_rc EQUAL 0)
        message(STATUS "multiarch: (dry run) docker buildx does not answer; planning as if builder "
          "${name} did not exist")
      endif()
    endif()
  endif()

  _multiarch_builder_changes(change want have "${have_record}" "${applied_config}" "${applied_spec}")
  set(recreate "${change_RECREATE}")
  set(leave "${change_LEAVE}")
  set(add "${change_ADD}")

  # The commands.
  set(vars NAME DRIVER DOCKER STEPS RECORD RECORD_TEXT INSPECT REUSED)
  set(REUSED FALSE)
  if(NOT kept STREQUAL "")
    set(REUSED TRUE)
  endif()
  set(NAME "${name}")
  set(DRIVER "${driver}")
  set(DOCKER "${docker}")
  set(RECORD "${record}")
  set(RECORD_TEXT "config=${want_CONFIG_HASH}\nspec=${want_SPEC_HASH}\n")
  set(STEPS "")
  set(n 0)
  if(NOT recreate STREQUAL "")
    math(EXPR n "${n} + 1")
    list(APPEND STEPS ${n})
    set(${n}_KIND rm)
    set(${n}_COMMAND "${docker}" buildx rm --force "${name}")
    set(${n}_NODE "")
  endif()
  foreach(a IN LISTS leave)
    math(EXPR n "${n} + 1")
    list(APPEND STEPS ${n})
    set(${n}_KIND leave)
    set(${n}_COMMAND "${docker}" buildx create --leave --name "${name}" --node "${have_${a}_NAME}")
    set(${n}_NODE "${have_${a}_NAME}")
  endforeach()
  set(exists TRUE)
  if(NOT recreate STREQUAL "" OR NOT have_FOUND)
    set(exists FALSE)
  endif()
  list(LENGTH add n_add)
  set(i 0)
  foreach(w IN LISTS add)
    math(EXPR i "${i} + 1")
    set(last FALSE)
    if(i EQUAL n_add)
      set(last TRUE)  # the last create boots every node of the builder
    endif()
    _multiarch_builder_create_command(cmd want ${w} EXISTS "${exists}" LAST "${last}")
    set(exists TRUE)
    math(EXPR n "${n} + 1")
    list(APPEND STEPS ${n})
    set(${n}_KIND create)
    set(${n}_COMMAND "${cmd}")
    set(${n}_NODE "${want_${w}_NAME}")
  endforeach()
  # BuildImage.cmake passes BOOTSTRAP OFF: its own preflight bootstraps the
  # builder next, so doing it here too would be a second call.
  if(n_add EQUAL 0 AND arg_BOOTSTRAP)
    math(EXPR n "${n} + 1")
    list(APPEND STEPS ${n})
    set(${n}_KIND bootstrap)
    set(${n}_COMMAND "${docker}" buildx inspect --bootstrap "${name}")
    set(${n}_NODE "")
  endif()
  foreach(k IN LISTS STEPS)
    list(APPEND vars ${k}_KIND ${k}_COMMAND ${k}_NODE)
  endforeach()
  # Nothing to change and every node running: what inspect printed already
  # lists the platforms, so the caller needs no inspection of its own.
  set(INSPECT "")
  if(NOT STEPS AND have_FOUND AND have_COUNT GREATER 0)
    set(INSPECT "${have_TEXT}")
    foreach(i RANGE 1 ${have_COUNT})
      if(NOT have_${i}_STATUS STREQUAL "running")
        set(INSPECT "")
      endif()
    endforeach()
  endif()

  _multiarch_builder_check_remote_config("${name}" "${driver}" "${n_add}" "${arg_DRY_RUN}" "${note}")

  foreach(v IN LISTS vars)
    set(${prefix}_${v} "${${v}}" PARENT_SCOPE)
  endforeach()
endfunction()

# What must change for the builder <want> (its declaration, from
# _multiarch_builder_declaration) to match <have> (what inspect reported,
# from _multiarch_inspect_builder), given what this build tree applied last
# (<have_record>: a record exists, with its config and spec hashes).  Sets
# <out>_RECREATE (why the builder must be created anew, or empty),
# <out>_LEAVE (the indices of <have>'s nodes to remove) and <out>_ADD (the
# indices of <want>'s nodes to append).
function(_multiarch_builder_changes out want have have_record applied_config applied_spec)
  set(name "${${want}_NAME}")
  set(driver "${${want}_DRIVER}")
  set(recreate "")
  set(leave "")
  set(add "")
  if(NOT ${have}_FOUND)
    message(STATUS "multiarch: creating builder ${name} (driver ${driver})")
    foreach(w RANGE 1 ${${want}_COUNT})
      list(APPEND add ${w})
    endforeach()
  elseif(NOT ${have}_DRIVER STREQUAL driver)
    set(recreate "it has driver ${${have}_DRIVER}, declared ${driver}")
  elseif(have_record AND NOT applied_config STREQUAL ${want}_CONFIG_HASH)
    set(recreate "BUILDKITD_CONFIG changed")
  elseif(${have}_COUNT EQUAL 0)
    set(recreate "it has no node")
  else()
    set(pods FALSE)
    foreach(a RANGE 1 ${${have}_COUNT})
      if(driver STREQUAL "kubernetes" AND ${have}_${a}_ENDPOINT STREQUAL "")
        set(pods TRUE)
      endif()
    endforeach()
    if(pods)
      if(have_record AND NOT applied_spec STREQUAL ${want}_SPEC_HASH)
        set(recreate "the declaration changed since this build tree applied it")
      endif()
    elseif(${want}_1_NAME STREQUAL "")
      if(NOT ${have}_COUNT EQUAL 1)
        set(recreate "it has ${${have}_COUNT} nodes, declared 1")
      else()
        _multiarch_builder_node_diff(diff DRIVER "${driver}"
          HAVE_ENDPOINT "${${have}_1_ENDPOINT}" HAVE_REPORTED "${${have}_1_REPORTED}"
          HAVE_PLATFORMS ${${have}_1_PLATFORMS} HAVE_DRIVER_OPTS ${${have}_1_DRIVER_OPTS}
          WANT_ENDPOINT "${${want}_1_ENDPOINT}" WANT_PLATFORMS ${${want}_1_PLATFORMS}
          WANT_DRIVER_OPTS ${${want}_1_DRIVER_OPTS})
        if(NOT diff STREQUAL "")
          set(recreate "${diff}")
        endif()
      endif()
    else()
      set(matched "")
      foreach(a RANGE 1 ${${have}_COUNT})
        set(found "")
        foreach(w RANGE 1 ${${want}_COUNT})
          if(${want}_${w}_NAME STREQUAL ${have}_${a}_NAME)
            set(found ${w})
          endif()
        endforeach()
        if(NOT found)
          message(STATUS "multiarch: builder ${name}: node ${${have}_${a}_NAME} is not declared; removing it")
          list(APPEND leave ${a})
          continue()
        endif()
        list(APPEND matched ${found})
        _multiarch_builder_node_diff(diff DRIVER "${driver}"
          HAVE_ENDPOINT "${${have}_${a}_ENDPOINT}" HAVE_REPORTED "${${have}_${a}_REPORTED}"
          HAVE_PLATFORMS ${${have}_${a}_PLATFORMS} HAVE_DRIVER_OPTS ${${have}_${a}_DRIVER_OPTS}
          WANT_ENDPOINT "${${want}_${found}_ENDPOINT}" WANT_PLATFORMS ${${want}_${found}_PLATFORMS}
          WANT_DRIVER_OPTS ${${want}_${found}_DRIVER_OPTS})
        if(NOT diff STREQUAL "")
          message(STATUS "multiarch: builder ${name}: node ${${have}_${a}_NAME} differs from its "
            "declaration (${diff}); replacing it")
          list(APPEND leave ${a})
          list(APPEND add ${found})
        endif()
      endforeach()
      foreach(w RANGE 1 ${${want}_COUNT})
        if(NOT w IN_LIST matched)
          message(STATUS "multiarch: builder ${name}: node ${${want}_${w}_NAME} is missing; adding it")
          list(APPEND add ${w})
        endif()
      endforeach()
      # Buildx cannot take the last node out of a builder: start afresh.
      list(LENGTH leave n_leave)
      if(n_leave EQUAL ${have}_COUNT)
        set(recreate "none of its nodes matches")
      endif()
    endif()
  endif()
  if(NOT recreate STREQUAL "")
    message(STATUS "multiarch: builder ${name} differs from its declaration (${recreate}); creating it anew")
    set(leave "")
    set(add "")
    foreach(w RANGE 1 ${${want}_COUNT})
      list(APPEND add ${w})
    endforeach()
  endif()

  set(${out}_RECREATE "${recreate}" PARENT_SCOPE)
  set(${out}_LEAVE "${leave}" PARENT_SCOPE)
  set(${out}_ADD "${add}" PARENT_SCOPE)
endfunction()

# <out>: the `docker buildx create` command that adds node <w> of the
# declaration <want> (--append when the builder EXISTS, --bootstrap on the
# LAST create, which boots every node).
function(_multiarch_builder_create_command out want w)
  cmake_parse_arguments(PARSE_ARGV 3 arg "" "EXISTS;LAST" "")
  set(node "${want}_${w}")
  set(cmd "${${want}_DOCKER}" buildx create)
  if(arg_EXISTS)
    list(APPEND cmd --append)
  endif()
  list(APPEND cmd --name "${${want}_NAME}" --driver "${${want}_DRIVER}")
  if(NOT "${${node}_NAME}" STREQUAL "")
    list(APPEND cmd --node "${${node}_NAME}")
  endif()
  foreach(p IN LISTS ${node}_PLATFORMS)
    list(APPEND cmd --platform "${p}")
  endforeach()
  foreach(o IN LISTS ${node}_DRIVER_OPTS)
    # Buildx reads each --driver-opt as CSV: quote a value holding , or ".
    if(o MATCHES "[,\"]")
      string(REPLACE "\"" "\"\"" o "${o}")
      set(o "\"${o}\"")
    endif()
    _multiarch_append_args(cmd --driver-opt "${o}")
  endforeach()
  if(${want}_CONFIG)
    list(APPEND cmd --buildkitd-config "${${want}_CONFIG}")
  endif()
  if(arg_LAST)
    list(APPEND cmd --bootstrap)
  endif()
  if(NOT "${${node}_ENDPOINT}" STREQUAL "")
    list(APPEND cmd "${${node}_ENDPOINT}")
  endif()
  set(${out} "${cmd}" PARENT_SCOPE)
endfunction()

# Buildx gives <its config dir>/buildkitd.default.toml to every builder it
# creates, and the remote driver refuses any config file ("setting config
# file is not supported"): say so before changing anything.
function(_multiarch_builder_check_remote_config name driver n_add dry_run note)
  if(driver STREQUAL "remote" AND n_add GREATER 0)
    _multiarch_buildx_config_dir(buildx_dir)
    set(default_config "${buildx_dir}/buildkitd.default.toml")
    if(EXISTS "${default_config}")
      string(CONCAT msg "builder ${name}: Buildx would add ${default_config} to the remote "
        "builder, and the remote driver refuses a BuildKit config file, so docker buildx create "
        "would fail. Fix: move that file away (it serves docker-container builders; pass it to "
        "them with BUILDKITD_CONFIG instead), or set BUILDX_CONFIG to a directory without it. "
        "Configure a remote daemon in its own buildkitd.toml.")
      if(dry_run)
        message(STATUS "multiarch: (dry run) ${msg}")
      else()
        _multiarch_builder_die("${note}" "${msg}")
      endif()
    endif()
  endif()
endfunction()

# Why a builder does not start: its nodes that do not run, by name (one more
# inspect, on this failure path only), else Buildx's own error.
# Keywords: DOCKER <docker CLI>, BUILDER <name>, OUTPUT <what Buildx printed>.
function(_multiarch_builder_why_not_running out)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "DOCKER;BUILDER;OUTPUT" "")
  _multiarch_buildx_error("${arg_OUTPUT}" err)
  _multiarch_builder_node_problems("${arg_DOCKER}" "${arg_BUILDER}" problems)
  if(problems)
    set(err "${problems} (Buildx: ${err})")
  endif()
  set(${out} "${err}" PARENT_SCOPE)
endfunction()

# Runs the plan that _multiarch_builder_plan set under <prefix>_ in the
# caller's scope, then records what inspect cannot show; or, with DRY_RUN,
# prints each command as "multiarch: would run: <JSON array>" and changes
# nothing.  Keywords: DRY_RUN <bool>, FAILURE_NOTE <text added to an error>.
function(_multiarch_builder_apply prefix)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "DRY_RUN;FAILURE_NOTE" "")
  set(note "${arg_FAILURE_NOTE}")
  set(docker "${${prefix}_DOCKER}")
  set(name "${${prefix}_NAME}")
  set(driver "${${prefix}_DRIVER}")
  if(arg_DRY_RUN)
    foreach(k IN LISTS ${prefix}_STEPS)
      _multiarch_json_command(json ${${prefix}_${k}_COMMAND})
      message(STATUS "multiarch: would run: ${json}")
    endforeach()
    return()
  endif()

  foreach(k IN LISTS ${prefix}_STEPS)
    set(kind "${${prefix}_${k}_KIND}")
    set(cmd "${${prefix}_${k}_COMMAND}")
    set(node_name "${${prefix}_${k}_NODE}")
    if(NOT kind STREQUAL "bootstrap")
      # (Word by word, the docker CLI's path left out: list(SUBLIST) would
      # split a value holding ";".)
      set(shown "")
      set(skip TRUE)
      foreach(word IN LISTS cmd)
        if(skip)
          set(skip FALSE)
        else()
          string(APPEND shown " ${word}")
        endif()
      endforeach()
      message(STATUS "multiarch: docker${shown}")
    endif()
    _multiarch_capture(r ${cmd})
    if(r_rc EQUAL 0)
      continue()
    endif()
    if(kind STREQUAL "rm")
      # A kubernetes builder whose cluster is gone is forgotten but reports
      # an error: go on if Buildx no longer knows it.
      _multiarch_capture(still "${docker}" buildx inspect "${name}")
      if(still_rc EQUAL 0)
        _multiarch_buildx_error("${r_err}${r_out}" err)
        _multiarch_builder_die("${note}" "cannot remove builder ${name} to recreate it: ${err}. "
          "Fix: docker buildx rm --force ${name} by hand, then build again.")
      endif()
    elseif(kind STREQUAL "leave")
      _multiarch_buildx_error("${r_err}${r_out}" err)
      _multiarch_builder_die("${note}" "builder ${name}: cannot remove node ${node_name}: ${err}. "
        "Fix: docker buildx rm ${name}, then build again to recreate it.")
    elseif(kind STREQUAL "create")
      _multiarch_builder_why_not_running(why DOCKER "${docker}" BUILDER "${name}"
        OUTPUT "${r_err}${r_out}")
      set(node "")
      if(NOT node_name STREQUAL "")
        set(node " --node ${node_name}")
      endif()
      set(append "")
      if("--append" IN_LIST cmd)
        set(append " --append")
      endif()
      if(driver STREQUAL "docker-container" AND why MATCHES
          "apply caps|privileged|operation not permitted|error setting rlimits")
        # The driver runs BuildKit in a privileged container; some engines
        # (sandboxed, rootless) cannot start one.
        _multiarch_builder_die("${note}" "docker buildx create${append} --name ${name}${node} failed "
          "(exit ${r_rc}): this Docker engine cannot start the privileged container the "
          "docker-container driver runs BuildKit in (${why}). Fix: let the engine start privileged "
          "containers (e.g. an OCI runtime that drops the capabilities the host lacks, as "
          "tests/env/setup.sh installs), or run buildkitd natively and use "
          "add_multiarch_builder(${name} DRIVER remote ENDPOINT unix:///run/buildkit/buildkitd.sock).")
      elseif(driver STREQUAL "docker-container")
        set(fix "DRIVER_OPTS (e.g. image=<a BuildKit image this host can pull or has>), and that this "
          "Docker engine can start privileged containers")
      elseif(driver STREQUAL "kubernetes")
        set(fix "DRIVER_OPTS, and that the cluster KUBECONFIG names answers")
      else()
        set(fix "each node's ENDPOINT, TLS files and DRIVER_OPTS, and that BuildKit runs at every "
          "endpoint")
      endif()
      string(JOIN "" fix ${fix})
      _multiarch_builder_die("${note}" "docker buildx create${append} --name ${name}${node} failed "
        "(exit ${r_rc}): ${why}. Fix: check add_multiarch_builder(${name} ...): ${fix}.")
    else()
      _multiarch_builder_why_not_running(why DOCKER "${docker}" BUILDER "${name}"
        OUTPUT "${r_err}${r_out}")
      _multiarch_builder_die("${note}" "builder ${name} does not start: ${why}. Fix: start BuildKit "
        "at that endpoint or make it reachable (address, firewall, TLS files), or take the node out "
        "of add_multiarch_builder(${name} ...); if the builder itself is broken: docker buildx rm "
        "${name}, then build again to recreate it.")
    endif()
  endforeach()
  file(WRITE "${${prefix}_RECORD}" "${${prefix}_RECORD_TEXT}")
  message(STATUS "multiarch: builder ${name} is ready")
endfunction()

# Plans and applies under a lock on the builder file (several images may use
# the builder and build in parallel), released when this function returns.
# Keywords: BUILDER_FILE <file written by add_multiarch_builder>, BOOTSTRAP
# <bool> (default ON), DRY_RUN <bool> (no lock, nothing changed),
# FAILURE_NOTE <text added to an error, e.g. "Nothing was pushed.">,
# INSPECT_VAR <var>: set to what inspect printed when nothing changed and
# every node runs (the caller can parse it instead of inspecting again);
# INSPECTION_FILE <file>: an inspection kept there (Builder.cmake) serves
# as that while the builder is unchanged and it lists every platform of
# PLATFORMS <platform>..., and REUSED_VAR <var> says so.
function(_multiarch_ensure_builder)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "BUILDER_FILE;BOOTSTRAP;DRY_RUN;FAILURE_NOTE;INSPECT_VAR;INSPECTION_FILE;REUSED_VAR"
    "PLATFORMS")
  if(NOT arg_BUILDER_FILE OR NOT EXISTS "${arg_BUILDER_FILE}")
    _multiarch_die("_multiarch_ensure_builder needs BUILDER_FILE <file written by add_multiarch_builder>; got \"${arg_BUILDER_FILE}\".")
  endif()
  if(NOT DEFINED arg_BOOTSTRAP)
    set(arg_BOOTSTRAP ON)
  endif()
  set(dry_run FALSE)
  if(arg_DRY_RUN)
    set(dry_run TRUE)
  endif()
  if(NOT dry_run)
    file(LOCK "${arg_BUILDER_FILE}.lock" GUARD FUNCTION TIMEOUT 600 RESULT_VARIABLE lock_rc)
    if(NOT lock_rc EQUAL 0)
      get_filename_component(name "${arg_BUILDER_FILE}" NAME_WLE)
      _multiarch_builder_die("${arg_FAILURE_NOTE}" "builder ${name}: cannot lock "
        "${arg_BUILDER_FILE}.lock (${lock_rc}); another build is preparing this builder. Wait for "
        "it, or remove the file if none runs.")
    endif()
  endif()
  _multiarch_builder_plan(plan BUILDER_FILE "${arg_BUILDER_FILE}" BOOTSTRAP "${arg_BOOTSTRAP}"
    DRY_RUN "${dry_run}" FAILURE_NOTE "${arg_FAILURE_NOTE}" INSPECTION_FILE "${arg_INSPECTION_FILE}"
    PLATFORMS ${arg_PLATFORMS})
  _multiarch_builder_apply(plan DRY_RUN "${dry_run}" FAILURE_NOTE "${arg_FAILURE_NOTE}")
  if(arg_INSPECT_VAR)
    set(${arg_INSPECT_VAR} "${plan_INSPECT}" PARENT_SCOPE)
  endif()
  if(arg_REUSED_VAR)
    set(${arg_REUSED_VAR} FALSE PARENT_SCOPE)
    if(plan_REUSED AND NOT "${plan_INSPECT}" STREQUAL "")
      set(${arg_REUSED_VAR} TRUE PARENT_SCOPE)
    endif()
  endif()
endfunction()
