# Private: asks Buildx about a builder and its nodes.  Included by the
# helper scripts.
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/Platforms.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/ScriptRuntime.cmake")

# Runs `docker buildx inspect <builder>` without --bootstrap (it must not
# wait on a node that is down) and parses what it prints (see
# _multiarch_parse_inspect).  Sets, in the caller's scope:
#   <prefix>_FOUND       TRUE when Buildx knows the builder, else FALSE
#   <prefix>_ERROR       Buildx's message when it does not
# and, when it does, the variables _multiarch_parse_inspect sets.
function(_multiarch_inspect_builder docker builder prefix)
  _multiarch_buildx(args "${docker}")
  list(APPEND args inspect)
  if(builder)
    list(APPEND args "${builder}")
  endif()
  _multiarch_capture(i ${args})
  set(${prefix}_FOUND FALSE PARENT_SCOPE)
  if(NOT i_rc EQUAL 0)
    string(STRIP "${i_err}${i_out}" err)
    foreach(v NAME DRIVER)
      set(${prefix}_${v} "" PARENT_SCOPE)
    endforeach()
    set(${prefix}_COUNT 0 PARENT_SCOPE)
    set(${prefix}_ERROR "${err}" PARENT_SCOPE)
    return()
  endif()
  _multiarch_parse_inspect("${i_out}" ${prefix} vars)
  foreach(v IN LISTS vars)
    set(${v} "${${v}}" PARENT_SCOPE)
  endforeach()
  set(${prefix}_FOUND TRUE PARENT_SCOPE)
  set(${prefix}_TEXT "${i_out}" PARENT_SCOPE)  # what inspect printed
endfunction()

