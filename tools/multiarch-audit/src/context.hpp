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
  // BuildKit's checks as buildx reports them after a build (its metadata
  // file's buildx.build.warnings, BUILDX_METADATA_WARNINGS=1), one per line:
  // <line>\t<base64 of "Rule: message">\t<url>.  Reported like lint_file.
  std::string buildx_warnings;
  // false: only walk the context (for the depfile), no findings.
  bool check = true;
  // true: only BuildKit's checks (lint_file, buildx_warnings), no walk.
  bool lint_only = false;
  // A Make-style depfile: <depfile_target> depends on the context folder,
  // the Dockerfile, the ignore files, every file and folder the build sends
  // (after .dockerignore) and <depends>.  Written when <depfile> is set.
  std::string depfile, depfile_target;
  std::vector<std::string> depends;
};

struct ContextStats {
  size_t instructions = 0, stages = 0, files = 0, ignored = 0;
};

// Throws InputError when the Dockerfile, the context or the lint file
// cannot be read.
ContextStats check_context(const ContextOptions& options, Reporter& report);

// The base image of the Dockerfile's final stage, followed through
// "FROM <stage>" to the first external image, with ARG defaults and
// <build_args> (the last of a name wins, as in Docker; the one resolver is
// Model::arg_value in model.hpp) substituted: an image reference,
// "scratch", or "unknown" when it cannot be told.  Throws InputError when
// the Dockerfile cannot be read.
std::string final_base(const std::string& dockerfile,
                       const std::vector<std::pair<std::string, std::string>>& build_args,
                       const Platform& platform);

// The images that the Dockerfile's FROM lines pull, as (line, reference),
// in file order: stage names and scratch left out, ARGs substituted as for
// final_base(); a reference that cannot be told is left out.
std::vector<std::pair<int, std::string>> from_images(
    const std::string& dockerfile, const std::vector<std::pair<std::string, std::string>>& build_args,
    const Platform& platform);

}  // namespace multiarch
