add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 METADATA OFF LICENSES "MIT OR Apache-2.0" REPRODUCIBLE no
  LABELS org.opencontainers.image.title=Hello org.example.empty=
  ANNOTATIONS index:org.example.a=1 manifest:org.example.b=2 "manifest[linux/amd64]:org.example.c=3" org.example.d=4)
