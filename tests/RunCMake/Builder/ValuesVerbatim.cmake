# An IPv6 endpoint (brackets), option values with brackets and a newline.
add_multiarch_builder(farm DRIVER remote ENDPOINT tcp://[fd00::1]:1234
  DRIVER_OPTS "env.A=[[]]" "env.C=line1
line2" "env.B=[x]=")
