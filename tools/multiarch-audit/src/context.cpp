#include "context.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common.hpp"
#include "dockerfile.hpp"
#include "elf.hpp"
#include "glob.hpp"

namespace fs = std::filesystem;

namespace multiarch {
namespace {

using Vars = std::map<std::string, std::string>;

// Stands for the build host's platform in FROM --platform values: what
// depends on it is "built on the build platform", whatever that is.
const std::string kBuildMark = "\x01" "build-platform" "\x01";

const char* const kTargetArgs[] = {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"};
const char* const kBuildArgs[] = {"BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"};

bool is_auto_arg(const std::string& name) {
  for (auto* a : kTargetArgs) if (name == a) return true;
  for (auto* a : kBuildArgs) if (name == a) return true;
  return false;
}

Vars auto_args(const Platform& p) {
  return {{"TARGETPLATFORM", p.str()}, {"TARGETOS", p.os},     {"TARGETARCH", p.arch},
          {"TARGETVARIANT", p.variant}, {"BUILDPLATFORM", kBuildMark}, {"BUILDOS", kBuildMark},
          {"BUILDARCH", kBuildMark},    {"BUILDVARIANT", kBuildMark}};
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Dockerfile variable expansion: $NAME, ${NAME}, ${NAME:-word}, ${NAME-word},
// ${NAME:+word}, ${NAME+word}; the escape character protects a '$'.
// Variables not in <vars> expand to "" and set <unknown>.
std::string expand(std::string_view s, const Vars& vars, char escape, bool* unknown = nullptr) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == escape && i + 1 < s.size() && s[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (c != '$' || i + 1 >= s.size()) {
      out += c;
      continue;
    }
    std::string name, op, word;
    size_t j = i + 1;
    if (s[j] == '{') {
      size_t close = s.find('}', j);
      if (close == std::string_view::npos) {
        out += c;
        continue;
      }
      std::string_view inner = s.substr(j + 1, close - j - 1);
      size_t k = 0;
      while (k < inner.size() && name_char(inner[k])) ++k;
      name = inner.substr(0, k);
      std::string_view rest = inner.substr(k);
      if (starts_with(rest, ":-") || starts_with(rest, ":+")) {
        op = rest.substr(0, 2);
        word = rest.substr(2);
      } else if (starts_with(rest, "-") || starts_with(rest, "+")) {
        op = rest.substr(0, 1);
        word = rest.substr(1);
      }
      i = close;
    } else if (name_char(s[j]) && !std::isdigit(static_cast<unsigned char>(s[j]))) {
      while (j < s.size() && name_char(s[j])) ++j;
      name = s.substr(i + 1, j - i - 1);
      i = j - 1;
    } else {
      out += c;
      continue;
    }
    auto it = vars.find(name);
    bool set = it != vars.end();
    std::string value = set ? it->second : "";
    if (!set && op.empty() && unknown) *unknown = true;
    if (op == ":-") out += value.empty() ? expand(word, vars, escape, unknown) : value;
    else if (op == "-") out += set ? value : expand(word, vars, escape, unknown);
    else if (op == ":+") out += value.empty() ? "" : expand(word, vars, escape, unknown);
    else if (op == "+") out += set ? expand(word, vars, escape, unknown) : "";
    else out += value;
  }
  return out;
}

// KEY=VALUE pairs of ENV (or the legacy "ENV KEY VALUE"), quotes removed.
std::vector<std::pair<std::string, std::string>> env_pairs(const std::string& args) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string t = trim(args);
  size_t sp = t.find_first_of(" \t");
  size_t eq = t.find('=');
  if (eq == std::string::npos || (sp != std::string::npos && sp < eq)) {
    if (sp != std::string::npos) out.emplace_back(t.substr(0, sp), trim(std::string_view(t).substr(sp)));
    return out;
  }
  size_t i = 0;
  while (i < t.size()) {
    while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
    std::string word;
    char quote = 0;
    for (; i < t.size(); ++i) {
      char c = t[i];
      if (quote) {
        if (c == quote) quote = 0;
        else word += c;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        break;
      } else {
        word += c;
      }
    }
    size_t e = word.find('=');
    if (e != std::string::npos) out.emplace_back(word.substr(0, e), word.substr(e + 1));
  }
  return out;
}

std::string flag(const Arguments& a, const std::string& name) {
  for (const auto& f : a.flags) {
    if (starts_with(f, name + "=")) return f.substr(name.size() + 1);
  }
  return "";
}

std::vector<std::string> flags(const Arguments& a, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& f : a.flags) {
    if (starts_with(f, name + "=")) out.push_back(f.substr(name.size() + 1));
  }
  return out;
}

bool mentions_target(std::string_view s) {
  for (auto* a : kTargetArgs) if (contains(s, a)) return true;
  return false;
}

// Does the instruction choose by architecture at run time?
bool selects_arch(std::string_view s) {
  static const char* const kSelectors[] = {
      "uname -m", "uname -p", "$(arch)", "`arch`", "dpkg --print-architecture",
      "dpkg-architecture", "apk --print-arch", "%{_arch}", "$basearch", "GOARCH", "rpm --eval"};
  if (mentions_target(s)) return true;
  for (auto* k : kSelectors) if (contains(s, k)) return true;
  return false;
}

// The words of a URL, split at its punctuation.
std::vector<std::string> words_of(std::string_view s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      w += c;
    } else {
      if (!w.empty()) out.push_back(w);
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(w);
  return out;
}

// Architectures a URL or path names: {"amd64"} for ".../tool_linux_x86_64.tgz".
std::set<std::string> arch_words(std::string_view s) {
  std::set<std::string> out;
  // "x86_64" holds an underscore, "x86-64" a dash: look for both spellings
  // before splitting into words.
  std::string low = to_lower(s);
  for (const char* two : {"x86_64", "x86-64"}) {
    for (size_t p = low.find(two); p != std::string::npos; p = low.find(two, p + 1)) {
      bool before = p == 0 || !std::isalnum(static_cast<unsigned char>(low[p - 1]));
      size_t e = p + 6;
      bool after = e >= low.size() || !std::isalnum(static_cast<unsigned char>(low[e]));
      if (before && after) out.insert("amd64");
    }
  }
  auto words = words_of(low);
  for (size_t i = 0; i < words.size(); ++i) {
    std::string fam = arch_family(words[i]);
    if (!fam.empty()) out.insert(fam);
    // "linux_386", "linux-386": 386 alone is too common a number.
    if (words[i] == "386" && i > 0 && words[i - 1] == "linux") out.insert("386");
    if (starts_with(words[i], "linux_")) {
      for (auto& part : split(words[i], '_')) {
        std::string f = arch_family(part);
        if (!f.empty()) out.insert(f);
        if (part == "386") out.insert("386");
      }
    } else if (contains(words[i], "_")) {
      for (auto& part : split(words[i], '_')) {
        std::string f = arch_family(part);
        if (!f.empty() && part != "x64") out.insert(f);
      }
    }
  }
  return out;
}

std::vector<std::pair<size_t, std::string>> urls_in(std::string_view line) {
  std::vector<std::pair<size_t, std::string>> out;
  for (const char* scheme : {"https://", "http://", "ftp://"}) {
    for (size_t p = line.find(scheme); p != std::string_view::npos; p = line.find(scheme, p + 1)) {
      size_t e = p;
      while (e < line.size() && !std::isspace(static_cast<unsigned char>(line[e])) &&
             std::string_view("\"'<>|;&()`").find(line[e]) == std::string_view::npos) {
        ++e;
      }
      out.emplace_back(p, std::string(line.substr(p, e - p)));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

enum class Kind { target, build, fixed, unknown };

struct Stage {
  std::string name;
  int parent = -1;
  Kind kind = Kind::target;
  Platform fixed;
  bool uses_target = false;
  bool in_final = false;
  size_t first = 0, last = 0;  // instruction indices
  std::string base;            // FROM's image or stage, ARGs substituted (first platform)
  bool base_unknown = false;   // names an ARG without a value
};

class Context {
 public:
  Context(const fs::path& root, IgnoreRules ignore) : root_(root), ignore_(std::move(ignore)) {}

  void walk(ContextStats& stats) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied, ec);
    if (ec) throw InputError("cannot read the build context " + root_.string() + ": " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) throw InputError("cannot read the build context " + root_.string() + ": " + ec.message());
      std::string rel = it->path().lexically_relative(root_).generic_string();
      auto st = it->symlink_status(ec);
      if (ec) continue;
      bool ign = ignore_.ignored(rel);
      if (fs::is_directory(st)) {
        if (ign && !ignore_.has_exceptions()) {
          it.disable_recursion_pending();
          ++stats.ignored;
        }
        if (!ign) dirs_.push_back(rel);
        continue;
      }
      if (!fs::is_regular_file(st)) continue;
      if (ign) {
        ++stats.ignored;
        continue;
      }
      files_.push_back(rel);
    }
    std::sort(files_.begin(), files_.end());
    stats.files = files_.size();
  }

  const std::vector<std::string>& files() const { return files_; }
  const std::vector<std::string>& dirs() const { return dirs_; }
  std::string display(const std::string& rel) const { return (root_ / rel).string(); }

  // Files a COPY source selects: the file, everything under a folder, or
  // what a wildcard matches (folders matched copy their content).
  std::vector<std::string> select(const std::string& source, const std::vector<std::string>& excludes) const {
    std::string p = clean_relative(source);
    std::vector<std::string> out;
    bool glob = has_glob_chars(p);
    for (const auto& f : files_) {
      bool m = p.empty() || f == p || starts_with(f, p + "/");
      if (!m && glob) {
        m = match_path(p, f);
        std::string parent;
        auto parts = split(f, '/');
        for (size_t i = 0; !m && i + 1 < parts.size(); ++i) {
          parent += (i ? "/" : "") + parts[i];
          m = match_path(p, parent);
        }
      }
      if (!m) continue;
      bool excluded = false;
      for (const auto& x : excludes) {
        std::string below = (!p.empty() && starts_with(f, p + "/")) ? f.substr(p.size() + 1) : f;
        IgnoreRules r;
        r.add(x);
        excluded = excluded || r.ignored(f) || r.ignored(below);
      }
      if (!excluded) out.push_back(f);
    }
    return out;
  }

  const ElfInfo& elf(const std::string& rel) {
    auto it = elf_.find(rel);
    if (it != elf_.end()) return it->second;
    ElfInfo info;
    std::error_code ec;
    fs::path path = root_ / rel;
    uint64_t size = fs::file_size(path, ec);
    std::ifstream in(path, std::ios::binary);
    if (!ec && in) {
      std::vector<char> head(static_cast<size_t>(std::min<uint64_t>(size, 64 * 1024)));
      in.read(head.data(), static_cast<std::streamsize>(head.size()));
      info = parse_elf(reinterpret_cast<const unsigned char*>(head.data()),
                       static_cast<size_t>(in.gcount()), size);
    }
    return elf_.emplace(rel, info).first->second;
  }

  std::vector<SourceLine> text_lines(const std::string& rel) const {
    std::vector<SourceLine> out;
    std::error_code ec;
    fs::path path = root_ / rel;
    if (fs::file_size(path, ec) > (1 << 20) || ec) return out;
    std::ifstream in(path);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) out.push_back({++n, line});
    return out;
  }

