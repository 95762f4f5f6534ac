# A valid regular expression that matches the empty string is accepted.
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64)
add_multiarch_smoke_test(app COMMAND /bin/true EXPECT_OUTPUT "^$")
