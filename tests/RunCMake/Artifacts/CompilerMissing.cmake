# No program is found anywhere: the shipped toolchain's compiler is "missing".
set(CMAKE_FIND_USE_SYSTEM_ENVIRONMENT_PATH OFF)
set(CMAKE_FIND_USE_CMAKE_SYSTEM_PATH OFF)
set(CMAKE_FIND_USE_CMAKE_ENVIRONMENT_PATH OFF)
set(CMAKE_FIND_USE_CMAKE_PATH OFF)
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/s390x ARTIFACTS hello)