 private:
  fs::path root_;
  IgnoreRules ignore_;
  std::vector<std::string> files_;
  std::vector<std::string> dirs_;  // sent folders: a file added there changes the build
  std::map<std::string, ElfInfo> elf_;
};

// The platform a folder in a context path stands for: ".../linux/arm64/...",
// ".../arm64/...", ".../tool_linux_arm64/...".  Only folders count, not the
// file's own name.
bool folder_platform(const std::string& rel, Platform& out) {
  auto parts = split(rel, '/');
  bool found = false;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string c = to_lower(parts[i]);
    Platform p;
    std::string err;
    if (c == "linux" && i + 2 < parts.size()) {
      std::string spec = "linux/" + to_lower(parts[i + 1]);
      if (i + 3 < parts.size() && (parts[i + 2] == "v5" || parts[i + 2] == "v6" || parts[i + 2] == "v7" ||
                                   parts[i + 2] == "v8")) {
        spec += "/" + parts[i + 2];
      }
      if (parse_platform(spec, p, err)) {
        out = p;
        found = true;
        continue;
      }
    }
    if (platform_of_word(c, p) && c != "x64") {
      out = p;
      found = true;
      continue;
    }
    // tool_linux_arm64, app-linux-armv7
    std::string flat = c;
    std::replace(flat.begin(), flat.end(), '-', '_');
    auto words = split(flat, '_');
    for (size_t k = 0; k + 1 < words.size(); ++k) {
      if (words[k] != "linux") continue;
      std::string spec = "linux/" + words[k + 1];
      if (k + 2 < words.size() && words[k + 2].size() == 2 && words[k + 2][0] == 'v') spec += "/" + words[k + 2];
      if (parse_platform(spec, p, err) || platform_of_word(words[k + 1], p)) {
        out = p;
        found = true;
      }
    }
  }
  return found;
}

