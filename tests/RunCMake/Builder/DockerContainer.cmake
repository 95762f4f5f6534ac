add_multiarch_builder(farm DRIVER docker-container
  DRIVER_OPTS network=host image=moby/buildkit:v0.32.2 "env.HTTP_PROXY=http://proxy:3128"
  BUILDKITD_CONFIG buildkitd.toml)
