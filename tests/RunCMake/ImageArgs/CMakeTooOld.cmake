# A CMake older than 3.20 (as CMAKE_VERSION tells the module).
set(CMAKE_VERSION 3.19.8)
include("${RunCMake_MODULE_DIR}/MultiArchImage.cmake")
