// The context check's findings as they are found, and their report: in
// file order (the Dockerfile's lines first, then files of the context),
// each once.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "findings.hpp"

namespace multiarch {

// Where a finding is: a file, and a line of it (0 or less: the whole file).
struct Location {
  std::string file;
  int line = 0;
  std::string str() const { return line > 0 ? file + ":" + std::to_string(line) : file; }
};

class FindingList {
 public:
  // Whose check a finding is: ours, or one of BuildKit's that we report.
  enum class Origin { ours, buildkit };

  // <dockerfile>: the path the Dockerfile's findings are located in.
  explicit FindingList(std::string dockerfile) : dockerfile_(std::move(dockerfile)) {}

  // The one way a finding is recorded.  <subject>: the file an --allow
  // glob is matched against; <allowed>: the rules a "# multiarch: allow"
  // comment accepts where it is found (nullptr: none).
  void add(Severity severity, const std::string& rule, const Location& where, const std::string& subject,
           const std::string& message, const std::set<std::string>* allowed = nullptr,
           Origin origin = Origin::ours);

  // Whether a finding of <rule> is recorded at <where>.
  bool has(const std::string& rule, const Location& where) const;

  // The findings in report order, once each; with <buildkit_only> only BuildKit's.
  std::vector<Finding> ordered(bool buildkit_only = false) const;
  // Hands them to <report> in that order.
  void report(Reporter& report, bool buildkit_only = false) const;

 private:
  struct Entry {
    Finding finding;
    Origin origin;
  };
  std::string dockerfile_;
  std::vector<Entry> entries_;
};

}  // namespace multiarch