# Parses the text `docker buildx inspect [--bootstrap] <builder>` printed.
# Sets, in the caller's scope, and lists their names in <vars_out>:
#   <prefix>_ERROR       the builder's own error line, if any
#   <prefix>_NAME, <prefix>_DRIVER
#   <prefix>_COUNT       the number of nodes; for each <i> in 1..COUNT:
#   <prefix>_<i>_NAME, <prefix>_<i>_ENDPOINT
#   <prefix>_<i>_STATUS  running, inactive, stopped, ... ("error" if it has one)
#   <prefix>_<i>_ERROR   why the node cannot be used, if Buildx says so
#   <prefix>_<i>_PLATFORMS    the platforms fixed on the node with --platform
#                             (Buildx marks them with *), normalised
#   <prefix>_<i>_REPORTED     TRUE when Buildx printed the node's platforms
#                             (it does not for a node in error)
#   <prefix>_<i>_DRIVER_OPTS  the node's driver options, key=value, sorted
# Buildx has no machine-readable form of this (`ls --format json` merges the
# fixed platforms with the ones the workers report), hence the parsing.
function(_multiarch_parse_inspect text prefix vars_out)
  set(vars ${prefix}_ERROR ${prefix}_NAME ${prefix}_DRIVER ${prefix}_COUNT)
  set(${prefix}_ERROR "")
  set(${prefix}_NAME "")
  set(${prefix}_DRIVER "")
  set(count 0)
  set(section top)
  string(APPEND text "\n")
  # Line by line with string(FIND): a list would mangle lines holding ; or [.
  while(NOT text STREQUAL "")
    string(FIND "${text}" "\n" nl)
    string(SUBSTRING "${text}" 0 ${nl} line)
    math(EXPR nl "${nl} + 1")
    string(SUBSTRING "${text}" ${nl} -1 text)
    # Indented lines (labels, GC policy, files) and "GC Policy rule#0:" do
    # not match: only "Key: value" at the start of a line.
    if(NOT line MATCHES "^([A-Za-z][A-Za-z ]*):[ \t]*(.*)$")
      continue()
    endif()
    set(key "${CMAKE_MATCH_1}")
    string(STRIP "${CMAKE_MATCH_2}" value)
    if(key STREQUAL "Nodes")
      set(section nodes)
    elseif(section STREQUAL "top")
      if(key STREQUAL "Name")
        set(${prefix}_NAME "${value}")
      elseif(key STREQUAL "Driver")
        set(${prefix}_DRIVER "${value}")
      elseif(key STREQUAL "Error")
        set(${prefix}_ERROR "${value}")
      endif()
    elseif(key STREQUAL "Name")
      math(EXPR count "${count} + 1")
      set(n ${prefix}_${count})
      list(APPEND vars ${n}_NAME ${n}_ENDPOINT ${n}_STATUS ${n}_ERROR ${n}_PLATFORMS
        ${n}_REPORTED ${n}_DRIVER_OPTS)
      set(${n}_NAME "${value}")
      foreach(field ENDPOINT STATUS ERROR PLATFORMS DRIVER_OPTS)
        set(${n}_${field} "")
      endforeach()
      set(${n}_REPORTED FALSE)
    elseif(count EQUAL 0)
      continue()
    elseif(key STREQUAL "Endpoint")
      set(${n}_ENDPOINT "${value}")
    elseif(key STREQUAL "Status")
      set(${n}_STATUS "${value}")
    elseif(key STREQUAL "Error")
      set(${n}_STATUS error)
      set(${n}_ERROR "${value}")
    elseif(key STREQUAL "Driver Options")
      # Printed as key="value" pairs, the values quoted as Go's %q does.
      # (While the pairs are a list, a ";" in a value is held as another
      # character.)
      string(ASCII 31 unit)
      string(REPLACE ";" "${unit}" value "${value}")
      string(REGEX MATCHALL "[^ =]+=\"([^\"\\\\]|\\\\.)*\"" pairs "${value}")
      set(opts "")
      foreach(pair IN LISTS pairs)
        string(REGEX MATCH "^([^=]+)=\"(.*)\"$" _ "${pair}")
        set(k "${CMAKE_MATCH_1}")
        string(REPLACE "${unit}" ";" v "${CMAKE_MATCH_2}")
        string(REPLACE "\\\"" "\"" v "${v}")
        string(REPLACE "\\\\" "\\" v "${v}")
        _multiarch_append_args(opts "${k}=${v}")
      endforeach()
      _multiarch_sort_args(opts)
      set(${n}_DRIVER_OPTS "${opts}")
    elseif(key STREQUAL "Platforms")
      set(${n}_REPORTED TRUE)
      string(REPLACE "," ";" items "${value}")
      foreach(item IN LISTS items)
        string(STRIP "${item}" item)
        if(item MATCHES "^(.+)\\*$")
          _multiarch_normalize_platform("${CMAKE_MATCH_1}" norm error)
          if(norm)
            list(APPEND ${n}_PLATFORMS "${norm}")
          else()
            list(APPEND ${n}_PLATFORMS "${CMAKE_MATCH_1}")
          endif()
        endif()
      endforeach()
      list(SORT ${n}_PLATFORMS)
    endif()
  endwhile()
  set(${prefix}_COUNT ${count})
  foreach(v IN LISTS vars)
    set(${v} "${${v}}" PARENT_SCOPE)
  endforeach()
  set(${vars_out} "${vars}" PARENT_SCOPE)
endfunction()

# Sets <out> to a sentence naming each node of <builder> (empty: Buildx's
# current builder) that does not run, with its endpoint and Buildx's reason,
# e.g. `node "arm64" (tcp://10.0.0.2:1234) is inactive`; empty when every
# node runs or Buildx does not know the builder.
function(_multiarch_builder_node_problems docker builder out)
  _multiarch_inspect_builder("${docker}" "${builder}" ins)
  set(problems "")
  if(ins_FOUND AND ins_COUNT GREATER 0)
    foreach(i RANGE 1 ${ins_COUNT})
      if(ins_${i}_STATUS STREQUAL "running")
        continue()
      endif()
      set(p "node \"${ins_${i}_NAME}\" (${ins_${i}_ENDPOINT}) ")
      if(ins_${i}_ERROR)
        string(APPEND p "is in error: ${ins_${i}_ERROR}")
      elseif(ins_${i}_STATUS STREQUAL "")
        string(APPEND p "has no status")
      elseif(ins_${i}_STATUS STREQUAL "inactive")
        string(APPEND p "does not answer (status inactive)")
      else()
        string(APPEND p "is ${ins_${i}_STATUS}")
      endif()
      list(APPEND problems "${p}")
    endforeach()
  endif()
  string(JOIN "; " problems ${problems})
  set(${out} "${problems}" PARENT_SCOPE)
