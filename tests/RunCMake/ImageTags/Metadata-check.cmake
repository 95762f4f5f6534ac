runcmake_image_file(app image)
runcmake_expect_vars("${image}"
  MULTIARCH_METADATA "OFF"
  MULTIARCH_LICENSES "MIT OR Apache-2.0"
  MULTIARCH_REPRODUCIBLE "OFF"
  MULTIARCH_LABELS "org.opencontainers.image.title=Hello;org.example.empty="
  MULTIARCH_ANNOTATIONS "index:org.example.a=1;manifest:org.example.b=2;manifest[linux/amd64]:org.example.c=3;org.example.d=4")
