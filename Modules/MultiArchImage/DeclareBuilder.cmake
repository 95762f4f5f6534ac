# Private: the builders of add_multiarch_builder.  Included by
# MultiArchImage.cmake (which documents the function and keeps its thin
# public half); everything here may change.  Configure time only: the
# builder is made to match its declaration at build time by
# EnsureBuilder.cmake, which reads the file written here.
#
#   _multiarch_builder_parse    the arguments, checked, as a normalised description
#   _multiarch_builder_write    that description as <build>/multiarch-builders/<name>.cmake
#   _multiarch_builder_declare  the target multiarch-builder-<name>
#
# Uses the module's own _multiarch_check_keywords and _multiarch_set_lines.
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/Declare.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/GeneratedFiles.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Platforms.cmake")

# Merges driver options: each key=value of <over> replaces the base's value
# for that key (Buildx keeps one value per key).
# (Lists kept by _multiarch_append_args: a value may hold ";".)
function(_multiarch_merge_opts out base over)
  foreach(o IN LISTS over)
    string(REGEX REPLACE "=.*" "" key "${o}")
    set(kept "")
    foreach(b IN LISTS base)
      string(REGEX REPLACE "=.*" "" base_key "${b}")
      if(NOT base_key STREQUAL key)
        _multiarch_append_args(kept "${b}")
      endif()
    endforeach()
    set(base "${kept}")
    _multiarch_append_args(base "${o}")
  endforeach()
  set(${out} "${base}" PARENT_SCOPE)
endfunction()

# Checks a DRIVER_OPTS list of add_multiarch_builder: KEY=VALUE, each key
# once, and no TLS file given around the CACERT/CERT/KEY keywords.
function(_multiarch_check_driver_opts where driver opts)
  set(keys "")
  foreach(o IN LISTS opts)
    if(NOT o MATCHES "^([A-Za-z_][A-Za-z0-9_.-]*)=")
      message(FATAL_ERROR "${where}: DRIVER_OPTS value \"${o}\" is not KEY=VALUE. "
        "Write it as DRIVER_OPTS key=value, e.g. DRIVER_OPTS network=host.")
    endif()
    set(key "${CMAKE_MATCH_1}")
    if(key IN_LIST keys)
      message(FATAL_ERROR "${where}: DRIVER_OPTS sets \"${key}\" twice; Buildx keeps one value per "
        "option, so give it once (a value with commas stays one value, e.g. \"${key}=a=1,b=2\").")
    endif()
    list(APPEND keys "${key}")
    if(driver STREQUAL "remote" AND key MATCHES "^(cacert|cert|key|servername)$")
      string(TOUPPER "${key}" kw)
      message(FATAL_ERROR "${where}: DRIVER_OPTS \"${o}\": give TLS settings with the keyword "
        "${kw} <file> instead, which checks the file and makes its path absolute.")
    endif()
  endforeach()
endfunction()

