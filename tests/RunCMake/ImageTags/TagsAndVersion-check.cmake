# Placeholders are kept: they are resolved when the image builds.
set(tags "@VERSION@-candidate;sha-@GIT_SHA@;@GIT_BRANCH@;@MAJOR@.@MINOR@.@PATCH@-x;1.4.0-rc.1")
runcmake_image_file(app image)
runcmake_expect_vars("${image}"
  MULTIARCH_TAGS "${tags}"
  MULTIARCH_PROMOTE_TAGS "SEMVER;stable"
  MULTIARCH_IMAGE_VERSION "v1.4.0-rc.1")
runcmake_expect_properties(app MULTIARCH_TAGS "${tags}" MULTIARCH_PROMOTE_TAGS "SEMVER;stable")