class Checker {
 public:
  Checker(const ContextOptions& o, Context& ctx, const Dockerfile& df, std::vector<Finding>& out)
      : o_(o), ctx_(ctx), df_(df), out_(out) {}

  void run(ContextStats& stats);
  // The final stage's base image: see final_base() in context.hpp.
  std::string final_base();
  // The images the FROM lines pull: see from_images() in context.hpp.
  std::vector<std::pair<int, std::string>> from_images();

 private:
  void add(const Instruction* ins, Severity sev, const std::string& rule, int line,
           const std::string& subject, const std::string& message) {
    if (o_.lint_only && !in_lint_) return;
    Finding f;
    f.severity = sev;
    f.rule = rule;
    f.location = line > 0 ? o_.dockerfile + ":" + std::to_string(line) : o_.dockerfile;
    f.subject = subject;
    f.message = message;
    if (ins) f.allowed_here = ins->allow;
    out_.push_back(f);
  }

  std::string platforms_text(const std::vector<Platform>& ps) const {
    std::vector<std::string> v;
    for (const auto& p : ps) v.push_back(p.str());
    return join(v);
  }

  void evaluate_stages();
  // The value of `ARG <word>` (NAME or NAME=default) for platform <k>: the
  // platform's own for TARGETARCH and the other automatic ARGs, else the last
  // --build-arg of that name, else the default expanded in <scope>, else in a
  // stage the global ARG's value.  The one ARG resolver of the checks.
  std::string arg_value(const std::string& word, size_t k, const Vars& scope, bool in_stage) const;
  void check_from(const Instruction& ins, const Stage& st);
  void check_copy(const Instruction& ins, size_t stage, Kind kind, const std::vector<Vars>& vars);
  void check_lines(const Instruction& ins, Kind kind, const std::vector<Vars>& vars);
  void check_repository_file(const Instruction& ins, const std::string& rel);
  void check_folders();
  void merge_lint();
  void add_lint(int line, Severity severity, const std::string& rule, const std::string& message);
  bool in_lint_ = false;  // add() is reporting one of BuildKit's checks
  // Architectures that a repository line's arch list leaves out.
  std::vector<std::string> missing_debian_arches(const std::vector<std::string>& listed) const;
  int stage_of(const std::string& ref, size_t before) const;

  const ContextOptions& o_;
  Context& ctx_;
  const Dockerfile& df_;
  std::vector<Finding>& out_;
  std::vector<Stage> stages_;
  std::vector<Vars> global_;          // per platform: global ARGs and automatic ones
  std::set<std::string> global_names_;
  std::set<std::string> reported_files_;
  std::set<int> from_lines_;
};

