#include "audit.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "dynamic.hpp"
#include "elf.hpp"
#include "glob.hpp"
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
  void add_dir(const std::string& path) { dirs_.push_back(path_hash(path)); }
  void seal() {
    std::sort(present_.begin(), present_.end());
    std::sort(dirs_.begin(), dirs_.end());
    // The last entry of a path wins, as when a tar is extracted.
    std::stable_sort(links_.begin(), links_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  bool exists(const std::string& path) const {
    std::string resolved;
    return resolve(path, resolved) && present(resolved);
  }
  bool present(const std::string& resolved) const {
    return std::binary_search(present_.begin(), present_.end(), path_hash(resolved));
  }
  bool is_dir(const std::string& resolved) const {
    return std::binary_search(dirs_.begin(), dirs_.end(), path_hash(resolved));
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

 private:
  const std::string* link(const std::string& path) const {
    uint64_t h = path_hash(path);
    auto it = std::upper_bound(links_.begin(), links_.end(), h,
                               [](uint64_t v, const auto& e) { return v < e.first; });
    if (it == links_.begin() || std::prev(it)->first != h) return nullptr;
    return &std::prev(it)->second;
  }
  std::vector<uint64_t> present_, dirs_;
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

// ------------------------------------------------------------ the loader

// An ELF file the platform cannot run (or runs only in a compat mode): a
// loader skips it as a library candidate.
struct Foreign {
  std::string what;  // "64-bit LSB x86-64 shared object"
  bool compat;
};

// Strings that repeat across objects (symbol, library and version names)
// are kept once, in one arena: a name costs its bytes and 12 more.  Id 0 is "".
class StringPool {
 public:
  StringPool() : table_(1024, 0) { id(""); }
  uint32_t id(std::string_view s) {
    size_t mask = table_.size() - 1;
    for (size_t i = path_hash(s) & mask;; i = (i + 1) & mask) {
      uint32_t slot = table_[i];
      if (slot == 0) {
        uint32_t id = static_cast<uint32_t>(offsets_.size());
        offsets_.push_back(arena_.size());
        arena_.append(s.data(), s.size());
        arena_.push_back('\0');
        table_[i] = id + 1;
        if (offsets_.size() * 2 > table_.size()) grow();
        return id;
      }
      if (str(slot - 1) == s) return slot - 1;
    }
  }
  std::string_view view(uint32_t id) const { return std::string_view(arena_.data() + offsets_[id]); }
  std::string str(uint32_t id) const { return std::string(view(id)); }

 private:
  void grow() {
    std::vector<uint32_t> bigger(table_.size() * 2, 0);
    size_t mask = bigger.size() - 1;
    for (uint32_t id = 0; id < offsets_.size(); ++id) {
      size_t i = path_hash(view(id)) & mask;
      while (bigger[i]) i = (i + 1) & mask;
      bigger[i] = id + 1;
    }
    table_.swap(bigger);
  }
  std::string arena_;
  std::vector<uint64_t> offsets_;
  std::vector<uint32_t> table_;
};

// A defined symbol as one 64-bit key: 48 bits of the name's hash, the
// hidden flag, and 15 bits naming its version (0: unversioned or base,
// k: the object's verdefs[k - 1]).  A hash collision can only hide a
// missing symbol (odds near 2^-30 for a library of 100000 symbols).
constexpr uint64_t kVerMask = 0x7fff, kHidden = 0x8000;
uint64_t name_key(std::string_view name) { return path_hash(name) & ~0xffffull; }

// What one dynamically linked ELF file of the variant tells the loader.
struct Object {
  std::string path;  // where it lies in the variant
  uint32_t soname = 0, interp = 0;
  std::vector<uint32_t> needed, rpath, runpath;  // rpath/runpath: folders, unexpanded
  bool has_runpath = false, program = false, unknown = false, has_versym = false, has_verdef = false;
  bool doubtful = false;  // testdata, /usr/share/doc: findings are warnings
  std::vector<uint32_t> verdefs;
  struct Need {
    uint32_t file, version;
    bool weak;
  };
  std::vector<Need> verneed;
  std::vector<uint64_t> defined;  // sorted keys
  std::vector<std::pair<uint32_t, uint32_t>> undefined;  // (name, version)

  bool defines_version(uint32_t v) const {
    return std::find(verdefs.begin(), verdefs.end(), v) != verdefs.end();
  }
  // Whether this object satisfies a reference to name (with version v, 0
  // for none), as glibc's check_match decides.
  bool defines(uint64_t key, uint32_t v) const {
    auto it = std::lower_bound(defined.begin(), defined.end(), key);
    for (; it != defined.end() && (*it & ~0xffffull) == key; ++it) {
      uint64_t ver = *it & kVerMask;
      bool hidden = (*it & kHidden) != 0;
      if (ver == 0 && !hidden) return true;
      if (v == 0 && !hidden) return true;
      if (v != 0 && ver != 0 && ver <= verdefs.size() && verdefs[ver - 1] == v) return true;
    }
    return false;
  }
};

struct Triplet {
  const char* arch;
  const char* variant;
  const char* triplet;
  bool lib64;
};
const Triplet kTriplets[] = {
    {"amd64", "", "x86_64-linux-gnu", true},           {"arm64", "", "aarch64-linux-gnu", true},
    {"arm", "v7", "arm-linux-gnueabihf", false},       {"arm", "v6", "arm-linux-gnueabihf", false},
    {"arm", "v5", "arm-linux-gnueabi", false},         {"386", "", "i386-linux-gnu", false},
    {"ppc64le", "", "powerpc64le-linux-gnu", true},    {"s390x", "", "s390x-linux-gnu", true},
    {"riscv64", "", "riscv64-linux-gnu", true},        {"mips64le", "", "mips64el-linux-gnuabi64", true},
    {"mips64", "", "mips64-linux-gnuabi64", true},     {"loong64", "", "loongarch64-linux-gnu", true},
};

// glibc's default folders for a platform, Debian's multiarch ones first.
std::vector<std::string> default_dirs(const Platform& p) {
  for (const auto& t : kTriplets) {
    if (p.arch != t.arch || (t.variant[0] && p.variant != t.variant)) continue;
    std::vector<std::string> d = {std::string("/lib/") + t.triplet, std::string("/usr/lib/") + t.triplet};
    if (t.lib64) {
      d.push_back("/lib64");
      d.push_back("/usr/lib64");
    }
    d.push_back("/lib");
    d.push_back("/usr/lib");
    return d;
  }
  return {"/lib", "/usr/lib"};
}

std::string dirname_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::string join_path(const std::string& dir, const std::string& name) {
  return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

// One folder of DT_RPATH/DT_RUNPATH with $ORIGIN expanded; false for one
// that names $LIB or $PLATFORM (not expanded here) or is empty.
bool expand_origin(const std::string& dir, const std::string& origin, std::string& out) {
  out.clear();
  for (size_t i = 0; i < dir.size(); ++i) {
    if (dir[i] != '$') {
      out += dir[i];
      continue;
    }
    std::string_view rest(dir.c_str() + i + 1);
    if (starts_with(rest, "ORIGIN") && (rest.size() == 6 || !(std::isalnum(static_cast<unsigned char>(rest[6])) || rest[6] == '_'))) {
      out += origin;
      i += 6;
    } else if (starts_with(rest, "{ORIGIN}")) {
      out += origin;
      i += 8;
    } else {
      return false;
    }
  }
  return !out.empty();
}

// ld.so.conf: folders, and "include <glob>" lines (relative to the file's folder).
void read_ld_conf(const std::string& file, const std::map<std::string, std::string>& texts,
                  std::vector<std::string>& dirs, int depth) {
  auto it = texts.find(file);
  if (it == texts.end() || depth > 8) return;
  for (const auto& raw : split(it->second, '\n')) {
    std::string line = trim(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    if (starts_with(line, "include") && line.size() > 7 && std::isspace(static_cast<unsigned char>(line[7]))) {
      for (const auto& pattern : split_ws(line.substr(7))) {
        std::string glob = pattern[0] == '/' ? pattern : join_path(dirname_of(file), pattern);
        for (const auto& [path, text] : texts) {
          (void)text;
          if (path != file && match_path(glob.substr(1), path.substr(1))) read_ld_conf(path, texts, dirs, depth + 1);
        }
      }
      continue;
    }
    if (starts_with(line, "hwcap")) continue;
    for (char& c : line) {
      if (c == ':' || c == ',' || c == '\t') c = ' ';
    }
    for (const auto& d : split_ws(line)) {
      if (d[0] == '/' && std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
    }
  }
}

struct Loaded {
  uint32_t obj;
  std::string path;  // the path it was found by (its $ORIGIN is its folder)
  int loader;        // index in the load order of the object that needed it, -1 for the root
  std::vector<std::pair<uint32_t, int>> needed;  // DT_NEEDED name -> index in the load order, -1 missing
};

struct Missing {
  uint32_t name;
  int by;  // index in the load order
  std::string searched, skipped;
  bool unexpanded;  // a search folder named $LIB or $PLATFORM
};

class Loader {
 public:
  Loader(const FileIndex& index, StringPool& pool, std::vector<Object>& objects,
         const std::unordered_map<uint64_t, uint32_t>& at, const std::unordered_map<uint64_t, std::string>& hardlinks,
         const std::unordered_map<uint64_t, Foreign>& foreign, const std::map<std::string, std::string>& conf,
         const Platform& platform)
      : index_(index), pool_(pool), objects_(objects), at_(at), hardlinks_(hardlinks), foreign_(foreign),
        defaults_(default_dirs(platform)) {
    read_ld_conf("/etc/ld.so.conf", conf, conf_dirs_, 0);
    for (const auto& [path, text] : conf) {
      if (starts_with(path, "/etc/ld-musl-") && ends_with(path, ".path")) {
        std::string t = text;
        for (char& c : t) {
          if (c == ':' || c == '\n') c = ' ';
        }
        musl_paths_[path] = split_ws(t);
      }
    }
  }

  // The object a path of the variant resolves to, or -1.
  int object_at(const std::string& path, std::string* resolved_out = nullptr) const {
    std::string resolved;
    if (!index_.resolve(path, resolved)) return -1;
    if (resolved_out) *resolved_out = resolved;
    for (int hop = 0; hop < 8; ++hop) {
      uint64_t h = path_hash(resolved);
      auto it = at_.find(h);
      if (it != at_.end()) return static_cast<int>(it->second);
      auto hl = hardlinks_.find(h);
      if (hl == hardlinks_.end() || !index_.resolve(hl->second, resolved)) return -1;
    }
    return -1;
  }

  // Breadth-first load order of <root>, as ld.so maps it.
  std::vector<Loaded> load(uint32_t root, std::vector<Missing>& missing) {
    std::vector<Loaded> order;
    // ld.so maps a name once: an object loaded under that name or soname,
    // and a file once, whatever the path it was found by.
    std::unordered_map<uint32_t, int> by_name, by_object;
    auto add = [&](uint32_t obj, const std::string& path, int loader) {
      order.push_back({obj, path, loader, {}});
      int k = static_cast<int>(order.size() - 1);
      by_object.emplace(obj, k);
      if (objects_[obj].soname) by_name.emplace(objects_[obj].soname, k);
      return k;
    };
    add(root, objects_[root].path, -1);
    const std::string musl = musl_arch(objects_[root]);
    for (size_t i = 0; i < order.size(); ++i) {
      const Object& o = objects_[order[i].obj];
      for (uint32_t name : o.needed) {
        auto known = by_name.find(name);
        int found = known == by_name.end() ? -1 : known->second;
        if (found < 0) {
          Search s = search(order, static_cast<int>(i), name, musl);
          if (s.obj >= 0) {
            auto same = by_object.find(static_cast<uint32_t>(s.obj));
            found = same != by_object.end() ? same->second : add(static_cast<uint32_t>(s.obj), s.path, static_cast<int>(i));
            by_name.emplace(name, found);
          } else {
            missing.push_back({name, static_cast<int>(i), s.searched, s.skipped, s.unexpanded});
          }
        }
        order[i].needed.emplace_back(name, found);
      }
    }
    return order;
  }

  // "aarch64" for a program of musl (its loader /lib/ld-musl-aarch64.so.1,
  // or a library needing libc.musl-aarch64.so.1); "" for glibc.
  std::string musl_arch(const Object& o) const {
    const std::string& interp = pool_.str(o.interp);
    size_t at = interp.find("ld-musl-");
    if (at != std::string::npos) {
      std::string rest = interp.substr(at + 8);
      return rest.substr(0, rest.find(".so"));
    }
    for (uint32_t n : o.needed) {
      const std::string& s = pool_.str(n);
      if (starts_with(s, "libc.musl-")) return s.substr(10, s.find(".so") - std::min<size_t>(10, s.find(".so")));
    }
    return "";
  }

 private:
  struct Search {
    int obj = -1;
    std::string path, searched, skipped;
    bool unexpanded = false;
  };

  void add_dirs(const Object& o, const std::vector<uint32_t>& dirs, const std::string& origin, const char* what,
                std::vector<std::string>& out, std::string& label, bool& unexpanded) const {
    (void)o;
    for (uint32_t d : dirs) {
      std::string dir;
      if (!expand_origin(pool_.str(d), origin, dir)) {
        if (pool_.str(d).find('$') != std::string::npos) unexpanded = true;
        continue;
      }
      out.push_back(dir);
      label += (label.empty() ? "" : ", ") + std::string(what) + " " + dir;
    }
  }

  Search search(const std::vector<Loaded>& order, int by, uint32_t name_id, const std::string& musl_arch) {
    const bool musl = !musl_arch.empty();
    const std::string& name = pool_.str(name_id);
    const Loaded& l = order[static_cast<size_t>(by)];
    const Object& o = objects_[l.obj];
    std::vector<std::string> dirs;
    std::string label;
    bool unexpanded = false;
    if (name.find('/') == std::string::npos) {
      if (musl) {
        for (int k = by; k >= 0; k = order[static_cast<size_t>(k)].loader) {
          const Object& p = objects_[order[static_cast<size_t>(k)].obj];
          add_dirs(p, p.has_runpath ? p.runpath : p.rpath, dirname_of(order[static_cast<size_t>(k)].path),
                   p.has_runpath ? "RUNPATH" : "RPATH", dirs, label, unexpanded);
        }
      } else {
        if (!o.has_runpath) {
          // DT_RPATH of the object, then of the objects that loaded it, up to the program.
          for (int k = by; k >= 0; k = order[static_cast<size_t>(k)].loader) {
            const Object& p = objects_[order[static_cast<size_t>(k)].obj];
            add_dirs(p, p.rpath, dirname_of(order[static_cast<size_t>(k)].path), "RPATH", dirs, label, unexpanded);
          }
        }
        add_dirs(o, o.runpath, dirname_of(l.path), "RUNPATH", dirs, label, unexpanded);
      }
    }
    std::string key = name;
    for (const auto& d : dirs) key += '\0' + d;
    key += "\x01" + musl_arch;
    auto memo = memo_.find(key);
    if (memo != memo_.end()) return memo->second;

    Search s;
    s.unexpanded = unexpanded;
    std::set<std::string> skipped;  // one note per file, whatever the paths to it
    auto try_path = [&](const std::string& candidate) {
      std::string resolved;
      int obj = object_at(candidate, &resolved);
      if (obj >= 0) {
        s.obj = obj;
        s.path = candidate;
        return true;
      }
      auto f = foreign_.find(path_hash(resolved));
      if (f != foreign_.end() && s.skipped.size() < 300 && skipped.insert(resolved).second) {
        s.skipped += (s.skipped.empty() ? "" : "; ") + candidate + ": a " + f->second.what;
      }
      return false;
    };
    if (name.find('/') != std::string::npos) {
      s.searched = name;
      try_path(name[0] == '/' ? name : "/" + name);
    } else {
      const std::vector<std::string>* system = &defaults_;
      std::vector<std::string> musl_dirs;
      if (musl) {
        auto it = musl_paths_.find("/etc/ld-musl-" + musl_arch + ".path");
        musl_dirs = it != musl_paths_.end() ? it->second : std::vector<std::string>{"/lib", "/usr/local/lib", "/usr/lib"};
        system = &musl_dirs;
      } else {
        dirs.insert(dirs.end(), conf_dirs_.begin(), conf_dirs_.end());
        if (!conf_dirs_.empty()) label += (label.empty() ? "" : ", ") + std::string("/etc/ld.so.conf folders");
      }
      dirs.insert(dirs.end(), system->begin(), system->end());
      for (const auto& d : *system) label += (label.empty() ? "" : ", ") + d;
      s.searched = label;
      for (const auto& d : dirs) {
        if (try_path(join_path(d, name))) break;
      }
    }
    if (memo_.size() > 200000) memo_.clear();
    memo_.emplace(std::move(key), s);
    return s;
  }

  const FileIndex& index_;
  StringPool& pool_;
  std::vector<Object>& objects_;
  const std::unordered_map<uint64_t, uint32_t>& at_;
  const std::unordered_map<uint64_t, std::string>& hardlinks_;
  const std::unordered_map<uint64_t, Foreign>& foreign_;
  std::vector<std::string> defaults_, conf_dirs_;
  std::map<std::string, std::vector<std::string>> musl_paths_;
  std::unordered_map<std::string, Search> memo_;
};

// Builds an Object from the facts of one file.
Object make_object(const std::string& path, const ElfInfo& elf, const DynamicInfo& d, StringPool& pool) {
  Object o;
  o.path = path;
  o.unknown = !d.ok;
  o.interp = pool.id(elf.interp);
  o.soname = pool.id(d.soname);
  for (const auto& n : d.needed) o.needed.push_back(pool.id(n));
  for (const auto& r : split(d.rpath, ':')) {
    if (d.has_rpath && !r.empty()) o.rpath.push_back(pool.id(r));
  }
  for (const auto& r : split(d.runpath, ':')) {
    if (d.has_runpath && !r.empty()) o.runpath.push_back(pool.id(r));
  }
  o.has_runpath = d.has_runpath;
  o.has_versym = d.has_versym;
  o.has_verdef = d.has_verdef;
  // A program: ET_EXEC, a PIE, or a DYN with an interpreter and no soname.
  constexpr uint64_t kPie = 0x08000000;
  o.program = elf.type == 2 || (d.flags_1 & kPie) || (!elf.interp.empty() && d.soname.empty());
  o.doubtful = contains(path, "/testdata/") || starts_with(path, "/usr/share/doc/");
  for (const auto& v : d.verdefs) o.verdefs.push_back(pool.id(v));
  for (const auto& n : d.verneed) o.verneed.push_back({pool.id(n.file), pool.id(n.version), n.weak});
  o.defined.reserve(d.defined.size());
  std::map<uint32_t, uint64_t> ver_index;  // version name offset -> index in verdefs + 1
  for (const auto& s : d.defined) {
    uint64_t ver = 0;
    if (s.version) {
      auto known = ver_index.find(s.version);
      if (known == ver_index.end()) {
        auto it = std::find(d.verdefs.begin(), d.verdefs.end(), d.str(s.version));
        ver = it == d.verdefs.end() ? 0 : std::min<uint64_t>(static_cast<uint64_t>(it - d.verdefs.begin()) + 1, kVerMask);
        ver_index[s.version] = ver;
      } else {
        ver = known->second;
      }
    }
    o.defined.push_back(name_key(d.str(s.name)) | ver | (s.hidden ? kHidden : 0));
  }
  std::sort(o.defined.begin(), o.defined.end());
  o.defined.erase(std::unique(o.defined.begin(), o.defined.end()), o.defined.end());
  o.defined.shrink_to_fit();
  for (const auto& s : d.undefined) o.undefined.emplace_back(pool.id(d.str(s.name)), pool.id(d.str(s.version)));
  o.undefined.shrink_to_fit();
  return o;
}

std::string list_some(const std::vector<std::string>& items, size_t n) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < n; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > n) out += ", ...";
  return out;
}

// Checks that each program can load (and each library that no program
// loads can find its own libraries), as the platform's loader would.
void check_loading(Loader& loader, std::vector<Object>& objects, StringPool& pool, const AuditOptions& opt,
                   Reporter& report, AuditStats& stats) {
  const std::string plat = opt.platform.str();
  const size_t cap = std::max<size_t>(opt.max_symbols_per_program, 1);
  std::vector<bool> loaded(objects.size(), false);
  std::map<std::vector<uint32_t>, std::vector<std::tuple<uint32_t, uint32_t, uint32_t>>> undefined_memo;

  auto finding = [&](const Object& subject, Severity sev, const char* rule, const std::string& message) {
    Finding f;
    f.location = f.subject = subject.path;
    f.rule = rule;
    f.severity = subject.doubtful ? Severity::warning : sev;
    f.message = message + (subject.doubtful ? " (a warning: it lies where programs are not run)" : "");
    report.add(f);
  };
  // Reports at most <cap> of <items> (message, severity), the last naming how many more.
  auto capped = [&](const Object& subject, const char* rule, std::vector<std::pair<std::string, Severity>>& items,
                    const std::vector<std::string>& names) {
    for (size_t i = 0; i < items.size() && i < cap; ++i) {
      std::string msg = items[i].first;
      if (i + 1 == cap && items.size() > cap) {
        std::vector<std::string> rest(names.begin() + static_cast<long>(cap), names.end());
        msg += " (and " + std::to_string(items.size() - cap) + " more: " + list_some(rest, 5) + ")";
      }
      finding(subject, items[i].second, rule, msg);
    }
  };

  auto check = [&](uint32_t root, bool program) {
    const Object& o = objects[root];
    std::vector<Missing> missing;
    std::vector<Loaded> order = loader.load(root, missing);
    auto for_part = [&](int k) { return k == 0 ? std::string() : " (for " + order[static_cast<size_t>(k)].path + ")"; };
    int interp = -1;
    if (program && o.interp) {
      interp = loader.object_at(pool.str(o.interp));
      bool in = false;
      for (const auto& l : order) in = in || static_cast<int>(l.obj) == interp;
      if (interp >= 0 && !in) order.push_back({static_cast<uint32_t>(interp), pool.str(o.interp), -1, {}});
    }
    if (program) {
      for (size_t k = 1; k < order.size(); ++k) loaded[order[k].obj] = true;
    }
    std::set<uint32_t> seen;
    for (const auto& m : missing) {
      if (!program && m.by != 0) continue;
      if (!seen.insert(m.name).second) continue;
      std::string msg = "needs " + pool.str(m.name) + for_part(m.by) + ", which is not found in the " + plat +
                        " variant (searched " + m.searched + (m.skipped.empty() ? "" : "; skipped " + m.skipped) + ")";
      Severity sev = Severity::error;
      if (m.unexpanded) {
        sev = Severity::warning;
        msg += " (a warning: a search folder names $LIB or $PLATFORM, which this audit does not expand)";
      }
      finding(o, sev, "missing-library", msg);
    }
    // Symbol versions: each DT_VERNEED entry against the library that resolved that DT_NEEDED.
    std::vector<std::pair<std::string, Severity>> items;
    std::vector<std::string> names;
    std::set<std::pair<uint32_t, uint32_t>> missing_versions;
    for (size_t k = 0; k < order.size() && (program || k == 0); ++k) {
      for (const auto& need : objects[order[k].obj].verneed) {
        int t = -1;
        for (const auto& [n, idx] : order[k].needed) {
          if (n == need.file) t = idx;
        }
        for (size_t j = 0; t < 0 && j < order.size(); ++j) {
          if (objects[order[j].obj].soname == need.file) t = static_cast<int>(j);
        }
        if (t < 0) continue;
        const Object& lib = objects[order[static_cast<size_t>(t)].obj];
        if (lib.unknown || !lib.has_verdef || lib.defines_version(need.version)) continue;
        if (!missing_versions.insert({need.file, need.version}).second) continue;
        std::vector<std::string> defs;
        for (size_t v = lib.verdefs.size() > 3 ? lib.verdefs.size() - 3 : 0; v < lib.verdefs.size(); ++v) {
          defs.push_back(pool.str(lib.verdefs[v]));
        }
        std::string msg = "needs version " + pool.str(need.version) + " of " + pool.str(need.file) +
                          for_part(static_cast<int>(k)) + ", which " + order[static_cast<size_t>(t)].path +
                          " does not define (" + (lib.verdefs.size() > 3 ? "its newest: " : "it defines: ") +
                          (defs.empty() ? "none" : list_some(defs, 3)) + ") in the " + plat + " variant";
        if (need.weak) msg += " (a warning: a weak version requirement)";
        items.emplace_back(msg, need.weak ? Severity::warning : Severity::error);
        names.push_back(pool.str(need.version));
      }
    }
    capped(o, "missing-symbol-version", items, names);
    if (!program) return;
    ++stats.programs_checked;
    // Undefined symbols: what `ldd -r` checks, only when everything was found.
    if (!missing.empty() || (o.interp && interp < 0)) return;
    std::vector<uint32_t> ids;
    for (const auto& l : order) {
      if (objects[l.obj].unknown) return;
      ids.push_back(l.obj);
    }
    std::vector<uint32_t> key = ids;
    std::sort(key.begin(), key.end());
    auto memo = undefined_memo.find(key);
    if (memo == undefined_memo.end()) {
      std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> found;  // (object, name, version)
      for (uint32_t id : ids) {
        for (const auto& [name, ver] : objects[id].undefined) {
          uint64_t nk = name_key(pool.view(name));
          bool ok = false;
          for (uint32_t d : ids) {
            if (objects[d].defines(nk, ver)) {
              ok = true;
              break;
            }
          }
          if (!ok) found.emplace_back(id, name, ver);
        }
      }
      if (undefined_memo.size() > 100000) undefined_memo.clear();
      memo = undefined_memo.emplace(key, std::move(found)).first;
    }
    std::vector<std::string> libs;
    for (size_t k = 1; k < order.size(); ++k) libs.push_back(order[k].path);
    items.clear();
    names.clear();
    std::set<std::pair<uint32_t, uint32_t>> reported;
    for (const auto& [id, name, ver] : memo->second) {
      if (!reported.insert({name, ver}).second) continue;
      // A symbol whose version is missing was reported as such.
      bool version_missing = false;
      for (const auto& mv : missing_versions) version_missing = version_missing || (ver && mv.second == ver);
      if (version_missing) continue;
      int k = 0;
      for (size_t j = 0; j < order.size(); ++j) {
        if (order[j].obj == id) k = static_cast<int>(j);
      }
      std::string sym = pool.str(name) + (ver ? "@" + pool.str(ver) : "");
      items.emplace_back("needs " + sym + for_part(k) + ", which no library it loads defines (" +
                             (libs.empty() ? std::string("it loads none") : "it loads " + list_some(libs, 3)) +
                             ") in the " + plat + " variant",
                         Severity::error);
      names.push_back(sym);
    }
    capped(o, "undefined-symbol", items, names);
  };

  for (uint32_t i = 0; i < objects.size(); ++i) {
    if (objects[i].program) check(i, true);
  }
  // Libraries no program loads (plugins, modules): their own libraries and versions.
  for (uint32_t i = 0; i < objects.size(); ++i) {
    if (!objects[i].program && !loaded[i]) check(i, false);
  }
}

// The image's ENTRYPOINT (else CMD) program, resolved as Docker does: a
// word without "/" through the folders of PATH.  It must exist, be an
// executable regular file, and, if ELF, be one the platform runs.
void check_entrypoint(const FileIndex& index, const std::vector<uint64_t>& executables,
                      const std::unordered_map<uint64_t, std::string>& hardlinks,
                      const std::unordered_map<uint64_t, Foreign>& foreign, const AuditOptions& opt,
                      Reporter& report) {
  bool from_entrypoint = !opt.entrypoint.empty() && !opt.entrypoint[0].empty();
  const std::vector<std::string>& words = from_entrypoint ? opt.entrypoint : opt.cmd;
  if (words.empty() || words[0].empty()) return;
  const std::string& prog = words[0];
  const std::string what = from_entrypoint ? "ENTRYPOINT" : "CMD";
  const std::string plat = opt.platform.str();
  std::vector<std::string> candidates;
  if (prog.find('/') != std::string::npos) {
    candidates.push_back(prog[0] == '/' ? prog : "/" + prog);
  } else {
    for (const auto& d : opt.path_dirs) {
      if (!d.empty()) candidates.push_back(join_path(d[0] == '/' ? d : "/" + d, prog));
    }
  }
  auto is_exec = [&](std::string resolved) {
    for (int hop = 0; hop < 8; ++hop) {
      uint64_t h = path_hash(resolved);
      if (std::binary_search(executables.begin(), executables.end(), h)) return true;
      auto hl = hardlinks.find(h);
      if (hl == hardlinks.end() || !index.resolve(hl->second, resolved)) return false;
    }
    return false;
  };
  Finding f;
  f.rule = "missing-entrypoint";
  f.severity = Severity::error;
  f.location = f.subject = prog;
  std::string problem;  // of the first candidate that exists
  for (const auto& c : candidates) {
    std::string resolved;
    if (!index.resolve(c, resolved) || !index.present(resolved)) continue;
    std::string why;
    if (index.is_dir(resolved)) why = "is a directory";
    else if (!is_exec(resolved)) why = "is not executable (no x permission)";
    if (!why.empty()) {
      if (problem.empty()) {
        problem = why;
        f.location = f.subject = c;
      }
      continue;  // PATH lookup goes on, as exec.LookPath does
    }
    auto fr = foreign.find(path_hash(resolved));
    if (fr == foreign.end() || fr->second.compat) return;  // found, and runnable as far as this audit can tell
    f.location = f.subject = c;
    f.message = "the image's " + what + " runs it, but it is a " + fr->second.what + "; " + plat + " runs " +
                expectation(opt.platform);
    report.add(f);
    return;
  }
  if (!problem.empty()) {
    f.message = "the image's " + what + " runs it, but it " + problem + " in the " + plat + " variant";
  } else if (prog.find('/') != std::string::npos) {
    f.message = "the image's " + what + " runs " + prog + ", which is missing from the " + plat + " variant";
  } else {
    std::string path;
    for (const auto& d : opt.path_dirs) path += (path.empty() ? "" : ":") + d;
    f.message = "the image's " + what + " runs \"" + prog + "\", which no folder of PATH (" + path + ") holds in the " +
                plat + " variant";
  }
  report.add(f);
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

  // What the loader check needs, kept compact (see Object).
  StringPool pool;
  std::vector<Object> objects;
  std::unordered_map<uint64_t, uint32_t> object_at;      // path -> objects[]
  std::unordered_map<uint64_t, std::string> hardlinks;   // path -> the path it is a hard link to
  std::unordered_map<uint64_t, Foreign> foreign;         // ELF files of another kind than the platform's
  std::vector<uint64_t> executables;                     // regular files with an x permission
  std::map<std::string, std::string> ld_conf;            // /etc/ld.so.conf*, /etc/ld-musl-*.path

  TarEntry e;
  while (tar.next(e)) {
    std::string path = "/" + e.path;
    if (e.path.empty()) continue;  // the root folder itself
    index.add(path);
    if (e.type == '2') index.add_symlink(path, e.linkname);
    if (e.type == '5') index.add_dir(path);
    if (e.type == '1') hardlinks[path_hash(path)] = "/" + clean_relative(e.linkname);
    if ((e.is_regular() || e.type == '1') && (e.mode & 0111)) executables.push_back(path_hash(path));
    if (!e.is_regular() || e.size == 0) continue;

    size_t got = 0;
    while (got < head.size()) {
      size_t n = tar.read_data(head.data() + got, head.size() - got);
      if (n == 0) break;
      got += n;
    }
    if ((starts_with(path, "/etc/ld.so.conf") || (starts_with(path, "/etc/ld-musl-") && ends_with(path, ".path"))) &&
        e.size <= got) {
      ld_conf[path] = std::string(head.data(), got);
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
      if ((fit.fit == Fit::no || fit.fit == Fit::compat) && foreign.size() < 100000) {
        foreign[path_hash(path)] = {describe(elf), fit.fit == Fit::compat};
      }
      // A dynamically linked file the platform runs: what its loader reads.
      if (fit.fit == Fit::runs && elf.has_dynamic && !starts_with(path, "/usr/lib/debug/")) {
        DynamicInfo dyn;
        if (e.size <= opt.max_in_memory) {
          std::vector<unsigned char> whole(static_cast<size_t>(e.size));
          std::memcpy(whole.data(), head.data(), got);
          size_t have = got;
          while (have < whole.size()) {
            size_t n = tar.read_data(reinterpret_cast<char*>(whole.data()) + have, whole.size() - have);
            if (n == 0) break;
            have += n;
          }
          dyn = parse_dynamic(MemoryFile(whole.data(), have));
        } else {
          // Too big to hold: spooled to an anonymous temporary file, read with pread.
          std::unique_ptr<FILE, int (*)(FILE*)> spool(std::tmpfile(), &std::fclose);
          if (!spool) throw InputError(std::string("cannot create a temporary file: ") + std::strerror(errno));
          uint64_t have = got;
          bool ok = std::fwrite(head.data(), 1, got, spool.get()) == got;
          std::vector<char> chunk(1 << 20);
          while (ok) {
            size_t n = tar.read_data(chunk.data(), chunk.size());
            if (n == 0) break;
            ok = std::fwrite(chunk.data(), 1, n, spool.get()) == n;
            have += n;
          }
          if (!ok || std::fflush(spool.get()) != 0) {
            throw InputError("cannot write a temporary file for " + path + ": " + std::strerror(errno));
          }
          ++stats.spooled;
          dyn = parse_dynamic(DescriptorFile(fileno(spool.get()), have));
        }
        ++stats.dynamic_objects;
        if (!dyn.ok) {
          Finding m;
          m.location = m.subject = path;
          m.severity = Severity::warning;
          m.rule = "malformed-elf";
          m.message = "its dynamic section cannot be read (" + dyn.problem + "); its libraries and symbols are not checked";
          report.add(m);
        }
        object_at[path_hash(path)] = static_cast<uint32_t>(objects.size());
        objects.push_back(make_object(path, elf, dyn, pool));
      }
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
  // Each program can load: its libraries, symbol versions and symbols.
  std::sort(executables.begin(), executables.end());
  Loader loader(index, pool, objects, object_at, hardlinks, foreign, ld_conf, opt.platform);
  check_loading(loader, objects, pool, opt, report, stats);
  check_entrypoint(index, executables, hardlinks, foreign, opt, report);

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
