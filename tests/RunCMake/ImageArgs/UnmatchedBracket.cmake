# An unmatched bracket would join the value with every argument after it
# in the build command (BUILD_ARGS "A=x]" "B=2": one build argument
# "A=x];B=2;--label;..."): refused, naming the value.
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64
  BUILD_ARGS "A=x]" B=2 LABELS l=1)
