# Private: shows what multiarch-audit found, for CheckContext.cmake and
# AuditVariant.cmake.  Included by those scripts.
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/ScriptRuntime.cmake")

# Prints the tool's <output> (findings, then a "summary:" line) and sets
# <errors_out> to the number of errors that count under <mode>: with WARN
# an error is shown, and counted, as a warning.
function(_multiarch_report_findings output mode errors_out)
  string(REGEX MATCH "summary: ([0-9]+) errors?, ([0-9]+) warnings?, ([0-9]+) accepted" _ "${output}")
  if(NOT CMAKE_MATCH_0)
    _multiarch_die("multiarch-audit printed no summary; its output was:\n${output}")
  endif()
  set(errors "${CMAKE_MATCH_1}")
  set(warnings "${CMAKE_MATCH_2}")
  set(accepted "${CMAKE_MATCH_3}")
  if(mode STREQUAL "WARN" AND errors GREATER 0)
    string(REGEX REPLACE "(^|\n)error: " "\\1warning: " output "${output}")
    math(EXPR warnings "${warnings} + ${errors}")
    string(REGEX REPLACE "summary: [^\n]*" "summary: 0 errors, ${warnings} warnings, ${accepted} accepted (PORTABILITY_CHECK WARN: errors reported as warnings)"
      output "${output}")
    set(errors 0)
  endif()
  string(REGEX REPLACE "\n+$" "" output "${output}")
  message("${output}")
  set(${errors_out} "${errors}" PARENT_SCOPE)
endfunction()