endfunction()

# The last "ERROR: ..." line of Buildx's output, else all of it, stripped.
function(_multiarch_buildx_error text out)
  string(REGEX MATCHALL "ERROR: [^\n]*" errors "${text}")
  if(errors)
    list(GET errors -1 text)
    string(REGEX REPLACE "^ERROR: " "" text "${text}")
  endif()
  string(STRIP "${text}" text)
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Bootstraps <builder> (empty: buildx's current one) and parses what
# `docker buildx inspect --bootstrap` printed into <prefix>_... as
# _multiarch_parse_inspect does; <prefix>_SUPPORTED is the list of the
# normalised platforms its nodes build.  Fails the script, naming the
# nodes that do not answer, when the builder cannot start.  TEXT <output>:
# what an inspection of a builder whose every node runs printed just before
# (EnsureBuilder's): parsed instead of inspecting again.
function(_multiarch_builder_platforms docker builder prefix)
  cmake_parse_arguments(PARSE_ARGV 3 arg "" "TEXT" "")
  if(NOT "${arg_TEXT}" STREQUAL "")
    set(b_rc 0)
    set(b_out "${arg_TEXT}")
    set(b_err "")
  else()
    _multiarch_builder_inspect_command(args "${docker}" "${builder}")
    _multiarch_capture(b ${args})
  endif()
  _multiarch_builder_read_inspection("${docker}" "${builder}" ${prefix} "${b_rc}" "${b_out}" "${b_err}")
  foreach(v IN LISTS ${prefix}_VARS)
    set(${v} "${${v}}" PARENT_SCOPE)
  endforeach()
  set(${prefix}_SUPPORTED "${${prefix}_SUPPORTED}" PARENT_SCOPE)
endfunction()

# As _multiarch_builder_platforms, for an inspection (the command of
# _multiarch_builder_inspect_command) that the caller ran itself, beside
# others (_multiarch_capture_together): <rc>, <out> and <err> are what it
# gave.  Also sets <prefix>_VARS, the names of the variables it set.
function(_multiarch_builder_read_inspection docker builder prefix b_rc b_out b_err)
  if(NOT b_rc EQUAL 0)
    # No Buildx at all: say how to get it (one more call, on this path only).
    _multiarch_require_buildx("${docker}")
    # A multi-node builder fails as a whole ("context deadline exceeded"):
    # name the nodes that do not answer.
    _multiarch_builder_node_problems("${docker}" "${builder}" problems)
    _multiarch_buildx_error("${b_err}" b_err)
    if(problems)
      if(builder)
        set(which "Buildx builder \"${builder}\"")
        set(leave "docker buildx create --leave --name ${builder} --node <node>")
      else()
        set(which "Buildx's current builder")
        set(leave "docker buildx create --leave --name <builder> --node <node>")
      endif()
      _multiarch_die("${which} is not usable: ${problems} (Buildx: ${b_err}). "
        "Fix: start BuildKit at that endpoint or make it reachable (address, firewall, TLS files), "
        "or take the node out of the builder (its NODE in add_multiarch_builder, or ${leave}). "
        "Nothing was pushed.")
    endif()
    _multiarch_capture(ls "${docker}" buildx ls --format "{{.Name}}")
    string(REGEX REPLACE "\n+$" "" ls_out "${ls_out}")
    string(REPLACE "\n" ", " ls_out "${ls_out}")
    if(builder)
      _multiarch_die("Buildx builder \"${builder}\" is not usable: ${b_err}. "
        "Existing builders: ${ls_out}. Fix: create it (docker buildx create --name ${builder} "
        "--driver docker-container --bootstrap), declare it with add_multiarch_builder(${builder} ...), "
        "or name another one with BUILDER / -DMULTIARCH_BUILDER=<name>. Nothing was pushed.")
    else()
      _multiarch_die("Buildx's current builder is not usable: ${b_err}. Existing builders: ${ls_out}. "
        "Fix: check that the Docker daemon runs, or choose a builder with -DMULTIARCH_BUILDER=<name>. "
        "Nothing was pushed.")
    endif()
  endif()
  _multiarch_parse_inspect("${b_out}" ${prefix} vars)
  set(platforms "")
  string(REGEX MATCHALL "\nPlatforms:[^\n]*" lines "${b_out}")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^\nPlatforms:[ \t]*" "" line "${line}")
    string(REPLACE "," ";" items "${line}")
    foreach(item IN LISTS items)
      string(STRIP "${item}" item)
      string(REPLACE "*" "" item "${item}")
      _multiarch_normalize_platform("${item}" norm error)
      if(norm AND NOT norm IN_LIST platforms)
        list(APPEND platforms "${norm}")
      endif()
    endforeach()
  endforeach()
  foreach(v IN LISTS vars)
    set(${v} "${${v}}" PARENT_SCOPE)
  endforeach()
  set(${prefix}_SUPPORTED "${platforms}" PARENT_SCOPE)
  set(${prefix}_VARS "${vars}" PARENT_SCOPE)
endfunction()

# Whether <host> (a reference's registry part, host[:port]) is on this
# machine's loopback: localhost, 127.0.0.0/8 or ::1.
function(_multiarch_loopback_host host out)
  set(result FALSE)
  if(host MATCHES "^(localhost|127\\.[0-9]+\\.[0-9]+\\.[0-9]+|\\[::1\\]|::1)(:[0-9]+)?$")
    set(result TRUE)
  endif()
  set(${out} ${result} PARENT_SCOPE)
endfunction()

# <out>: the inspection that _multiarch_builder_platforms reads, `docker
# buildx inspect --bootstrap [<builder>]`.
function(_multiarch_builder_inspect_command out docker builder)
  _multiarch_buildx(args "${docker}")
  list(APPEND args inspect --bootstrap)
  if(NOT builder STREQUAL "")
    list(APPEND args "${builder}")
  endif()
  set(${out} "${args}" PARENT_SCOPE)
endfunction()

# Buildx's configuration directory: $BUILDX_CONFIG, else
# $DOCKER_CONFIG/buildx, else ~/.docker/buildx.
function(_multiarch_buildx_config_dir out)
  if(NOT "$ENV{BUILDX_CONFIG}" STREQUAL "")
    set(dir "$ENV{BUILDX_CONFIG}")
  elseif(NOT "$ENV{DOCKER_CONFIG}" STREQUAL "")
    set(dir "$ENV{DOCKER_CONFIG}/buildx")
  else()
    set(dir "$ENV{HOME}/.docker/buildx")
  endif()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

# An inspection read again.  `docker buildx inspect --bootstrap` of a
# docker-container builder execs into its BuildKit container to list the
# workers: the longest of a rebuild's checks.  What it reports can change
# only with the builder's configuration (Buildx's record of it), its
# BuildKit containers (recreated or restarted), the host's binfmt_misc
# emulators (BuildKit lists the platforms it can emulate) or Buildx itself.
# So an inspection that passed the checks is kept, per image, with a key
# made of the four, and read again while the key is the same and every
# container runs (not paused).  Only for a named docker-container builder
# whose nodes all run on this machine's Docker engine (its standard socket,
# /var/run/docker.sock, /run/docker.sock or a rootless
# /run/user/<uid>/docker.sock: the kernel whose binfmt_misc is read here;
# not Docker Desktop's or Colima's engine in a VM), with Buildx run as its
# own program (see _multiarch_buildx); any other builder, and any doubt,
# means a live inspection.
#
# <out>: the command that reads the containers' identity, `docker container
# inspect`, whose output completes the key; empty when no reuse is
# possible.  <out>_KEY: the rest of the key.
function(_multiarch_builder_reuse_command out docker builder)
  set(${out} "" PARENT_SCOPE)
  set(${out}_KEY "" PARENT_SCOPE)
  if("${builder}" STREQUAL "" OR NOT EXISTS "/proc/sys/fs/binfmt_misc/status")
    return()
  endif()
  _multiarch_buildx_config_dir(dir)
  string(TOLOWER "${builder}" record_name)  # as Buildx names the file
  set(record "${dir}/instances/${record_name}")
  if(NOT EXISTS "${record}" OR IS_DIRECTORY "${record}")
    return()
  endif()
  _multiarch_buildx(buildx "${docker}")
  list(LENGTH buildx buildx_words)
  if(NOT buildx_words EQUAL 1)
    return()  # through the CLI: the plugin it runs is not known here
  endif()
  file(READ "${record}" key)
  string(JSON driver ERROR_VARIABLE e GET "${key}" Driver)
  if(e OR NOT driver STREQUAL "docker-container")
    return()
  endif()
  string(JSON count ERROR_VARIABLE e LENGTH "${key}" Nodes)
  if(e OR NOT count GREATER 0)
    return()
  endif()
  set(endpoint "")
  set(containers "")
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON node ERROR_VARIABLE e1 GET "${key}" Nodes ${i} Name)
    string(JSON node_endpoint ERROR_VARIABLE e2 GET "${key}" Nodes ${i} Endpoint)
    if(e1 OR e2 OR NOT node MATCHES "^[A-Za-z0-9_.-]+$"
        OR NOT node_endpoint MATCHES "^unix:///(var/run|run|run/user/[0-9]+)/docker\\.sock$"
        OR NOT (endpoint STREQUAL "" OR endpoint STREQUAL node_endpoint))
      return()
    endif()
    set(endpoint "${node_endpoint}")
    list(APPEND containers "buildx_buildkit_${node}")
  endforeach()
  file(TIMESTAMP "${buildx}" buildx_time "%s" UTC)
  string(APPEND key "\n${buildx} ${buildx_time}\n")
  file(GLOB emulators LIST_DIRECTORIES false "/proc/sys/fs/binfmt_misc/*")
  list(SORT emulators)
  foreach(f IN LISTS emulators)
    if(NOT f MATCHES "/register$")
      if(NOT EXISTS "${f}")
        return()  # unregistered meanwhile
      endif()
      file(READ "${f}" entry)
      string(APPEND key "${f}\n${entry}")
    endif()
  endforeach()
  set(${out} "${docker}" --host "${endpoint}" container inspect
    --format "{{.Id}} {{.State.StartedAt}} {{.State.Status}}" ${containers} PARENT_SCOPE)
  set(${out}_KEY "${key}" PARENT_SCOPE)
