# The context check of add_multiarch_image: before anything is built or
# pushed, reads the Dockerfile and the build context (after .dockerignore)
# and reports, with file:line, what would put a file into a variant that
# cannot run it or tie a variant to one CPU; BuildKit's own checks
# (`docker buildx build --call check`) are reported the same way.  The same
# walk of the context writes the image target's depfile (every file and
# folder the build sends), also with PORTABILITY_CHECK OFF.  The
# <name>-check target runs this file (the functions are in
# ContextCheck.cmake, which BuildImage.cmake also calls); by hand:
#
#   cmake -DMULTIARCH_INPUT_FILE=<build>/<name>.multiarch/image.cmake
#         -DMULTIARCH_AUDIT_TOOL=<prefix>/bin/multiarch-audit -P Scripts/CheckContext.cmake

cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/../ScriptRuntime.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/../ContextCheck.cmake")

_multiarch_read_input(CheckContext.cmake add_multiarch_image)
include("${MULTIARCH_PORTABILITY_FILE}")
_multiarch_check_context()
