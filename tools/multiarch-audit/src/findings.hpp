// Findings, the rules that accept some on purpose, and their report.
//
// One finding per line, so that the CMake scripts and people read the same:
//   error: <file>[:<line>]: <message> [<rule>]
//   warning: ...
//   accepted: ...            (matched --allow or a "# multiarch: allow" comment)
// and a last line
//   summary: <n> errors, <n> warnings, <n> accepted
#pragma once

#include <cstddef>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace multiarch {

enum class Severity { error, warning };

struct Finding {
  Severity severity = Severity::error;
  std::string rule;      // e.g. "foreign-elf"
  std::string location;  // "<file>" or "<file>:<line>"
  std::string subject;   // the file an --allow glob is matched against
  std::string message;   // one line
  std::set<std::string> allowed_here;  // rules accepted by a Dockerfile comment
};

// --allow <rule>[:<glob>]: accepts the findings of <rule> whose subject
// matches <glob> (every finding of <rule> without one).
class AllowList {
 public:
  bool add(std::string_view spec, std::string& error);
  bool allows(const Finding& f) const;

 private:
  struct Entry {
    std::string rule, glob;
  };
  std::vector<Entry> entries_;
};

class Reporter {
 public:
  Reporter(std::ostream& out, const AllowList& allow, size_t max_shown)
      : out_(out), allow_(allow), max_shown_(max_shown) {}
  void add(const Finding& f);
  // Prints the "N more not shown" note and the summary line.
  void finish();
  size_t errors() const { return errors_; }
  size_t warnings() const { return warnings_; }
  size_t accepted() const { return accepted_; }

 private:
  std::ostream& out_;
  const AllowList& allow_;
  size_t max_shown_;
  size_t shown_ = 0, hidden_ = 0, errors_ = 0, warnings_ = 0, accepted_ = 0;
};

// Rule names this tool reports, for validating --allow.
const std::vector<std::string>& known_rules();

}  // namespace multiarch
