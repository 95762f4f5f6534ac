// The build context as the build sends it: one walk of the folder (after
// .dockerignore) gives both what the checks read (the files, their ELF
// headers, the text of repository files) and the depfile.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "context.hpp"
#include "dockerfile.hpp"
#include "elf.hpp"
#include "glob.hpp"

namespace multiarch {

// The ignore rules BuildKit applies: <Dockerfile>.dockerignore next to the
// Dockerfile if there is one, else .dockerignore at the root of the context.
IgnoreRules read_ignore_rules(const ContextOptions& o);

class BuildContext {
 public:
  BuildContext(const std::filesystem::path& root, IgnoreRules ignore)
      : root_(root), root_prefix_(prefix_of(root)), ignore_(std::move(ignore)) {}

  // The one walk: the files and folders the build sends, and the counts of
  // <stats>.  Throws InputError when the folder cannot be read.
  void walk(ContextStats& stats);

  // Relative paths, files sorted; folders in the order walked.
  const std::vector<std::string>& files() const { return files_; }
  const std::vector<std::string>& dirs() const { return dirs_; }
  // The path findings name a context file by.
  std::string display(const std::string& rel) const { return root_prefix_ + rel; }

  // Files a COPY source selects: the file, everything under a folder, or
  // what a wildcard matches (folders matched copy their content), less
  // what an --exclude pattern matches.
  std::vector<std::string> select(const std::string& source, const std::vector<std::string>& excludes) const;

  // The ELF header of a file (read once).
  const ElfInfo& elf(const std::string& rel);
  // The lines of a text file of at most 1 MiB (none when larger).
  std::vector<SourceLine> text_lines(const std::string& rel) const;

  // A Make-style depfile (o.depfile): o.depfile_target depends on the
  // context folder, the Dockerfile, the ignore files, o.depends and every
  // file and folder walked.  Throws InputError when it cannot be written.
  void write_depfile(const ContextOptions& o) const;

 private:
  // The context folder, then as the start of every path below it ("<root>/").
  static std::string prefix_of(const std::filesystem::path& root) {
    std::string s = root.string();
    return s.empty() || s.back() == '/' ? s : s + "/";
  }
  std::filesystem::path root_;
  std::string root_prefix_;
  IgnoreRules ignore_;
  std::vector<std::string> files_;
  std::vector<std::string> dirs_;  // sent folders: a file added there changes the build
  std::map<std::string, ElfInfo> elf_;
};

}  // namespace multiarch
