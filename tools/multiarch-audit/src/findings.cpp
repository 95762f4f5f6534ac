#include "findings.hpp"

#include <cctype>

#include "common.hpp"
#include "glob.hpp"

namespace multiarch {

const std::vector<std::string>& known_rules() {
  static const std::vector<std::string> rules = {
      // context check
      "elf-for-every-platform", "elf-wrong-platform", "from-fixed-platform", "fixed-arch-url",
      "fixed-arch-repository", "dpkg-add-architecture", "foreign-arch-package", "build-stage-copy",
      "buildkit-error",
      // variant audit
      "foreign-elf", "elf-compat", "malformed-elf", "missing-interpreter", "interpreter-not-in-path",
      "missing-library", "missing-symbol-version", "undefined-symbol", "missing-entrypoint"};
  return rules;
}

bool AllowList::add(std::string_view spec, std::string& error) {
  std::string s = trim(spec);
  size_t colon = s.find(':');
  Entry e{s.substr(0, colon), colon == std::string::npos ? "" : s.substr(colon + 1)};
  bool known = false;
  for (const auto& r : known_rules()) known = known || r == e.rule;
  // BuildKit's lint rules are CamelCase (FromAsCasing, UndefinedVar, ...).
  bool lint = !e.rule.empty() && std::isupper(static_cast<unsigned char>(e.rule[0]));
  if (!known && !lint) {
    std::string list;
    for (const auto& r : known_rules()) list += (list.empty() ? "" : ", ") + r;
    error = "unknown rule \"" + e.rule + "\" in \"" + s + "\"; rules: " + list +
            ", or a BuildKit check name such as FromAsCasing";
    return false;
  }
  entries_.push_back(e);
  return true;
}

bool AllowList::allows(const Finding& f) const {
  if (f.allowed_here.count(f.rule)) return true;
  for (const auto& e : entries_) {
    if (e.rule != f.rule) continue;
    if (e.glob.empty() || match_path(e.glob, f.subject)) return true;
  }
  return false;
}

void Reporter::add(const Finding& f) {
  const char* label = "accepted";
  if (allow_.allows(f)) {
    ++accepted_;
  } else if (f.severity == Severity::error) {
    ++errors_;
    label = "error";
  } else {
    ++warnings_;
    label = "warning";
  }
  if (shown_ >= max_shown_) {
    ++hidden_;
    return;
  }
  ++shown_;
  out_ << label << ": " << f.location << ": " << f.message << " [" << f.rule << "]\n";
}

void Reporter::finish() {
  if (hidden_) out_ << "note: " << hidden_ << " more findings not shown (--max-findings " << max_shown_ << ")\n";
  out_ << "summary: " << errors_ << (errors_ == 1 ? " error, " : " errors, ") << warnings_
       << (warnings_ == 1 ? " warning, " : " warnings, ") << accepted_ << " accepted\n";
  out_.flush();
}

}  // namespace multiarch
