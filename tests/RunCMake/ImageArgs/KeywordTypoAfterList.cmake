# After a keyword that takes a list, a misspelt keyword is a value of it.
add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 TAG v1)
