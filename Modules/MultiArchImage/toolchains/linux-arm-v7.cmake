# Toolchain for armv7l (platform linux/arm/v7) with Debian's cross compiler
# (apt install g++-arm-linux-gnueabihf).  Shipped with MultiArchImage; pass it as
# -DCMAKE_TOOLCHAIN_FILE=${MULTIARCH_TOOLCHAIN_DIR}/linux-arm-v7.cmake
# Finds the target's libraries in a sysroot given as CMAKE_SYSROOT, or else
# in Debian's multiarch folders (apt install libfoo-dev:<arch>), never the
# host's; pkg-config likewise (see debian-cross.cmake).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)
include("${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake")
