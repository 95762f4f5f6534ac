// The context check's orchestration: read the Dockerfile into its model,
// walk the build context once (findings and depfile), hand each
// instruction to the rules that read it, add BuildKit's checks and report.
// The model is in model.cpp, the walk in build_context.cpp, the rules in
// rules.cpp.
#include "context.hpp"

#include <algorithm>
#include <filesystem>

#include "build_context.hpp"
#include "buildkit_checks.hpp"
#include "common.hpp"
#include "finding_list.hpp"
#include "model.hpp"
#include "rules.hpp"

namespace fs = std::filesystem;

namespace multiarch {
namespace {

// COPY sources that are not context files: heredocs and URLs (their lines
// are checked as lines).
bool remote_or_heredoc(const std::string& src) {
  return starts_with(src, "<<") || starts_with(src, "http://") || starts_with(src, "https://") ||
         starts_with(src, "ftp://") || starts_with(src, "git@") || ends_with(src, ".git");
}

bool repository_file(const std::string& rel) {
  std::string base = rel.substr(rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/') + 1);
  return ends_with(base, ".list") || ends_with(base, ".sources") || ends_with(base, ".repo");
}

// The rules of a COPY or ADD's sources, in the order they are written.
void check_copy(RuleContext& rc, const Instruction& ins, size_t stage, Kind kind, const std::vector<Vars>& vars) {
  Arguments a = split_arguments(ins.args);
  if (a.words.size() < 2) return;
  std::vector<std::string> sources(a.words.begin(), a.words.end() - 1);
  std::string from = flag(a, "from");
  if (!from.empty()) {
    rules::build_stage_copy(rc, ins, from, sources, stage, kind, vars.empty() ? Vars{} : vars[0]);
    return;
  }
  std::vector<std::string> excludes = flags(a, "exclude");
  for (const auto& src : sources) {
    if (remote_or_heredoc(src) || kind != Kind::target) continue;
    std::vector<std::string> per;
    for (const auto& v : vars) per.push_back(clean_relative(rc.model.expand(src, v)));
    if (std::any_of(per.begin(), per.end(), [&](const std::string& s) { return s != per[0]; })) {
      rules::elf_wrong_platform(rc, ins, src, per, excludes);
      continue;
    }
    for (const auto& file : rc.files.select(per[0], excludes)) {
      if (rc.files.elf(file).status != ElfStatus::not_elf) {
        rules::elf_for_every_platform(rc, ins, src, file);
      } else if (repository_file(file)) {
        rules::fixed_arch_repository_file(rc, ins, file);
      }
    }
  }
}

// The rules of a RUN, COPY or ADD's lines (URLs, apt and dpkg commands).
void check_lines(RuleContext& rc, const Instruction& ins, Kind kind, const std::vector<Vars>& vars) {
  if (kind == Kind::fixed || kind == Kind::unknown) return;
  LineScan scan = scan_lines(rc.model, ins, kind, vars);
  rules::fixed_arch_repository(rc, scan);
  rules::dpkg_add_architecture(rc, scan);
  rules::foreign_arch_package(rc, scan);
  rules::fixed_arch_url(rc, scan);
}

void check_stage(RuleContext& rc, size_t s) {
  const Stage& st = rc.model.stages()[s];
  // A stage fixed to one platform that ends up in the image is checked as
  // if it were built per platform: once its FROM is fixed, the rest of it
  // must work for every platform too.
  const Kind kind = st.kind == Kind::fixed && st.in_final ? Kind::target : st.kind;
  std::vector<Vars> vars(rc.platforms().size());
  for (size_t i = st.first; i <= st.last; ++i) {
    const Instruction& ins = rc.model.instructions()[i];
    if (ins.keyword == "FROM") {
      rules::from_fixed_platform(rc, ins, st);
    } else if (ins.keyword == "ARG" || ins.keyword == "ENV") {
      rc.model.declare(ins, vars);
    } else if (ins.keyword == "COPY" || ins.keyword == "ADD") {
      check_copy(rc, ins, s, kind, vars);
      check_lines(rc, ins, kind, vars);
    } else if (ins.keyword == "RUN") {
      check_lines(rc, ins, kind, vars);
    }
  }
}

}  // namespace

ContextStats check_context(const ContextOptions& o, Reporter& report) {
  if (o.platforms.empty()) throw InputError("no --platform given");
  Dockerfile df = read_dockerfile(o.dockerfile, /*folder_is_empty=*/true);
  IgnoreRules ignore = read_ignore_rules(o);
  if (!fs::is_directory(o.context)) throw InputError("the build context " + o.context + " is not a directory");
  BuildContext context(fs::path(o.context), ignore);
  ContextStats stats;
  if (!o.lint_only) context.walk(stats);
  if (!o.depfile.empty()) context.write_depfile(o);
  if (!o.check) return stats;

  Model model(std::move(df), o.platforms, o.build_args);
  stats.stages = model.stages().size();
  stats.instructions = model.instructions().size();
  FindingList findings(o.dockerfile);
  RuleContext rc{model, context, findings, o.dockerfile, {}};
  for (size_t s = 0; s < model.stages().size(); ++s) check_stage(rc, s);
  rules::elf_wrong_platform_in_folders(rc);
  add_buildkit_checks(o, model, findings);
  // --lint-only: BuildKit's checks alone (our rules ran only to leave out
  // what they report themselves).
  findings.report(report, o.lint_only);
  return stats;
}

std::string final_base(const std::string& dockerfile, const BuildArgs& build_args, const Platform& platform) {
  return Model(read_dockerfile(dockerfile), {platform}, build_args).final_base();
}

std::vector<std::pair<int, std::string>> from_images(const std::string& dockerfile, const BuildArgs& build_args,
                                                     const Platform& platform) {
  return Model(read_dockerfile(dockerfile), {platform}, build_args).from_images();
}

}  // namespace multiarch
