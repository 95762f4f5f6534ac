# Targets declared after the image, a generated file, an existing file.
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 DEPENDS late-target "${CMAKE_CURRENT_BINARY_DIR}/generated.txt" Dockerfile)
add_custom_command(OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/generated.txt"
  COMMAND "${CMAKE_COMMAND}" -E touch "${CMAKE_CURRENT_BINARY_DIR}/generated.txt")
add_custom_target(late-target DEPENDS "${CMAKE_CURRENT_BINARY_DIR}/generated.txt")