# Sets <out> to the driver options that the TLS keywords given become.
# Certificates and keys are files, never PEM text in CMake (it would land in
# the cache and in generated files).  Keywords: WHERE <the call, for
# messages>, DRIVER <driver>, GIVEN <the keywords the user gave, in lower
# case, see _multiarch_tls_given>, CACERT <file>, CERT <file>, KEY <file>,
# SERVERNAME <host> (a keyword given with an empty value is an error).
function(_multiarch_tls_opts out)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "WHERE;DRIVER;CACERT;CERT;KEY;SERVERNAME" "GIVEN")
  set(where "${arg_WHERE}")
  set(driver "${arg_DRIVER}")
  set(opts "")
  foreach(kw CACERT CERT KEY SERVERNAME)
    string(TOLOWER "${kw}" key)
    if(NOT key IN_LIST arg_GIVEN)
      continue()
    endif()
    set(value "${arg_${kw}}")
    if(NOT driver STREQUAL "remote")
      message(FATAL_ERROR "${where}: ${kw} is for DRIVER remote (TLS to a BuildKit daemon); "
        "a ${driver} builder takes no TLS files.")
    endif()
    if(value STREQUAL "")
      message(FATAL_ERROR "${where}: ${kw} is empty; give a value or leave the keyword out.")
    endif()
    if(kw STREQUAL "SERVERNAME")
      list(APPEND opts "servername=${value}")
      continue()
    endif()
    if(value MATCHES "-----BEGIN|\n")
      message(FATAL_ERROR "${where}: ${kw} holds PEM text; give the path of a file that holds it "
        "(e.g. ${kw} /etc/buildkit/certs/${key}.pem). Keys in CMake would land in the cache and in "
        "generated files.")
    endif()
    cmake_path(ABSOLUTE_PATH value BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    if(NOT EXISTS "${value}" OR IS_DIRECTORY "${value}")
      message(FATAL_ERROR "${where}: ${kw} \"${value}\" is not a file; give the path of the PEM "
        "file (a relative path is taken from ${CMAKE_CURRENT_SOURCE_DIR}).")
    endif()
    list(APPEND opts "${key}=${value}")
  endforeach()
  set(${out} "${opts}" PARENT_SCOPE)
endfunction()

# Sets <out> to those of CACERT, CERT, KEY and SERVERNAME that
# cmake_parse_arguments found under <prefix>, in lower case (not to be taken
# for keywords), for _multiarch_tls_opts GIVEN.
function(_multiarch_tls_given prefix out)
  set(given "")
  foreach(kw CACERT CERT KEY SERVERNAME)
    # A keyword given an empty value ends up in KEYWORDS_MISSING_VALUES, not
    # defined: it is given all the same, so that it is reported as empty.
    if(DEFINED ${prefix}_${kw} OR kw IN_LIST ${prefix}_KEYWORDS_MISSING_VALUES)
      string(TOLOWER "${kw}" key)
      list(APPEND given ${key})
    endif()
  endforeach()
  set(${out} "${given}" PARENT_SCOPE)
endfunction()

# The TLS options of one node, after merging, must be a set Buildx accepts.
function(_multiarch_check_tls where opts)
  set(has "")
  foreach(o IN LISTS opts)
    if(o MATCHES "^(cacert|cert|key|servername)=")
      list(APPEND has "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  if("cert" IN_LIST has AND NOT "key" IN_LIST has)
    message(FATAL_ERROR "${where}: CERT is given without KEY; a client certificate needs its key "
      "(KEY <file>).")
  elseif("key" IN_LIST has AND NOT "cert" IN_LIST has)
    message(FATAL_ERROR "${where}: KEY is given without CERT; give the client certificate too "
      "(CERT <file>).")
  endif()
  if(has AND NOT "cacert" IN_LIST has)
    message(FATAL_ERROR "${where}: TLS needs CACERT <file>, the CA that signed the daemon's "
      "certificate (Buildx refuses TLS without it).")
  endif()
endfunction()

# <out>: the endpoints a remote builder or node takes, for messages.
function(_multiarch_builder_endpoint_hint out)
  set(${out} "tcp://host:port, unix:///path/buildkitd.sock or ssh://user@host" PARENT_SCOPE)
endfunction()

# Checks the arguments of add_multiarch_builder(<name> <arguments>...) and
# sets, in the caller's scope, the declaration they make:
#   <out>_NAME, <out>_DRIVER
#   <out>_DRIVER_OPTS   without NODES: the one node's options (TLS merged in)
#   <out>_CONFIG        BUILDKITD_CONFIG, absolute (empty: none)
#   <out>_ENDPOINT      without NODES: DRIVER remote's daemon
#   <out>_NODES         the node names, in order (empty without NODES); for each:
#   <out>_NODE_<node>_ENDPOINT, <out>_NODE_<node>_PLATFORMS (normalised),
#   <out>_NODE_<node>_DRIVER_OPTS (the builder's, then the node's, merged)
# Stops CMake with a message naming the argument when one is wrong.
function(_multiarch_builder_parse out name)
  # NODES comes last: a node's keywords (ENDPOINT, DRIVER_OPTS, CACERT, ...)
  # repeat the builder's, so the arguments are split there before parsing.
  # (Each argument whole: a DRIVER_OPTS value may hold ";".)
  set(own "")
  set(node_args "")
  set(has_nodes FALSE)
  if(ARGC GREATER 2)
    math(EXPR last "${ARGC} - 1")
    foreach(i RANGE 2 ${last})
      if(has_nodes)
        _multiarch_append_args(node_args "${ARGV${i}}")
      elseif("${ARGV${i}}" STREQUAL "NODES")
        set(has_nodes TRUE)
      else()
        _multiarch_append_args(own "${ARGV${i}}")
      endif()
    endforeach()
  endif()
  set(one DRIVER ENDPOINT BUILDKITD_CONFIG CACERT CERT KEY SERVERNAME)
  _multiarch_parse_args(arg "" "${one}" DRIVER_OPTS ${own})
  _multiarch_check_keywords(add_multiarch_builder "${name}" "${arg_UNPARSED_ARGUMENTS}")
  set(where "add_multiarch_builder(${name})")
  # (A node's keywords are the builder's, and PLATFORMS.)
  set(keywords ${one} DRIVER_OPTS NODES NODE PLATFORMS)
  set(lists DRIVER_OPTS PLATFORMS)
  _multiarch_check_list_brackets("${where}" 2 keywords lists)
  if(NOT name MATCHES "^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    message(FATAL_ERROR "${where}: \"${name}\" is not a valid builder name (letters, digits, _ . -).")
  endif()
  if(TARGET multiarch-builder-${name})
    message(FATAL_ERROR "${where}: builder \"${name}\" is declared twice; declare it once, or "
      "give each builder its own name.")
  endif()
  if(NOT DEFINED arg_DRIVER)
    message(FATAL_ERROR "${where}: DRIVER is required, e.g. DRIVER docker-container.")
  endif()
  set(driver "${arg_DRIVER}")
  if(NOT driver MATCHES "^(docker-container|remote|kubernetes)$")
    message(FATAL_ERROR "${where}: DRIVER \"${driver}\" is not supported; "
      "use DRIVER docker-container, remote or kubernetes.")
  endif()
  _multiarch_builder_endpoint_hint(endpoint_hint)
  _multiarch_check_driver_opts("${where}" "${driver}" "${arg_DRIVER_OPTS}")
  _multiarch_tls_given(arg given)
  _multiarch_tls_opts(builder_tls WHERE "${where}" DRIVER "${driver}" GIVEN ${given}
    CACERT "${arg_CACERT}" CERT "${arg_CERT}" KEY "${arg_KEY}" SERVERNAME "${arg_SERVERNAME}")
  _multiarch_merge_opts(builder_opts "${arg_DRIVER_OPTS}" "${builder_tls}")
  if(DEFINED arg_BUILDKITD_CONFIG)
    if(driver STREQUAL "remote")
      message(FATAL_ERROR "${where}: BUILDKITD_CONFIG is not accepted by DRIVER remote: Buildx "
        "does not configure a daemon it did not start. Put the settings in the daemon's own "
        "buildkitd.toml (buildkitd --config) and remove BUILDKITD_CONFIG.")
    endif()
    cmake_path(ABSOLUTE_PATH arg_BUILDKITD_CONFIG BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    if(NOT EXISTS "${arg_BUILDKITD_CONFIG}" OR IS_DIRECTORY "${arg_BUILDKITD_CONFIG}")
      message(FATAL_ERROR "${where}: BUILDKITD_CONFIG \"${arg_BUILDKITD_CONFIG}\" "
        "is not a file; give the path of a buildkitd.toml.")
    endif()
  endif()

  set(nodes "")
  set(vars NAME DRIVER DRIVER_OPTS CONFIG ENDPOINT NODES)
  if(NOT has_nodes)
    if(driver STREQUAL "remote")
      if(NOT arg_ENDPOINT MATCHES "^(tcp|unix|ssh|docker-container|kube-pod)://.")
        message(FATAL_ERROR "${where}: DRIVER remote needs ENDPOINT ${endpoint_hint}, or NODES "
          "with an ENDPOINT per node; got \"${arg_ENDPOINT}\".")
      endif()
      _multiarch_check_tls("${where}" "${builder_opts}")
    elseif(DEFINED arg_ENDPOINT)
      message(FATAL_ERROR "${where}: ENDPOINT is for DRIVER remote; a ${driver} builder "
        "starts BuildKit itself (on the Docker host, or in the cluster that KUBECONFIG names).")
    endif()
  else()
    if(driver STREQUAL "docker-container")
      message(FATAL_ERROR "${where}: NODES is for DRIVER remote (one BuildKit daemon per node) "
        "and DRIVER kubernetes (one deployment per node); a docker-container builder runs on "
        "this Docker host.")
    endif()
    if(DEFINED arg_ENDPOINT)
      message(FATAL_ERROR "${where}: ENDPOINT \"${arg_ENDPOINT}\" and NODES were both given; "
        "with NODES, give each node its own: NODE <node> ENDPOINT <url> PLATFORMS <platform>...")
    endif()
    list(LENGTH node_args n)
    if(n EQUAL 0 OR NOT "${node_args}" MATCHES "^NODE;")
      message(FATAL_ERROR "${where}: NODES must be followed by one group per node, each "
        "\"NODE <node> [ENDPOINT <url>] PLATFORMS <platform>...\", and come last.")
    endif()
    # The NODE groups: "NODE <node>", then that node's arguments, each kept
    # whole (a DRIVER_OPTS value may hold ";").
    set(count 0)
    set(in_name FALSE)
    foreach(a IN LISTS node_args)
      if(in_name)
        set(group_${count}_NAME "${a}")
        set(in_name FALSE)
      elseif(a STREQUAL "NODE")
        math(EXPR count "${count} + 1")
        set(group_${count}_NAME "")
        set(group_${count} "")
        set(in_name TRUE)
      else()
        _multiarch_append_args(group_${count} "${a}")
      endif()
    endforeach()
    set(endpoints "")
    set(owners "")
    foreach(g RANGE 1 ${count})
      _multiarch_builder_parse_node(node "${name}" "${driver}" "${builder_opts}" "${group_${g}_NAME}"
        "${group_${g}}" "${nodes}" "${endpoints}" "${owners}")
      set(node_name "${node_NAME}")
      list(APPEND nodes "${node_name}")
      if(NOT node_ENDPOINT STREQUAL "")
        list(APPEND endpoints "${node_ENDPOINT}")
      endif()
      foreach(p IN LISTS node_PLATFORMS)
        list(APPEND owners "${p}=${node_name}")
      endforeach()
      set(NODE_${node_name}_ENDPOINT "${node_ENDPOINT}")
      set(NODE_${node_name}_PLATFORMS "${node_PLATFORMS}")
      set(NODE_${node_name}_DRIVER_OPTS "${node_DRIVER_OPTS}")
      list(APPEND vars NODE_${node_name}_ENDPOINT NODE_${node_name}_PLATFORMS NODE_${node_name}_DRIVER_OPTS)
    endforeach()
  endif()

  set(NAME "${name}")
  set(DRIVER "${driver}")
  set(DRIVER_OPTS "${builder_opts}")
  set(CONFIG "${arg_BUILDKITD_CONFIG}")
  set(ENDPOINT "${arg_ENDPOINT}")
  set(NODES "${nodes}")
  foreach(v IN LISTS vars)
    set(${out}_${v} "${${v}}" PARENT_SCOPE)
  endforeach()
endfunction()

# Checks one NODE group (NODE <node> [ENDPOINT <url>] PLATFORMS <platform>...
# [CACERT|CERT|KEY|SERVERNAME <v>] [DRIVER_OPTS <opt>...]) of builder
# <name>: <node> and the rest, <group> (a list kept by
# _multiarch_append_args), against the nodes, endpoints and
# "<platform>=<node>" owners of the groups before it.  Sets <out>_NAME, <out>_ENDPOINT,
# <out>_PLATFORMS (normalised) and <out>_DRIVER_OPTS (the builder's, its
# TLS options, then its own).
function(_multiarch_builder_parse_node out name driver builder_opts node group nodes endpoints owners)
  set(where "add_multiarch_builder(${name})")
  _multiarch_builder_endpoint_hint(endpoint_hint)
  if(NOT node MATCHES "^[a-z][a-z0-9_.-]*$")
    message(FATAL_ERROR "${where}: node name \"${node}\" is invalid; a node name starts with a "
      "lowercase letter and holds lowercase letters, digits, _ . - (Buildx lowercases them), "
      "e.g. NODE ${name}-arm64.")
  endif()
  if(node IN_LIST nodes)
    message(FATAL_ERROR "${where}: NODE ${node} is declared twice; give each node its own name.")
  endif()
  set(nwhere "${where}, NODE ${node}")
  _multiarch_parse_args(node "" "ENDPOINT;CACERT;CERT;KEY;SERVERNAME" "PLATFORMS;DRIVER_OPTS" ${group})
  if(node_UNPARSED_ARGUMENTS)
    list(GET node_UNPARSED_ARGUMENTS 0 first)
    message(FATAL_ERROR "${nwhere}: unknown argument \"${first}\"; a node takes ENDPOINT, "
      "PLATFORMS, CACERT, CERT, KEY, SERVERNAME and DRIVER_OPTS.")
  endif()
  if(driver STREQUAL "remote")
    if(NOT node_ENDPOINT MATCHES "^(tcp|unix|ssh|docker-container|kube-pod)://.")
      message(FATAL_ERROR "${nwhere}: a node of DRIVER remote needs ENDPOINT ${endpoint_hint}; "
        "got \"${node_ENDPOINT}\".")
    endif()
    if(node_ENDPOINT IN_LIST endpoints)
      message(FATAL_ERROR "${nwhere}: ENDPOINT ${node_ENDPOINT} is already the endpoint of "
        "another node; every node is its own BuildKit daemon.")
    endif()
  elseif(DEFINED node_ENDPOINT)
    message(FATAL_ERROR "${nwhere}: ENDPOINT is for DRIVER remote; a kubernetes node is a "
      "deployment that Buildx creates (choose where with DRIVER_OPTS, e.g. "
      "\"nodeselector=kubernetes.io/arch=arm64\").")
  endif()
  if(NOT node_PLATFORMS)
    message(FATAL_ERROR "${nwhere}: PLATFORMS is required: the platforms this node builds, "
      "e.g. PLATFORMS linux/arm64.")
  endif()
  set(platforms "")
  foreach(p IN LISTS node_PLATFORMS)
    _multiarch_normalize_platform("${p}" norm error)
    if(error)
      message(FATAL_ERROR "${nwhere}: ${error}")
    endif()
    if(norm IN_LIST platforms)
      message(FATAL_ERROR "${nwhere}: platform \"${p}\" is listed twice (as ${norm}); list each platform once.")
    endif()
    foreach(o IN LISTS owners)
      string(FIND "${o}" "=" eq REVERSE)
      string(SUBSTRING "${o}" 0 ${eq} owned)
      if(owned STREQUAL norm)
        math(EXPR eq "${eq} + 1")
        string(SUBSTRING "${o}" ${eq} -1 owner)
        message(FATAL_ERROR "${nwhere}: platform ${norm} is already owned by NODE ${owner}; "
          "Buildx sends each platform to the one node that owns it, so list it under one node.")
      endif()
    endforeach()
    list(APPEND platforms "${norm}")
  endforeach()
  _multiarch_check_driver_opts("${nwhere}" "${driver}" "${node_DRIVER_OPTS}")
  _multiarch_tls_given(node given)
  _multiarch_tls_opts(node_tls WHERE "${nwhere}" DRIVER "${driver}" GIVEN ${given}
    CACERT "${node_CACERT}" CERT "${node_CERT}" KEY "${node_KEY}" SERVERNAME "${node_SERVERNAME}")
  _multiarch_merge_opts(opts "${builder_opts}" "${node_tls}")
  _multiarch_merge_opts(opts "${opts}" "${node_DRIVER_OPTS}")
  if(driver STREQUAL "remote")
    _multiarch_check_tls("${nwhere}" "${opts}")
  endif()
  set(${out}_NAME "${node}" PARENT_SCOPE)
  set(${out}_ENDPOINT "${node_ENDPOINT}" PARENT_SCOPE)
  set(${out}_PLATFORMS "${platforms}" PARENT_SCOPE)
  set(${out}_DRIVER_OPTS "${opts}" PARENT_SCOPE)
endfunction()

# Writes the declaration that _multiarch_builder_parse set under <prefix>_
# in the caller's scope to the file EnsureBuilder.cmake reads, as
# `set(<var> <bracket-quoted value>)` lines; an unchanged file keeps its
# time stamp.  Keywords: FILE <path>, DOCKER <the docker CLI>.
function(_multiarch_builder_write prefix)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "FILE;DOCKER" "")
  set(content "")
  _multiarch_set_lines(content
    MULTIARCH_BUILDER_NAME "${${prefix}_NAME}"
    MULTIARCH_BUILDER_DRIVER "${${prefix}_DRIVER}")
  # Without NODES: the options of the builder's one node.
  _multiarch_set_lines(content
    MULTIARCH_BUILDER_DRIVER_OPTS "${${prefix}_DRIVER_OPTS}"
    MULTIARCH_BUILDER_CONFIG "${${prefix}_CONFIG}"
    MULTIARCH_BUILDER_ENDPOINT "${${prefix}_ENDPOINT}"
    MULTIARCH_BUILDER_NODES "${${prefix}_NODES}")
  foreach(node IN LISTS ${prefix}_NODES)
    _multiarch_set_lines(content
      MULTIARCH_BUILDER_NODE_${node}_ENDPOINT "${${prefix}_NODE_${node}_ENDPOINT}"
      MULTIARCH_BUILDER_NODE_${node}_PLATFORMS "${${prefix}_NODE_${node}_PLATFORMS}"
      MULTIARCH_BUILDER_NODE_${node}_DRIVER_OPTS "${${prefix}_NODE_${node}_DRIVER_OPTS}")
  endforeach()
  _multiarch_set_lines(content
    MULTIARCH_DOCKER "${arg_DOCKER}")
  _multiarch_write_input("${arg_FILE}" "add_multiarch_builder(${${prefix}_NAME})" "${content}")
endfunction()

# The target multiarch-builder-<name>: EnsureBuilder.cmake on <file>, alone
# (building an image that uses the builder does the same step first).
# Keywords: NAME <builder>, BUILDER_FILE <file written by _multiarch_builder_write>.
function(_multiarch_builder_declare)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;BUILDER_FILE" "")
  add_custom_target(multiarch-builder-${arg_NAME}
    COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_INPUT_FILE=${arg_BUILDER_FILE}"
            -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/Scripts/EnsureBuilder.cmake"
    COMMENT "Ensuring Buildx builder ${arg_NAME}"
    USES_TERMINAL VERBATIM)
endfunction()
