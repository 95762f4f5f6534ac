set(want "linux/amd64;linux/arm64;linux/arm/v7;linux/386;linux/arm64/v9;linux/amd64/v3;linux/arm/v6")
runcmake_expect_properties(app MULTIARCH_PLATFORMS "${want}")
runcmake_image_file(app image)
runcmake_expect_vars("${image}" MULTIARCH_PLATFORMS "${want}")
runcmake_expect_tests("app[linux/amd64]audit" "app[linux/arm64]audit" "app[linux/arm/v7]audit"
  "app[linux/386]audit" "app[linux/arm64/v9]audit" "app[linux/amd64/v3]audit" "app[linux/arm/v6]audit")
runcmake_expect_test_property("app[linux/arm/v7]audit" LABELS "multiarch;armv7;audit")
runcmake_expect_test_property("app[linux/386]audit" LABELS "multiarch;386;audit")
runcmake_expect_test_property("app[linux/amd64/v3]audit" LABELS "multiarch;amd64v3;audit")
