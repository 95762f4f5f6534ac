#include <iostream>
#include <string>

#include "greeting.hpp"

namespace {
const char* platform() {
#if defined(__x86_64__)
  return "linux/amd64";
#elif defined(__aarch64__)
  return "linux/arm64";
#elif defined(__arm__)
  return "linux/arm/v7";
#else
  return "unknown";
#endif
}
}  // namespace

int main(int argc, char** argv) {
  std::string arg = argc > 1 ? argv[1] : "--version";
  if (arg == "--version") {
    std::cout << "greeter " GREETER_VERSION " " << platform() << " zlib " << zlib_runtime_version() << "\n";
    return 0;
  }
  std::cout << greeting(arg) << "\n";
  return 0;
}
