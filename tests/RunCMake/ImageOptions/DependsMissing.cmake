add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 DEPENDS generate-files no-such-thing)
add_custom_target(generate-files)
