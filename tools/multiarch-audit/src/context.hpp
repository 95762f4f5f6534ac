// The context check: reads a Dockerfile and its build context (honouring
// .dockerignore) and reports what would put a file into a variant that
// cannot run it, or make a variant depend on one CPU, with file:line.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "findings.hpp"
#include "platform.hpp"

namespace multiarch {

struct ContextOptions {
  std::string dockerfile;
  std::string context;
  std::vector<Platform> platforms;
  std::vector<std::pair<std::string, std::string>> build_args;
  // BuildKit lint findings, one per line: <line>\t<error|warning>\t<rule>\t<message>
  std::string lint_file;
};

struct ContextStats {
  size_t instructions = 0, stages = 0, files = 0, ignored = 0;
};

// Throws InputError when the Dockerfile, the context or the lint file
// cannot be read.
ContextStats check_context(const ContextOptions& options, Reporter& report);

}  // namespace multiarch
