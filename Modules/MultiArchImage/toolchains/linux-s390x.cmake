# Toolchain for s390x (platform linux/s390x) with Debian's cross compiler
# (apt install g++-s390x-linux-gnu).  Shipped with MultiArchImage; pass it as
# -DCMAKE_TOOLCHAIN_FILE=${MULTIARCH_TOOLCHAIN_DIR}/linux-s390x.cmake
# Finds the target's libraries in a sysroot given as CMAKE_SYSROOT, or else
# in Debian's multiarch folders (apt install libfoo-dev:<arch>), never the
# host's; pkg-config likewise (see debian-cross.cmake).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(CMAKE_C_COMPILER s390x-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER s390x-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE s390x-linux-gnu)
include("${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake")
