// A Dockerfile reader that keeps line numbers: instructions with their
// physical lines (continuations joined, comments dropped), heredoc bodies,
// parser directives and "# multiarch: allow <rule>..." comments.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace multiarch {

struct SourceLine {
  int number;
  std::string text;
};

struct Instruction {
  std::string keyword;             // upper case: FROM, RUN, COPY, ...
  int line = 0;                    // where it starts
  int last_line = 0;               // where it ends, heredocs included
  std::string args;                // after the keyword, continuations joined
  std::vector<SourceLine> lines;   // physical lines, without continuation marks
  std::vector<SourceLine> heredoc; // heredoc bodies
  std::set<std::string> allow;     // rules accepted by a comment above it
};

struct Dockerfile {
  char escape = '\\';
  std::vector<Instruction> instructions;
};

Dockerfile parse_dockerfile(std::string_view text);

// Splits instruction arguments the way the Dockerfile frontend does for
// COPY, ADD and FROM: a JSON array of strings, or words.  Leading --flags
// are returned separately (without their "--").
struct Arguments {
  std::vector<std::string> flags;
  std::vector<std::string> words;
};
Arguments split_arguments(std::string_view args);

}  // namespace multiarch
