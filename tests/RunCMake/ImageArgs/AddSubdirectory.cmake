# The package without installing it: add_subdirectory of this checkout
# (which builds multiarch-audit: a C++ compiler is needed).
add_subdirectory("${RunCMake_PACKAGE_DIR}" multiarchimage)
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64)
file(WRITE "${CMAKE_BINARY_DIR}/toolchain-dir.txt" "${MULTIARCH_TOOLCHAIN_DIR}")
