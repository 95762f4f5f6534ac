# Values reach the helper scripts verbatim: spaces, quotes, ";", $(),
# backslashes, brackets (matched: see ImageArgs/UnmatchedBracket), a leading
# newline, newlines.
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64
  BUILD_ARGS "GREETING=hello  world" "SEMI=a;b" "SHELL=$(id) `id` 'q' \"dq\""
  LABELS "org.example.brackets=[[[[[[[[ ]] ]=] ]==] [[x]] ]=====]" "org.example.end=[x]=" "org.example.nl=line1
line2"
  ANNOTATIONS "index:org.example.tail=[v]")
add_multiarch_smoke_test(app COMMAND "
starts with a newline" "a;b" "" "[end]=" EXPECT_OUTPUT "^hello \\[x\\]$")
