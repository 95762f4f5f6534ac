runcmake_image_file(app image)
# (A ";" inside one value is stored as "\;", one list element.)
runcmake_expect_vars("${image}"
  MULTIARCH_BUILD_ARGS "GREETING=hello  world;SEMI=a\\;b;SHELL=$(id) `id` 'q' \"dq\""
  MULTIARCH_LABELS "org.example.brackets=[[[[[[[[ ]] ]=] ]==] [[x]] ]=====];org.example.end=[x]=;org.example.nl=line1\nline2"
  MULTIARCH_ANNOTATIONS "index:org.example.tail=[v]")
runcmake_state_file(app smoke1-linux-amd64.cmake smoke)
runcmake_expect_vars("${smoke}"
  MULTIARCH_COMMAND "\nstarts with a newline;a\\;b;;[end]="
  MULTIARCH_EXPECT_OUTPUT "^hello \\[x\\]$")
