# A toolchain file named by TOOLCHAINS (never used: configuring the
# RunCMake cases starts no sub-build).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
