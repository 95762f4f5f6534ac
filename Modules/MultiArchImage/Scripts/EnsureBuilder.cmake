# Makes the Buildx builder declared by add_multiarch_builder match its
# declaration, changing only what differs (see the module's documentation),
# then bootstraps it.  By hand (the target multiarch-builder-<name> runs this):
#
#   cmake -DMULTIARCH_INPUT_FILE=<build>/multiarch-builders/<name>.cmake -P Scripts/EnsureBuilder.cmake
#
# -DMULTIARCH_BOOTSTRAP=OFF leaves an unchanged builder as it is (the
# caller bootstraps it).  With -DMULTIARCH_DRY_RUN=ON it changes nothing and prints each command it
# would run as "multiarch: would run: <JSON array of the arguments>".
#
# The functions are in BuilderSetup.cmake, which BuildImage.cmake also calls.

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/../ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../BuilderSetup.cmake")
_multiarch_read_input(EnsureBuilder.cmake add_multiarch_builder)

set(_multiarch_bootstrap ON)
if(DEFINED MULTIARCH_BOOTSTRAP AND NOT MULTIARCH_BOOTSTRAP)
  set(_multiarch_bootstrap OFF)
endif()
_multiarch_ensure_builder(BUILDER_FILE "${MULTIARCH_INPUT_FILE}"
  BOOTSTRAP "${_multiarch_bootstrap}" DRY_RUN "${MULTIARCH_DRY_RUN}")
