// The variant audit: reads one variant's filesystem as a tar stream
// (`docker export`) and checks that the platform can run every ELF file in
// it, that every script's #! interpreter exists in it, that every program
// can load (its libraries found as the platform's loader finds them, the
// symbol versions and symbols it needs defined by them), and that the
// image's ENTRYPOINT/CMD program is there.
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
  // A dynamically linked ELF file is held whole while its dynamic section
  // and symbol tables are read: in memory up to this size, in an anonymous
  // temporary file (tmpfile()) above it.  Its bytes are dropped after.
  size_t max_in_memory = 8u << 20;
  // The image's ENTRYPOINT and CMD (the config's arrays): the program they
  // start must exist in the variant and be runnable there.
  std::vector<std::string> entrypoint, cmd;
  // undefined-symbol and missing-symbol-version findings shown per program;
  // the last one names how many more there are.
  size_t max_symbols_per_program = 3;
};

struct AuditStats {
  uint64_t entries = 0, bytes = 0, elf_files = 0, scripts = 0;
  uint64_t dynamic_objects = 0, programs_checked = 0, spooled = 0;
};

// Throws InputError for input that is not a complete tar archive.
AuditStats audit_variant(Source& in, const AuditOptions& options, Reporter& report);

}  // namespace multiarch
