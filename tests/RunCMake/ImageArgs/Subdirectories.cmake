add_subdirectory(Subdirectories/a)
add_subdirectory(Subdirectories/b)