int Checker::stage_of(const std::string& ref, size_t before) const {
  std::string r = to_lower(ref);
  bool digits = !r.empty() && std::all_of(r.begin(), r.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  if (digits && r.size() < 6) {
    size_t idx = std::stoul(r);
    return idx < before ? static_cast<int>(idx) : -1;
  }
  for (size_t i = 0; i < before && i < stages_.size(); ++i) {
    if (stages_[i].name == r) return static_cast<int>(i);
  }
  return -1;
}

std::string Checker::arg_value(const std::string& word, size_t k, const Vars& scope, bool in_stage) const {
  size_t eq = word.find('=');
  std::string name = word.substr(0, eq);
  if (is_auto_arg(name)) return global_[k].at(name);
  std::string value;
  bool given = false;
  for (const auto& [key, v] : o_.build_args) {  // the last one given wins, as in Docker
    if (key == name) {
      value = v;
      given = true;
    }
  }
  if (given) return value;
  if (eq != std::string::npos) return expand(word.substr(eq + 1), scope, df_.escape);
  if (in_stage && global_names_.count(name)) return global_[k].at(name);
  return "";
}

void Checker::evaluate_stages() {
  for (const auto& p : o_.platforms) global_.push_back(auto_args(p));
  for (size_t i = 0; i < df_.instructions.size(); ++i) {
    const Instruction& ins = df_.instructions[i];
    if (ins.keyword == "ARG" && stages_.empty()) {
      for (const auto& word : split_ws(ins.args)) {
        std::string name = word.substr(0, word.find('='));
        if (is_auto_arg(name)) continue;
        for (size_t k = 0; k < global_.size(); ++k) global_[k][name] = arg_value(word, k, global_[k], false);
        global_names_.insert(name);
      }
      continue;
    }
    if (!stages_.empty() && ins.keyword != "FROM") {
      stages_.back().last = i;
      if (mentions_target(ins.args)) stages_.back().uses_target = true;
      for (const auto& h : ins.heredoc) {
        if (mentions_target(h.text)) stages_.back().uses_target = true;
      }
    }
    if (ins.keyword != "FROM") continue;
    Arguments a = split_arguments(ins.args);
    Stage st;
    st.first = st.last = i;
    if (a.words.size() >= 3 && to_lower(a.words[1]) == "as") st.name = to_lower(a.words[2]);
    if (!a.words.empty()) {
      bool unknown = false;
      st.base = global_.empty() ? a.words[0] : expand(a.words[0], global_[0], df_.escape, &unknown);
      st.base_unknown = unknown;
      st.parent = stage_of(st.base, stages_.size());
    }
    std::string plat = flag(a, "platform");
    if (plat.empty()) {
      if (st.parent >= 0) {
        st.kind = stages_[st.parent].kind;
        st.fixed = stages_[st.parent].fixed;
      }
    } else {
      std::vector<std::string> values;
      for (size_t k = 0; k < o_.platforms.size(); ++k) values.push_back(expand(plat, global_[k], df_.escape));
      bool all_build = true, all_target = true, all_same = true;
      for (size_t k = 0; k < values.size(); ++k) {
        all_build = all_build && contains(values[k], kBuildMark);
        all_target = all_target && values[k] == o_.platforms[k].str();
        all_same = all_same && values[k] == values[0];
      }
      Platform fixed;
      std::string err;
      if (all_build) st.kind = Kind::build;
      else if (all_target) st.kind = Kind::target;
      else if (all_same && parse_platform(values[0], fixed, err)) {
        st.kind = Kind::fixed;
        st.fixed = fixed;
      } else {
        st.kind = Kind::unknown;
      }
    }
    stages_.push_back(st);
  }
  // Stages whose files end up in the image: the last one and its bases.
  for (int s = static_cast<int>(stages_.size()) - 1; s >= 0; s = stages_[s].parent) {
    stages_[s].in_final = true;
  }
  // A stage built on another inherits its use of the target platform.
  for (auto& st : stages_) {
    if (st.parent >= 0 && stages_[st.parent].uses_target) st.uses_target = true;
  }
}

void Checker::check_from(const Instruction& ins, const Stage& st) {
  if (st.kind != Kind::fixed) return;
  std::vector<Platform> others;
  for (const auto& p : o_.platforms) {
    if (p != st.fixed) others.push_back(p);
  }
  if (others.empty()) return;
  from_lines_.insert(ins.line);
  std::string what = "FROM --platform=" + st.fixed.str();
  if (st.in_final) {
    add(&ins, Severity::error, "from-fixed-platform", ins.line, "",
        what + " fixes the image to one CPU: the " + platforms_text(others) +
            " variant would hold " + st.fixed.str() +
            " files. Fix: drop --platform (or use --platform=$TARGETPLATFORM); a stage that only "
            "builds may use --platform=$BUILDPLATFORM");
  } else {
    add(&ins, Severity::warning, "from-fixed-platform", ins.line, "",
        what + " fixes stage " + (st.name.empty() ? "" : "\"" + st.name + "\" ") + "to one CPU; what other stages copy from it is " +
            st.fixed.str() + " code in every variant. Fix: use --platform=$BUILDPLATFORM and build for $TARGETPLATFORM");
  }
}

void Checker::check_copy(const Instruction& ins, size_t stage, Kind kind, const std::vector<Vars>& vars) {
  Arguments a = split_arguments(ins.args);
  if (a.words.size() < 2) return;
  std::vector<std::string> sources(a.words.begin(), a.words.end() - 1);
  std::string from = flag(a, "from");
  if (!from.empty()) {
    int src = stage_of(expand(from, vars.empty() ? Vars{} : vars[0], df_.escape), stage);
    if (src < 0 || kind != Kind::target) return;
    const Stage& s = stages_[src];
    if ((s.kind == Kind::build || s.kind == Kind::fixed) && !s.uses_target) {
      std::string runs = s.kind == Kind::build ? "the build platform ($BUILDPLATFORM)" : s.fixed.str();
      add(&ins, Severity::warning, "build-stage-copy", ins.line, "",
          ins.keyword + " --from=" + from + " copies " + join(sources, " ") + " from a stage that runs on " + runs +
              " and never uses TARGETARCH or TARGETPLATFORM: every variant gets the same files. If they are "
              "programs, build or download them for $TARGETPLATFORM");
    }
    return;
  }
  std::vector<std::string> excludes = flags(a, "exclude");
  for (const auto& src : sources) {
    if (starts_with(src, "<<")) continue;  // heredoc: checked as lines
    if (starts_with(src, "http://") || starts_with(src, "https://") || starts_with(src, "ftp://") ||
        starts_with(src, "git@") || ends_with(src, ".git")) {
      continue;  // URLs are checked as lines
    }
    if (kind != Kind::target) continue;
    std::vector<std::string> per;
    for (const auto& v : vars) per.push_back(clean_relative(expand(src, v, df_.escape)));
    bool constant = std::all_of(per.begin(), per.end(), [&](const std::string& s) { return s == per[0]; });
    if (constant) {
      for (const auto& file : ctx_.select(per[0], excludes)) {
        const ElfInfo& elf = ctx_.elf(file);
        if (elf.status == ElfStatus::not_elf) {
          std::string base = file.substr(file.rfind('/') == std::string::npos ? 0 : file.rfind('/') + 1);
          if (ends_with(base, ".list") || ends_with(base, ".sources") || ends_with(base, ".repo")) {
            check_repository_file(ins, file);
          }
          continue;
        }
        std::vector<Platform> cannot, compat;
        std::string why;
        for (const auto& p : o_.platforms) {
          FitResult fit = check_fit(elf, p);
          if (fit.fit == Fit::no) cannot.push_back(p);
          if (fit.fit == Fit::compat) compat.push_back(p);
          if (fit.fit == Fit::no && why.empty()) why = fit.why;
          if (fit.fit == Fit::compat && why.empty()) why = fit.why;
        }
        if (cannot.empty() && compat.empty()) continue;
        reported_files_.insert(file);
        bool error = !cannot.empty();
        // The file's path below a platform's folder: linux/amd64/usr/local/bin/ninja
        // is usr/local/bin/ninja of every platform's build.
        std::string per_platform = file;
        for (const auto& p : o_.platforms) {
          if (starts_with(file, p.str() + "/")) per_platform = file.substr(p.str().size() + 1);
        }
        add(&ins, error ? Severity::error : Severity::warning, "elf-for-every-platform", ins.line, file,
            ins.keyword + " " + src + " copies \"" + file + "\", a " + describe(elf) +
                ", into every variant, but " + platforms_text(error ? cannot : compat) +
                (error ? " cannot run it" : " may not run it") + " (" + why +
                "). Fix: build it for each platform into <platform>/" + per_platform +
                " (ARTIFACTS does) and copy that platform's: " + ins.keyword + " ${TARGETPLATFORM}/" +
                per_platform + " ... after ARG TARGETPLATFORM");
      }
      continue;
    }
    for (size_t k = 0; k < o_.platforms.size(); ++k) {
      const Platform& p = o_.platforms[k];
      for (const auto& file : ctx_.select(per[k], excludes)) {
        const ElfInfo& elf = ctx_.elf(file);
        FitResult fit = check_fit(elf, p);
        if (fit.fit != Fit::no && fit.fit != Fit::compat) continue;
        reported_files_.insert(file);
        add(&ins, fit.fit == Fit::no ? Severity::error : Severity::warning, "elf-wrong-platform", ins.line, file,
            ins.keyword + " " + src + " puts \"" + file + "\", a " + describe(elf) + ", into the " + p.str() +
                " variant: " + fit.why);
      }
    }
  }
}

std::vector<std::string> Checker::missing_debian_arches(const std::vector<std::string>& listed) const {
  std::vector<std::string> missing;
  for (const auto& p : o_.platforms) {
    std::string d = debian_arch(p);
    if (d.empty()) continue;
    bool have = false;
    for (const auto& l : listed) have = have || to_lower(l) == d || arch_family(l) == p.arch;
    if (!have) missing.push_back(p.str() + " (" + d + ")");
  }
  return missing;
}

// The architectures an apt "[arch=a,b]" option or a deb822
// "Architectures: a b" field lists; false when the line has neither.
bool repository_arches(const std::string& line, std::vector<std::string>& out) {
  std::string low = to_lower(line);
  size_t p = low.find("arch=");
  if (p != std::string::npos && (contains(low, "deb ") || contains(low, "deb-src ")) &&
      low.rfind('[', p) != std::string::npos) {
    size_t e = p + 5;
    while (e < low.size() && low[e] != ' ' && low[e] != ']' && low[e] != '"' && low[e] != '\'') ++e;
    out = split(line.substr(p + 5, e - p - 5), ',');
    return true;
  }
  std::string t = trim(low);
  if (starts_with(t, "architectures:")) {
    out = split_ws(trim(line).substr(14));
    return true;
  }
  return false;
}

void Checker::check_repository_file(const Instruction& ins, const std::string& rel) {
  for (const auto& l : ctx_.text_lines(rel)) {
    std::vector<std::string> arches;
    std::string what;
    if (repository_arches(l.text, arches)) {
      if (contains(l.text, "$")) continue;
      auto missing = missing_debian_arches(arches);
      if (missing.empty()) continue;
      what = "lists packages for " + join(arches, ",") + " only; " + join(missing) + " would get none";
    } else if (contains(to_lower(l.text), "baseurl") && !contains(l.text, "$basearch")) {
      auto fam = arch_words(l.text);
      if (fam.empty()) continue;
      std::vector<std::string> missing;
      for (const auto& p : o_.platforms) {
        if (!fam.count(p.arch)) missing.push_back(p.str());
      }
      if (missing.empty()) continue;
      what = "names a fixed architecture in its URL; " + join(missing) + " would get packages for another CPU. Use $basearch";
    } else {
      continue;
    }
    Finding f;
    f.severity = Severity::error;
    f.rule = "fixed-arch-repository";
    f.location = ctx_.display(rel) + ":" + std::to_string(l.number);
    f.subject = rel;
    f.message = "package repository line copied into every variant (by " + ins.keyword + " at line " +
                std::to_string(ins.line) + ") " + what;
    f.allowed_here = ins.allow;
    out_.push_back(f);
  }
}

void Checker::check_lines(const Instruction& ins, Kind kind, const std::vector<Vars>& vars) {
  if (kind == Kind::fixed || kind == Kind::unknown) return;
  std::vector<SourceLine> lines = ins.lines;
  lines.insert(lines.end(), ins.heredoc.begin(), ins.heredoc.end());
  std::string all = ins.args;
  for (const auto& h : ins.heredoc) all += "\n" + h.text;
  bool selection = selects_arch(all);
  // A Dockerfile variable whose value differs per platform also selects.
  for (size_t k = 1; !selection && k < vars.size(); ++k) {
    selection = expand(all, vars[0], df_.escape) != expand(all, vars[k], df_.escape);
  }
  const bool build = kind == Kind::build;

  struct Hit {
    int line;
    std::string url;
    std::set<std::string> arches;
    bool repository;
  };
  std::vector<Hit> hits;
  std::set<std::string> families;
  for (const auto& l : lines) {
    std::string low = to_lower(l.text);
    bool repo_line = contains(low, "deb ") || contains(low, "deb-src ") || contains(low, "baseurl") ||
                     contains(low, "mirrorlist") || contains(low, "uris:");
    for (const auto& [pos, url] : urls_in(l.text)) {
      std::string value = url;
      if (contains(url, "$")) {
        bool unknown = false;
        std::vector<std::string> per;
        for (const auto& v : vars) per.push_back(expand(url, v, df_.escape, &unknown));
        if (unknown) continue;  // a shell variable: chosen at run time
        if (std::any_of(per.begin(), per.end(), [&](const std::string& s) { return s != per[0]; })) continue;
        value = per.empty() ? url : per[0];
        if (contains(value, "$basearch")) continue;
      }
      auto arches = arch_words(value);
      if (arches.empty()) continue;
      families.insert(arches.begin(), arches.end());
      hits.push_back({l.number, value, arches, repo_line});
    }

    // apt "[arch=...]" lists and deb822 "Architectures:" in RUN text.
    std::vector<std::string> listed;
    if (!build && repository_arches(l.text, listed) && !contains(l.text, "$")) {
      auto missing = missing_debian_arches(listed);
      if (!missing.empty()) {
        add(&ins, selection ? Severity::warning : Severity::error, "fixed-arch-repository", l.number, "",
            "package repository line lists " + join(listed, ",") + " only; " + join(missing) +
                " would get no packages from it. Fix: arch=$(dpkg --print-architecture), or drop the arch option");
      }
    }
    if (!build) {
      size_t d = low.find("dpkg --add-architecture");
      if (d != std::string::npos) {
        auto words = split_ws(std::string_view(l.text).substr(d + 23));
        std::string arch = words.empty() ? "" : words[0];
        if (!contains(arch, "$")) {
          add(&ins, Severity::warning, "dpkg-add-architecture", l.number, "",
              "dpkg --add-architecture " + arch + " adds the same foreign architecture to every variant; "
              "what is installed for it is " + arch + " code on every platform");
        }
      }
      if ((contains(low, "apt-get") || contains(low, "apt ") || contains(low, "aptitude")) &&
          contains(low, "install")) {
        for (const auto& w : split_ws(l.text)) {
          size_t c = w.rfind(':');
          if (c == std::string::npos || c == 0 || w[0] == '-' || contains(w, "/") || contains(w, "$")) continue;
          std::string arch = to_lower(w.substr(c + 1));
          std::string fam = arch_family(arch);
          if (fam.empty()) continue;
          std::vector<std::string> foreign;
          for (const auto& p : o_.platforms) {
            if (debian_arch(p) != arch) foreign.push_back(p.str());
          }
          if (foreign.empty()) continue;
          add(&ins, Severity::warning, "foreign-arch-package", l.number, "",
              "installs " + w + " for one architecture in every variant; on " + join(foreign) +
                  " it is foreign code. Fix: install " + w.substr(0, c) + " without :" + arch);
        }
      }
    }
  }
  for (const auto& h : hits) {
    std::vector<std::string> named(h.arches.begin(), h.arches.end());
    std::vector<std::string> others;
    for (const auto& p : o_.platforms) {
      if (!h.arches.count(p.arch)) others.push_back(p.str());
    }
    const char* rule = h.repository ? "fixed-arch-repository" : "fixed-arch-url";
    std::string what = h.repository ? "package repository URL " : "download URL ";
    if (families.size() >= 2) continue;  // one URL per architecture: chosen at run time
    if (build) {
      if (selection) continue;
      add(&ins, Severity::warning, rule, h.line, "",
          what + h.url + " names " + join(named, "/") +
              " in a stage that runs on the build platform: the build works only on such a builder. "
              "Fix: use ARG BUILDARCH in the URL");
      continue;
    }
    if (others.empty()) continue;
    if (selection) {
      add(&ins, Severity::warning, rule, h.line, "",
          what + h.url + " names only " + join(named, "/") + " although the instruction selects by "
              "architecture; check that " + join(others) + " get their own file");
    } else {
      add(&ins, Severity::error, rule, h.line, "",
          what + h.url + " names " + join(named, "/") + " but is used for every platform: " + join(others) +
              " would get a file for another CPU. Fix: build the URL from ARG TARGETARCH (e.g. ...-linux-${TARGETARCH}...)");
    }
  }
}

void Checker::check_folders() {
  for (const auto& file : ctx_.files()) {
    if (reported_files_.count(file)) continue;
    Platform p;
    if (!folder_platform(file, p)) continue;
    if (std::find(o_.platforms.begin(), o_.platforms.end(), p) == o_.platforms.end()) continue;
    const ElfInfo& elf = ctx_.elf(file);
    FitResult fit = check_fit(elf, p);
    if (fit.fit != Fit::no && fit.fit != Fit::compat) continue;
    Finding f;
    f.severity = fit.fit == Fit::no ? Severity::error : Severity::warning;
    f.rule = "elf-wrong-platform";
    f.location = ctx_.display(file);
    f.subject = file;
    f.message = "is a " + describe(elf) + " in a folder for " + p.str() + ": " + fit.why;
    out_.push_back(f);
  }
}

void Checker::add_lint(int number, Severity severity, const std::string& rule, const std::string& message) {
  // Ours already says it, with the fix.
  if (rule == "FromPlatformFlagConstDisallowed" && from_lines_.count(number)) return;
  const Instruction* at = nullptr;
  for (const auto& ins : df_.instructions) {
    if (number >= ins.line && number <= ins.last_line) at = &ins;
  }
  in_lint_ = true;
  add(at, severity, rule, number, "", message + " (BuildKit check)");
  in_lint_ = false;
}

void Checker::merge_lint() {
  if (!o_.lint_file.empty()) {
    std::ifstream in(o_.lint_file);
    if (!in) throw InputError("cannot read the lint file " + o_.lint_file);
    std::string line;
    while (std::getline(in, line)) {
      auto parts = split(line, '\t');
      if (parts.size() < 4) continue;
      std::string message = parts[3];
      for (size_t i = 4; i < parts.size(); ++i) message += " " + parts[i];
      add_lint(std::atoi(parts[0].c_str()), parts[1] == "error" ? Severity::error : Severity::warning,
               parts[2], message);
    }
  }
  if (!o_.buildx_warnings.empty()) {
    std::ifstream in(o_.buildx_warnings);
    if (!in) throw InputError("cannot read the build warnings " + o_.buildx_warnings);
    std::string line;
    std::set<std::string> seen;  // one per rule and line, whatever the platforms
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
      add_lint(std::atoi(parts[0].c_str()), Severity::warning, rule, message);
    }
  }
}

