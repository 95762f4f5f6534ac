add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app
  PLATFORMS linux/x86_64 linux/AARCH64 linux/armhf linux/i686 linux/arm64/v9 linux/amd64/v3 linux/arm/v6)
runcmake_record_properties(app MULTIARCH_PLATFORMS)
