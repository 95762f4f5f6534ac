// The rules of the context check, one function per rule, named for its
// rule id.  Each reads the Dockerfile model and the build context and
// records what it finds in a FindingList; context.cpp decides which rule
// looks at which instruction.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "build_context.hpp"
#include "finding_list.hpp"
#include "model.hpp"

namespace multiarch {

// What every rule reads and where it reports.
struct RuleContext {
  const Model& model;
  BuildContext& files;
  FindingList& findings;
  std::string dockerfile;  // the Dockerfile's path, as findings name it
  // Context files a COPY rule reported: the folder check leaves them out.
  std::set<std::string> reported_files;

  Location at(int line) const { return {dockerfile, line}; }
  const std::vector<Platform>& platforms() const { return model.platforms(); }
};

// The lines of a RUN, COPY or ADD that the line rules read.
struct LineScan {
  const Instruction& ins;
  std::vector<SourceLine> lines;  // physical lines, then heredoc bodies
  const std::vector<Vars>& vars;  // the stage's variables, per platform
  bool selection = false;         // the instruction chooses by architecture at run time
  bool build = false;             // in a stage that runs on the build platform
};
LineScan scan_lines(const Model& model, const Instruction& ins, Kind kind, const std::vector<Vars>& vars);

namespace rules {

// from-fixed-platform: FROM --platform=<one platform> when building for several.
void from_fixed_platform(RuleContext& rc, const Instruction& from, const Stage& stage);

// build-stage-copy: COPY --from=<stage> of a stage that runs on the build
// platform (or a fixed one) and never uses the target platform.
void build_stage_copy(RuleContext& rc, const Instruction& copy, const std::string& from,
                      const std::vector<std::string>& sources, size_t stage, Kind kind, const Vars& vars);

// elf-for-every-platform: <file>, selected by the COPY source <source> that
// is the same for every platform, is a program some platform cannot run.
void elf_for_every_platform(RuleContext& rc, const Instruction& copy, const std::string& source,
                            const std::string& file);

// elf-wrong-platform: a COPY source that differs per platform (<per_platform>,
// ARGs substituted) selects a program that platform cannot run.
void elf_wrong_platform(RuleContext& rc, const Instruction& copy, const std::string& source,
                        const std::vector<std::string>& per_platform, const std::vector<std::string>& excludes);
// elf-wrong-platform, second half: a program in a context folder named for
// one of the platforms (linux/arm64/..., arm64/...) that the platform
// cannot run, unless a COPY rule reported it already.
void elf_wrong_platform_in_folders(RuleContext& rc);

// fixed-arch-repository: an apt "[arch=...]" list or a deb822
// "Architectures:" line in the instruction's text that leaves platforms out.
void fixed_arch_repository(RuleContext& rc, const LineScan& scan);
// fixed-arch-repository in a file that a COPY puts into every variant
// (*.list, *.sources, *.repo).
void fixed_arch_repository_file(RuleContext& rc, const Instruction& copy, const std::string& file);

// dpkg-add-architecture: dpkg --add-architecture <one architecture>.
void dpkg_add_architecture(RuleContext& rc, const LineScan& scan);

// foreign-arch-package: apt-get install <package>:<architecture>.
void foreign_arch_package(RuleContext& rc, const LineScan& scan);

// fixed-arch-url: a download URL that names one architecture, used for
// every platform.  Such a URL on a package repository line is reported as
// fixed-arch-repository.
void fixed_arch_url(RuleContext& rc, const LineScan& scan);

}  // namespace rules
}  // namespace multiarch
