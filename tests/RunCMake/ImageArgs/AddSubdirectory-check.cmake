runcmake_expect_targets(app image)
runcmake_read_file("${RunCMake_TEST_BINARY_DIR}/toolchain-dir.txt" dir)
runcmake_expect_eq("MULTIARCH_TOOLCHAIN_DIR" "${dir}" "${RunCMake_PACKAGE_DIR}/Modules/MultiArchImage/toolchains")
runcmake_read_file("${RunCMake_TEST_BINARY_DIR}/build.ninja" ninja)
# The push runs the tool built here.
runcmake_expect_match("the push uses the package's multiarch-audit" "${ninja}"
  "-DMULTIARCH_AUDIT_TOOL=[^ ]*/multiarchimage/tools/multiarch-audit/multiarch-audit")
