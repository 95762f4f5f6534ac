# Included by every group's CMakeLists.txt after its project() call: testing,
# the package's commands (Prelude.cmake), then the case, <case>.cmake.
if(NOT DEFINED CASE_TESTING OR CASE_TESTING)
  enable_testing()
endif()
include("${RunCMake_SOURCE_DIR}/Prelude.cmake")
include("${CMAKE_CURRENT_SOURCE_DIR}/${RunCMake_TEST}.cmake")
