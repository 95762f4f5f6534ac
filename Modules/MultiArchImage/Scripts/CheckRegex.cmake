# Exits non-zero when -DMULTIARCH_REGEX=<regular expression> does not
# compile: add_multiarch_smoke_test checks EXPECT_OUTPUT with it when CMake
# runs, since CMake stops on a broken expression instead of reporting it.
string(REGEX MATCH "${MULTIARCH_REGEX}" _ "")
