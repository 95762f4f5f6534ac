runcmake_expect_targets(app late-target)
# The push reruns when a DEPENDS changes: it is an input of the push.
runcmake_read_file("${RunCMake_TEST_BINARY_DIR}/build.ninja" ninja)
runcmake_expect_match("the push's inputs in build.ninja" "${ninja}"
  "app\\.multiarch/pushed\\.stamp: CUSTOM_COMMAND [^\n]*generated\\.txt[^\n]*Dockerfile")
