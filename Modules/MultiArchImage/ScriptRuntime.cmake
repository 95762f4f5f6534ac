# Private: the runtime of the cmake -P entry scripts (Scripts/): failing with
# a message, running commands as lists (never through a shell), checking
# that the inputs and Buildx are still there.
# Everything here may change; names start with _multiarch_.

include_guard(GLOBAL)

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

# cmake_parse_arguments over the arguments after the first four, which the
# caller passes as a list kept by _multiarch_append_args, expanded unquoted:
# as with PARSE_ARGV, a value holding ";" stays one value (escaped in the
# lists set).  Sets <prefix>_<keyword> in the caller's scope as
# cmake_parse_arguments does (a keyword not given stays undefined), and
# <prefix>_UNPARSED_ARGUMENTS.
function(_multiarch_parse_args prefix options one multi)
  cmake_parse_arguments(PARSE_ARGV 4 p "${options}" "${one}" "${multi}")
  foreach(k IN LISTS options one multi ITEMS UNPARSED_ARGUMENTS KEYWORDS_MISSING_VALUES)
    if(DEFINED p_${k})
      set(${prefix}_${k} "${p_${k}}" PARENT_SCOPE)
    else()
      unset(${prefix}_${k} PARENT_SCOPE)
    endif()
  endforeach()
endfunction()

# Sorts the list <var> kept by _multiarch_append_args (list(SORT) would
# split an element holding ";").
function(_multiarch_sort_args var)
  string(ASCII 31 unit)
  set(plain "")
  foreach(e IN LISTS ${var})
    string(REPLACE ";" "${unit}" e "${e}")
    list(APPEND plain "${e}")
  endforeach()
  list(SORT plain)
  string(REPLACE "${unit}" "\\;" sorted "${plain}")
  set(${var} "${sorted}" PARENT_SCOPE)
endfunction()

