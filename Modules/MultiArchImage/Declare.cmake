# Private: configure-time helpers of the Declare*.cmake rooms (checks,
# messages, the generated files' writers).  Included by MultiArchImage.cmake;
# everything here may change.
include_guard(GLOBAL)

# The docker CLI may be installed after configuring; fall back to the name
# so the build step reports it missing with a useful message.
function(_multiarch_docker out)
  if(MULTIARCH_DOCKER_EXECUTABLE)
    set(${out} "${MULTIARCH_DOCKER_EXECUTABLE}" PARENT_SCOPE)
  else()
    set(${out} docker PARENT_SCOPE)
  endif()
endfunction()

function(_multiarch_fail name)
  # ARGV<i>, not ARGN: a ";" in the message must stay a ";".
  set(msg "")
  math(EXPR last "${ARGC} - 1")
  foreach(i RANGE 1 ${last})
    string(APPEND msg "${ARGV${i}}")
  endforeach()
  message(FATAL_ERROR "add_multiarch_image(${name}): ${msg}")
endfunction()

function(_multiarch_check_keywords command name unparsed)
  if(unparsed)
    cmake_path(GET CMAKE_CURRENT_FUNCTION_LIST_DIR PARENT_PATH modules)
    set(module "${modules}/MultiArchImage.cmake")
    list(GET unparsed 0 first)
    message(FATAL_ERROR "${command}(${name}): unknown argument \"${first}\". "
      "See the keywords documented in ${module}.")
  endif()
endfunction()

function(_multiarch_check_pairs command name keyword values)
  foreach(v IN LISTS values)
    if(NOT v MATCHES "^[A-Za-z_][A-Za-z0-9_.-]*=")
      message(FATAL_ERROR "${command}(${name}): ${keyword} value \"${v}\" is not "
        "KEY=VALUE. Write it as ${keyword} MY_KEY=value (the key: letters, digits, _ . -).")
    endif()
  endforeach()
endfunction()

# Appends `set(<var> <bracket-quoted value>)` lines to <out>, one per
# <var> <value> pair, so that helper scripts receive every value verbatim,
# whatever characters it holds.  (ARGV<i>, not ARGN: values may hold ";".)
function(_multiarch_set_lines out)
  set(text "${${out}}")
  math(EXPR last "${ARGC} - 1")
  foreach(i RANGE 1 ${last} 2)
    math(EXPR j "${i} + 1")
    set(value "${ARGV${j}}")
    if(value MATCHES "\\]=*\\]")
      _multiarch_bracket(quoted "${value}")
    else()
      set(quoted "[=[${value}]=]")
    endif()
    string(APPEND text "set(${ARGV${i}} ${quoted})\n")
  endforeach()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Fills a template of `set(<VAR> [=====[@value@]=====])` lines with the
# caller's variables (string(CONFIGURE): one step, however many lines) and
# refuses a value that holds the closing bracket itself.
macro(_multiarch_script out template)
  string(CONFIGURE "${template}" ${out} @ONLY)
  string(REGEX MATCHALL "\\[=====\\[" _multiarch_opens "${${out}}")
  string(REGEX MATCHALL "\\]=====\\]" _multiarch_closes "${${out}}")
  list(LENGTH _multiarch_opens _multiarch_opens)
  list(LENGTH _multiarch_closes _multiarch_closes)
  if(NOT _multiarch_opens EQUAL _multiarch_closes)
    message(FATAL_ERROR "MultiArchImage: a value holds the text \"]=====]\", which cannot be "
      "passed on to the helper scripts; remove it.")
  endif()
endmacro()

function(_multiarch_ensure_aggregate target comment)
  if(NOT TARGET ${target})
    add_custom_target(${target} COMMENT "${comment}")
  endif()
endfunction()
