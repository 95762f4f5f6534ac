#include "model.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common.hpp"

namespace multiarch {

const std::string kBuildMark = "\x01" "build-platform" "\x01";

namespace {

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

// One "$..." reference of expand(), starting at s[i] == '$'.
struct Reference {
  std::string name, op, word;
  size_t end = 0;  // the index of its last character
};

// Reads the reference at s[i]; false when the '$' starts none.
bool read_reference(std::string_view s, size_t i, Reference& r) {
  size_t j = i + 1;
  if (s[j] == '{') {
    size_t close = s.find('}', j);
    if (close == std::string_view::npos) return false;
    std::string_view inner = s.substr(j + 1, close - j - 1);
    size_t k = 0;
    while (k < inner.size() && name_char(inner[k])) ++k;
    r.name = inner.substr(0, k);
    std::string_view rest = inner.substr(k);
    if (starts_with(rest, ":-") || starts_with(rest, ":+")) {
      r.op = rest.substr(0, 2);
      r.word = rest.substr(2);
    } else if (starts_with(rest, "-") || starts_with(rest, "+")) {
      r.op = rest.substr(0, 1);
      r.word = rest.substr(1);
    }
    r.end = close;
    return true;
  }
  if (name_char(s[j]) && !std::isdigit(static_cast<unsigned char>(s[j]))) {
    while (j < s.size() && name_char(s[j])) ++j;
    r.name = s.substr(i + 1, j - i - 1);
    r.end = j - 1;
    return true;
  }
  return false;
}

}  // namespace

std::string expand(std::string_view s, const Vars& vars, char escape, bool* unknown) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == escape && i + 1 < s.size() && s[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    Reference r;
    if (c != '$' || i + 1 >= s.size() || !read_reference(s, i, r)) {
      out += c;
      continue;
    }
    i = r.end;
    auto it = vars.find(r.name);
    bool set = it != vars.end();
    std::string value = set ? it->second : "";
    if (!set && r.op.empty() && unknown) *unknown = true;
    if (r.op == ":-") out += value.empty() ? expand(r.word, vars, escape, unknown) : value;
    else if (r.op == "-") out += set ? value : expand(r.word, vars, escape, unknown);
    else if (r.op == ":+") out += value.empty() ? "" : expand(r.word, vars, escape, unknown);
    else if (r.op == "+") out += set ? expand(r.word, vars, escape, unknown) : "";
    else out += value;
  }
  return out;
}

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

