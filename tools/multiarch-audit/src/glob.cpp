#include "glob.hpp"

#include "common.hpp"

namespace multiarch {

bool has_glob_chars(std::string_view p) { return p.find_first_of("*?[\\") != std::string_view::npos; }

namespace {

// Matches a character class starting after '['; sets <end> past ']'.
// Returns false for a malformed class (no closing bracket).
bool match_class(std::string_view p, size_t start, char c, bool& matched, size_t& end) {
  size_t i = start;
  bool negate = false;
  if (i < p.size() && (p[i] == '^' || p[i] == '!')) {
    negate = true;
    ++i;
  }
  bool any = false, first = true;
  while (i < p.size() && (p[i] != ']' || first)) {
    first = false;
    char lo = p[i];
    if (lo == '\\') {
      if (++i >= p.size()) return false;
      lo = p[i];
    }
    ++i;
    char hi = lo;
    if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
      hi = p[i + 1];
      if (hi == '\\') {
        if (i + 2 >= p.size()) return false;
        hi = p[i + 2];
        ++i;
      }
      i += 2;
    }
    if (lo <= c && c <= hi) any = true;
  }
  if (i >= p.size()) return false;
  end = i + 1;
  matched = any != negate;
  return true;
}

bool match_here(std::string_view p, size_t pi, std::string_view s, size_t si) {
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      while (pi < p.size() && p[pi] == '*') ++pi;
      if (pi == p.size()) return true;
      for (size_t k = si; k <= s.size(); ++k) {
        if (match_here(p, pi, s, k)) return true;
      }
      return false;
    }
    if (si >= s.size()) return false;
    if (c == '?') {
      ++pi;
      ++si;
    } else if (c == '[') {
      bool matched = false;
      size_t end = 0;
      if (!match_class(p, pi + 1, s[si], matched, end) || !matched) return false;
      pi = end;
      ++si;
    } else {
      if (c == '\\') {
        if (++pi >= p.size()) return false;
        c = p[pi];
      }
      if (c != s[si]) return false;
      ++pi;
      ++si;
    }
  }
  return si == s.size();
}

}  // namespace

bool match_segment(std::string_view pattern, std::string_view name) {
  return match_here(pattern, 0, name, 0);
}

bool match_path(std::string_view pattern, std::string_view path) {
  auto ps = split(clean_relative(pattern), '/');
  auto ss = split(clean_relative(path), '/');
  if (ps.size() == 1 && ps[0].empty()) ps.clear();
  if (ss.size() == 1 && ss[0].empty()) ss.clear();
  // reach[j]: the pattern's first i segments can match the path's first j.
  std::vector<char> reach(ss.size() + 1, 0), next(ss.size() + 1, 0);
  reach[0] = 1;
  for (const auto& seg : ps) {
    std::fill(next.begin(), next.end(), 0);
    if (seg == "**") {
      bool on = false;
      for (size_t j = 0; j <= ss.size(); ++j) {
        on = on || reach[j];
        next[j] = on;
      }
    } else {
      for (size_t j = 0; j < ss.size(); ++j) {
        if (reach[j] && match_segment(seg, ss[j])) next[j + 1] = 1;
      }
    }
    reach.swap(next);
  }
  return reach[ss.size()] != 0;
}

void IgnoreRules::parse(std::string_view text) {
  bool first = true;
  for (auto line : split(text, '\n')) {
    if (first && starts_with(line, "\xEF\xBB\xBF")) line.erase(0, 3);
    first = false;
    if (starts_with(line, "#")) continue;
    add(trim(line));
  }
}

void IgnoreRules::add(std::string pattern) {
  if (pattern.empty()) return;
  bool exclusion = pattern[0] == '!';
  if (exclusion) pattern = trim(std::string_view(pattern).substr(1));
  pattern = clean_relative(pattern);
  if (pattern.empty()) pattern = ".";
  exceptions_ = exceptions_ || exclusion;
  patterns_.push_back({pattern, exclusion});
}

bool IgnoreRules::ignored(std::string_view path) const {
  if (patterns_.empty()) return false;
  std::string clean = clean_relative(path);
  auto parts = split(clean, '/');
  bool result = false;
  for (const auto& pat : patterns_) {
    bool m = pat.text == "." || match_path(pat.text, clean);
    // A pattern that matches a parent folder matches what lies in it.
    std::string parent;
    for (size_t i = 0; !m && i + 1 < parts.size(); ++i) {
      parent += (i ? "/" : "") + parts[i];
      m = match_path(pat.text, parent);
    }
    if (m) result = !pat.exclusion;
  }
  return result;
}

}  // namespace multiarch
