#include "finding_list.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

namespace multiarch {
namespace {

// A location's file and line, read back from its text "<file>[:<line>]".
std::pair<std::string, int> file_and_line(const std::string& location) {
  size_t colon = location.rfind(':');
  if (colon != std::string::npos && colon + 1 < location.size() &&
      std::all_of(location.begin() + static_cast<long>(colon) + 1, location.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return {location.substr(0, colon), std::atoi(location.c_str() + colon + 1)};
  }
  return {location, 0};
}

}  // namespace

void FindingList::add(Severity severity, const std::string& rule, const Location& where,
                      const std::string& subject, const std::string& message,
                      const std::set<std::string>* allowed, Origin origin) {
  Finding f;
  f.severity = severity;
  f.rule = rule;
  f.location = where.str();
  f.subject = subject;
  f.message = message;
  if (allowed) f.allowed_here = *allowed;
  entries_.push_back({std::move(f), origin});
}

bool FindingList::has(const std::string& rule, const Location& where) const {
  const std::string location = where.str();
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) {
    return e.finding.rule == rule && e.finding.location == location;
  });
}

std::vector<Finding> FindingList::ordered(bool buildkit_only) const {
  std::vector<Finding> all;
  for (const auto& e : entries_) {
    if (!buildkit_only || e.origin == Origin::buildkit) all.push_back(e.finding);
  }
  // In file order: the Dockerfile's lines first, then files of the context;
  // as found where two share a line.
  std::stable_sort(all.begin(), all.end(), [&](const Finding& a, const Finding& b) {
    auto ka = file_and_line(a.location), kb = file_and_line(b.location);
    bool da = ka.first == dockerfile_, db = kb.first == dockerfile_;
    if (da != db) return da;
    return ka < kb;
  });
  std::vector<Finding> out;
  std::set<std::string> seen;
  for (auto& f : all) {
    if (seen.insert(f.rule + "\n" + f.location + "\n" + f.message).second) out.push_back(std::move(f));
  }
  return out;
}

void FindingList::report(Reporter& report, bool buildkit_only) const {
  for (const auto& f : ordered(buildkit_only)) report.add(f);
}

}  // namespace multiarch
