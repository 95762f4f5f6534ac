# Included by every group's CMakeLists.txt before its project() call: sets
# case_project_args from the case's options.  RunCMake.cmake configures a
# group's folder with -DRunCMake_TEST=<case>; options:
# -DCASE_VERSION=<v> (the project's version; "" for none, default 2.3.4),
# -DCASE_LANGUAGES="<languages>" (default NONE), -DCASE_TESTING=OFF (no
# enable_testing()); -DCASE_MODULE=OFF and -DCASE_AUDIT=OFF: see
# Prelude.cmake, which makes the package's commands available.
if(NOT DEFINED CASE_VERSION)
  set(CASE_VERSION 2.3.4)
endif()
if(NOT DEFINED CASE_LANGUAGES)
  set(CASE_LANGUAGES NONE)
endif()
separate_arguments(case_languages UNIX_COMMAND "${CASE_LANGUAGES}")
set(case_project_args LANGUAGES ${case_languages})
if(NOT CASE_VERSION STREQUAL "")
  list(PREPEND case_project_args VERSION ${CASE_VERSION})
endif()