void Checker::run(ContextStats& stats) {
  evaluate_stages();
  stats.stages = stages_.size();
  stats.instructions = df_.instructions.size();
  for (size_t s = 0; s < stages_.size(); ++s) {
    const Stage& st = stages_[s];
    // A stage fixed to one platform that ends up in the image is checked as
    // if it were built per platform: once its FROM is fixed, the rest of it
    // must work for every platform too.
    const Kind kind = st.kind == Kind::fixed && st.in_final ? Kind::target : st.kind;
    std::vector<Vars> vars(o_.platforms.size());
    for (size_t i = st.first; i <= st.last; ++i) {
      const Instruction& ins = df_.instructions[i];
      if (ins.keyword == "FROM") {
        check_from(ins, st);
      } else if (ins.keyword == "ARG") {
        for (const auto& word : split_ws(ins.args)) {
          std::string name = word.substr(0, word.find('='));
          for (size_t k = 0; k < vars.size(); ++k) vars[k][name] = arg_value(word, k, vars[k], true);
        }
      } else if (ins.keyword == "ENV") {
        for (const auto& [key, value] : env_pairs(ins.args)) {
          for (auto& v : vars) v[key] = expand(value, v, df_.escape);
        }
      } else if (ins.keyword == "COPY" || ins.keyword == "ADD") {
        check_copy(ins, s, kind, vars);
        check_lines(ins, kind, vars);
      } else if (ins.keyword == "RUN") {
        check_lines(ins, kind, vars);
      }
    }
  }
  check_folders();
  merge_lint();
}

