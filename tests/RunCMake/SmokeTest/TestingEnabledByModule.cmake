# No enable_testing(): the module enables testing where it declares
# tests and in every directory above, so ctest finds them.
add_subdirectory(Subdirectory)
