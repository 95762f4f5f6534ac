add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 CONTEXT "${CMAKE_CURRENT_BINARY_DIR}/ctx/" DOCKERFILE Dockerfile
  SECRETS id=token,src=${CMAKE_CURRENT_BINARY_DIR}/token.txt id=npm,env=NPM_TOKEN)
