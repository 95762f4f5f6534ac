# Toolchain for ppc64le (platform linux/ppc64le) with Debian's cross compiler
# (apt install g++-powerpc64le-linux-gnu).  Shipped with MultiArchImage; pass it as
# -DCMAKE_TOOLCHAIN_FILE=${MULTIARCH_TOOLCHAIN_DIR}/linux-ppc64le.cmake
# Finds the target's libraries in a sysroot given as CMAKE_SYSROOT, or else
# in Debian's multiarch folders (apt install libfoo-dev:<arch>), never the
# host's; pkg-config likewise (see debian-cross.cmake).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ppc64le)
set(CMAKE_C_COMPILER powerpc64le-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER powerpc64le-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE powerpc64le-linux-gnu)
include("${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake")