std::string Checker::final_base() {
  evaluate_stages();
  if (stages_.empty()) return "unknown";
  int s = static_cast<int>(stages_.size()) - 1;
  for (int hops = 0; stages_[s].parent >= 0 && hops < 1000; ++hops) s = stages_[s].parent;
  const Stage& st = stages_[s];
  const std::string& ref = st.base;
  bool bad = st.base_unknown || ref.empty() || contains(ref, kBuildMark) || ref.find_first_of(" \t$") != std::string::npos ||
             ref[0] == ':' || ref[0] == '@' || ref[0] == '/' || ref.back() == ':' || ref.back() == '/' ||
             ref.back() == '@' || contains(ref, "//") || contains(ref, "::");
  if (bad) return "unknown";
  if (to_lower(ref) == "scratch") return "scratch";
  return ref;
}

std::vector<std::pair<int, std::string>> Checker::from_images() {
  evaluate_stages();
  std::vector<std::pair<int, std::string>> out;
  for (const Stage& st : stages_) {
    if (st.parent >= 0 || st.base_unknown || st.base.empty() || to_lower(st.base) == "scratch") continue;
    if (st.base.find_first_of(" \t$") != std::string::npos || contains(st.base, kBuildMark)) continue;
    out.emplace_back(df_.instructions[st.first].line, st.base);
  }
  return out;
}

}  // namespace

