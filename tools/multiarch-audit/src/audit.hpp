// The variant audit: reads one variant's filesystem as a tar stream
// (`docker export`) and checks that the platform can run every ELF file in
// it, and that every script's #! interpreter exists in it.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "common.hpp"
#include "findings.hpp"
#include "platform.hpp"

namespace multiarch {

struct AuditOptions {
  Platform platform;
  // Folders searched for the program of "#!/usr/bin/env <program>".
  std::vector<std::string> path_dirs = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                        "/usr/bin", "/sbin", "/bin"};
  // Bytes kept from the start of each file: the ELF and program headers.
  size_t head_size = 64 * 1024;
  size_t read_buffer = 1 << 20;
};

struct AuditStats {
  uint64_t entries = 0, bytes = 0, elf_files = 0, scripts = 0;
};

// Throws InputError for input that is not a complete tar archive.
AuditStats audit_variant(Source& in, const AuditOptions& options, Reporter& report);

}  // namespace multiarch
