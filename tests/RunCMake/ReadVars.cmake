# cmake -DRunCMake_FILE=<file> -DRunCMake_OUT=<dir> -DRunCMake_VARS=<var;...> -P ReadVars.cmake
# Includes a generated file the way the module's helper scripts do and
# writes each variable's exact value to <dir>/<var>.value (no file: not
# defined).  Used by Check.cmake; a file that does not parse fails here.
cmake_minimum_required(VERSION 3.20)
function(_runcmake_read)
  include("${RunCMake_FILE}")
  foreach(v IN LISTS RunCMake_VARS)
    if(DEFINED ${v})
      file(WRITE "${RunCMake_OUT}/${v}.value" "${${v}}")
    endif()
  endforeach()
endfunction()
_runcmake_read()
