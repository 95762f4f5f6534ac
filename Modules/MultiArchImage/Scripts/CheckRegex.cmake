# Exits non-zero when -DMULTIARCH_REGEX=<regular expression> does not
# compile: add_multiarch_smoke_test checks EXPECT_OUTPUT with it when CMake
# runs, since CMake stops on a broken expression instead of reporting it.
# (if(MATCHES), as the smoke test matches: string(REGEX MATCH) would also
# refuse an expression that matches the empty string, such as ^$.)
if("" MATCHES "${MULTIARCH_REGEX}")
endif()
