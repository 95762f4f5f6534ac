add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/arm64 INSTALL PREFIX /usr/local TOOLCHAINS linux/arm64=toolchain-a.cmake)
add_multiarch_image(other REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/arm64 INSTALL PREFIX /opt/app TOOLCHAINS linux/arm64=toolchain-a.cmake)