endfunction()

# The key of a kept inspection, in <out>: from <key> and what the command
# of _multiarch_builder_reuse_command printed (<rc>, <printed>); empty
# unless it ran and every container runs (not paused, not restarting).
function(_multiarch_builder_reuse_key out key rc printed)
  set(${out} "" PARENT_SCOPE)
  if(NOT rc EQUAL 0 OR NOT printed MATCHES "^([0-9a-f]+ [^ \n]+ running\n)+$")
    return()
  endif()
  string(SHA256 sum "${key}\n${printed}")
  set(${out} "${sum}" PARENT_SCOPE)
endfunction()

# <out>: the inspection kept in <file> under <key> (see
# _multiarch_builder_reuse_key) when it lists every platform of
# <platforms>; else empty (inspect then).
function(_multiarch_builder_reused out file key platforms)
  set(${out} "" PARENT_SCOPE)
  if(key STREQUAL "" OR NOT EXISTS "${file}")
    return()
  endif()
  file(READ "${file}" kept)
  string(FIND "${kept}" "\n" nl)
  if(nl LESS 0)
    return()
  endif()
  string(SUBSTRING "${kept}" 0 ${nl} kept_key)
  if(NOT kept_key STREQUAL key)
    return()
  endif()
  math(EXPR from "${nl} + 1")
  string(SUBSTRING "${kept}" ${from} -1 text)
  _multiarch_builder_read_inspection("" "" kept 0 "${text}" "")
  foreach(p IN LISTS platforms)
    if(NOT p IN_LIST kept_SUPPORTED)
      return()
    endif()
  endforeach()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Keeps the inspection <text> of a builder that passed the checks, read