# Runs a command given as a list; output captured into <prefix>_out,
# <prefix>_err and exit code into <prefix>_rc.  Never through a shell.  A
# function reading ARGV<i>, not a macro: an argument holding ";" stays one
# argument.
function(_multiarch_capture prefix)
  set(cmd "")
  math(EXPR last "${ARGC} - 1")
  foreach(i RANGE 1 ${last})
    _multiarch_append_args(cmd "${ARGV${i}}")
  endforeach()
  execute_process(COMMAND ${cmd} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  set(${prefix}_out "${out}" PARENT_SCOPE)
  set(${prefix}_err "${err}" PARENT_SCOPE)
  set(${prefix}_rc "${rc}" PARENT_SCOPE)
endfunction()

# <out>: one job of `multiarch-audit together --jobs-file`, its words the
# arguments after <out>, as a command list expanded into execute_process
# gives them.
function(_multiarch_job_words out)
  math(EXPR words "${ARGC} - 1")
  set(text "job ${words}\n")
  if(words GREATER 0)
    foreach(i RANGE 1 ${words})
      string(LENGTH "${ARGV${i}}" length)
      string(APPEND text "${length}\n${ARGV${i}}\n")
    endforeach()
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Runs several commands at once and waits for all of them.  Arguments:
# pairs <prefix> <list variable>, the variable holding a command built
# with _multiarch_append_args; sets <prefix>_out, <prefix>_err and
# <prefix>_rc for each, as _multiarch_capture does.  Through
# `multiarch-audit together` (MULTIARCH_AUDIT_TOOL in the caller's scope,
# the tool of the script's input); a single command, or any without the
# tool, one after another.
function(_multiarch_capture_together)
  # The commands are read through their callers' variable names, so every
  # name of this function's own starts with _mct_ (no caller's is hidden).
  if(ARGC EQUAL 0)
    return()
  endif()
  math(EXPR _mct_last "${ARGC} - 1")
  set(_mct_prefixes "")
  set(_mct_k 0)
  foreach(_mct_i RANGE 0 ${_mct_last} 2)
    math(EXPR _mct_v "${_mct_i} + 1")
    set(_mct_job_${_mct_k} "${${ARGV${_mct_v}}}")
    math(EXPR _mct_k "${_mct_k} + 1")
    list(APPEND _mct_prefixes "${ARGV${_mct_i}}")
  endforeach()
  list(LENGTH _mct_prefixes _mct_count)
  math(EXPR _mct_top "${_mct_count} - 1")
  set(_mct_tool "${MULTIARCH_AUDIT_TOOL}")
  if(_mct_count EQUAL 1 OR _mct_tool STREQUAL "" OR NOT EXISTS "${_mct_tool}")
    foreach(_mct_k RANGE 0 ${_mct_top})
      list(GET _mct_prefixes ${_mct_k} _mct_p)
      execute_process(COMMAND ${_mct_job_${_mct_k}} OUTPUT_VARIABLE _mct_out
        ERROR_VARIABLE _mct_err RESULT_VARIABLE _mct_rc)
      set(${_mct_p}_out "${_mct_out}" PARENT_SCOPE)
      set(${_mct_p}_err "${_mct_err}" PARENT_SCOPE)
      set(${_mct_p}_rc "${_mct_rc}" PARENT_SCOPE)
    endforeach()
    return()
  endif()
  set(_mct_base "${MULTIARCH_STATE_DIR}")
  if(_mct_base STREQUAL "" OR NOT IS_DIRECTORY "${_mct_base}")
    set(_mct_base "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  string(RANDOM LENGTH 12 _mct_suffix)
  set(_mct_dir "${_mct_base}/.multiarch-together-${_mct_suffix}")
  file(MAKE_DIRECTORY "${_mct_dir}")
  # The jobs go in a file, each word as execute_process would pass it
  # (_multiarch_job_words): no list expansion can run two of them together.
  set(_mct_jobs "")
  foreach(_mct_k RANGE 0 ${_mct_top})
    _multiarch_job_words(_mct_words ${_mct_job_${_mct_k}})
    string(APPEND _mct_jobs "${_mct_words}")
  endforeach()
  file(WRITE "${_mct_dir}/jobs" "${_mct_jobs}")
  execute_process(COMMAND "${_mct_tool}" together --dir "${_mct_dir}" --jobs-file "${_mct_dir}/jobs"
    OUTPUT_VARIABLE _mct_said ERROR_VARIABLE _mct_said RESULT_VARIABLE _mct_rc)
  if(NOT _mct_rc EQUAL 0 OR NOT EXISTS "${_mct_dir}/status")
    file(REMOVE_RECURSE "${_mct_dir}")
    _multiarch_die("${_mct_tool} together could not run its commands (${_mct_rc}): ${_mct_said}")
  endif()
  file(STRINGS "${_mct_dir}/status" _mct_statuses)
  foreach(_mct_k RANGE 0 ${_mct_top})
    list(GET _mct_prefixes ${_mct_k} _mct_p)
    list(GET _mct_statuses ${_mct_k} _mct_status)
    file(READ "${_mct_dir}/${_mct_k}.out" _mct_out)
    file(READ "${_mct_dir}/${_mct_k}.err" _mct_err)
    set(${_mct_p}_out "${_mct_out}" PARENT_SCOPE)
    set(${_mct_p}_err "${_mct_err}" PARENT_SCOPE)
    set(${_mct_p}_rc "${_mct_status}" PARENT_SCOPE)
  endforeach()
  file(REMOVE_RECURSE "${_mct_dir}")
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

# Reads the one input file of the entry script <script>
# (-DMULTIARCH_INPUT_FILE=<file>, written when CMake ran on the project) into
# the script's scope; fails naming <what> wrote it.  A macro: the file's
# variables belong to the script.
macro(_multiarch_read_input script what)
  if(NOT MULTIARCH_INPUT_FILE OR NOT EXISTS "${MULTIARCH_INPUT_FILE}")
    _multiarch_die("${script} needs -DMULTIARCH_INPUT_FILE=<file written by ${what}>; got "
      "\"${MULTIARCH_INPUT_FILE}\". Re-run CMake on the project if the file is missing.")
  endif()
  include("${MULTIARCH_INPUT_FILE}")
endmacro()

# <out>: the command that runs Buildx for the docker CLI <docker>: the
# CLI's own docker-buildx plugin program, run alone (Buildx's standalone
# mode: one process instead of the CLI plus the plugin, about 50 ms less a
# call), where that cannot differ from `<docker> buildx`; else
# "<docker>;buildx".  Alone only when <docker> is an absolute path whose
# real file is an ELF program named docker (a wrapper script named as
# MULTIARCH_DOCKER_EXECUTABLE still sees every call), the plugin is the one
# that CLI would run (the first docker-buildx in config.json's
# cliPluginsExtraDirs, $DOCKER_CONFIG or ~/.docker then cli-plugins, then
# the system folders), and nothing that only the CLI reads is set
# (DOCKER_TLS, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, or a plugin's own call).
# The environment variable MULTIARCH_BUILDX_THROUGH_CLI set to a true value
# (1, ON, YES, TRUE) keeps every call on the CLI.
function(_multiarch_buildx out docker)
  get_property(known GLOBAL PROPERTY "_MULTIARCH_BUILDX_OF_${docker}" SET)
  if(known)
    get_property(cmd GLOBAL PROPERTY "_MULTIARCH_BUILDX_OF_${docker}")
    set(${out} "${cmd}" PARENT_SCOPE)
    return()
  endif()
  _multiarch_buildx_plugin(plugin "${docker}")
  if(plugin STREQUAL "")
    set(cmd "${docker}" buildx)
  else()
    set(cmd "${plugin}")
  endif()
  set_property(GLOBAL PROPERTY "_MULTIARCH_BUILDX_OF_${docker}" "${cmd}")
  set(${out} "${cmd}" PARENT_SCOPE)
endfunction()

# <out>: the docker-buildx program that `<docker> buildx` would run, when it
# may be run alone (see _multiarch_buildx); else empty.
function(_multiarch_buildx_plugin out docker)
  set(${out} "" PARENT_SCOPE)
  # (The CLI takes any non-empty value of these as set.)
  foreach(var DOCKER_TLS DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND)
    if(NOT "$ENV{${var}}" STREQUAL "")
      return()
    endif()
  endforeach()
  if("$ENV{MULTIARCH_BUILDX_THROUGH_CLI}" OR NOT IS_ABSOLUTE "${docker}" OR NOT EXISTS "${docker}"
     OR IS_DIRECTORY "${docker}" OR "$ENV{HOME}" STREQUAL "")
    return()
  endif()
  file(REAL_PATH "${docker}" real)
  get_filename_component(given_name "${docker}" NAME)
  get_filename_component(real_name "${real}" NAME)
  file(READ "${real}" magic LIMIT 4 HEX)
  if(NOT given_name STREQUAL "docker" OR NOT real_name STREQUAL "docker" OR NOT magic STREQUAL "7f454c46")
    return()
  endif()
  set(config_dir "$ENV{DOCKER_CONFIG}")
  if(config_dir STREQUAL "")
    set(config_dir "$ENV{HOME}/.docker")
  endif()
  set(dirs "")
  if(EXISTS "${config_dir}/config.json")
    file(READ "${config_dir}/config.json" config)
    string(JSON n ERROR_VARIABLE err LENGTH "${config}" cliPluginsExtraDirs)
    if(NOT err AND n GREATER 0)
      math(EXPR last "${n} - 1")
      foreach(i RANGE ${last})
        string(JSON dir GET "${config}" cliPluginsExtraDirs ${i})
        list(APPEND dirs "${dir}")
      endforeach()
    endif()
  endif()
  list(APPEND dirs "${config_dir}/cli-plugins" /usr/local/lib/docker/cli-plugins
    /usr/local/libexec/docker/cli-plugins /usr/lib/docker/cli-plugins /usr/libexec/docker/cli-plugins)
  foreach(dir IN LISTS dirs)
    if(EXISTS "${dir}/docker-buildx" AND NOT IS_DIRECTORY "${dir}/docker-buildx")
      set(${out} "${dir}/docker-buildx" PARENT_SCOPE)
      return()
    endif()
  endforeach()
endfunction()