namespace {
Dockerfile read_dockerfile(const std::string& dockerfile) {
  std::error_code ec;
  std::ifstream in(dockerfile, std::ios::binary);
  if (!in || fs::is_directory(dockerfile, ec)) throw InputError("cannot read the Dockerfile " + dockerfile);
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError("cannot read the Dockerfile " + dockerfile);
  return parse_dockerfile(text.str());
}
}  // namespace

namespace {
// Runs <query> on a Checker of the Dockerfile alone (no context), for one platform.
template <class Query>
auto query_dockerfile(const std::string& dockerfile,
                      const std::vector<std::pair<std::string, std::string>>& build_args,
                      const Platform& platform, Query query) {
  Dockerfile df = read_dockerfile(dockerfile);
  ContextOptions o;
  o.dockerfile = dockerfile;
  o.platforms = {platform};
  o.build_args = build_args;
  Context ctx(fs::path("."), IgnoreRules());
  std::vector<Finding> unused;
  Checker checker(o, ctx, df, unused);
  return query(checker);
}
}  // namespace

std::vector<std::pair<int, std::string>> from_images(
    const std::string& dockerfile, const std::vector<std::pair<std::string, std::string>>& build_args,
    const Platform& platform) {
  return query_dockerfile(dockerfile, build_args, platform, [](Checker& c) { return c.from_images(); });
}

