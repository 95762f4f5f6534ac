#include "platform.hpp"

#include <vector>

#include "common.hpp"

namespace multiarch {

std::string Platform::str() const {
  return variant.empty() ? os + "/" + arch : os + "/" + arch + "/" + variant;
}

// The same rules as _multiarch_normalize_platform in Platforms.cmake (the
// configure-time check of PLATFORMS); tests/test_configure.py holds them to it.
bool parse_platform(std::string_view text, Platform& out, std::string& error) {
  auto parts = split(text, '/');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty() ||
      (parts.size() == 3 && parts[2].empty())) {
    error = "platform \"" + std::string(text) + "\" is malformed; write os/arch[/variant], e.g. linux/arm64";
    return false;
  }
  Platform p{to_lower(parts[0]), to_lower(parts[1]), parts.size() == 3 ? to_lower(parts[2]) : ""};
  if (p.os != "linux") {
    error = "platform \"" + std::string(text) + "\": operating system \"" + p.os + "\" is not supported";
    return false;
  }
  if (p.arch == "x86_64" || p.arch == "x86-64") p.arch = "amd64";
  if (p.arch == "aarch64") p.arch = "arm64";
  if (p.arch == "armhf" || p.arch == "armel") p.arch = "arm";
  if (p.arch == "i386" || p.arch == "i686") p.arch = "386";
  static const std::vector<std::string> known = {"amd64", "arm64", "arm", "386", "ppc64le", "s390x",
                                                 "riscv64", "mips64le", "mips64", "loong64"};
  bool ok = false;
  for (auto& k : known) ok = ok || k == p.arch;
  if (!ok) {
    error = "platform \"" + std::string(text) + "\": unknown architecture \"" + p.arch + "\"";
    return false;
  }
  auto one_of = [&](std::initializer_list<const char*> variants) {
    for (const char* v : variants) {
      if (p.variant == v) return true;
    }
    return false;
  };
  if (p.arch == "arm64" && p.variant == "v8") p.variant.clear();
  if (p.arch == "amd64" && p.variant == "v1") p.variant.clear();
  if (p.arch == "arm" && p.variant.empty()) p.variant = "v7";
  bool variant_ok = p.variant.empty() ||
                    (p.arch == "arm" && one_of({"v5", "v6", "v7"})) ||
                    (p.arch == "amd64" && one_of({"v2", "v3", "v4"})) ||
                    (p.arch == "arm64" && one_of({"v8.1", "v8.2", "v8.3", "v8.4", "v8.5", "v8.6", "v8.7",
                                                  "v8.8", "v8.9", "v9", "v9.0", "v9.1", "v9.2", "v9.3",
                                                  "v9.4", "v9.5"}));
  if (!variant_ok) {
    error = "platform \"" + std::string(text) + "\": unknown " + p.arch + " variant \"" + p.variant + "\"";
    return false;
  }
  out = p;
  return true;
}

std::string uname_machine(const Platform& p) {
  if (p.arch == "amd64") return "x86_64";
  if (p.arch == "arm64") return "aarch64";
  if (p.arch == "arm") return "arm" + p.variant + "l";
  if (p.arch == "386") return "i686";
  if (p.arch == "mips64le") return "mips64";
  if (p.arch == "loong64") return "loongarch64";
  return p.arch;  // ppc64le, s390x, riscv64, mips64
}

std::string qemu_name(const Platform& p) {
  if (p.arch == "amd64") return "x86_64";
  if (p.arch == "arm64") return "aarch64";
  if (p.arch == "386") return "i386";
  if (p.arch == "mips64le") return "mips64el";
  if (p.arch == "loong64") return "loongarch64";
  return p.arch;  // arm, ppc64le, s390x, riscv64, mips64
}

Platform host_platform() {
#if defined(__x86_64__)
  return {"linux", "amd64", ""};
#elif defined(__aarch64__)
  return {"linux", "arm64", ""};
#elif defined(__arm__)
  return {"linux", "arm", "v7"};
#elif defined(__i386__)
  return {"linux", "386", ""};
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
  return {"linux", "ppc64le", ""};
#elif defined(__s390x__)
  return {"linux", "s390x", ""};
#elif defined(__riscv) && __riscv_xlen == 64
  return {"linux", "riscv64", ""};
#else
  return {"linux", "unknown", ""};
#endif
}

std::string debian_arch(const Platform& p) {
  if (p.arch == "arm") return p.variant == "v5" ? "armel" : "armhf";
  if (p.arch == "386") return "i386";
  if (p.arch == "ppc64le") return "ppc64el";
  if (p.arch == "mips64le") return "mips64el";
  if (p.arch == "mips64") return "";
  return p.arch;
}

namespace {
struct Word {
  const char* word;
  const char* arch;
  const char* variant;
};
// Spellings seen in release file names, folders, triplets and apt lines.
const Word kWords[] = {
    {"amd64", "amd64", ""},      {"x86_64", "amd64", ""},     {"x86-64", "amd64", ""},
    {"x64", "amd64", ""},        {"arm64", "arm64", ""},      {"aarch64", "arm64", ""},
    {"arm64v8", "arm64", ""},    {"armhf", "arm", "v7"},      {"armv7", "arm", "v7"},
    {"armv7l", "arm", "v7"},     {"armv7hl", "arm", "v7"},    {"arm32v7", "arm", "v7"},
    {"armv6", "arm", "v6"},      {"armv6l", "arm", "v6"},     {"arm32v6", "arm", "v6"},
    {"armel", "arm", "v5"},      {"armv5", "arm", "v5"},      {"arm32v5", "arm", "v5"},
    {"i386", "386", ""},         {"i686", "386", ""},         {"ppc64le", "ppc64le", ""},
    {"ppc64el", "ppc64le", ""},  {"s390x", "s390x", ""},      {"riscv64", "riscv64", ""},
    {"mips64el", "mips64le", ""}, {"mips64le", "mips64le", ""}, {"loong64", "loong64", ""},
    {"loongarch64", "loong64", ""},
};
}  // namespace

bool platform_of_word(std::string_view word, Platform& out) {
  std::string w = to_lower(word);
  for (const auto& k : kWords) {
    if (w == k.word) {
      out = {"linux", k.arch, k.variant};
      return true;
    }
  }
  return false;
}

std::string arch_family(std::string_view word) {
  Platform p;
  return platform_of_word(word, p) ? p.arch : "";
}

}  // namespace multiarch
