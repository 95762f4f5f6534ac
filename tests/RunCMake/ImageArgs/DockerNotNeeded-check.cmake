runcmake_image_file(app image)
runcmake_expect_vars("${image}" MULTIARCH_DOCKER "/nonexistent/docker")
runcmake_expect_targets(app)