# into <prefix>_..., in <file> under its key, when every node runs without
# an error; <reuse_cmd> and <key> as _multiarch_builder_reuse_command gave
# them.  <sum>: the key that command made just before the inspection, when
# every container already ran (the inspection started none); else empty,
# and the containers' identity is read now.  Removes <file> otherwise.
function(_multiarch_builder_keep_inspection file reuse_cmd key sum prefix text)
  file(REMOVE "${file}")
  if("${reuse_cmd}" STREQUAL "" OR NOT "${${prefix}_ERROR}" STREQUAL "" OR NOT ${prefix}_COUNT GREATER 0)
    return()
  endif()
  foreach(i RANGE 1 ${${prefix}_COUNT})
    if(NOT "${${prefix}_${i}_STATUS}" STREQUAL "running" OR NOT "${${prefix}_${i}_ERROR}" STREQUAL "")
      return()
    endif()
  endforeach()
  if(sum STREQUAL "")
    _multiarch_capture(identity ${reuse_cmd})
    _multiarch_builder_reuse_key(sum "${key}" "${identity_rc}" "${identity_out}")
  endif()
  if(NOT sum STREQUAL "")
    file(WRITE "${file}.tmp" "${sum}\n${text}")
    file(RENAME "${file}.tmp" "${file}")
  endif()
