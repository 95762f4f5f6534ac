# TAGS ${EMPTY}: the keyword is given, with no tag; not the default tag.
set(EMPTY "")
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 TAGS ${EMPTY})
