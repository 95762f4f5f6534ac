add_executable(hello main.c)
install(TARGETS hello COMPONENT Runtime)
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/arm64 INSTALL COMPONENTS Runtime PREFIX /opt/hello/
  TOOLCHAINS linux/arm64=toolchain-a.cmake)
