runcmake_expect_tests()
