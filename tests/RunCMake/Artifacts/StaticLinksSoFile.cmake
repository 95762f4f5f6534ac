add_executable(hello main.c)
target_link_libraries(hello PRIVATE /usr/lib/x86_64-linux-gnu/libz.so)
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 ARTIFACTS hello)
