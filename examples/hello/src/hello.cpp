// hello --version: "hello <version> <os>/<arch>[/<variant>]" of the platform
// the compiler targeted, so a binary built for the wrong CPU says so.
// hello --machine: the running kernel's (or emulator's) `uname -m`.
#include <sys/utsname.h>

#include <cstdio>
#include <cstring>

namespace {

constexpr const char* target_platform() {
#if defined(__x86_64__)
  return "linux/amd64";
#elif defined(__aarch64__)
  return "linux/arm64";
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH >= 7
  return "linux/arm/v7";
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH == 6
  return "linux/arm/v6";
#elif defined(__riscv) && __riscv_xlen == 64
  return "linux/riscv64";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
  return "linux/ppc64le";
#elif defined(__s390x__)
  return "linux/s390x";
#elif defined(__i386__)
  return "linux/386";
#else
  return "linux/unknown";
#endif
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--machine") == 0) {
    utsname u{};
    if (uname(&u) != 0) {
      std::perror("uname");
      return 1;
    }
    std::printf("%s\n", u.machine);
    return 0;
  }
  if (argc > 1 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("hello %s %s\n", HELLO_VERSION, target_platform());
    return 0;
  }
  std::printf("hello from %s\n", target_platform());
  return 0;
}
