add_library(greet SHARED greet.c)
add_executable(hello main.c)
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 ARTIFACTS hello)
target_link_libraries(hello PRIVATE greet)
