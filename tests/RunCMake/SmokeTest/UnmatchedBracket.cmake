add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64)
add_multiarch_smoke_test(app COMMAND sh -c "echo [x" EXPECT_OUTPUT "x")
