#include "audit.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "elf.hpp"
#include "tar.hpp"

namespace multiarch {
namespace {

// Paths are remembered as 64-bit hashes: a variant of a million files costs
// 8 MiB, whatever their names.  A collision could only hide a missing
// interpreter, with odds near 2^-40 for such an image.
uint64_t path_hash(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// What the variant's filesystem holds: enough to resolve a path through
// symbolic links after the whole stream was read.
class FileIndex {
 public:
  void add(const std::string& path) { present_.push_back(path_hash(path)); }
  void add_symlink(const std::string& path, const std::string& target) {
    links_.emplace_back(path_hash(path), target);
  }
  void seal() {
    std::sort(present_.begin(), present_.end());
    // The last entry of a path wins, as when a tar is extracted.
    std::stable_sort(links_.begin(), links_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  bool exists(const std::string& path) const {
    std::string resolved;
    return resolve(path, resolved) && std::binary_search(present_.begin(), present_.end(), path_hash(resolved));
  }

 private:
  const std::string* link(const std::string& path) const {
    uint64_t h = path_hash(path);
    auto it = std::upper_bound(links_.begin(), links_.end(), h,
                               [](uint64_t v, const auto& e) { return v < e.first; });
    if (it == links_.begin() || std::prev(it)->first != h) return nullptr;
    return &std::prev(it)->second;
  }
  // Follows symbolic links component by component, as the kernel does.
  bool resolve(const std::string& start, std::string& out) const {
    std::vector<std::string> todo = split(start, '/');
    std::reverse(todo.begin(), todo.end());
    std::string cur;
    int hops = 0;
    while (!todo.empty()) {
      std::string comp = std::move(todo.back());
      todo.pop_back();
      if (comp.empty() || comp == ".") continue;
      if (comp == "..") {
        cur.erase(cur.empty() ? 0 : cur.rfind('/'));
        continue;
      }
      std::string next = cur + "/" + comp;
      const std::string* target = link(next);
      if (!target) {
        cur = std::move(next);
        continue;
      }
      if (++hops > 40) return false;
      if (!target->empty() && (*target)[0] == '/') cur.clear();
      auto parts = split(*target, '/');
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo.push_back(*it);
    }
    out = cur.empty() ? "/" : cur;
    return true;
  }

  std::vector<uint64_t> present_;
  std::vector<std::pair<uint64_t, std::string>> links_;
};

struct Users {
  std::string first;
  uint64_t count = 0;
};

// Where a foreign program is likely there on purpose and never run by the
// variant itself: test data (Go's testdata/ folders hold ELF files of
// every CPU), documentation, or a folder named for the file's own CPU
// (a cross toolchain's /usr/aarch64-linux-gnu/, multiarch libraries).
// Returns why, or "".
std::string doubtful_location(const std::string& path, const ElfInfo& elf) {
  if (contains(path, "/testdata/")) return "it lies in a testdata folder";
  if (starts_with(path, "/usr/share/doc/")) return "it lies in /usr/share/doc";
  if (starts_with(path, "/usr/lib/debug/")) return "it lies in /usr/lib/debug (debug symbols)";
  static const std::pair<const char*, uint16_t> kTriplets[] = {
      {"aarch64-", 183}, {"arm-", 40},     {"x86_64-", 62}, {"i386-", 3},       {"i486-", 3},
      {"i586-", 3},      {"i686-", 3},     {"powerpc64le-", 21}, {"s390x-", 22}, {"riscv64-", 243},
      {"mips64el-", 8},  {"loongarch64-", 258}};
  for (const auto& part : split(path, '/')) {
    if (!contains(part, "-linux-")) continue;
    for (const auto& [prefix, machine] : kTriplets) {
      if (starts_with(part, prefix) && machine == elf.machine) {
        return "it lies in " + part + "/, a folder for that CPU (cross toolchain or multiarch files)";
      }
    }
  }
  return "";
}

std::string more(uint64_t count, const std::string& what) {
  return count > 1 ? " (and " + std::to_string(count - 1) + " more " + what + ")" : "";
}

}  // namespace

AuditStats audit_variant(Source& in, const AuditOptions& opt, Reporter& report) {
  TarReader tar(in, opt.read_buffer);
  FileIndex index;
  std::map<std::string, Users> interpreters;  // absolute interpreter -> who needs it
  std::map<std::string, Users> doc_interpreters;  // the same, for scripts in /usr/share/doc
  std::map<std::string, Users> env_programs;  // "#!/usr/bin/env prog" -> who needs it
  std::map<std::string, Users> elf_interps;   // PT_INTERP -> programs
  std::map<std::string, Users> compat_interps;  // the same, for programs that may not run anyway
  std::vector<char> head(opt.head_size);
  AuditStats stats;
  const std::string plat = opt.platform.str();

  TarEntry e;
  while (tar.next(e)) {
    std::string path = "/" + e.path;
    if (e.path.empty()) continue;  // the root folder itself
    index.add(path);
    if (e.type == '2') index.add_symlink(path, e.linkname);
    if (!e.is_regular() || e.size == 0) continue;

    size_t got = 0;
    while (got < head.size()) {
      size_t n = tar.read_data(head.data() + got, head.size() - got);
      if (n == 0) break;
      got += n;
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(head.data());
    ElfInfo elf = parse_elf(bytes, got, e.size);
    if (elf.status != ElfStatus::not_elf) {
      ++stats.elf_files;
      Finding f;
      f.location = f.subject = path;
      if (elf.status == ElfStatus::malformed) {
        f.severity = Severity::warning;
        f.rule = "malformed-elf";
        f.message = "starts like an ELF file but is not a valid one (" + elf.problem + ")";
        report.add(f);
        continue;
      }
      FitResult fit = check_fit(elf, opt.platform);
      if (fit.fit == Fit::no || fit.fit == Fit::compat) {
        f.rule = fit.fit == Fit::no ? "foreign-elf" : "elf-compat";
        f.severity = fit.fit == Fit::no ? Severity::error : Severity::warning;
        f.message = "is a " + describe(elf) + "; " + fit.why;
        std::string doubt = fit.fit == Fit::no ? doubtful_location(path, elf) : "";
        if (!doubt.empty()) {
          f.severity = Severity::warning;
          f.message += " (a warning: " + doubt + ")";
        }
        report.add(f);
      }
      // A separate debug file keeps the program headers, not what they point to.
      if (fit.fit != Fit::no && !elf.interp.empty() && !starts_with(path, "/usr/lib/debug/")) {
        auto& u = (fit.fit == Fit::compat ? compat_interps : elf_interps)[elf.interp];
        if (u.count++ == 0) u.first = path;
      }
      continue;
    }
    if (got < 3 || head[0] != '#' || head[1] != '!' || !(e.mode & 0111)) continue;
    // An executable script: the kernel reads the first line, up to 255 bytes.
    std::string_view first(head.data() + 2, std::min<size_t>(got - 2, 254));
    first = first.substr(0, first.find('\n'));
    auto words = split_ws(first);
    if (words.empty() || words[0][0] != '/') continue;
    ++stats.scripts;
    // Examples under /usr/share/doc are shipped, not run: a doubtful finding.
    auto& u = (starts_with(path, "/usr/share/doc/") ? doc_interpreters : interpreters)[words[0]];
    if (u.count++ == 0) u.first = path;
    if (ends_with(words[0], "/env")) {
      for (size_t i = 1; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w[0] == '-' || w.find('=') != std::string::npos) continue;
        auto& p = env_programs[w];
        if (p.count++ == 0) p.first = path;
        break;
      }
    }
  }
  stats.entries = tar.entries();
  stats.bytes = tar.bytes_read();
  index.seal();

  // Interpreters the variant lacks: an error for what runs, a warning for
  // what may not run anyway (compat programs) or is not run (documentation).
  struct Needed {
    const std::map<std::string, Users>* users;
    Severity severity;
    const char* what;
    const char* who;
  };
  for (const Needed& n : {Needed{&elf_interps, Severity::error, "program interpreter", "programs"},
                          Needed{&compat_interps, Severity::warning, "program interpreter", "programs"},
                          Needed{&interpreters, Severity::error, "#! interpreter", "scripts"},
                          Needed{&doc_interpreters, Severity::warning, "#! interpreter", "scripts"}}) {
    for (const auto& [interp, users] : *n.users) {
      if (index.exists(interp)) continue;
      Finding f;
      f.rule = "missing-interpreter";
      f.severity = n.severity;
      f.location = f.subject = users.first;
      f.message = std::string("its ") + n.what + " " + interp + " is missing from the " + plat + " variant" +
                  more(users.count, std::string(n.who) + " need it");
      report.add(f);
    }
  }
  for (const auto& [program, users] : env_programs) {
    bool found = false;
    if (program.find('/') != std::string::npos) {
      found = index.exists(program[0] == '/' ? program : "/" + program);
    }
    for (const auto& dir : opt.path_dirs) found = found || index.exists(dir + "/" + program);
    if (found) continue;
    Finding f;
    f.severity = Severity::warning;
    f.rule = "interpreter-not-in-path";
    f.location = f.subject = users.first;
    f.message = "its #! line runs \"" + program + "\" through env, but no folder of PATH in the " +
                plat + " variant has it" + more(users.count, "scripts need it");
    report.add(f);
  }
  return stats;
}

}  // namespace multiarch
