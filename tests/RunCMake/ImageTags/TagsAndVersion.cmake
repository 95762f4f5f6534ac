add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 VERSION v1.4.0-rc.1
  TAGS @VERSION@-candidate sha-@GIT_SHA@ @GIT_BRANCH@ @MAJOR@.@MINOR@.@PATCH@-x 1.4.0-rc.1
  PROMOTE_TAGS SEMVER stable)
runcmake_record_properties(app MULTIARCH_TAGS MULTIARCH_PROMOTE_TAGS)
