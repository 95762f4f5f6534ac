# Toolchain for x86_64 (platform linux/amd64) with Debian's cross compiler
# (apt install g++-x86-64-linux-gnu).  Shipped with MultiArchImage; pass it as
# -DCMAKE_TOOLCHAIN_FILE=${MULTIARCH_TOOLCHAIN_DIR}/linux-amd64.cmake
# Finds the target's libraries in a sysroot given as CMAKE_SYSROOT, or else
# in Debian's multiarch folders (apt install libfoo-dev:<arch>), never the
# host's; pkg-config likewise (see debian-cross.cmake).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER x86_64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE x86_64-linux-gnu)
include("${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake")
