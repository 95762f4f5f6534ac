runcmake_image_file(my.app_v2+x-1 image)
# Bake allows [A-Za-z0-9_-] in a target's name.
runcmake_expect_vars("${image}" MULTIARCH_NAME "my.app_v2+x-1" MULTIARCH_BAKE_TARGET "my_app_v2_x-1")
runcmake_expect_targets(my.app_v2+x-1 my.app_v2+x-1-promote my.app_v2+x-1-check)
runcmake_expect_tests("my.app_v2+x-1[linux/arm/v7]audit")