std::string final_base(const std::string& dockerfile,
                       const std::vector<std::pair<std::string, std::string>>& build_args,
                       const Platform& platform) {
  return query_dockerfile(dockerfile, build_args, platform, [](Checker& c) { return c.final_base(); });
}

namespace {
// Make's escaping, as Ninja and Make read depfiles.
std::string make_path(const std::string& p) {
  std::string out;
  for (char c : p) {
    if (c == ' ' || c == '#' || c == '\\') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

void write_depfile(const ContextOptions& o, const Context& ctx) {
  std::vector<std::string> paths = {o.context, o.dockerfile};
  for (const std::string& p : {o.context + "/.dockerignore", o.dockerfile + ".dockerignore"}) {
    std::error_code ec;
    if (fs::exists(p, ec)) paths.push_back(p);
  }
  paths.insert(paths.end(), o.depends.begin(), o.depends.end());
  for (const auto& f : ctx.files()) paths.push_back(ctx.display(f));
  for (const auto& d : ctx.dirs()) paths.push_back(ctx.display(d));
  std::string tmp = o.depfile + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << make_path(o.depfile_target) << ":";
    std::set<std::string> seen;
    for (const auto& p : paths) {
      if (seen.insert(p).second) out << " \\\n  " << make_path(p);
    }
    out << "\n";
    if (!out) throw InputError("cannot write the depfile " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, o.depfile, ec);
  if (ec) throw InputError("cannot write the depfile " + o.depfile + ": " + ec.message());
}
}  // namespace

ContextStats check_context(const ContextOptions& o, Reporter& report) {
  if (o.platforms.empty()) throw InputError("no --platform given");
  std::ifstream in(o.dockerfile, std::ios::binary);
  if (!in) throw InputError("cannot read the Dockerfile " + o.dockerfile);
  std::stringstream text;
  text << in.rdbuf();
  Dockerfile df = parse_dockerfile(text.str());

  // BuildKit reads <Dockerfile>.dockerignore next to the Dockerfile first,
  // then .dockerignore at the root of the context.
  IgnoreRules ignore;
  for (const fs::path& p : {fs::path(o.dockerfile + ".dockerignore"), fs::path(o.context) / ".dockerignore"}) {
    std::ifstream ig(p, std::ios::binary);
    if (!ig) continue;
    std::stringstream s;
    s << ig.rdbuf();
    ignore.parse(s.str());
    break;
  }
  if (!fs::is_directory(o.context)) throw InputError("the build context " + o.context + " is not a directory");
  Context ctx(fs::path(o.context), ignore);
  ContextStats stats;
  if (!o.lint_only) ctx.walk(stats);
  if (!o.depfile.empty()) write_depfile(o, ctx);
  if (!o.check) return stats;

  std::vector<Finding> findings;
  Checker(o, ctx, df, findings).run(stats);

  // In file order: the Dockerfile's lines first, then files of the context.
  auto key = [](const Finding& f) {
    size_t colon = f.location.rfind(':');
    int line = 0;
    std::string file = f.location;
    if (colon != std::string::npos && colon + 1 < f.location.size() &&
        std::all_of(f.location.begin() + static_cast<long>(colon) + 1, f.location.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      line = std::atoi(f.location.c_str() + colon + 1);
      file = f.location.substr(0, colon);
    }
    return std::make_pair(file, line);
  };
  std::stable_sort(findings.begin(), findings.end(), [&](const Finding& a, const Finding& b) {
    auto ka = key(a), kb = key(b);
    bool da = ka.first == o.dockerfile, db = kb.first == o.dockerfile;
    if (da != db) return da;
    return ka < kb;
  });
  std::set<std::string> seen;
  for (const auto& f : findings) {
    if (seen.insert(f.rule + "\n" + f.location + "\n" + f.message).second) report.add(f);
  }
  return stats;
}

}  // namespace multiarch
