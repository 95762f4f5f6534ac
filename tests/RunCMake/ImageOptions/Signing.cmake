add_multiarch_image(app REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/amd64 PROMOTE_TAGS release SIGN_KEY keys/cosign.key SIGN_RECURSIVE yes
  VERIFY_KEY awskms:///arn:aws:kms:eu-west-1:000000000000:key/abc)
