// multiarch-audit: the ELF and tar reader of MultiArchImage.  See cli.cpp
// for the commands, or run multiarch-audit --help.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv, argv + argc);
  return multiarch::cli_main(args, STDIN_FILENO, std::cout, std::cerr);
}
