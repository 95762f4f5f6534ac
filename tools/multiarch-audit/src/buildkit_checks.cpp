#include "buildkit_checks.hpp"

#include <cstdlib>
#include <fstream>
#include <set>

#include "common.hpp"

namespace multiarch {
namespace {

// One of BuildKit's checks at line <number> of the Dockerfile; a
// "# multiarch: allow" comment above the instruction holding that line accepts it.
void add_check(const ContextOptions& o, const Model& model, FindingList& findings, int number,
               Severity severity, const std::string& rule, const std::string& message) {
  const Location where{o.dockerfile, number};
  // Ours already says it, with the fix.
  if (rule == "FromPlatformFlagConstDisallowed" && findings.has("from-fixed-platform", where)) return;
  const Instruction* at = nullptr;
  for (const auto& ins : model.instructions()) {
    if (number >= ins.line && number <= ins.last_line) at = &ins;
  }
  findings.add(severity, rule, where, "", message + " (BuildKit check)", at ? &at->allow : nullptr,
               FindingList::Origin::buildkit);
}

// <line>\t<error|warning>\t<rule>\t<message> per line.
void read_lint_file(const ContextOptions& o, const Model& model, FindingList& findings) {
  std::ifstream in(o.lint_file);
  if (!in) throw InputError("cannot read the lint file " + o.lint_file);
  std::string line;
  while (std::getline(in, line)) {
    auto parts = split(line, '\t');
    if (parts.size() < 4) continue;
    std::string message = parts[3];
    for (size_t i = 4; i < parts.size(); ++i) message += " " + parts[i];
    add_check(o, model, findings, std::atoi(parts[0].c_str()),
              parts[1] == "error" ? Severity::error : Severity::warning, parts[2], message);
  }
}

// <line>\t<base64 of "Rule: message">\t<url> per line; one per rule and
// line, whatever the platforms.
void read_buildx_warnings(const ContextOptions& o, const Model& model, FindingList& findings) {
  std::ifstream in(o.buildx_warnings);
  if (!in) throw InputError("cannot read the build warnings " + o.buildx_warnings);
  std::string line;
  std::set<std::string> seen;
  while (std::getline(in, line)) {
    auto parts = split(line, '\t');
    if (parts.size() < 2) continue;
    // "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)"
    std::string text = base64_decode(parts[1]);
    size_t colon = text.find(": ");
    if (colon == std::string::npos) continue;
    std::string rule = text.substr(0, colon), message = text.substr(colon + 2);
    size_t where = message.rfind(" (line ");
    if (where != std::string::npos && message.back() == ')') message.erase(where);
    if (parts.size() > 2 && !parts[2].empty()) message += " (" + parts[2] + ")";
    if (!seen.insert(parts[0] + "\t" + rule).second) continue;
    add_check(o, model, findings, std::atoi(parts[0].c_str()), Severity::warning, rule, message);
  }
}

}  // namespace

void add_buildkit_checks(const ContextOptions& o, const Model& model, FindingList& findings) {
  if (!o.lint_file.empty()) read_lint_file(o, model, findings);
  if (!o.buildx_warnings.empty()) read_buildx_warnings(o, model, findings);
}

}  // namespace multiarch
