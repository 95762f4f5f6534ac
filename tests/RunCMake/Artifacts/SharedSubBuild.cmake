# Two images share one sub-build per platform.
add_executable(hello main.c)
add_executable(tool main.c)
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/arm64 ARTIFACTS hello TOOLCHAINS linux/arm64=toolchain-a.cmake)
add_multiarch_image(other REPOSITORY 127.0.0.1:5000/app2 PLATFORMS linux/arm64 ARTIFACTS tool
  TOOLCHAINS linux/aarch64=toolchain-a.cmake)
