add_multiarch_image(reg REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 CACHE registry REF 127.0.0.1:5000/cache:app)
add_multiarch_image(loc REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 CACHE local buildcache/loc)
add_multiarch_image(off REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 CACHE off ATTESTATIONS provenance=off sbom=off)
