// Path patterns: Go's filepath.Match per path segment (*, ?, [...], \)
// plus "**" segments matching any number of segments, and the rules of a
// .dockerignore file (last match wins, "!" re-includes, a pattern that
// matches a directory excludes what lies below it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace multiarch {

bool has_glob_chars(std::string_view pattern);

// One segment (no '/').  A malformed pattern matches nothing.
bool match_segment(std::string_view pattern, std::string_view name);

// A relative pattern against a relative path, segment by segment.
bool match_path(std::string_view pattern, std::string_view path);

class IgnoreRules {
 public:
  // Reads .dockerignore text the way BuildKit does.
  void parse(std::string_view text);
  void add(std::string pattern);
  // Whether <path> (relative to the context) is left out of the context.
  bool ignored(std::string_view path) const;
  // Whether some "!" pattern may re-include a path below an ignored folder.
  bool has_exceptions() const { return exceptions_; }
  bool empty() const { return patterns_.empty(); }

 private:
  struct Pattern {
    std::string text;
    bool exclusion;
  };
  std::vector<Pattern> patterns_;
  bool exceptions_ = false;
};

}  // namespace multiarch
