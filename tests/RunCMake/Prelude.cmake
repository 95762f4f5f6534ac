# Included by every case's CMakeLists.txt after project(): makes the
# package's commands available the fast way, from the source tree's module
# (RunCMake_MODULE_DIR), with MultiArchImage::audit an imported stand-in
# (a tripwire: configuring never runs the tool, building is not tested
# here).  -DCASE_MODULE=OFF leaves the module out, -DCASE_AUDIT=OFF the
# stand-in.
if(NOT DEFINED CASE_AUDIT OR CASE_AUDIT)
  add_executable(MultiArchImage::audit IMPORTED GLOBAL)
  set_target_properties(MultiArchImage::audit PROPERTIES
    IMPORTED_LOCATION "${RunCMake_TRIPWIRE_DIR}/multiarch-audit")
endif()
if(NOT DEFINED CASE_MODULE OR CASE_MODULE)
  include("${RunCMake_MODULE_DIR}/MultiArchImage.cmake")
endif()

# runcmake_record_properties(<target> <property>...): at the end of
# configuring, writes the target's properties as set() lines to
# <build>/RunCMake-properties/<target>.cmake, for the -check.cmake
# (runcmake_read_properties).
function(runcmake_record_properties target)
  cmake_language(EVAL CODE "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]]
    CALL _runcmake_write_properties [[${target}]] ${ARGN})")
endfunction()

function(_runcmake_write_properties target)
  set(text "")
  foreach(p IN LISTS ARGN)
    get_target_property(v "${target}" "${p}")
    if(v STREQUAL "v-NOTFOUND")
      continue()
    endif()
    set(eq "=")
    while("${v}]${eq}" MATCHES "\\]${eq}\\]")
      string(APPEND eq "=")
    endwhile()
    string(APPEND text "set(${p} [${eq}[\n${v}]${eq}])\n")
  endforeach()
  file(WRITE "${CMAKE_BINARY_DIR}/RunCMake-properties/${target}.cmake" "${text}")
endfunction()
