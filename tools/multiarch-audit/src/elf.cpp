#include "elf.hpp"

#include <cstring>

#include "common.hpp"

namespace multiarch {
namespace {

constexpr uint16_t kExec = 2, kDyn = 3;
constexpr uint16_t kEm386 = 3, kEmMips = 8, kEmPpc64 = 21, kEmS390 = 22, kEmArm = 40,
                   kEmX8664 = 62, kEmAarch64 = 183, kEmRiscv = 243, kEmLoongArch = 258;
constexpr uint32_t kArmFloatSoft = 0x200, kArmFloatHard = 0x400;

struct Reader {
  const unsigned char* p;
  size_t size;
  bool big;
  // Reads an unsigned integer of <n> bytes at <off>; false if out of range.
  bool get(uint64_t off, unsigned n, uint64_t& out) const {
    if (off > size || n > size - off) return false;
    out = 0;
    for (unsigned i = 0; i < n; ++i) {
      unsigned shift = big ? 8 * (n - 1 - i) : 8 * i;
      out |= static_cast<uint64_t>(p[off + i]) << shift;
    }
    return true;
  }
};

const char* machine_name(uint16_t m) {
  switch (m) {
    case 2: return "SPARC";
    case kEm386: return "Intel 80386";
    case 7: return "Intel 80860";
    case kEmMips: return "MIPS";
    case 20: return "PowerPC";
    case kEmPpc64: return "PowerPC64";
    case kEmS390: return "IBM S/390";
    case kEmArm: return "ARM";
    case 43: return "SPARC V9";
    case kEmX8664: return "x86-64";
    case kEmAarch64: return "AArch64";
    case kEmRiscv: return "RISC-V";
    case 247: return "eBPF";
    case kEmLoongArch: return "LoongArch";
    default: return nullptr;
  }
}

std::string machine_text(uint16_t m) {
  const char* n = machine_name(m);
  return n ? n : "machine " + std::to_string(m);
}

// "hard", "soft" or "" (not recorded) for a 32-bit ARM file.
std::string arm_float_abi(const ElfInfo& e) {
  if (e.flags & kArmFloatHard) return "hard";
  if (e.flags & kArmFloatSoft) return "soft";
  if (ends_with(e.interp, "ld-linux-armhf.so.3")) return "hard";
  if (ends_with(e.interp, "/ld-linux.so.3")) return "soft";
  return "";
}

struct Expect {
  unsigned elf_class, data;
  uint16_t machine;
};

bool expected(const Platform& p, Expect& e) {
  const std::string& a = p.arch;
  if (a == "amd64") e = {2, 1, kEmX8664};
  else if (a == "arm64") e = {2, 1, kEmAarch64};
  else if (a == "arm") e = {1, 1, kEmArm};
  else if (a == "386") e = {1, 1, kEm386};
  else if (a == "ppc64le") e = {2, 1, kEmPpc64};
  else if (a == "s390x") e = {2, 2, kEmS390};
  else if (a == "riscv64") e = {2, 1, kEmRiscv};
  else if (a == "mips64le") e = {2, 1, kEmMips};
  else if (a == "mips64") e = {2, 2, kEmMips};
  else if (a == "loong64") e = {2, 1, kEmLoongArch};
  else return false;
  return true;
}

std::string shape(unsigned cls, unsigned data, uint16_t machine) {
  return std::string(cls == 2 ? "64-bit" : "32-bit") + (data == 2 ? " MSB " : " LSB ") +
         machine_text(machine);
}

}  // namespace

ElfInfo parse_elf(const unsigned char* head, size_t head_size, uint64_t file_size) {
  ElfInfo e;
  if (head_size < 4 || std::memcmp(head, "\x7f" "ELF", 4) != 0) return e;
  e.status = ElfStatus::malformed;
  if (head_size < 16) {
    e.problem = "ELF header cut off after " + std::to_string(head_size) + " bytes";
    return e;
  }
  e.elf_class = head[4];
  e.data = head[5];
  e.osabi = head[7];
  if (e.elf_class != 1 && e.elf_class != 2) {
    e.problem = "invalid ELF class " + std::to_string(e.elf_class);
    return e;
  }
  if (e.data != 1 && e.data != 2) {
    e.problem = "invalid ELF byte order " + std::to_string(e.data);
    return e;
  }
  if (head[6] != 1) {
    e.problem = "unknown ELF version " + std::to_string(head[6]);
    return e;
  }
  const bool is64 = e.elf_class == 2;
  const size_t header = is64 ? 64 : 52;
  if (head_size < header) {
    e.problem = "ELF header cut off after " + std::to_string(head_size) + " of " +
                std::to_string(header) + " bytes";
    return e;
  }
  Reader r{head, head_size, e.data == 2};
  uint64_t v = 0;
  r.get(16, 2, v);
  e.type = static_cast<uint16_t>(v);
  r.get(18, 2, v);
  e.machine = static_cast<uint16_t>(v);
  uint64_t phoff = 0, phentsize = 0, phnum = 0;
  r.get(is64 ? 32 : 28, is64 ? 8 : 4, phoff);
  r.get(is64 ? 48 : 36, 4, v);
  e.flags = static_cast<uint32_t>(v);
  r.get(is64 ? 54 : 42, 2, phentsize);
  r.get(is64 ? 56 : 44, 2, phnum);
  e.status = ElfStatus::ok;

  // Program headers: only for PT_INTERP.  Absent, or beyond what was read:
  // the interpreter is unknown, which is not an error.
  if (phnum == 0 || phnum == 0xffff) {
    e.interp_known = phnum == 0;
    return e;
  }
  const uint64_t min_ent = is64 ? 56 : 32;
  if (phentsize < min_ent) {
    e.status = ElfStatus::malformed;
    e.problem = "program header entries of " + std::to_string(phentsize) + " bytes (expected " +
                std::to_string(min_ent) + ")";
    return e;
  }
  const uint64_t table = phentsize * phnum;  // both < 2^16: no overflow
  if (phoff > file_size || table > file_size - phoff) {
    e.status = ElfStatus::malformed;
    e.problem = "program headers lie beyond the end of the file";
    return e;
  }
  if (phoff > head_size || table > head_size - phoff) return e;
  e.interp_known = true;
  for (uint64_t i = 0; i < phnum; ++i) {
    uint64_t base = phoff + i * phentsize, type = 0;
    r.get(base, 4, type);
    if (type == 2) e.has_dynamic = true;  // PT_DYNAMIC
  }
  for (uint64_t i = 0; i < phnum; ++i) {
    uint64_t base = phoff + i * phentsize, type = 0, off = 0, size = 0;
    r.get(base, 4, type);
    if (type != 3) continue;  // PT_INTERP
    r.get(base + (is64 ? 8 : 4), is64 ? 8 : 4, off);
    r.get(base + (is64 ? 32 : 16), is64 ? 8 : 4, size);
    if (size > 4096) {
      e.status = ElfStatus::malformed;
      e.problem = "a program interpreter entry of " + std::to_string(size) + " bytes";
      return e;
    }
    // Empty or beyond the end: a separate debug file (/usr/lib/debug) keeps
    // the program headers of a program whose contents it left out.
    if (size == 0 || off > file_size || size > file_size - off || off > head_size ||
        size > head_size - off) {
      e.interp_known = false;
      return e;
    }
    const char* s = reinterpret_cast<const char*>(head + off);
    e.interp.assign(s, strnlen(s, static_cast<size_t>(size)));
    break;
  }
  return e;
}

std::string describe(const ElfInfo& e) {
  if (e.status != ElfStatus::ok) return "malformed ELF file (" + e.problem + ")";
  std::string out = shape(e.elf_class, e.data, e.machine);
  if (e.machine == kEmArm && e.elf_class == 1) {
    unsigned eabi = e.flags >> 24;
    if (eabi) out += " EABI" + std::to_string(eabi);
    std::string fl = arm_float_abi(e);
    if (!fl.empty()) out += " " + fl + "-float";
  }
  switch (e.type) {
    case kExec: out += " executable"; break;
    case kDyn: out += e.interp.empty() ? " shared object" : " executable"; break;
    case 1: out += " relocatable object"; break;
    case 4: out += " core file"; break;
    default: out += " file of type " + std::to_string(e.type);
  }
  if (e.osabi != 0 && e.osabi != 3) out += " for OS ABI " + std::to_string(e.osabi);
  return out;
}

std::string expectation(const Platform& p) {
  Expect x{};
  if (!expected(p, x)) return "binaries of " + p.str();
  std::string out = shape(x.elf_class, x.data, x.machine);
  if (p.arch == "arm") out += p.variant == "v5" ? " soft-float" : (p.variant == "v7" ? " hard-float" : "");
  return out;
}

FitResult check_fit(const ElfInfo& e, const Platform& p) {
  if (e.status != ElfStatus::ok || (e.type != kExec && e.type != kDyn)) return {Fit::unchecked, ""};
  Expect x{};
  if (!expected(p, x)) return {Fit::unchecked, ""};
  if (e.osabi != 0 && e.osabi != 3) {
    return {Fit::no, "it is built for OS ABI " + std::to_string(e.osabi) + ", not Linux"};
  }
  if (e.elf_class == x.elf_class && e.data == x.data && e.machine == x.machine) {
    if (p.arch != "arm") return {Fit::runs, ""};
    if ((e.flags >> 24) == 0) {
      return {Fit::no, "it uses the old ARM ABI (no EABI version); Linux runs EABI binaries"};
    }
    std::string fl = arm_float_abi(e);
    if (p.variant == "v7" && fl == "soft") {
      return {Fit::no, "it uses the soft-float ABI (armel); " + p.str() + " uses hard-float (armhf)"};
    }
    if (p.variant == "v5" && fl == "hard") {
      return {Fit::no, "it uses the hard-float ABI (armhf); " + p.str() + " is soft-float (armel)"};
    }
    if (p.variant == "v7" && fl.empty()) {
      return {Fit::compat, "its float ABI is not recorded; " + p.str() + " needs hard-float"};
    }
    return {Fit::runs, ""};
  }
  if (p.arch == "amd64" && e.elf_class == 1 && e.data == 1 && e.machine == kEmX8664) {
    return {Fit::compat, "an x32 ABI program runs on amd64 only where the kernel has x32 support"};
  }
  if (p.arch == "amd64" && e.elf_class == 1 && e.data == 1 && e.machine == kEm386) {
    return {Fit::compat, "a 32-bit x86 program runs on amd64 only where the kernel has IA-32 "
                         "emulation and the image has 32-bit libraries"};
  }
  if (p.arch == "arm64" && e.elf_class == 1 && e.data == 1 && e.machine == kEmArm) {
    return {Fit::compat, "a 32-bit ARM program runs on arm64 only on CPUs and kernels that "
                         "support AArch32"};
  }
  return {Fit::no, p.str() + " runs " + expectation(p)};
}

}  // namespace multiarch
