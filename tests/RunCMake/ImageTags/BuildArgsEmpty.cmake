# BUILD_ARGS "" (an empty variable, quoted): no build argument, as BUILD_ARGS ${EMPTY} gives.
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 BUILD_ARGS "" LABELS "" PROMOTE_TAGS "")