endfunction()

# The registry host of an image reference, empty for Docker Hub (as docker:
# the first component is a host when it has a dot, a port or is localhost).
function(_multiarch_reference_host ref out)
  set(host "")
  # (Two if()s: one would expand CMAKE_MATCH_1 before the match.)
  if(ref MATCHES "^([^/]+)/")
    set(first "${CMAKE_MATCH_1}")
    if(first MATCHES "[.:]" OR first STREQUAL "localhost" OR first MATCHES "^\\[")
      set(host "${first}")
    endif()
  endif()
  set(${out} "${host}" PARENT_SCOPE)
endfunction()

# The preflight's check of the builder's driver, from what
# _multiarch_builder_platforms read into <prefix>_... (no further Docker
# command).  Fails the script before anything is pushed when
#  - the builder uses the docker driver: it cannot push a multi-platform
#    index by digest (Buildx fails late: "push-by-digest is currently not
#    implemented for docker driver");
#  - a docker-container node lacks network=host while REPOSITORY or a FROM
#    image is on this host's loopback: inside the node, 127.0.0.1 is the
#    BuildKit container itself (buildx issue 94: "connection refused").
# Keywords: IMAGE <name> REPOSITORY <repo> DOCKERFILE <file>
# BUILD_ARGS <KEY=VALUE>... AUDIT_TOOL <multiarch-audit, which reads the
# Dockerfile's FROM lines> and the flags EXPLICIT (the image or
# MULTIARCH_BUILDER named the builder) and DECLARED (add_multiarch_builder).
function(_multiarch_require_builder_driver prefix)
  cmake_parse_arguments(PARSE_ARGV 1 arg "EXPLICIT;DECLARED" "IMAGE;REPOSITORY;DOCKERFILE;AUDIT_TOOL"
    "BUILD_ARGS")
  set(builder "${${prefix}_NAME}")
  # Loopback registries the build talks to from inside BuildKit.
  set(loopback "")
  string(REGEX MATCH "^[^/]+" repo_host "${arg_REPOSITORY}")
  _multiarch_loopback_host("${repo_host}" is_loopback)
  if(is_loopback)
    list(APPEND loopback "REPOSITORY ${arg_REPOSITORY}")
  endif()
  # The FROM images matter to the docker driver's message and to a
  # docker-container node without host networking; read them only then.
  set(bases "")
  set(read_bases FALSE)
  if(${prefix}_DRIVER STREQUAL "docker")
    set(read_bases TRUE)
  elseif(${prefix}_DRIVER STREQUAL "docker-container" AND ${prefix}_COUNT GREATER 0)
    foreach(i RANGE 1 ${${prefix}_COUNT})
      if(NOT "network=host" IN_LIST ${prefix}_${i}_DRIVER_OPTS)
        set(read_bases TRUE)
      endif()
    endforeach()
  endif()
  if(read_bases)
    _multiarch_dockerfile_query(out "${arg_AUDIT_TOOL}" from-images "${arg_DOCKERFILE}"
      "image ${arg_IMAGE}" ${arg_BUILD_ARGS})
    string(REGEX MATCHALL "[^\n]+" bases "${out}")
  endif()
  foreach(entry IN LISTS bases)
    string(REGEX MATCH "^([0-9]+) (.*)$" _ "${entry}")
    set(line "${CMAKE_MATCH_1}")
    set(ref "${CMAKE_MATCH_2}")
    _multiarch_reference_host("${ref}" host)
    _multiarch_loopback_host("${host}" is_loopback)
    if(is_loopback)
      list(APPEND loopback "FROM ${ref} (${arg_DOCKERFILE}:${line})")
    endif()
  endforeach()

  if(${prefix}_DRIVER STREQUAL "docker")
    if(arg_EXPLICIT)
      set(which "builder \"${builder}\"")
    else()
      set(which "Buildx's current builder \"${builder}\" (no BUILDER or MULTIARCH_BUILDER named one)")
    endif()
    set(suggest multiarch-builder)
    if(loopback)
      list(GET loopback 0 first)
      set(create "docker buildx create --name ${suggest} --driver docker-container --driver-opt network=host --bootstrap")
      set(declare "add_multiarch_builder(${suggest} DRIVER docker-container DRIVER_OPTS network=host)")
      set(why_host " (network=host because ${first} is on this host's loopback, which inside the "
        "BuildKit container would be the container itself)")
    else()
      set(create "docker buildx create --name ${suggest} --driver docker-container --bootstrap")
      set(declare "add_multiarch_builder(${suggest} DRIVER docker-container)")
      set(why_host " (add --driver-opt network=host when the registry listens on this host's loopback)")
    endif()
    string(JOIN "" why_host ${why_host})
    _multiarch_die("image ${arg_IMAGE}: ${which} uses the docker driver, BuildKit inside the Docker "
      "engine, which cannot push a multi-platform image as one index by digest (Buildx would fail "
      "after starting: \"push-by-digest is currently not implemented for docker driver\"). "
      "Fix: create a docker-container builder once: ${create}${why_host}, then build with it: "
      "-DMULTIARCH_BUILDER=${suggest} (or BUILDER ${suggest}); or declare it in CMake: ${declare} "
      "and BUILDER ${suggest}. Nothing was pushed.")
  endif()

  if(NOT ${prefix}_DRIVER STREQUAL "docker-container" OR NOT loopback OR ${prefix}_COUNT EQUAL 0)
    return()
  endif()
  foreach(i RANGE 1 ${${prefix}_COUNT})
    if("network=host" IN_LIST ${prefix}_${i}_DRIVER_OPTS)
      continue()
    endif()
    string(JOIN ", " what ${loopback})
    set(keep "")
    foreach(o IN LISTS ${prefix}_${i}_DRIVER_OPTS)
      if(NOT o MATCHES "^network=")
        string(APPEND keep " --driver-opt ${o}")
      endif()
    endforeach()
    if(arg_DECLARED)
      set(fix "add network=host to DRIVER_OPTS of add_multiarch_builder(${builder} ...) "
        "(the builder is then created anew with it)")
    else()
      set(fix "recreate the builder with host networking: docker buildx rm ${builder}, then "
        "docker buildx create --name ${builder} --driver docker-container${keep} --driver-opt network=host "
        "--bootstrap; or declare it in CMake: add_multiarch_builder(${builder} DRIVER docker-container "
        "DRIVER_OPTS network=host ...)")
    endif()
    string(JOIN "" fix ${fix})
    _multiarch_die("image ${arg_IMAGE}: builder \"${builder}\", node \"${${prefix}_${i}_NAME}\", is a "
      "docker-container node without host networking, so inside it localhost and 127.0.0.1 are the "
      "BuildKit container itself, not this host; ${what} would fail late with \"connection refused\". "
      "Fix: ${fix}. Nothing was pushed.")
  endforeach()
endfunction()
