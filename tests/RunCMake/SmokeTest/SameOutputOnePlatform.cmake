add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 linux/arm64 linux/arm/v7)
add_multiarch_smoke_test(app PLATFORMS linux/arm64 EXPECT_SAME_OUTPUT)
