#include "rules.hpp"

#include <algorithm>
#include <cctype>

#include "common.hpp"

namespace multiarch {
namespace {

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string platforms_text(const std::vector<Platform>& ps) {
  std::vector<std::string> v;
  for (const auto& p : ps) v.push_back(p.str());
  return join(v);
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

// The platforms (with their Debian architecture) that a repository line's
// architecture list leaves out.
std::vector<std::string> missing_debian_arches(const std::vector<Platform>& platforms,
                                               const std::vector<std::string>& listed) {
  std::vector<std::string> missing;
  for (const auto& p : platforms) {
    std::string d = debian_arch(p);
    if (d.empty()) continue;
    bool have = false;
    for (const auto& l : listed) have = have || to_lower(l) == d || arch_family(l) == p.arch;
    if (!have) missing.push_back(p.str() + " (" + d + ")");
  }
  return missing;
}

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

// A URL in a RUN, COPY or ADD line that names architectures.
struct UrlHit {
  int line;
  std::string url;
  std::set<std::string> arches;
  bool repository;  // on a package repository line
};

// The URLs of the scan's lines that name architectures, ARGs substituted;
// those that differ per platform or hold a shell variable are chosen at
// run time and left out.
std::vector<UrlHit> url_hits(const Model& model, const LineScan& scan) {
  std::vector<UrlHit> hits;
  for (const auto& l : scan.lines) {
    std::string low = to_lower(l.text);
    bool repo_line = contains(low, "deb ") || contains(low, "deb-src ") || contains(low, "baseurl") ||
                     contains(low, "mirrorlist") || contains(low, "uris:");
    for (const auto& [pos, url] : urls_in(l.text)) {
      std::string value = url;
      if (contains(url, "$")) {
        bool unknown = false;
        std::vector<std::string> per;
        for (const auto& v : scan.vars) per.push_back(model.expand(url, v, &unknown));
        if (unknown) continue;  // a shell variable: chosen at run time
        if (std::any_of(per.begin(), per.end(), [&](const std::string& s) { return s != per[0]; })) continue;
        value = per.empty() ? url : per[0];
        if (contains(value, "$basearch")) continue;
      }
      auto arches = arch_words(value);
      if (arches.empty()) continue;
      hits.push_back({l.number, value, arches, repo_line});
    }
  }
  return hits;
}

}  // namespace

LineScan scan_lines(const Model& model, const Instruction& ins, Kind kind, const std::vector<Vars>& vars) {
  LineScan scan{ins, ins.lines, vars};
  scan.lines.insert(scan.lines.end(), ins.heredoc.begin(), ins.heredoc.end());
  std::string all = ins.args;
  for (const auto& h : ins.heredoc) all += "\n" + h.text;
  scan.selection = selects_arch(all);
  // A Dockerfile variable whose value differs per platform also selects.
  for (size_t k = 1; !scan.selection && k < vars.size(); ++k) {
    scan.selection = model.expand(all, vars[0]) != model.expand(all, vars[k]);
  }
  scan.build = kind == Kind::build;
  return scan;
}

namespace rules {

void from_fixed_platform(RuleContext& rc, const Instruction& ins, const Stage& st) {
  if (st.kind != Kind::fixed) return;
  std::vector<Platform> others;
  for (const auto& p : rc.platforms()) {
    if (p != st.fixed) others.push_back(p);
  }
  if (others.empty()) return;
  std::string what = "FROM --platform=" + st.fixed.str();
  if (st.in_final) {
    rc.findings.add(Severity::error, "from-fixed-platform", rc.at(ins.line), "",
                    what + " fixes the image to one CPU: the " + platforms_text(others) + " variant would hold " +
                        st.fixed.str() +
                        " files. Fix: drop --platform (or use --platform=$TARGETPLATFORM); a stage that only "
                        "builds may use --platform=$BUILDPLATFORM",
                    &ins.allow);
  } else {
    rc.findings.add(Severity::warning, "from-fixed-platform", rc.at(ins.line), "",
                    what + " fixes stage " + (st.name.empty() ? "" : "\"" + st.name + "\" ") +
                        "to one CPU; what other stages copy from it is " + st.fixed.str() +
                        " code in every variant. Fix: use --platform=$BUILDPLATFORM and build for $TARGETPLATFORM",
                    &ins.allow);
  }
}

void build_stage_copy(RuleContext& rc, const Instruction& ins, const std::string& from,
                      const std::vector<std::string>& sources, size_t stage, Kind kind, const Vars& vars) {
  int src = rc.model.stage_of(rc.model.expand(from, vars), stage);
  if (src < 0 || kind != Kind::target) return;
  const Stage& s = rc.model.stages()[static_cast<size_t>(src)];
  if ((s.kind != Kind::build && s.kind != Kind::fixed) || s.uses_target) return;
  std::string runs = s.kind == Kind::build ? "the build platform ($BUILDPLATFORM)" : s.fixed.str();
  rc.findings.add(Severity::warning, "build-stage-copy", rc.at(ins.line), "",
                  ins.keyword + " --from=" + from + " copies " + join(sources, " ") + " from a stage that runs on " +
                      runs +
                      " and never uses TARGETARCH or TARGETPLATFORM: every variant gets the same files. If they "
                      "are programs, build or download them for $TARGETPLATFORM",
                  &ins.allow);
}

void elf_for_every_platform(RuleContext& rc, const Instruction& ins, const std::string& source,
                            const std::string& file) {
  const ElfInfo& elf = rc.files.elf(file);
  std::vector<Platform> cannot, compat;
  std::string why;
  for (const auto& p : rc.platforms()) {
    FitResult fit = check_fit(elf, p);
    if (fit.fit == Fit::no) cannot.push_back(p);
    if (fit.fit == Fit::compat) compat.push_back(p);
    if ((fit.fit == Fit::no || fit.fit == Fit::compat) && why.empty()) why = fit.why;
  }
  if (cannot.empty() && compat.empty()) return;
  rc.reported_files.insert(file);
  bool error = !cannot.empty();
  // The file's path below a platform's folder: linux/amd64/usr/local/bin/ninja
  // is usr/local/bin/ninja of every platform's build.
  std::string per_platform = file;
  for (const auto& p : rc.platforms()) {
    if (starts_with(file, p.str() + "/")) per_platform = file.substr(p.str().size() + 1);
  }
  rc.findings.add(error ? Severity::error : Severity::warning, "elf-for-every-platform", rc.at(ins.line), file,
                  ins.keyword + " " + source + " copies \"" + file + "\", a " + describe(elf) +
                      ", into every variant, but " + platforms_text(error ? cannot : compat) +
                      (error ? " cannot run it" : " may not run it") + " (" + why +
                      "). Fix: build it for each platform into <platform>/" + per_platform +
                      " (ARTIFACTS does) and copy that platform's: " + ins.keyword + " ${TARGETPLATFORM}/" +
                      per_platform + " ... after ARG TARGETPLATFORM",
                  &ins.allow);
}

void elf_wrong_platform(RuleContext& rc, const Instruction& ins, const std::string& source,
                        const std::vector<std::string>& per_platform, const std::vector<std::string>& excludes) {
  for (size_t k = 0; k < rc.platforms().size(); ++k) {
    const Platform& p = rc.platforms()[k];
    for (const auto& file : rc.files.select(per_platform[k], excludes)) {
      const ElfInfo& elf = rc.files.elf(file);
      FitResult fit = check_fit(elf, p);
      if (fit.fit != Fit::no && fit.fit != Fit::compat) continue;
      rc.reported_files.insert(file);
      rc.findings.add(fit.fit == Fit::no ? Severity::error : Severity::warning, "elf-wrong-platform",
                      rc.at(ins.line), file,
                      ins.keyword + " " + source + " puts \"" + file + "\", a " + describe(elf) + ", into the " +
                          p.str() + " variant: " + fit.why,
                      &ins.allow);
    }
  }
}

void elf_wrong_platform_in_folders(RuleContext& rc) {
  // A file's folders name its platform: asked once per folder (the files
  // come sorted, a folder's together).
  std::string last_folder = "\n";
  bool last_found = false;
  Platform last_platform;
  for (const auto& file : rc.files.files()) {
    if (rc.reported_files.count(file)) continue;
    std::string folder = file.substr(0, file.rfind('/') + 1);
    if (folder != last_folder) {
      last_folder = folder;
      last_platform = Platform();
      last_found = folder_platform(file, last_platform);
    }
    if (!last_found) continue;
    Platform p = last_platform;
    if (std::find(rc.platforms().begin(), rc.platforms().end(), p) == rc.platforms().end()) continue;
    const ElfInfo& elf = rc.files.elf(file);
    FitResult fit = check_fit(elf, p);
    if (fit.fit != Fit::no && fit.fit != Fit::compat) continue;
    rc.findings.add(fit.fit == Fit::no ? Severity::error : Severity::warning, "elf-wrong-platform",
                    {rc.files.display(file), 0}, file,
                    "is a " + describe(elf) + " in a folder for " + p.str() + ": " + fit.why);
  }
}

void fixed_arch_repository(RuleContext& rc, const LineScan& scan) {
  if (scan.build) return;
  for (const auto& l : scan.lines) {
    std::vector<std::string> listed;
    if (!repository_arches(l.text, listed) || contains(l.text, "$")) continue;
    auto missing = missing_debian_arches(rc.platforms(), listed);
    if (missing.empty()) continue;
    rc.findings.add(scan.selection ? Severity::warning : Severity::error, "fixed-arch-repository",
                    rc.at(l.number), "",
                    "package repository line lists " + join(listed, ",") + " only; " + join(missing) +
                        " would get no packages from it. Fix: arch=$(dpkg --print-architecture), or drop the "
                        "arch option",
                    &scan.ins.allow);
  }
}

void fixed_arch_repository_file(RuleContext& rc, const Instruction& ins, const std::string& rel) {
  for (const auto& l : rc.files.text_lines(rel)) {
    std::vector<std::string> arches;
    std::string what;
    if (repository_arches(l.text, arches)) {
      if (contains(l.text, "$")) continue;
      auto missing = missing_debian_arches(rc.platforms(), arches);
      if (missing.empty()) continue;
      what = "lists packages for " + join(arches, ",") + " only; " + join(missing) + " would get none";
    } else if (contains(to_lower(l.text), "baseurl") && !contains(l.text, "$basearch")) {
      auto fam = arch_words(l.text);
      if (fam.empty()) continue;
      std::vector<std::string> missing;
      for (const auto& p : rc.platforms()) {
        if (!fam.count(p.arch)) missing.push_back(p.str());
      }
      if (missing.empty()) continue;
      what = "names a fixed architecture in its URL; " + join(missing) +
             " would get packages for another CPU. Use $basearch";
    } else {
      continue;
    }
    rc.findings.add(Severity::error, "fixed-arch-repository", {rc.files.display(rel), l.number}, rel,
                    "package repository line copied into every variant (by " + ins.keyword + " at line " +
                        std::to_string(ins.line) + ") " + what,
                    &ins.allow);
  }
}

void dpkg_add_architecture(RuleContext& rc, const LineScan& scan) {
  if (scan.build) return;
  for (const auto& l : scan.lines) {
    size_t d = to_lower(l.text).find("dpkg --add-architecture");
    if (d == std::string::npos) continue;
    auto words = split_ws(std::string_view(l.text).substr(d + 23));
    std::string arch = words.empty() ? "" : words[0];
    if (contains(arch, "$")) continue;
    rc.findings.add(Severity::warning, "dpkg-add-architecture", rc.at(l.number), "",
                    "dpkg --add-architecture " + arch +
                        " adds the same foreign architecture to every variant; what is installed for it is " +
                        arch + " code on every platform",
                    &scan.ins.allow);
  }
}

void foreign_arch_package(RuleContext& rc, const LineScan& scan) {
  if (scan.build) return;
  for (const auto& l : scan.lines) {
    std::string low = to_lower(l.text);
    bool installs = (contains(low, "apt-get") || contains(low, "apt ") || contains(low, "aptitude")) &&
                    contains(low, "install");
    if (!installs) continue;
    for (const auto& w : split_ws(l.text)) {
      size_t c = w.rfind(':');
      if (c == std::string::npos || c == 0 || w[0] == '-' || contains(w, "/") || contains(w, "$")) continue;
      std::string arch = to_lower(w.substr(c + 1));
      if (arch_family(arch).empty()) continue;
      std::vector<std::string> foreign;
      for (const auto& p : rc.platforms()) {
        if (debian_arch(p) != arch) foreign.push_back(p.str());
      }
      if (foreign.empty()) continue;
      rc.findings.add(Severity::warning, "foreign-arch-package", rc.at(l.number), "",
                      "installs " + w + " for one architecture in every variant; on " + join(foreign) +
                          " it is foreign code. Fix: install " + w.substr(0, c) + " without :" + arch,
                      &scan.ins.allow);
    }
  }
}

void fixed_arch_url(RuleContext& rc, const LineScan& scan) {
  std::vector<UrlHit> hits = url_hits(rc.model, scan);
  std::set<std::string> families;
  for (const auto& h : hits) families.insert(h.arches.begin(), h.arches.end());
  if (families.size() >= 2) return;  // one URL per architecture: chosen at run time
  for (const auto& h : hits) {
    std::string named = join(std::vector<std::string>(h.arches.begin(), h.arches.end()), "/");
    std::vector<std::string> others;
    for (const auto& p : rc.platforms()) {
      if (!h.arches.count(p.arch)) others.push_back(p.str());
    }
    const char* rule = h.repository ? "fixed-arch-repository" : "fixed-arch-url";
    std::string what = (h.repository ? "package repository URL " : "download URL ") + h.url;
    if (scan.build) {
      if (scan.selection) continue;
      rc.findings.add(Severity::warning, rule, rc.at(h.line), "",
                      what + " names " + named +
                          " in a stage that runs on the build platform: the build works only on such a builder. "
                          "Fix: use ARG BUILDARCH in the URL",
                      &scan.ins.allow);
    } else if (others.empty()) {
      continue;
    } else if (scan.selection) {
      rc.findings.add(Severity::warning, rule, rc.at(h.line), "",
                      what + " names only " + named + " although the instruction selects by architecture; check that " +
                          join(others) + " get their own file",
                      &scan.ins.allow);
    } else {
      rc.findings.add(Severity::error, rule, rc.at(h.line), "",
                      what + " names " + named + " but is used for every platform: " + join(others) +
                          " would get a file for another CPU. Fix: build the URL from ARG TARGETARCH "
                          "(e.g. ...-linux-${TARGETARCH}...)",
                      &scan.ins.allow);
    }
  }
}

}  // namespace rules
}  // namespace multiarch
