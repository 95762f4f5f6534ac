add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 PROMOTE_TAGS release SIGN_KEY "keys/[prod]/cosign.key" VERIFY_KEY "keys/a]=]b.pub"
  PORTABILITY_ALLOW "foreign-elf:/opt/[ab]*/lib/**" "missing-library:/[x]="
  DEPENDS "${CMAKE_CURRENT_BINARY_DIR}/gen-[[[1]==]].txt")
add_custom_command(OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/gen-[[[1]==]].txt"
  COMMAND "${CMAKE_COMMAND}" -E touch "${CMAKE_CURRENT_BINARY_DIR}/gen-[[[1]==]].txt")
