#include "dockerfile.hpp"

#include <cctype>

#include "common.hpp"

namespace multiarch {
namespace {

bool is_comment(std::string_view line) {
  std::string t = trim(line);
  return !t.empty() && t[0] == '#';
}

// "# multiarch: allow rule-a rule-b" -> adds the rules.
void read_allow(std::string_view line, std::set<std::string>& allow) {
  std::string t = trim(line);
  t = trim(std::string_view(t).substr(1));  // after '#'
  if (!starts_with(t, "multiarch:")) return;
  t = trim(std::string_view(t).substr(10));
  if (!starts_with(t, "allow")) return;
  std::string rest = t.substr(5);
  for (char& c : rest) {
    if (c == ',') c = ' ';
  }
  for (auto& r : split_ws(rest)) allow.insert(r);
}

// Heredoc words of "<<EOF", "<<-EOF", "<<'EOF'", "<<\"EOF\"" in order.
struct Heredoc {
  std::string word;
  bool strip_tabs;
};
std::vector<Heredoc> heredocs(std::string_view args) {
  std::vector<Heredoc> out;
  size_t i = 0;
  while ((i = args.find("<<", i)) != std::string_view::npos) {
    i += 2;
    bool strip = i < args.size() && args[i] == '-';
    if (strip) ++i;
    char quote = (i < args.size() && (args[i] == '\'' || args[i] == '"')) ? args[i] : 0;
    if (quote) ++i;
    size_t b = i;
    while (i < args.size() && (std::isalnum(static_cast<unsigned char>(args[i])) || args[i] == '_')) ++i;
    if (i == b || std::isdigit(static_cast<unsigned char>(args[b]))) continue;
    if (quote && (i >= args.size() || args[i] != quote)) continue;
    out.push_back({std::string(args.substr(b, i - b)), strip});
  }
  return out;
}

}  // namespace

Dockerfile parse_dockerfile(std::string_view text) {
  Dockerfile df;
  std::vector<std::string> lines = split(text, '\n');
  for (auto& l : lines) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
  }
  if (!lines.empty() && starts_with(lines[0], "\xEF\xBB\xBF")) lines[0].erase(0, 3);

  size_t i = 0;
  // Parser directives: "# name=value" lines at the very top.
  for (; i < lines.size(); ++i) {
    std::string t = trim(lines[i]);
    if (t.empty() || t[0] != '#') break;
    std::string body = trim(std::string_view(t).substr(1));
    size_t eq = body.find('=');
    if (eq == std::string::npos) break;
    std::string name = to_lower(trim(std::string_view(body).substr(0, eq)));
    std::string value = trim(std::string_view(body).substr(eq + 1));
    if (name.empty() || name.find(' ') != std::string::npos) break;
    if (name == "escape" && (value == "`" || value == "\\")) df.escape = value[0];
  }

  std::set<std::string> pending_allow;
  while (i < lines.size()) {
    const std::string& raw = lines[i];
    if (trim(raw).empty()) {
      ++i;
      continue;
    }
    if (is_comment(raw)) {
      read_allow(raw, pending_allow);
      ++i;
      continue;
    }
    Instruction ins;
    ins.line = static_cast<int>(i) + 1;
    ins.allow.swap(pending_allow);
    bool first = true;
    for (;;) {
      std::string part = lines[i];
      ++i;
      std::string right = part;
      while (!right.empty() && std::isspace(static_cast<unsigned char>(right.back()))) right.pop_back();
      bool continued = !right.empty() && right.back() == df.escape;
      if (continued) right.pop_back();
      if (first) {
        std::string t = trim(right);
        size_t sp = 0;
        while (sp < t.size() && !std::isspace(static_cast<unsigned char>(t[sp]))) ++sp;
        ins.keyword = t.substr(0, sp);
        for (char& c : ins.keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        ins.args = trim(std::string_view(t).substr(sp));
        first = false;
      } else {
        ins.args += " " + trim(right);
      }
      ins.lines.push_back({static_cast<int>(i), right});
      if (!continued) break;
      // Comment and empty lines inside a continuation are dropped.
      while (i < lines.size() && (trim(lines[i]).empty() || is_comment(lines[i]))) {
        if (is_comment(lines[i])) read_allow(lines[i], ins.allow);
        ++i;
      }
      if (i >= lines.size()) break;
    }
    ins.args = trim(ins.args);
    if (ins.keyword == "RUN" || ins.keyword == "COPY" || ins.keyword == "ADD") {
      for (const auto& h : heredocs(ins.args)) {
        while (i < lines.size()) {
          std::string body = lines[i];
          ++i;
          std::string cmp = body;
          if (h.strip_tabs) cmp.erase(0, cmp.find_first_not_of('\t') == std::string::npos ? cmp.size() : cmp.find_first_not_of('\t'));
          if (cmp == h.word) break;
          ins.heredoc.push_back({static_cast<int>(i), body});
        }
      }
    }
    ins.last_line = static_cast<int>(i);
    df.instructions.push_back(std::move(ins));
  }
  return df;
}

Arguments split_arguments(std::string_view args) {
  Arguments out;
  std::string rest = trim(args);
  // Flags come first: --from=build --chmod=755 ...
  while (starts_with(rest, "--")) {
    size_t sp = 0;
    while (sp < rest.size() && !std::isspace(static_cast<unsigned char>(rest[sp]))) ++sp;
    out.flags.push_back(rest.substr(2, sp - 2));
    rest = trim(std::string_view(rest).substr(sp));
  }
  if (starts_with(rest, "[")) {
    // JSON array of strings.
    std::vector<std::string> words;
    size_t p = 1;
    bool ok = true;
    for (;;) {
      while (p < rest.size() && std::isspace(static_cast<unsigned char>(rest[p]))) ++p;
      if (p < rest.size() && rest[p] == ']') break;
      if (p >= rest.size() || rest[p] != '"') {
        ok = false;
        break;
      }
      std::string w;
      ++p;
      while (p < rest.size() && rest[p] != '"') {
        if (rest[p] == '\\' && p + 1 < rest.size()) {
          ++p;
          char c = rest[p];
          w += c == 'n' ? '\n' : c == 't' ? '\t' : c;
        } else {
          w += rest[p];
        }
        ++p;
      }
      if (p >= rest.size()) {
        ok = false;
        break;
      }
      ++p;
      words.push_back(w);
      while (p < rest.size() && std::isspace(static_cast<unsigned char>(rest[p]))) ++p;
      if (p < rest.size() && rest[p] == ',') ++p;
    }
    if (ok) {
      out.words = words;
      return out;
    }
  }
  out.words = split_ws(rest);
  return out;
}

}  // namespace multiarch