Dockerfile read_dockerfile(const std::string& path, bool folder_is_empty) {
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!in || (!folder_is_empty && std::filesystem::is_directory(path, ec))) {
    throw InputError("cannot read the Dockerfile " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  if (!folder_is_empty && in.bad()) throw InputError("cannot read the Dockerfile " + path);
  return parse_dockerfile(text.str());
}

// ------------------------------------------------------------------ Model

Model::Model(Dockerfile df, std::vector<Platform> platforms, BuildArgs build_args)
    : df_(std::move(df)), platforms_(std::move(platforms)), build_args_(std::move(build_args)) {
  for (const auto& p : platforms_) global_.push_back(auto_args(p));
  for (size_t i = 0; i < df_.instructions.size(); ++i) {
    const Instruction& ins = df_.instructions[i];
    if (ins.keyword == "ARG" && stages_.empty()) {
      declare_global(ins);
    } else if (ins.keyword == "FROM") {
      add_stage(i);
    } else if (!stages_.empty()) {
      note_use(i);
    }
  }
  mark_final_and_inherit();
}

std::string Model::arg_value(const std::string& word, size_t k, const Vars& scope, bool in_stage) const {
  size_t eq = word.find('=');
  std::string name = word.substr(0, eq);
  if (is_auto_arg(name)) return global_[k].at(name);
  std::string value;
  bool given = false;
  for (const auto& [key, v] : build_args_) {  // the last one given wins, as in Docker
    if (key == name) {
      value = v;
      given = true;
    }
  }
  if (given) return value;
  if (eq != std::string::npos) return expand(word.substr(eq + 1), scope);
  if (in_stage && global_names_.count(name)) return global_[k].at(name);
  return "";
}

void Model::declare_global(const Instruction& ins) {
  for (const auto& word : split_ws(ins.args)) {
    std::string name = word.substr(0, word.find('='));
    if (is_auto_arg(name)) continue;
    for (size_t k = 0; k < global_.size(); ++k) {
      std::string value = arg_value(word, k, global_[k], false);
      global_[k][name] = value;
    }
    global_names_.insert(name);
  }
}

void Model::declare(const Instruction& ins, std::vector<Vars>& scope) const {
  if (ins.keyword == "ARG") {
    for (const auto& word : split_ws(ins.args)) {
      std::string name = word.substr(0, word.find('='));
      for (size_t k = 0; k < scope.size(); ++k) {
        std::string value = arg_value(word, k, scope[k], true);
        scope[k][name] = value;
      }
    }
  } else if (ins.keyword == "ENV") {
    for (const auto& [key, value] : env_pairs(ins.args)) {
      for (auto& v : scope) {
        std::string expanded = expand(value, v);
        v[key] = expanded;
      }
    }
  }
}

// A stage's instruction other than FROM: it extends the stage and may use
// the target platform.
void Model::note_use(size_t i) {
  const Instruction& ins = df_.instructions[i];
  Stage& st = stages_.back();
  st.last = i;
  if (mentions_target(ins.args)) st.uses_target = true;
  for (const auto& h : ins.heredoc) {
    if (mentions_target(h.text)) st.uses_target = true;
  }
}

void Model::add_stage(size_t i) {
  Arguments a = split_arguments(df_.instructions[i].args);
  Stage st;
  st.first = st.last = i;
  if (a.words.size() >= 3 && to_lower(a.words[1]) == "as") st.name = to_lower(a.words[2]);
  if (!a.words.empty()) {
    bool unknown = false;
    st.base = global_.empty() ? a.words[0] : expand(a.words[0], global_[0], &unknown);
    st.base_unknown = unknown;
    st.parent = stage_of(st.base, stages_.size());
  }
  std::string plat = flag(a, "platform");
  if (!plat.empty()) {
    set_kind(st, plat);
  } else if (st.parent >= 0) {
    st.kind = stages_[static_cast<size_t>(st.parent)].kind;
    st.fixed = stages_[static_cast<size_t>(st.parent)].fixed;
  }
  stages_.push_back(st);
}

// The stage's kind from its FROM --platform value, for every platform.
void Model::set_kind(Stage& st, const std::string& platform_flag) const {
  std::vector<std::string> values;
  for (size_t k = 0; k < platforms_.size(); ++k) values.push_back(expand(platform_flag, global_[k]));
  bool all_build = true, all_target = true, all_same = true;
  for (size_t k = 0; k < values.size(); ++k) {
    all_build = all_build && contains(values[k], kBuildMark);
    all_target = all_target && values[k] == platforms_[k].str();
    all_same = all_same && values[k] == values[0];
  }
  Platform fixed;
  std::string err;
  if (all_build) {
    st.kind = Kind::build;
  } else if (all_target) {
    st.kind = Kind::target;
  } else if (all_same && parse_platform(values[0], fixed, err)) {
    st.kind = Kind::fixed;
    st.fixed = fixed;
  } else {
    st.kind = Kind::unknown;
  }
}

void Model::mark_final_and_inherit() {
  // Stages whose files end up in the image: the last one and its bases.
  for (int s = static_cast<int>(stages_.size()) - 1; s >= 0; s = stages_[static_cast<size_t>(s)].parent) {
    stages_[static_cast<size_t>(s)].in_final = true;
  }
  // A stage built on another inherits its use of the target platform.
  for (auto& st : stages_) {
    if (st.parent >= 0 && stages_[static_cast<size_t>(st.parent)].uses_target) st.uses_target = true;
  }
}

int Model::stage_of(const std::string& ref, size_t before) const {
  std::string r = to_lower(ref);
  bool digits = !r.empty() && std::all_of(r.begin(), r.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
  if (digits && r.size() < 6) {
    size_t idx = std::stoul(r);
    return idx < before ? static_cast<int>(idx) : -1;
  }
  for (size_t i = 0; i < before && i < stages_.size(); ++i) {
    if (stages_[i].name == r) return static_cast<int>(i);
  }
  return -1;
}

std::string Model::final_base() const {
  if (stages_.empty()) return "unknown";
  int s = static_cast<int>(stages_.size()) - 1;
  for (int hops = 0; stages_[static_cast<size_t>(s)].parent >= 0 && hops < 1000; ++hops) {
    s = stages_[static_cast<size_t>(s)].parent;
  }
  const Stage& st = stages_[static_cast<size_t>(s)];
  const std::string& ref = st.base;
  bool bad = st.base_unknown || ref.empty() || contains(ref, kBuildMark) ||
             ref.find_first_of(" \t$") != std::string::npos || ref[0] == ':' || ref[0] == '@' ||
             ref[0] == '/' || ref.back() == ':' || ref.back() == '/' || ref.back() == '@' ||
             contains(ref, "//") || contains(ref, "::");
  if (bad) return "unknown";
  if (to_lower(ref) == "scratch") return "scratch";
  return ref;
}

std::vector<std::pair<int, std::string>> Model::from_images() const {
  std::vector<std::pair<int, std::string>> out;
  for (const Stage& st : stages_) {
    if (st.parent >= 0 || st.base_unknown || st.base.empty() || to_lower(st.base) == "scratch") continue;
    if (st.base.find_first_of(" \t$") != std::string::npos || contains(st.base, kBuildMark)) continue;
    out.emplace_back(df_.instructions[st.first].line, st.base);
  }
  return out;
}

}  // namespace multiarch
