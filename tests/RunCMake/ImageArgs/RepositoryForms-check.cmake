foreach(pair "hub|team/app" "local|localhost/app" "v6|[::1]:5000/app"
             "deep|registry.example.com:443/a/b-c/d__e/f.g" "single|app")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 image)
  list(GET pair 1 repository)
  runcmake_image_file(${image} file)
  runcmake_expect_vars("${file}" MULTIARCH_REPOSITORY "${repository}")
endforeach()
runcmake_expect_targets(hub local v6 deep single image image-promote)
