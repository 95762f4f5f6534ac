// OCI platforms (linux/arm64, linux/arm/v7, ...) and the architecture
// words that name them in file names, folders, URLs and apt lines.
#pragma once

#include <string>
#include <string_view>

namespace multiarch {

struct Platform {
  std::string os, arch, variant;
  std::string str() const;
  bool operator==(const Platform& o) const {
    return os == o.os && arch == o.arch && variant == o.variant;
  }
  bool operator!=(const Platform& o) const { return !(*this == o); }
};

// Parses and normalises like the CMake module: x86_64 -> amd64,
// aarch64 -> arm64, linux/arm -> linux/arm/v7, linux/arm64/v8 -> linux/arm64.
bool parse_platform(std::string_view text, Platform& out, std::string& error);

// The platform this tool was compiled for (the build host).
Platform host_platform();

// What `uname -m` prints on the platform (x86_64, aarch64, armv7l, ...), and
// the name of the QEMU user-mode binfmt_misc handler that runs its programs
// on another host (qemu-<name>): SmokeTest.cmake's table, held to this by
// tests/test_configure.py.
std::string uname_machine(const Platform& p);
std::string qemu_name(const Platform& p);

// Debian's name for the platform's architecture ("armhf" for linux/arm/v7);
// "" if Debian has none.
std::string debian_arch(const Platform& p);

// The OCI architecture a word in a file name, folder or URL stands for
// ("x86_64" -> "amd64", "armhf" -> "arm", "aarch64" -> "arm64"); "" when
// the word is not an architecture name.  Case-insensitive.
std::string arch_family(std::string_view word);

// The platform an architecture word implies, e.g. "armv6" -> linux/arm/v6,
// "aarch64" -> linux/arm64; false when the word is not one.
bool platform_of_word(std::string_view word, Platform& out);

}  // namespace multiarch
