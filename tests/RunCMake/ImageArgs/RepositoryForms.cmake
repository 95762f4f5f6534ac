# Docker Hub (no registry), localhost, an IPv6 literal, a port, deep paths.
add_multiarch_image(hub REPOSITORY team/app PLATFORMS linux/amd64)
add_multiarch_image(local REPOSITORY localhost/app PLATFORMS linux/amd64)
add_multiarch_image(v6 REPOSITORY [::1]:5000/app PLATFORMS linux/amd64)
add_multiarch_image(deep REPOSITORY registry.example.com:443/a/b-c/d__e/f.g PLATFORMS linux/amd64)
add_multiarch_image(single REPOSITORY app PLATFORMS linux/amd64)
