# Stands in for `ldconfig -v -N -X` while StageArtifacts.cmake resolves the
# shared libraries of one platform's build with file(GET_RUNTIME_DEPENDENCIES):
# prints the project's library folders and the platform's, one "<folder>:"
# line each, as ldconfig prints the folders of the system it runs on.  (For
# a cross build, the host's own folders hold libraries for the host's CPU.)
# By hand:
#
#   cmake "-DMULTIARCH_LIBRARY_DIRS=/usr/aarch64-linux-gnu/lib;/usr/lib/gcc-cross/aarch64-linux-gnu/12" -P LdconfigDirs.cmake

cmake_minimum_required(VERSION 3.20)
foreach(dir IN LISTS MULTIARCH_LIBRARY_DIRS)
  # stdout, where file(GET_RUNTIME_DEPENDENCIES) reads ldconfig's answer.
  execute_process(COMMAND "${CMAKE_COMMAND}" -E echo "${dir}:")
endforeach()
