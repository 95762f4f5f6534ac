option(WITH_GREETING "a project option the sub-builds get" ON)
add_library(greet SHARED greet.c)
add_executable(hello main.c)
target_link_libraries(hello PRIVATE greet)
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/arm64 ARTIFACTS hello greet RUNTIME_LIBRARIES COLLECT DESTINATION /app/bin
  TOOLCHAINS linux/arm64=toolchain-a.cmake)
