# This host's platform from this build, another one from a sub-build
# with the given toolchain file.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(host linux/arm64)
  set(other linux/amd64)
else()
  set(host linux/amd64)
  set(other linux/arm64)
endif()
file(WRITE "${CMAKE_BINARY_DIR}/platforms.cmake" "set(host ${host})\nset(other ${other})\n")
add_executable(hello main.c)
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS ${host} ${other} ARTIFACTS hello
  TOOLCHAINS ${other}=${CMAKE_CURRENT_SOURCE_DIR}/toolchain-a.cmake)
