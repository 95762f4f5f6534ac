add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 ATTESTATIONS provenance=max sbom=127.0.0.1:5000/tools/sbom:1
  CACHE registry BUILDER my-builder PORTABILITY_CHECK warn
  PORTABILITY_ALLOW foreign-elf:/usr/aarch64-linux-gnu/** FromAsCasing fixed-arch-url)
