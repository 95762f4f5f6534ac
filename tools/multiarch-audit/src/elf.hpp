// ELF identification from the first bytes of a file: class, byte order,
// machine, OS ABI, ARM float ABI and the program interpreter, and whether
// a platform can run it.  Only the header and the program headers are
// read, so a file streamed out of a tar archive needs no seeking.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "platform.hpp"

namespace multiarch {

enum class ElfStatus { not_elf, ok, malformed };

struct ElfInfo {
  ElfStatus status = ElfStatus::not_elf;
  std::string problem;  // why it is malformed
  unsigned elf_class = 0;  // 1: 32-bit, 2: 64-bit
  unsigned data = 0;       // 1: little-endian (LSB), 2: big-endian (MSB)
  unsigned osabi = 0;
  uint16_t type = 0;
  uint16_t machine = 0;
  uint32_t flags = 0;
  bool interp_known = false;  // the program headers lay within the bytes read
  std::string interp;         // PT_INTERP; empty for a static executable
  bool has_dynamic = false;   // a PT_DYNAMIC program header (dynamically linked)
};

// <head> holds the first <head_size> bytes of a file of <file_size> bytes.
ElfInfo parse_elf(const unsigned char* head, size_t head_size, uint64_t file_size);

// "64-bit LSB x86-64 executable", "32-bit LSB ARM EABI5 hard-float shared object".
std::string describe(const ElfInfo& elf);

// "64-bit LSB AArch64": what a platform's binaries are.
std::string expectation(const Platform& p);

enum class Fit {
  runs,       // the platform runs it
  compat,     // runs only with an optional kernel feature, or cannot be told
  no,         // the platform cannot run it
  unchecked,  // not a program or library (object file, core dump)
};

struct FitResult {
  Fit fit;
  std::string why;
};

FitResult check_fit(const ElfInfo& elf, const Platform& p);

}  // namespace multiarch
