// Unit tests of multiarch-audit.  Built with AddressSanitizer and
// UndefinedBehaviorSanitizer by the test suite: every buffer handed to the
// parsers below has exactly the size of its content, so that a read past
// it is caught.  Truncated and garbage ELF and tar input must end in an
// InputError (a clear message), never a crash.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "audit.hpp"
#include "build_context.hpp"
#include "cli.hpp"
#include "context.hpp"
#include "dockerfile.hpp"
#include "dynamic.hpp"
#include "elf.hpp"
#include "finding_list.hpp"
#include "findings.hpp"
#include "glob.hpp"
#include "model.hpp"
#include "platform.hpp"
#include "rules.hpp"
#include "tar.hpp"
#include "together.hpp"

using namespace multiarch;
namespace fs = std::filesystem;

namespace {

int g_failures = 0;
int g_checks = 0;

#define CHECK(cond)                                                              \
  do {                                                                           \
    ++g_checks;                                                                  \
    if (!(cond)) {                                                               \
      ++g_failures;                                                              \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                            \
  } while (0)

#define CHECK_HAS(text, needle)                                                           \
  do {                                                                                    \
    ++g_checks;                                                                           \
    const std::string& t_ = (text);                                                       \
    if (t_.find(needle) == std::string::npos) {                                           \
      ++g_failures;                                                                       \
      std::fprintf(stderr, "%s:%d: expected \"%s\" in:\n%s\n", __FILE__, __LINE__, needle, t_.c_str()); \
    }                                                                                     \
  } while (0)

std::vector<std::pair<const char*, void (*)()>>& registry() {
  static std::vector<std::pair<const char*, void (*)()>> r;
  return r;
}
struct Registrar {
  Registrar(const char* n, void (*f)()) { registry().emplace_back(n, f); }
};
#define TEST(name)                             \
  void name();                                 \
  const Registrar reg_##name(#name, name);     \
  void name()

// ---------------------------------------------------------------- builders

void put(std::string& s, size_t off, uint64_t v, unsigned n, bool big) {
  for (unsigned i = 0; i < n; ++i) {
    unsigned shift = big ? 8 * (n - 1 - i) : 8 * i;
    s[off + i] = static_cast<char>((v >> shift) & 0xff);
  }
}

// A minimal ELF file: header, optionally one PT_INTERP program header and
// the interpreter's name.
std::string make_elf(unsigned cls, unsigned data, uint16_t machine, uint16_t type = 2, uint32_t flags = 0,
                     const std::string& interp = "", unsigned osabi = 0) {
  const bool is64 = cls == 2, big = data == 2;
  const size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32;
  std::string s(eh + (interp.empty() ? 0 : ph + interp.size() + 1) + 16, '\0');
  std::memcpy(&s[0], "\x7f" "ELF", 4);
  s[4] = static_cast<char>(cls);
  s[5] = static_cast<char>(data);
  s[6] = 1;
  s[7] = static_cast<char>(osabi);
  put(s, 16, type, 2, big);
  put(s, 18, machine, 2, big);
  put(s, 20, 1, 4, big);
  put(s, is64 ? 48 : 36, flags, 4, big);
  put(s, is64 ? 52 : 40, eh, 2, big);
  if (!interp.empty()) {
    put(s, is64 ? 32 : 28, eh, is64 ? 8 : 4, big);  // e_phoff
    put(s, is64 ? 54 : 42, ph, 2, big);              // e_phentsize
    put(s, is64 ? 56 : 44, 1, 2, big);               // e_phnum
    const size_t off = eh + ph;
    put(s, eh, 3, 4, big);  // PT_INTERP
    put(s, eh + (is64 ? 8 : 4), off, is64 ? 8 : 4, big);
    put(s, eh + (is64 ? 32 : 16), interp.size() + 1, is64 ? 8 : 4, big);
    std::memcpy(&s[off], interp.data(), interp.size());
  }
  return s;
}

std::string amd64_elf() { return make_elf(2, 1, 62); }

// A dynamically linked ELF file as a linker writes one: one PT_LOAD at
// address <base> covering the file, the tables first and .dynamic last.
struct DynSpec {
  unsigned cls = 2, data = 1;
  uint16_t machine = 183, type = 3;
  uint32_t flags = 0;
  std::string interp, soname, runpath, rpath;
  std::vector<std::string> needed;
  std::vector<std::string> verdefs;  // versions defined (the base is the soname)
  struct Need {
    std::string file, version;
    bool weak = false;
  };
  std::vector<Need> verneed;
  // name, version ("" none); a version of a definition names one of verdefs,
  // of an undefined symbol one of verneed.
  std::vector<std::pair<std::string, std::string>> defined, undefined, weak_undefined;
  bool pie = false;
  bool versym = true;
  bool gnu_hash = false;  // count symbols through DT_GNU_HASH instead of DT_HASH
};

std::string make_dyn_elf(const DynSpec& sp) {
  const bool is64 = sp.cls == 2, big = sp.data == 2;
  const unsigned W = is64 ? 8 : 4;
  const size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32;
  const uint64_t base = 0x10000;
  const size_t nph = sp.interp.empty() ? 2 : 3;
  std::string f(eh + nph * ph, '\0');
  std::memcpy(&f[0], "\x7f" "ELF", 4);
  f[4] = static_cast<char>(sp.cls);
  f[5] = static_cast<char>(sp.data);
  f[6] = 1;
  put(f, 16, sp.type, 2, big);
  put(f, 18, sp.machine, 2, big);
  put(f, 20, 1, 4, big);
  put(f, is64 ? 32 : 28, eh, W, big);
  put(f, is64 ? 48 : 36, sp.flags, 4, big);
  put(f, is64 ? 52 : 40, eh, 2, big);
  put(f, is64 ? 54 : 42, ph, 2, big);
  put(f, is64 ? 56 : 44, nph, 2, big);
  auto align = [&](size_t a) { f.resize((f.size() + a - 1) / a * a, '\0'); };
  size_t interp_off = f.size();
  f += sp.interp + '\0';
  // Strings.
  std::string strtab(1, '\0');
  std::map<std::string, uint32_t> at;
  auto s = [&](const std::string& x) {
    auto it = at.find(x);
    if (it != at.end()) return it->second;
    uint32_t off = static_cast<uint32_t>(strtab.size());
    strtab += x + '\0';
    at[x] = off;
    return off;
  };
  for (const auto& n : sp.needed) s(n);
  // Version indexes: 1 the base, 2.. verdefs, then verneed entries.
  std::map<std::string, uint16_t> def_ndx, need_ndx;
  uint16_t next = 2;
  for (const auto& v : sp.verdefs) def_ndx[v] = next++;
  for (const auto& n : sp.verneed) need_ndx[n.version] = next++;
  struct Sym {
    std::string name;
    bool defined;
    unsigned bind;
    uint16_t ver;
  };
  std::vector<Sym> syms = {{"", false, 0, 0}};
  for (const auto& [n, v] : sp.defined) syms.push_back({n, true, 1, v.empty() ? uint16_t(1) : def_ndx[v]});
  for (const auto& [n, v] : sp.undefined) syms.push_back({n, false, 1, v.empty() ? uint16_t(1) : need_ndx[v]});
  for (const auto& [n, v] : sp.weak_undefined) syms.push_back({n, false, 2, v.empty() ? uint16_t(1) : need_ndx[v]});
  // Symbol table.
  align(8);
  size_t symtab_off = f.size();
  const size_t syment = is64 ? 24 : 16;
  for (const auto& y : syms) {
    std::string e(syment, '\0');
    if (!y.name.empty()) put(e, 0, s(y.name), 4, big);
    unsigned char info = static_cast<unsigned char>((y.bind << 4) | (y.name.empty() ? 0 : 2));
    e[is64 ? 4 : 12] = static_cast<char>(y.name.empty() ? 0 : info);
    put(e, is64 ? 6 : 14, y.defined ? 7 : 0, 2, big);
    f += e;
  }
  size_t versym_off = f.size();
  for (const auto& y : syms) {
    std::string v(2, '\0');
    put(v, 0, y.name.empty() ? 0 : y.ver, 2, big);
    f += v;
  }
  align(8);
  // Hash tables.
  size_t hash_off = f.size();
  if (sp.gnu_hash) {
    // One bucket pointing at symbol 1; the chain ends at the last symbol.
    std::string h(16 + W + 4 + 4 * (syms.size() - 1), '\0');
    put(h, 0, 1, 4, big);
    put(h, 4, 1, 4, big);
    put(h, 8, 1, 4, big);
    put(h, 16 + W, syms.size() > 1 ? 1 : 0, 4, big);
    for (size_t i = 1; i < syms.size(); ++i) put(h, 16 + W + 4 + 4 * (i - 1), i + 1 == syms.size() ? 1 : 0, 4, big);
    f += h;
  } else {
    std::string h(8 + 4 + 4 * syms.size(), '\0');
    put(h, 0, 1, 4, big);
    put(h, 4, syms.size(), 4, big);
    f += h;
  }
  align(8);
  // Version definitions: the base, then each version.
  size_t verdef_off = f.size();
  std::vector<std::string> defs = {sp.soname.empty() ? std::string("base") : sp.soname};
  defs.insert(defs.end(), sp.verdefs.begin(), sp.verdefs.end());
  for (size_t i = 0; i < defs.size(); ++i) {
    std::string d(20 + 8, '\0');
    put(d, 0, 1, 2, big);
    put(d, 2, i == 0 ? 1 : 0, 2, big);
    put(d, 4, i + 1, 2, big);
    put(d, 6, 1, 2, big);
    put(d, 12, 20, 4, big);
    put(d, 16, i + 1 == defs.size() ? 0 : 28, 4, big);
    put(d, 20, s(defs[i]), 4, big);
    f += d;
  }
  // Version requirements, one vn entry per file.
  size_t verneed_off = f.size();
  std::vector<std::string> files;
  for (const auto& n : sp.verneed) {
    if (std::find(files.begin(), files.end(), n.file) == files.end()) files.push_back(n.file);
  }
  for (size_t i = 0; i < files.size(); ++i) {
    std::vector<const DynSpec::Need*> of;
    for (const auto& n : sp.verneed) {
      if (n.file == files[i]) of.push_back(&n);
    }
    std::string v(16 + 16 * of.size(), '\0');
    put(v, 0, 1, 2, big);
    put(v, 2, of.size(), 2, big);
    put(v, 4, s(files[i]), 4, big);
    put(v, 8, 16, 4, big);
    put(v, 12, i + 1 == files.size() ? 0 : v.size(), 4, big);
    for (size_t k = 0; k < of.size(); ++k) {
      size_t a = 16 + 16 * k;
      put(v, a + 4, of[k]->weak ? 2 : 0, 2, big);
      put(v, a + 6, need_ndx[of[k]->version], 2, big);
      put(v, a + 8, s(of[k]->version), 4, big);
      put(v, a + 12, k + 1 == of.size() ? 0 : 16, 4, big);
    }
    f += v;
  }
  uint32_t soname = sp.soname.empty() ? 0 : s(sp.soname), runpath = sp.runpath.empty() ? 0 : s(sp.runpath),
           rpath = sp.rpath.empty() ? 0 : s(sp.rpath);
  size_t strtab_off = f.size();
  f += strtab;
  align(8);
  // The dynamic section, last.
  size_t dyn_off = f.size();
  auto dyn = [&](uint64_t tag, uint64_t val) {
    std::string d(2 * W, '\0');
    put(d, 0, tag, W, big);
    put(d, W, val, W, big);
    f += d;
  };
  for (const auto& n : sp.needed) dyn(1, s(n));
  if (!sp.soname.empty()) dyn(14, soname);
  if (!sp.runpath.empty()) dyn(29, runpath);
  if (!sp.rpath.empty()) dyn(15, rpath);
  dyn(5, base + strtab_off);
  dyn(10, strtab.size());
  dyn(6, base + symtab_off);
  dyn(11, syment);
  dyn(sp.gnu_hash ? 0x6ffffef5 : 4, base + hash_off);
  if (sp.versym) dyn(0x6ffffff0, base + versym_off);
  if (sp.versym) {
    dyn(0x6ffffffc, base + verdef_off);
    dyn(0x6ffffffd, defs.size());
  }
  if (sp.versym && !files.empty()) {
    dyn(0x6ffffffe, base + verneed_off);
    dyn(0x6fffffff, files.size());
  }
  if (sp.pie) dyn(0x6ffffffb, 0x08000000);
  dyn(0, 0);
  size_t dyn_size = f.size() - dyn_off;
  // Program headers: PT_LOAD, PT_DYNAMIC, PT_INTERP.
  auto phdr = [&](size_t i, uint32_t type, uint64_t off, uint64_t size) {
    size_t b = eh + i * ph;
    put(f, b, type, 4, big);
    if (is64) {
      put(f, b + 8, off, 8, big);
      put(f, b + 16, base + off, 8, big);
      put(f, b + 32, size, 8, big);
      put(f, b + 40, size, 8, big);
    } else {
      put(f, b + 4, off, 4, big);
      put(f, b + 8, base + off, 4, big);
      put(f, b + 16, size, 4, big);
      put(f, b + 20, size, 4, big);
    }
  };
  phdr(0, 1, 0, f.size());
  phdr(1, 2, dyn_off, dyn_size);
  if (!sp.interp.empty()) phdr(2, 3, interp_off, sp.interp.size() + 1);
  return f;
}

DynamicInfo parse_dyn_exact(const std::string& bytes) {
  std::unique_ptr<unsigned char[]> buf(new unsigned char[bytes.size() ? bytes.size() : 1]);
  if (!bytes.empty()) std::memcpy(buf.get(), bytes.data(), bytes.size());
  return parse_dynamic(MemoryFile(buf.get(), bytes.size()));
}

std::vector<std::string> names_of(const DynamicInfo& d, const std::vector<DynamicSymbol>& v) {
  std::vector<std::string> out;
  for (const auto& y : v) {
    out.push_back(std::string(d.str(y.name)) + (y.version ? "@" + std::string(d.str(y.version)) : ""));
  }
  return out;
}

// A dynamic program cut right after its program headers, as in a separate
// debug file: PT_INTERP points past the end.
std::string dyn_debug_file() {
  std::string full = make_elf(2, 1, 62, 3, 0, "/lib64/ld-linux-x86-64.so.2");
  return full.substr(0, 64 + 56);
}
std::string arm64_elf() { return make_elf(2, 1, 183); }

ElfInfo parse_exact(const std::string& bytes, uint64_t file_size) {
  // A heap copy of exactly the bytes: ASan sees any read beyond them.
  std::unique_ptr<unsigned char[]> buf(new unsigned char[bytes.size() ? bytes.size() : 1]);
  if (!bytes.empty()) std::memcpy(buf.get(), bytes.data(), bytes.size());
  return parse_elf(buf.get(), bytes.size(), file_size);
}

std::string tar_header(const std::string& name, char type, uint64_t size, const std::string& link = "",
                       unsigned mode = 0644) {
  std::string h(512, '\0');
  std::memcpy(&h[0], name.data(), std::min<size_t>(name.size(), 100));
  std::snprintf(&h[100], 8, "%07o", mode);
  std::snprintf(&h[108], 8, "%07o", 0u);
  std::snprintf(&h[116], 8, "%07o", 0u);
  std::snprintf(&h[124], 12, "%011llo", static_cast<unsigned long long>(size));
  std::snprintf(&h[136], 12, "%011o", 0u);
  h[156] = type;
  std::memcpy(&h[157], link.data(), std::min<size_t>(link.size(), 100));
  std::memcpy(&h[257], "ustar\0" "00", 8);
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(&h[148], 8, "%06o", sum);
  h[155] = ' ';
  return h;
}

void fix_checksum(std::string& h) {
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(h[i]);
  std::snprintf(&h[148], 8, "%06o", sum);
  h[155] = ' ';
}

std::string pad(const std::string& data) { return data + std::string((512 - data.size() % 512) % 512, '\0'); }

std::string tar_file(const std::string& name, const std::string& data, unsigned mode = 0755) {
  return tar_header(name, '0', data.size(), "", mode) + pad(data);
}
std::string tar_dir(const std::string& name) { return tar_header(name, '5', 0, "", 0755); }
std::string tar_link(const std::string& name, const std::string& target) { return tar_header(name, '2', 0, target, 0777); }
std::string tar_end() { return std::string(1024, '\0'); }

std::string pax_record(const std::string& key, const std::string& value) {
  std::string body = " " + key + "=" + value + "\n";
  size_t len = body.size() + 1;
  while (std::to_string(len).size() + body.size() != len) ++len;
  return std::to_string(len) + body;
}

// A small but varied filesystem of a linux/arm64 variant.
std::string sample_variant() {
  std::string t;
  t += tar_dir("bin/") + tar_dir("usr/") + tar_dir("usr/bin/") + tar_dir("lib/");
  t += tar_file("usr/bin/dash", arm64_elf());
  t += tar_link("usr/bin/sh", "dash");
  t += tar_link("bin", "usr/bin");  // merged /usr, after bin/ as a folder: the link wins
  t += tar_file("lib/ld-linux-aarch64.so.1", make_elf(2, 1, 183, 3));
  t += tar_file("usr/bin/app", make_elf(2, 1, 183, 3, 0, "/lib/ld-linux-aarch64.so.1"));
  t += tar_file("usr/bin/start", "#!/bin/sh\necho hi\n");
  t += tar_file("usr/bin/data.txt", "plain text\n", 0644);
  // A long name, through a GNU 'L' entry and a pax header.
  std::string long_name = "usr/share/" + std::string(150, 'x') + "/file";
  t += tar_header("././@LongLink", 'L', long_name.size() + 1) + pad(long_name + '\0');
  t += tar_file("placeholder", "long\n", 0644);
  std::string pax = pax_record("path", "usr/share/pax-" + std::string(120, 'y'));
  t += tar_header("PaxHeaders/x", 'x', pax.size()) + pad(pax);
  t += tar_file("short", "pax\n", 0644);
  t += tar_end();
  return t;
}

struct AuditRun {
  std::string out;
  size_t errors = 0, warnings = 0, accepted = 0;
  AuditStats stats;
  std::string error;  // InputError message
};

AuditRun run_audit(const std::string& archive, const std::string& platform,
                   const std::vector<std::string>& allow = {}) {
  AuditRun r;
  AuditOptions opt;
  opt.read_buffer = 700;  // not a multiple of 512: entries straddle reads
  std::string err;
  CHECK(parse_platform(platform, opt.platform, err));
  AllowList list;
  for (const auto& a : allow) CHECK(list.add(a, err));
  std::ostringstream out;
  Reporter rep(out, list, 1000);
  MemorySource src(archive);
  try {
    r.stats = audit_variant(src, opt, rep);
  } catch (const InputError& e) {
    r.error = e.what();
  }
  rep.finish();
  r.out = out.str();
  r.errors = rep.errors();
  r.warnings = rep.warnings();
  r.accepted = rep.accepted();
  return r;
}

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/multiarch-audit-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& rel, const std::string& data) const {
    fs::path p = path / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << data;
  }
};

struct ContextRun {
  std::string out;
  size_t errors = 0, warnings = 0, accepted = 0;
};

ContextRun run_context(const TempDir& dir, const std::vector<std::string>& platforms,
                       const std::string& lint = "", const std::vector<std::string>& allow = {}) {
  ContextOptions o;
  o.dockerfile = (dir.path / "Dockerfile").string();
  o.context = dir.path.string();
  std::string err;
  for (const auto& p : platforms) {
    Platform pl;
    CHECK(parse_platform(p, pl, err));
    o.platforms.push_back(pl);
  }
  if (!lint.empty()) {
    dir.write("lint.tsv", lint);
    o.lint_file = (dir.path / "lint.tsv").string();
  }
  AllowList list;
  for (const auto& a : allow) CHECK(list.add(a, err));
  std::ostringstream out;
  Reporter rep(out, list, 1000);
  check_context(o, rep);
  rep.finish();
  return {out.str(), rep.errors(), rep.warnings(), rep.accepted()};
}

int run_cli(const std::vector<std::string>& args, std::string& out, std::string& err, int fd = -1) {
  std::ostringstream o, e;
  std::vector<std::string> a = {"multiarch-audit"};
  a.insert(a.end(), args.begin(), args.end());
  int rc = cli_main(a, fd, o, e);
  out = o.str();
  err = e.str();
  return rc;
}

// ------------------------------------------------------------------ tests

TEST(platforms_normalise) {
  Platform p;
  std::string err;
  CHECK(parse_platform("linux/aarch64", p, err) && p.str() == "linux/arm64");
  CHECK(parse_platform("linux/arm", p, err) && p.str() == "linux/arm/v7");
  CHECK(parse_platform("linux/arm64/v8", p, err) && p.str() == "linux/arm64");
  CHECK(parse_platform("linux/x86_64", p, err) && p.str() == "linux/amd64");
  CHECK(!parse_platform("linux", p, err));
  CHECK(!parse_platform("linux/sparc", p, err));
  CHECK_HAS(err, "unknown architecture");
  CHECK(!parse_platform("linux/arm/v9", p, err));
  CHECK(arch_family("x86_64") == "amd64" && arch_family("ARMHF") == "arm" && arch_family("hello").empty());
  CHECK(debian_arch(Platform{"linux", "arm", "v7"}) == "armhf");
}

TEST(elf_identifies_machines_and_abis) {
  Platform amd64{"linux", "amd64", ""}, arm64{"linux", "arm64", ""}, armv7{"linux", "arm", "v7"},
      armv5{"linux", "arm", "v5"}, s390x{"linux", "s390x", ""};
  ElfInfo e = parse_exact(amd64_elf(), amd64_elf().size());
  CHECK(e.status == ElfStatus::ok && e.machine == 62 && e.elf_class == 2 && e.data == 1);
  CHECK(describe(e) == "64-bit LSB x86-64 executable");
  CHECK(check_fit(e, amd64).fit == Fit::runs);
  CHECK(check_fit(e, arm64).fit == Fit::no);
  CHECK_HAS(check_fit(e, arm64).why, "64-bit LSB AArch64");

  std::string hard = make_elf(1, 1, 40, 2, 0x05000400);
  std::string soft = make_elf(1, 1, 40, 2, 0x05000200);
  std::string unrecorded = make_elf(1, 1, 40, 2, 0x05000000);
  std::string oabi = make_elf(1, 1, 40, 2, 0);
  CHECK(check_fit(parse_exact(hard, hard.size()), armv7).fit == Fit::runs);
  CHECK(check_fit(parse_exact(soft, soft.size()), armv7).fit == Fit::no);
  CHECK_HAS(check_fit(parse_exact(soft, soft.size()), armv7).why, "soft-float");
  CHECK(check_fit(parse_exact(soft, soft.size()), armv5).fit == Fit::runs);
  CHECK(check_fit(parse_exact(hard, hard.size()), armv5).fit == Fit::no);
  CHECK(check_fit(parse_exact(unrecorded, unrecorded.size()), armv7).fit == Fit::compat);
  CHECK(check_fit(parse_exact(oabi, oabi.size()), armv7).fit == Fit::no);
  // The float ABI of a dynamic program also shows in its interpreter.
  std::string armhf_dyn = make_elf(1, 1, 40, 3, 0x05000000, "/lib/ld-linux-armhf.so.3");
  CHECK(check_fit(parse_exact(armhf_dyn, armhf_dyn.size()), armv7).fit == Fit::runs);
  CHECK(describe(parse_exact(armhf_dyn, armhf_dyn.size())) == "32-bit LSB ARM EABI5 hard-float executable");

  std::string arm_on_arm64 = hard;
  CHECK(check_fit(parse_exact(arm_on_arm64, arm_on_arm64.size()), arm64).fit == Fit::compat);
  std::string i386 = make_elf(1, 1, 3);
  CHECK(check_fit(parse_exact(i386, i386.size()), amd64).fit == Fit::compat);
  std::string x32 = make_elf(1, 1, 62);
  CHECK(check_fit(parse_exact(x32, x32.size()), amd64).fit == Fit::compat);
  CHECK(check_fit(parse_exact(x32, x32.size()), arm64).fit == Fit::no);
  // A separate debug file: program headers kept, the interpreter's bytes not.
  std::string debug = dyn_debug_file();
  ElfInfo dbg = parse_exact(debug, debug.size());
  CHECK(dbg.status == ElfStatus::ok && !dbg.interp_known);
  std::string be_arm64 = make_elf(2, 2, 183);
  CHECK(check_fit(parse_exact(be_arm64, be_arm64.size()), arm64).fit == Fit::no);
  std::string s390 = make_elf(2, 2, 22);
  CHECK(check_fit(parse_exact(s390, s390.size()), s390x).fit == Fit::runs);
  std::string freebsd = make_elf(2, 1, 62, 2, 0, "", 9);
  CHECK(check_fit(parse_exact(freebsd, freebsd.size()), amd64).fit == Fit::no);
  std::string object = make_elf(2, 1, 62, 1);
  CHECK(check_fit(parse_exact(object, object.size()), arm64).fit == Fit::unchecked);

  std::string dyn = make_elf(2, 1, 183, 3, 0, "/lib/ld-linux-aarch64.so.1");
  ElfInfo d = parse_exact(dyn, dyn.size());
  CHECK(d.interp_known && d.interp == "/lib/ld-linux-aarch64.so.1");
  // Program headers beyond the bytes read: the interpreter is unknown, not an error.
  ElfInfo cut = parse_exact(dyn.substr(0, 70), dyn.size());
  CHECK(cut.status == ElfStatus::ok && !cut.interp_known);
}

TEST(elf_truncated_at_every_length) {
  for (const std::string& full : {make_elf(2, 1, 183, 3, 0, "/lib/ld-linux-aarch64.so.1"),
                                  make_elf(1, 2, 8, 2, 0, "/lib/ld.so.1")}) {
    for (size_t n = 0; n <= full.size(); ++n) {
      std::string part = full.substr(0, n);
      // As a file cut short (file size == bytes) and as a head of a longer file.
      ElfInfo a = parse_exact(part, part.size());
      ElfInfo b = parse_exact(part, full.size());
      size_t header = full[4] == 2 ? 64 : 52;
      if (n < 4) CHECK(a.status == ElfStatus::not_elf);
      else if (n < header) {
        CHECK(a.status == ElfStatus::malformed);
        CHECK_HAS(a.problem, "cut off");
      } else {
        CHECK(b.status == ElfStatus::ok);
      }
      describe(a);
      describe(b);
    }
  }
}

TEST(elf_garbage_never_reads_out_of_bounds) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i) {
    size_t n = rng() % 300;
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    if (n >= 4 && (i % 4) != 0) std::memcpy(&s[0], "\x7f" "ELF", 4);
    if (n >= 7 && (i % 3) == 0) {
      s[4] = static_cast<char>(1 + rng() % 2);
      s[5] = static_cast<char>(1 + rng() % 2);
      s[6] = 1;
    }
    uint64_t file_size = n + (rng() % 2 ? rng() % 100000 : 0);
    if (i % 7 == 0) file_size = ~0ull - (rng() % 100);
    ElfInfo e = parse_exact(s, file_size);
    CHECK(e.status != ElfStatus::malformed || !e.problem.empty());
    describe(e);
    check_fit(e, Platform{"linux", "arm", "v7"});
  }
}

TEST(tar_reads_a_variant) {
  std::string archive = sample_variant();
  MemorySource src(archive);
  TarReader tar(src, 700);  // a buffer that is not a multiple of 512
  TarEntry e;
  std::vector<std::string> paths;
  while (tar.next(e)) paths.push_back(e.path);
  CHECK(paths.size() == 13);
  CHECK(paths[0] == "bin" && paths[5] == "usr/bin/sh");
  CHECK(paths[11] == "usr/share/" + std::string(150, 'x') + "/file");
  CHECK(paths[12] == "usr/share/pax-" + std::string(120, 'y'));
  CHECK(tar.bytes_read() == archive.size());
}

TEST(tar_truncated_at_every_offset) {
  std::string archive = sample_variant();
  // The last entry's data ends 1024 bytes before the end; one zero block
  // after it is accepted as the end (as GNU tar does).
  const size_t complete = archive.size() - 1024;
  for (size_t n = 0; n < archive.size(); ++n) {
    AuditRun r = run_audit(archive.substr(0, n), "linux/arm64");
    if (n < complete + 512) {
      CHECK(!r.error.empty());
      if (r.error.empty()) std::fprintf(stderr, "  (prefix of %zu bytes was accepted)\n", n);
      bool clear = r.error.find("truncated") != std::string::npos || r.error.find("empty input") != std::string::npos;
      CHECK(clear);
    }
  }
  CHECK(run_audit(archive, "linux/arm64").error.empty());
}

TEST(tar_garbage_and_corruption) {
  AuditRun r = run_audit("", "linux/amd64");
  CHECK_HAS(r.error, "empty input");
  r = run_audit(std::string(3000, 'A'), "linux/amd64");
  CHECK_HAS(r.error, "not a tar archive");
  r = run_audit(std::string("\x1f\x8b\x08\0", 4) + std::string(600, '\0'), "linux/amd64");
  CHECK_HAS(r.error, "gzip");

  std::string good = sample_variant();
  std::mt19937_64 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string s = good;
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < flips; ++k) s[rng() % s.size()] = static_cast<char>(rng());
    // Most flips hit a header's checksum; half the time, make the header
    // valid again so that the fields themselves are garbage.
    if (i % 2) {
      for (size_t off = 0; off + 512 <= s.size(); off += 512) {
        if (std::memcmp(&s[off + 257], "ustar", 5) == 0) {
          std::string h = s.substr(off, 512);
          fix_checksum(h);
          s.replace(off, 512, h);
        }
      }
    }
    r = run_audit(s, "linux/arm64");  // must not crash; an error is fine
    CHECK(r.error.empty() || r.error.find(' ') != std::string::npos);
  }
  for (int i = 0; i < 2000; ++i) {
    std::string s(512 * (1 + rng() % 6), '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    for (size_t off = 0; off + 512 <= s.size(); off += 512) {
      std::string h = s.substr(off, 512);
      if (rng() % 2) h[156] = "0125xLKgS7"[rng() % 10];
      if (rng() % 2) std::snprintf(&h[124], 12, "%011llo", static_cast<unsigned long long>(rng() % 5000));
      fix_checksum(h);
      s.replace(off, 512, h);
    }
    r = run_audit(s, "linux/amd64");
    CHECK(!r.error.empty() || r.stats.entries > 0);
  }
}

TEST(tar_limits_and_number_formats) {
  // A size in GNU base-256 that points far beyond the input.
  std::string h = tar_header("huge", '0', 0);
  std::memset(&h[124], 0, 12);
  h[124] = static_cast<char>(0x80);
  h[130] = 0x10;  // 2^40 bytes
  fix_checksum(h);
  AuditRun r = run_audit(h + std::string(512, 'a'), "linux/amd64");
  CHECK_HAS(r.error, "truncated");
  // A negative base-256 size.
  h[124] = static_cast<char>(0xff);
  fix_checksum(h);
  CHECK_HAS(run_audit(h + tar_end(), "linux/amd64").error, "invalid size");
  // An oversized pax header is refused before it is read.
  std::string big = tar_header("PaxHeaders/x", 'x', TarReader::kMaxMetaSize + 1);
  CHECK_HAS(run_audit(big + tar_end(), "linux/amd64").error, "exceeds the limit");
  // A pax record whose length points past its header.
  std::string bad = "99 path=x\n";
  CHECK_HAS(run_audit(tar_header("PaxHeaders/x", 'x', bad.size()) + pad(bad) + tar_file("f", "x") + tar_end(),
                      "linux/amd64").error,
            "invalid pax record");
  // An extended header with nothing after it.
  std::string ok = pax_record("path", "abc");
  CHECK_HAS(run_audit(tar_header("PaxHeaders/x", 'x', ok.size()) + pad(ok) + tar_end(), "linux/amd64").error,
            "extended header");
  // Data after the end-of-archive marker.
  CHECK_HAS(run_audit(tar_file("f", "x") + std::string(512, '\0') + tar_file("g", "y"), "linux/amd64").error,
            "end-of-archive");
  // A file whose size is given by pax.
  std::string sz = pax_record("size", "5");
  r = run_audit(tar_header("PaxHeaders/x", 'x', sz.size()) + pad(sz) + tar_header("f", '0', 0) + pad("hello") +
                    tar_end(),
                "linux/amd64");
  CHECK(r.error.empty() && r.stats.entries == 1);
}

TEST(audit_finds_foreign_programs_and_missing_interpreters) {
  AuditRun clean = run_audit(sample_variant(), "linux/arm64");
  CHECK(clean.error.empty());
  CHECK(clean.errors == 0 && clean.warnings == 0);
  CHECK(clean.stats.elf_files == 3 && clean.stats.scripts == 1);

  std::string t;
  t += tar_dir("usr/") + tar_dir("usr/local/") + tar_dir("usr/local/bin/");
  t += tar_file("usr/local/bin/tool", amd64_elf());
  t += tar_file("usr/local/bin/run", "#!/bin/bash\nexec tool\n");
  t += tar_file("usr/local/bin/py", "#!/usr/bin/env python3\nprint(1)\n");
  t += tar_file("usr/bin/env", arm64_elf());
  t += tar_file("usr/local/bin/lib.sh", "#!/bin/zsh\n", 0644);  // not executable: not run by its #!
  t += tar_file("usr/local/bin/dyn", make_elf(2, 1, 183, 3, 0, "/lib/ld-linux-aarch64.so.1"));
  t += tar_file("usr/local/bin/cut", std::string("\x7f" "ELF\x02\x01\x01", 7));
  // Foreign, but where nothing runs it: warnings.
  t += tar_file("usr/local/go/src/debug/elf/testdata/gcc-amd64-linux-exec", amd64_elf());
  t += tar_file("usr/x86_64-linux-gnu/lib/libc.so.6", make_elf(2, 1, 62, 3));
  t += tar_end();
  AuditRun r = run_audit(t, "linux/arm64");
  CHECK(r.error.empty());
  CHECK_HAS(r.out, "error: /usr/local/bin/tool: is a 64-bit LSB x86-64 executable; linux/arm64 runs 64-bit LSB AArch64 [foreign-elf]");
  CHECK_HAS(r.out, "error: /usr/local/bin/run: its #! interpreter /bin/bash is missing from the linux/arm64 variant [missing-interpreter]");
  CHECK_HAS(r.out, "warning: /usr/local/bin/py: its #! line runs \"python3\" through env");
  CHECK_HAS(r.out, "error: /usr/local/bin/dyn: its program interpreter /lib/ld-linux-aarch64.so.1 is missing");
  CHECK_HAS(r.out, "warning: /usr/local/bin/cut: starts like an ELF file but is not a valid one");
  CHECK(r.out.find("lib.sh") == std::string::npos);
  CHECK_HAS(r.out, "warning: /usr/local/go/src/debug/elf/testdata/gcc-amd64-linux-exec: is a 64-bit LSB x86-64 "
                   "executable; linux/arm64 runs 64-bit LSB AArch64 (a warning: it lies in a testdata folder)");
  CHECK_HAS(r.out, "warning: /usr/x86_64-linux-gnu/lib/libc.so.6: is a 64-bit LSB x86-64 shared object");
  CHECK(r.errors == 3 && r.warnings == 4);

  // The same files accepted on purpose.
  r = run_audit(t, "linux/arm64", {"foreign-elf:/usr/local/**", "missing-interpreter", "interpreter-not-in-path:usr/local/bin/py"});
  CHECK(r.errors == 0 && r.accepted == 5);
  CHECK_HAS(r.out, "accepted: /usr/local/bin/tool");
  // On amd64, the amd64 tool is right and the arm64 env is not.
  r = run_audit(t, "linux/amd64");
  CHECK(r.out.find("/usr/local/bin/tool") == std::string::npos || r.out.find("missing") != std::string::npos);
  CHECK_HAS(r.out, "error: /usr/bin/env: is a 64-bit LSB AArch64 executable");
}

TEST(audit_resolves_links) {
  std::string t;
  t += tar_dir("usr/") + tar_dir("usr/bin/") + tar_dir("etc/") + tar_dir("etc/alternatives/");
  t += tar_file("usr/bin/python3.11", arm64_elf());
  t += tar_link("etc/alternatives/python", "/usr/bin/python3.11");
  t += tar_link("usr/bin/python", "../../etc/alternatives/python");
  t += tar_link("bin", "usr/bin");
  t += tar_link("loop1", "loop2") + tar_link("loop2", "loop1");
  t += tar_file("usr/bin/a", "#!/bin/python\n");
  t += tar_file("usr/bin/b", "#!/loop1\n");
  t += tar_file("usr/bin/c", "#!/bin/../bin/./python3.11\n");
  t += tar_end();
  AuditRun r = run_audit(t, "linux/arm64");
  CHECK(r.error.empty());
  CHECK(r.out.find("/usr/bin/a:") == std::string::npos);
  CHECK(r.out.find("/usr/bin/c:") == std::string::npos);
  CHECK_HAS(r.out, "error: /usr/bin/b: its #! interpreter /loop1 is missing");
}

TEST(dynamic_section_all_classes_and_byte_orders) {
  for (unsigned cls : {1u, 2u}) {
    for (unsigned data : {1u, 2u}) {
      for (bool gnu : {false, true}) {
        DynSpec sp;
        sp.cls = cls;
        sp.data = data;
        sp.machine = cls == 2 ? 183 : 40;
        sp.soname = "libme.so.1";
        sp.needed = {"libc.so.6", "libfoo.so.1"};
        sp.runpath = "$ORIGIN/../lib:/opt/lib";
        sp.verdefs = {"ME_1.0", "ME_2.0"};
        sp.verneed = {{"libc.so.6", "GLIBC_2.34"}, {"libc.so.6", "GLIBC_2.17"}, {"libfoo.so.1", "FOO_2.0", true}};
        sp.defined = {{"me_a", "ME_1.0"}, {"me_b", "ME_2.0"}, {"me_plain", ""}};
        sp.undefined = {{"printf", "GLIBC_2.34"}, {"foo_b", "FOO_2.0"}, {"plain", ""}};
        sp.weak_undefined = {{"__gmon_start__", ""}};
        sp.gnu_hash = gnu;
        std::string f = make_dyn_elf(sp);
        ElfInfo e = parse_exact(f, f.size());
        CHECK(e.status == ElfStatus::ok && e.has_dynamic);
        DynamicInfo d = parse_dyn_exact(f);
        CHECK(d.ok);
        if (!d.ok) std::fprintf(stderr, "  class %u data %u gnu %d: %s\n", cls, data, gnu, d.problem.c_str());
        CHECK(d.has_dynamic && d.soname == "libme.so.1");
        CHECK(d.needed == (std::vector<std::string>{"libc.so.6", "libfoo.so.1"}));
        CHECK(d.has_runpath && d.runpath == "$ORIGIN/../lib:/opt/lib" && !d.has_rpath);
        CHECK(d.has_versym && d.has_verdef);
        CHECK(d.verdefs == (std::vector<std::string>{"ME_1.0", "ME_2.0"}));
        CHECK(d.verneed.size() == 3 && d.verneed[0].file == "libc.so.6" && d.verneed[0].version == "GLIBC_2.34" &&
              !d.verneed[0].weak && d.verneed[2].file == "libfoo.so.1" && d.verneed[2].weak);
        CHECK(names_of(d, d.defined) == (std::vector<std::string>{"me_a@ME_1.0", "me_b@ME_2.0", "me_plain"}));
        // Weak undefined symbols may stay undefined: not listed.
        CHECK(names_of(d, d.undefined) == (std::vector<std::string>{"printf@GLIBC_2.34", "foo_b@FOO_2.0", "plain"}));
      }
    }
  }
  // A static program: no dynamic section, nothing to read.
  std::string st = make_elf(2, 1, 183);
  DynamicInfo d = parse_dyn_exact(st);
  CHECK(d.ok && !d.has_dynamic && d.needed.empty());
}

TEST(dynamic_truncated_and_garbage) {
  DynSpec sp;
  sp.soname = "libme.so.1";
  sp.needed = {"libc.so.6"};
  sp.verdefs = {"ME_1.0"};
  sp.verneed = {{"libc.so.6", "GLIBC_2.34"}};
  sp.defined = {{"me_a", "ME_1.0"}};
  sp.undefined = {{"printf", "GLIBC_2.34"}};
  for (unsigned cls : {1u, 2u}) {
    for (unsigned data : {1u, 2u}) {
      sp.cls = cls;
      sp.data = data;
      sp.machine = cls == 2 ? 62 : 40;
      const std::string full = make_dyn_elf(sp);
      // Cut at every length: a problem, never a read out of bounds.
      for (size_t n = 0; n < full.size(); ++n) {
        DynamicInfo d = parse_dyn_exact(full.substr(0, n));
        CHECK(!d.ok || !d.has_dynamic || d.needed.size() <= 1);
        if (!d.ok) CHECK(!d.problem.empty());
      }
      CHECK(parse_dyn_exact(full).ok);
      // Garbage: random bytes over the tables and the dynamic section.
      std::mt19937_64 rng(cls * 10 + data);
      const size_t start = (cls == 2 ? 64 : 52);
      for (int i = 0; i < 4000; ++i) {
        std::string g = full;
        int flips = 1 + static_cast<int>(rng() % 12);
        for (int k = 0; k < flips; ++k) g[start + rng() % (g.size() - start)] = static_cast<char>(rng());
        if (i % 5 == 0) {
          // A dynamic entry's value set to something huge or negative.
          size_t at = g.size() - (1 + rng() % 8) * (cls == 2 ? 16 : 8) + (cls == 2 ? 8 : 4);
          for (unsigned k = 0; k < (cls == 2 ? 8u : 4u); ++k) g[at + k] = static_cast<char>(0xff - (rng() % 3));
        }
        DynamicInfo d = parse_dyn_exact(g);
        CHECK(d.ok || !d.problem.empty());
      }
    }
  }
  // Fully random files that start like ELF.
  std::mt19937_64 rng(99);
  for (int i = 0; i < 20000; ++i) {
    std::string g(80 + rng() % 400, '\0');
    for (auto& c : g) c = static_cast<char>(rng());
    std::memcpy(&g[0], "\x7f" "ELF", 4);
    g[4] = static_cast<char>(1 + rng() % 2);
    g[5] = static_cast<char>(1 + rng() % 2);
    if (i % 2) {  // few program headers, so that PT_DYNAMIC shows up
      put(g, g[4] == 2 ? 56 : 44, 1 + rng() % 3, 2, g[5] == 2);
      put(g, g[4] == 2 ? 54 : 42, g[4] == 2 ? 56 : 32, 2, g[5] == 2);
      put(g, g[4] == 2 ? 32 : 28, 64, g[4] == 2 ? 8 : 4, g[5] == 2);
      put(g, 64, 2, 4, g[5] == 2);
    }
    DynamicInfo d = parse_dyn_exact(g);
    CHECK(d.ok || !d.problem.empty());
  }
  // The same through a temporary file read with pread.
  std::string full = make_dyn_elf(sp);
  FILE* tf = std::tmpfile();
  CHECK(tf != nullptr);
  if (tf) {
    std::fwrite(full.data(), 1, full.size(), tf);
    std::fflush(tf);
    DynamicInfo d = parse_dynamic(DescriptorFile(fileno(tf), full.size()));
    CHECK(d.ok && d.soname == "libme.so.1" && d.verneed.size() == 1);
    // A file that claims more bytes than it holds.
    DynamicInfo cut = parse_dynamic(DescriptorFile(fileno(tf), full.size() + 4096));
    CHECK(cut.ok || !cut.problem.empty());
    std::fclose(tf);
  }
}

// A small arm64 system: loader, libc, a library and programs.
std::string arm64_loader() {
  DynSpec ld;
  ld.soname = "ld-linux-aarch64.so.1";
  ld.verdefs = {"GLIBC_2.17"};
  ld.defined = {{"__tls_get_addr", "GLIBC_2.17"}, {"_dl_find_object", "GLIBC_2.17"}};
  return make_dyn_elf(ld);
}
std::string arm64_libc(const std::vector<std::string>& versions) {
  DynSpec c;
  c.soname = "libc.so.6";
  c.needed = {"ld-linux-aarch64.so.1"};
  c.interp = "/lib/ld-linux-aarch64.so.1";  // libc.so.6 runs as a program too
  c.verdefs = versions;
  c.verneed = {{"ld-linux-aarch64.so.1", "GLIBC_2.17"}};
  c.defined = {{"printf", "GLIBC_2.17"}, {"malloc", "GLIBC_2.17"}};
  if (std::find(versions.begin(), versions.end(), "GLIBC_2.34") != versions.end()) {
    c.defined.push_back({"__libc_start_main", "GLIBC_2.34"});
  }
  c.undefined = {{"_dl_find_object", "GLIBC_2.17"}};
  return make_dyn_elf(c);
}
std::string arm64_program(const std::vector<std::string>& needed, const std::vector<DynSpec::Need>& verneed,
                          const std::vector<std::pair<std::string, std::string>>& undefined,
                          const std::string& runpath = "") {
  DynSpec p;
  p.interp = "/lib/ld-linux-aarch64.so.1";
  p.pie = true;
  p.needed = needed;
  p.verneed = verneed;
  p.undefined = undefined;
  p.runpath = runpath;
  p.weak_undefined = {{"__gmon_start__", ""}};
  return make_dyn_elf(p);
}
std::string arm64_libfoo(const std::vector<std::string>& symbols, const std::vector<std::string>& versions = {}) {
  DynSpec l;
  l.soname = "libfoo.so.1";
  l.needed = {"libc.so.6"};
  l.verdefs = versions;
  for (const auto& y : symbols) l.defined.push_back({y, versions.empty() ? "" : versions.back()});
  l.verneed = {{"libc.so.6", "GLIBC_2.17"}};
  l.undefined = {{"printf", "GLIBC_2.17"}};
  return make_dyn_elf(l);
}

std::string arm64_base(const std::vector<std::string>& glibc = {"GLIBC_2.17", "GLIBC_2.34"}) {
  std::string t;
  t += tar_dir("usr/") + tar_dir("usr/lib/") + tar_dir("usr/lib/aarch64-linux-gnu/") + tar_dir("usr/bin/");
  t += tar_link("lib", "usr/lib");  // merged /usr
  t += tar_link("bin", "usr/bin");
  t += tar_file("usr/lib/ld-linux-aarch64.so.1", arm64_loader());
  t += tar_file("usr/lib/aarch64-linux-gnu/libc.so.6", arm64_libc(glibc));
  return t;
}

TEST(audit_loader_finds_libraries_versions_and_symbols) {
  const std::vector<DynSpec::Need> libc234 = {{"libc.so.6", "GLIBC_2.34"}};
  const std::vector<std::pair<std::string, std::string>> start = {{"__libc_start_main", "GLIBC_2.34"}};
  // A good program and its library.
  std::string t = arm64_base();
  t += tar_file("usr/lib/aarch64-linux-gnu/libfoo.so.1.2", arm64_libfoo({"foo_a", "foo_b"}));
  t += tar_link("usr/lib/aarch64-linux-gnu/libfoo.so.1", "libfoo.so.1.2");
  auto undefined = start;
  undefined.push_back({"foo_a", ""});
  undefined.push_back({"foo_b", ""});
  t += tar_file("usr/bin/app", arm64_program({"libfoo.so.1", "libc.so.6"}, libc234, undefined));
  AuditRun r = run_audit(t + tar_end(), "linux/arm64");
  CHECK(r.error.empty() && r.errors == 0 && r.warnings == 0);
  if (r.errors || r.warnings) std::fprintf(stderr, "%s", r.out.c_str());
  CHECK(r.stats.dynamic_objects == 4 && r.stats.programs_checked == 1);

  // The library missing; then only a 32-bit one of that name, earlier in the search.
  std::string base = arm64_base();
  std::string app = tar_file("usr/bin/app", arm64_program({"libfoo.so.1", "libc.so.6"}, libc234, undefined));
  r = run_audit(base + app + tar_end(), "linux/arm64");
  CHECK_HAS(r.out, "error: /usr/bin/app: needs libfoo.so.1, which is not found in the linux/arm64 variant "
                   "(searched /lib/aarch64-linux-gnu, /usr/lib/aarch64-linux-gnu, /lib64, /usr/lib64, /lib, /usr/lib) "
                   "[missing-library]");
  CHECK(r.errors == 1);
  std::string foreign = tar_file("usr/lib/aarch64-linux-gnu/libfoo.so.1", make_elf(1, 1, 40, 3, 0x05000400));
  r = run_audit(base + foreign + tar_file("usr/lib/libfoo.so.1", arm64_libfoo({"foo_a", "foo_b"})) + app + tar_end(),
                "linux/arm64");
  CHECK(r.out.find("[missing-library]") == std::string::npos && r.out.find("[undefined-symbol]") == std::string::npos);
  r = run_audit(base + foreign + app + tar_end(), "linux/arm64");
  CHECK_HAS(r.out, "skipped /lib/aarch64-linux-gnu/libfoo.so.1: a 32-bit LSB ARM EABI5 hard-float shared object)");
  // Accepted on purpose, by rule and program glob.
  r = run_audit(base + app + tar_end(), "linux/arm64", {"missing-library:/usr/bin/*"});
  CHECK(r.errors == 0 && r.accepted == 1);
  CHECK_HAS(r.out, "accepted: /usr/bin/app: needs libfoo.so.1");

  // Found only through RUNPATH $ORIGIN.
  std::string origin = tar_dir("opt/") + tar_dir("opt/app/") + tar_dir("opt/app/lib/") +
                       tar_file("opt/app/lib/libfoo.so.1", arm64_libfoo({"foo_a", "foo_b"}));
  r = run_audit(base + origin +
                    tar_file("opt/app/bin/app", arm64_program({"libfoo.so.1", "libc.so.6"}, libc234, undefined,
                                                              "$ORIGIN/../lib")) + tar_end(),
                "linux/arm64");
  CHECK(r.errors == 0);
  if (r.errors) std::fprintf(stderr, "%s", r.out.c_str());
  r = run_audit(base + origin +
                    tar_file("opt/app/bin/app", arm64_program({"libfoo.so.1", "libc.so.6"}, libc234, undefined,
                                                              "${ORIGIN}/../lib")) + tar_end(),
                "linux/arm64");
  CHECK(r.errors == 0);
  r = run_audit(base + origin + tar_file("opt/app/bin/app", arm64_program({"libfoo.so.1", "libc.so.6"}, libc234, undefined)) +
                    tar_end(),
                "linux/arm64");
  CHECK_HAS(r.out, "error: /opt/app/bin/app: needs libfoo.so.1, which is not found");
  // ... or through /etc/ld.so.conf and its includes.
  std::string conf = tar_dir("etc/") + tar_file("etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n", 0644) +
                     tar_file("etc/ld.so.conf.d/app.conf", "# app\n/opt/app/lib\n", 0644);
  r = run_audit(base + origin + conf +
                    tar_file("opt/app/bin/app", arm64_program({"libfoo.so.1", "libc.so.6"}, libc234, undefined)) + tar_end(),
                "linux/arm64");
  CHECK(r.errors == 0);

  // The base's library of that name lacks a symbol.
  std::string old_foo = tar_file("usr/lib/aarch64-linux-gnu/libfoo.so.1", arm64_libfoo({"foo_a"}));
  r = run_audit(base + old_foo + app + tar_end(), "linux/arm64");
  CHECK_HAS(r.out, "error: /usr/bin/app: needs foo_b, which no library it loads defines (it loads "
                   "/lib/aarch64-linux-gnu/libfoo.so.1, /lib/aarch64-linux-gnu/libc.so.6, /lib/ld-linux-aarch64.so.1) "
                   "in the linux/arm64 variant [undefined-symbol]");
  CHECK(r.errors == 1);
  r = run_audit(base + old_foo + app + tar_end(), "linux/arm64", {"undefined-symbol:usr/bin/app"});
  CHECK(r.errors == 0 && r.accepted == 1);

  // Built against a newer C library than the base's.
  r = run_audit(arm64_base({"GLIBC_2.17"}) + app + tar_file("usr/lib/aarch64-linux-gnu/libfoo.so.1", arm64_libfoo({"foo_a", "foo_b"})) +
                    tar_end(),
                "linux/arm64");
  CHECK_HAS(r.out, "error: /usr/bin/app: needs version GLIBC_2.34 of libc.so.6, which /lib/aarch64-linux-gnu/libc.so.6 "
                   "does not define (it defines: GLIBC_2.17) in the linux/arm64 variant [missing-symbol-version]");
  CHECK(r.out.find("[undefined-symbol]") == std::string::npos);  // its symbols: reported as the version
  CHECK(r.errors == 1);
  // A weak version requirement: a warning.
  r = run_audit(arm64_base() +
                    tar_file("usr/lib/aarch64-linux-gnu/libfoo.so.1", arm64_libfoo({"foo_a", "foo_b"}, {"FOO_1.0"})) +
                    tar_file("usr/bin/app", arm64_program({"libfoo.so.1", "libc.so.6"},
                                                          {{"libc.so.6", "GLIBC_2.34"}, {"libfoo.so.1", "FOO_2.0", true}},
                                                          start)) + tar_end(),
                "linux/arm64");
  CHECK(r.errors == 0 && r.warnings == 1);
  CHECK_HAS(r.out, "warning: /usr/bin/app: needs version FOO_2.0 of libfoo.so.1");

  // A versioned reference to a symbol of another version.
  r = run_audit(arm64_base() +
                    tar_file("usr/lib/aarch64-linux-gnu/libfoo.so.1", arm64_libfoo({"foo_a"}, {"FOO_1.0", "FOO_2.0"})) +
                    tar_file("usr/bin/app", arm64_program({"libfoo.so.1", "libc.so.6"},
                                                          {{"libc.so.6", "GLIBC_2.34"}, {"libfoo.so.1", "FOO_1.0"}},
                                                          {{"foo_a", "FOO_1.0"}, {"__libc_start_main", "GLIBC_2.34"}})) +
                    tar_end(),
                "linux/arm64");
  CHECK_HAS(r.out, "needs foo_a@FOO_1.0, which no library it loads defines");

  // Many undefined symbols: capped per program.
  std::vector<std::pair<std::string, std::string>> many = start;
  for (int i = 0; i < 10; ++i) many.push_back({"gone_" + std::to_string(i), ""});
  r = run_audit(arm64_base() + tar_file("usr/bin/app", arm64_program({"libc.so.6"}, libc234, many)) + tar_end(), "linux/arm64");
  CHECK(r.errors == 3);
  CHECK_HAS(r.out, "(and 7 more: gone_3, gone_4, gone_5, gone_6, gone_7, ...)");

  // A plugin nobody loads may leave symbols undefined; its libraries must be there.
  DynSpec plugin;
  plugin.soname = "plugin.so";
  plugin.needed = {"libc.so.6"};
  plugin.undefined = {{"host_callback", ""}};
  DynSpec broken = plugin;
  broken.needed = {"libgone.so.3"};
  r = run_audit(arm64_base() + tar_file("usr/lib/app/plugin.so", make_dyn_elf(plugin)) +
                    tar_file("usr/lib/app/broken.so", make_dyn_elf(broken)) + tar_end(),
                "linux/arm64");
  CHECK(r.out.find("host_callback") == std::string::npos);
  CHECK_HAS(r.out, "error: /usr/lib/app/broken.so: needs libgone.so.3, which is not found");
  CHECK(r.errors == 1);

  // Garbage in a dynamic section: a warning, and the rest goes on.
  std::string bad = arm64_libfoo({"foo_a", "foo_b"});
  for (size_t at = bad.size() - 16; at > 64; at -= 16) {
    if (bad[at] == 5 && bad[at + 1] == 0) {  // DT_STRTAB: its address beyond every segment
      put(bad, at + 8, 0x7fffffff00ull, 8, false);
      break;
    }
  }
  r = run_audit(base + tar_file("usr/lib/aarch64-linux-gnu/libfoo.so.1", bad) + app + tar_end(), "linux/arm64");
  CHECK(r.error.empty());
  CHECK_HAS(r.out, "warning: /usr/lib/aarch64-linux-gnu/libfoo.so.1: its dynamic section cannot be read");
  CHECK(r.errors == 0);

  // A DT_NEEDED holding a '/' is a path.
  r = run_audit(base + tar_dir("opt/") + tar_dir("opt/x/") + tar_file("opt/x/libfoo.so.1", arm64_libfoo({"foo_a", "foo_b"})) +
                    tar_file("usr/bin/app", arm64_program({"/opt/x/libfoo.so.1", "libc.so.6"}, libc234, undefined)) + tar_end(),
                "linux/arm64");
  CHECK(r.errors == 0);
  r = run_audit(base + tar_file("usr/bin/app", arm64_program({"/opt/y/libfoo.so.1", "libc.so.6"}, libc234, undefined)) + tar_end(),
                "linux/arm64");
  CHECK_HAS(r.out, "needs /opt/y/libfoo.so.1, which is not found in the linux/arm64 variant (searched /opt/y/libfoo.so.1)");

  // musl: its loader is the C library; /etc/ld-musl-<arch>.path replaces the default folders.
  DynSpec musl;
  musl.soname = "libc.musl-aarch64.so.1";
  musl.defined = {{"printf", ""}, {"__libc_start_main", ""}};
  DynSpec mprog;
  mprog.interp = "/lib/ld-musl-aarch64.so.1";
  mprog.pie = true;
  mprog.needed = {"libfoo.so.1", "libc.musl-aarch64.so.1"};
  mprog.undefined = {{"printf", ""}, {"foo_a", ""}};
  DynSpec mfoo;
  mfoo.soname = "libfoo.so.1";
  mfoo.needed = {"libc.musl-aarch64.so.1"};
  mfoo.defined = {{"foo_a", ""}};
  std::string alpine = tar_dir("lib/") + tar_dir("etc/") + tar_dir("usr/") + tar_dir("usr/bin/") +
                       tar_file("lib/ld-musl-aarch64.so.1", make_dyn_elf(musl)) +
                       tar_link("lib/libc.musl-aarch64.so.1", "ld-musl-aarch64.so.1") +
                       tar_file("usr/bin/app", make_dyn_elf(mprog));
  r = run_audit(alpine + tar_dir("opt/") + tar_file("opt/libfoo.so.1", make_dyn_elf(mfoo)) + tar_end(), "linux/arm64");
  CHECK_HAS(r.out, "error: /usr/bin/app: needs libfoo.so.1, which is not found in the linux/arm64 variant "
                   "(searched /lib, /usr/local/lib, /usr/lib)");
  r = run_audit(alpine + tar_dir("opt/") + tar_file("opt/libfoo.so.1", make_dyn_elf(mfoo)) +
                    tar_file("etc/ld-musl-aarch64.path", "/lib:/opt\n/usr/lib\n", 0644) + tar_end(),
                "linux/arm64");
  CHECK(r.errors == 0);
  if (r.errors) std::fprintf(stderr, "%s", r.out.c_str());

  // A stream cut inside a dynamically linked file: a clear error, in memory or spooled.
  std::string whole = base + old_foo + app + tar_end();
  for (size_t n = 0; n + 1024 < whole.size(); n += 97) {
    for (size_t limit : {size_t(8) << 20, size_t(64)}) {
      AuditOptions co;
      std::string perr;
      parse_platform("linux/arm64", co.platform, perr);
      co.max_in_memory = limit;
      co.read_buffer = 700;
      AllowList none;
      std::ostringstream sink;
      Reporter cut_rep(sink, none, 100);
      MemorySource cut_src(std::string_view(whole).substr(0, n));
      std::string what;
      try {
        audit_variant(cut_src, co, cut_rep);
      } catch (const InputError& ie) {
        what = ie.what();
      }
      CHECK(what.find("truncated") != std::string::npos || what.find("empty input") != std::string::npos);
    }
  }

  // Big files go through a temporary file: the same findings.
  AuditOptions o;
  std::string err;
  parse_platform("linux/arm64", o.platform, err);
  o.max_in_memory = 64;
  AllowList none;
  std::ostringstream out;
  Reporter rep(out, none, 100);
  std::string archive = base + old_foo + app + tar_end();
  MemorySource src(archive);
  AuditStats st = audit_variant(src, o, rep);
  CHECK(st.spooled == 4 && rep.errors() == 1);
  CHECK_HAS(out.str(), "needs foo_b, which no library it loads defines");
}

TEST(audit_checks_the_entrypoint) {
  std::string t = arm64_base();
  t += tar_file("usr/bin/app", arm64_program({"libc.so.6"}, {{"libc.so.6", "GLIBC_2.34"}}, {{"__libc_start_main", "GLIBC_2.34"}}));
  t += tar_file("usr/bin/data", "x", 0644);
  t += tar_file("usr/bin/x86", amd64_elf());
  t += tar_dir("usr/local/") + tar_dir("usr/local/bin/");
  t += tar_link("usr/local/bin/app2", "../../bin/app");
  t += tar_end();
  auto run = [&](const std::vector<std::string>& entry, const std::vector<std::string>& cmd,
                 const std::vector<std::string>& path = {}) {
    AuditOptions o;
    std::string err;
    parse_platform("linux/arm64", o.platform, err);
    o.entrypoint = entry;
    o.cmd = cmd;
    if (!path.empty()) o.path_dirs = path;
    AllowList none;
    std::ostringstream out;
    Reporter rep(out, none, 100);
    MemorySource src(t);
    audit_variant(src, o, rep);
    std::string s = out.str();
    std::string lines;
    for (const auto& l : split(s, '\n')) {
      if (contains(l, "[missing-entrypoint]")) lines += l + "\n";
    }
    return lines;
  };
  CHECK(run({"/usr/bin/app", "--x"}, {}).empty());
  CHECK(run({"app"}, {}).empty());
  CHECK(run({}, {"app2", "arg"}, {"/usr/local/bin"}).empty());  // a link through PATH
  CHECK(run({"/bin/app"}, {}).empty());                         // /bin -> usr/bin
  CHECK(run({""}, {"app"}).empty());                            // ENTRYPOINT [""]: CMD runs
  CHECK_HAS(run({"ninja"}, {}), "error: ninja: the image's ENTRYPOINT runs \"ninja\", which no folder of PATH "
                                "(/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin) holds in the linux/arm64 "
                                "variant [missing-entrypoint]");
  CHECK_HAS(run({}, {"/bin/sh", "-c", "echo hi"}), "error: /bin/sh: the image's CMD runs /bin/sh, which is missing");
  CHECK_HAS(run({"/usr/bin/x86"}, {}), "error: /usr/bin/x86: the image's ENTRYPOINT runs it, but it is a 64-bit LSB "
                                       "x86-64 executable; linux/arm64 runs 64-bit LSB AArch64 [missing-entrypoint]");
  CHECK_HAS(run({"data"}, {}), "error: /usr/bin/data: the image's ENTRYPOINT runs it, but it is not executable");
  CHECK_HAS(run({"/usr"}, {}), "but it is a directory");
  CHECK(run({}, {}).empty());

  std::string out, err;
  TempDir d;
  d.write("t.tar", t);
  CHECK(run_cli({"audit", "--platform", "linux/arm64", "--entrypoint=", "--cmd", "ninja", "--allow",
                 "missing-entrypoint:ninja", (d.path / "t.tar").string()},
                out, err) == 1);  // the amd64 file is a foreign-elf error
  CHECK_HAS(out, "accepted: ninja: the image's CMD runs \"ninja\"");
}

TEST(final_base_follows_stages) {
  TempDir d;
  auto base = [&](const std::string& df, const std::vector<std::string>& args = {}) {
    d.write("Dockerfile", df);
    std::vector<std::string> a = {"final-base", "--dockerfile", (d.path / "Dockerfile").string()};
    for (const auto& x : args) {
      a.push_back("--build-arg");
      a.push_back(x);
    }
    std::string out, err;
    int rc = run_cli(a, out, err);
    CHECK(rc == 0);
    return out;
  };
  CHECK(base("FROM scratch\nCOPY a /\n") == "scratch\n");
  CHECK(base("FROM debian:12 AS build\nRUN make\nFROM build AS test\nFROM build\nCOPY x /\n") == "debian:12\n");
  CHECK(base("ARG BASE=127.0.0.1:5000/multiarch/busybox:1\nFROM ${BASE} AS b\nFROM b\n") ==
        "127.0.0.1:5000/multiarch/busybox:1\n");
  CHECK(base("ARG BASE=debian\nARG TAG=12\nFROM $BASE:${TAG}\n", {"TAG=11", "TAG=13"}) == "debian:13\n");
  CHECK(base("ARG BASE\nFROM $BASE\n") == "unknown\n");
  CHECK(base("ARG BASE\nFROM $BASE\n", {"BASE=scratch"}) == "scratch\n");
  CHECK(base("ARG S=build\nFROM alpine:3 AS build\nFROM ${S}\n") == "alpine:3\n");
  CHECK(base("FROM --platform=$BUILDPLATFORM golang AS g\nFROM --platform=$TARGETPLATFORM g\n") == "golang\n");
  CHECK(base("# nothing\n") == "unknown\n");
  std::string out, err;
  CHECK(run_cli({"final-base", "--dockerfile", "/nonexistent/Dockerfile"}, out, err) == 2);
  CHECK_HAS(err, "cannot read the Dockerfile");
  CHECK(run_cli({"final-base"}, out, err) == 2);
  CHECK(run_cli({"final-base", "--dockerfile", "x", "--build-arg", "novalue"}, out, err) == 2);
}

TEST(globs_and_dockerignore) {
  CHECK(match_path("*.txt", "a.txt") && !match_path("*.txt", "d/a.txt"));
  CHECK(match_path("**/*.txt", "d/e/a.txt") && match_path("**/*.txt", "a.txt"));
  CHECK(match_path("d/**", "d/e/f") && match_path("/usr/local/**", "usr/local/bin/x"));
  CHECK(match_path("a?c", "abc") && !match_path("a?c", "a/c"));
  CHECK(match_path("[a-c]x", "bx") && !match_path("[^a-c]x", "bx") && match_path("\\*", "*"));
  CHECK(!match_path("[abc", "a"));  // malformed: matches nothing
  IgnoreRules r;
  r.parse("# comment\nbuild\n*.o\n!keep.o\n/docs/\n**/secret\n");
  CHECK(r.ignored("build/x/y") && r.ignored("a.o") && !r.ignored("keep.o"));
  CHECK(r.ignored("docs/readme") && r.ignored("a/b/secret") && !r.ignored("src/main.c"));
  CHECK(!r.ignored("sub/a.o"));  // "*.o" is anchored at the root, as in BuildKit
  CHECK(r.has_exceptions());
}

TEST(dockerfile_lines_continuations_heredocs) {
  Dockerfile df = parse_dockerfile(
      "# escape=`\n"
      "FROM scratch\n"
      "# multiarch: allow fixed-arch-url, dpkg-add-architecture\n"
      "RUN a `\n"
      "  # a comment inside\n"
      "\n"
      "  b\n"
      "COPY <<EOF /etc/x.list\n"
      "deb [arch=amd64] http://x y z\n"
      "EOF\n"
      "run c\r\n");
  CHECK(df.escape == '`');
  CHECK(df.instructions.size() == 4);
  const Instruction& run = df.instructions[1];
  CHECK(run.keyword == "RUN" && run.line == 4 && run.args == "a b");
  CHECK(run.lines.size() == 2 && run.lines[1].number == 7);
  CHECK(run.allow.count("fixed-arch-url") && run.allow.count("dpkg-add-architecture"));
  const Instruction& copy = df.instructions[2];
  CHECK(copy.heredoc.size() == 1 && copy.heredoc[0].number == 9 && copy.last_line == 10);
  CHECK(df.instructions[3].keyword == "RUN" && df.instructions[3].line == 11 && df.instructions[2].allow.empty());
  Arguments a = split_arguments("--from=build --chmod=755 [\"a b\", \"/c\"]");
  CHECK(a.flags.size() == 2 && a.flags[0] == "from=build" && a.words.size() == 2 && a.words[0] == "a b");
}

TEST(context_check_reports_with_file_and_line) {
  TempDir d;
  d.write("tool", amd64_elf());
  d.write("linux/amd64/bin/hello", amd64_elf());
  d.write("linux/arm64/bin/hello", amd64_elf());  // the wrong one
  d.write("ignored/other", amd64_elf());
  d.write(".dockerignore", "ignored\n");
  d.write("apt/docker.list", "# docker\ndeb [arch=amd64 signed-by=/k.gpg] https://download.example.com stable main\n");
  d.write("Dockerfile",
          "FROM --platform=linux/amd64 127.0.0.1:5000/base:1\n"            // 1: the final stage
          "ARG TARGETPLATFORM\n"                                            // 2
          "COPY tool /usr/local/bin/\n"                                     // 3
          "COPY ${TARGETPLATFORM}/ /\n"                                     // 4
          "COPY ignored /x/\n"                                              // 5
          "COPY apt/docker.list /etc/apt/sources.list.d/\n"                 // 6
          "RUN wget https://example.com/tool-1.0-linux-amd64.tar.gz && \\\n"  // 7
          "    dpkg --add-architecture i386\n"                              // 8
          "RUN curl -fsSL https://example.com/x-${TARGETARCH}.tgz\n"        // 9
          "# multiarch: allow fixed-arch-url\n"                             // 10
          "RUN curl -O https://example.com/helper_x86_64\n");               // 11
  std::string df = (d.path / "Dockerfile").string();
  ContextRun r = run_context(d, {"linux/amd64", "linux/arm64"},
                             "1\twarning\tFromPlatformFlagConstDisallowed\tconst\n"
                             "2\twarning\tUndefinedVar\tUsage of undefined variable\n");
  CHECK_HAS(r.out, ("error: " + df + ":1: FROM --platform=linux/amd64 fixes the image to one CPU").c_str());
  CHECK_HAS(r.out, ("error: " + df + ":3: COPY tool copies \"tool\", a 64-bit LSB x86-64 executable, into every "
                    "variant, but linux/arm64 cannot run it").c_str());
  CHECK_HAS(r.out, ("error: " + df + ":4: COPY ${TARGETPLATFORM}/ puts \"linux/arm64/bin/hello\"").c_str());
  CHECK_HAS(r.out, ("error: " + df + ":7: download URL https://example.com/tool-1.0-linux-amd64.tar.gz names amd64").c_str());
  CHECK_HAS(r.out, ("warning: " + df + ":8: dpkg --add-architecture i386").c_str());
  CHECK_HAS(r.out, ("accepted: " + df + ":11: download URL https://example.com/helper_x86_64").c_str());
  CHECK_HAS(r.out, ("error: " + (d.path / "apt/docker.list").string() + ":2: package repository line").c_str());
  CHECK_HAS(r.out, ("warning: " + df + ":2: Usage of undefined variable (BuildKit check) [UndefinedVar]").c_str());
  CHECK(r.out.find("FromPlatformFlagConstDisallowed") == std::string::npos);  // reported as ours
  CHECK(r.out.find("ignored/other") == std::string::npos);
  CHECK(r.out.find(":9:") == std::string::npos);
  CHECK(r.errors == 5);

  // Accepted through --allow, with and without a glob.
  r = run_context(d, {"linux/amd64", "linux/arm64"}, "",
                  {"elf-for-every-platform:tool", "elf-wrong-platform", "from-fixed-platform",
                   "fixed-arch-url", "fixed-arch-repository"});
  CHECK(r.errors == 0);
}

TEST(context_depfile_lists_what_the_build_sends) {
  // One walk gives the findings and the depfile; .dockerignore as BuildKit reads it.
  TempDir d;
  d.write("Dockerfile", "FROM scratch\nCOPY . /\n");
  d.write(".dockerignore", "build\n**/*.log\n!keep.log\n");
  d.write("src/a b#c.txt", "x");
  d.write("src/x.log", "x");
  d.write("keep.log", "x");
  d.write("build/out.o", "x");
  std::string dep = (d.path / "out.d").string();
  std::string out, err;
  int rc = run_cli({"context", "--dockerfile", (d.path / "Dockerfile").string(),
                    "--context", d.path.string(), "--platform", "linux/amd64", "--depfile", dep,
                    "--depfile-target", "/stamp $x", "--depends", "/extra", "--no-check"},
                   out, err);
  CHECK(rc == 0);
  std::ifstream in(dep);
  std::stringstream text;
  text << in.rdbuf();
  std::string t = text.str();
  CHECK(starts_with(t, "/stamp\\ $$x: \\\n"));
  CHECK_HAS(t, "/src/a\\ b\\#c.txt \\\n");
  CHECK_HAS(t, "/keep.log");
  CHECK_HAS(t, "/.dockerignore");
  CHECK_HAS(t, "  /extra");
  CHECK_HAS(t, (d.path / "src").string().c_str());
  CHECK(t.find("x.log") == std::string::npos);
  CHECK(t.find("out.o") == std::string::npos);
  CHECK(t.find("/build") == std::string::npos);
  CHECK(out.find("error") == std::string::npos);
  // Without --depfile-target the option is refused.
  rc = run_cli({"context", "--dockerfile", (d.path / "Dockerfile").string(), "--context",
                d.path.string(), "--platform", "linux/amd64", "--depfile", dep},
               out, err);
  CHECK(rc == 2);
}

TEST(context_check_fix_names_the_path_below_the_platform_folder) {
  // Seen on ninja: one platform's build copied for every platform.
  TempDir d;
  d.write("linux/amd64/usr/local/bin/ninja", amd64_elf());
  d.write("Dockerfile", "FROM scratch\nCOPY linux/amd64/usr/local/bin/ninja /usr/local/bin/\n");
  ContextRun r = run_context(d, {"linux/amd64", "linux/arm64"}, "");
  CHECK_HAS(r.out, "Fix: build it for each platform into <platform>/usr/local/bin/ninja (ARTIFACTS does) and "
                   "copy that platform's: COPY ${TARGETPLATFORM}/usr/local/bin/ninja ... after ARG TARGETPLATFORM");
  CHECK(r.errors == 1);
}

TEST(context_check_passes_a_portable_context) {
  TempDir d;
  d.write("linux/amd64/usr/local/bin/hello", amd64_elf());
  d.write("linux/arm64/usr/local/bin/hello", arm64_elf());
  d.write("linux/arm/v7/usr/local/bin/hello", make_elf(1, 1, 40, 2, 0x05000400));
  d.write("Dockerfile",
          "FROM --platform=$BUILDPLATFORM 127.0.0.1:5000/base:1 AS build\n"
          "ARG TARGETARCH\n"
          "RUN case \"$(uname -m)\" in x86_64) curl https://e.com/a-x86_64;; aarch64) curl https://e.com/a-aarch64;; esac\n"
          "RUN GOARCH=$TARGETARCH go build -o /out/app .\n"
          "FROM scratch\n"
          "ARG TARGETPLATFORM\n"
          "COPY ${TARGETPLATFORM}/ /\n"
          "COPY --from=build /out/app /app\n"
          "ENTRYPOINT [\"/usr/local/bin/hello\"]\n");
  ContextRun r = run_context(d, {"linux/amd64", "linux/arm64", "linux/arm/v7"});
  CHECK(r.errors == 0 && r.warnings == 0);
  if (r.errors || r.warnings) std::fprintf(stderr, "%s", r.out.c_str());
}

TEST(context_check_sees_through_arguments) {
  TempDir d;
  d.write("bin-amd64/tool", amd64_elf());
  d.write("Dockerfile",
          "ARG ARCH=amd64\n"
          "FROM scratch\n"
          "ARG ARCH\n"
          "COPY bin-${ARCH}/tool /tool\n"          // the same for every platform
          "ARG TARGETARCH\n"
          "ENV DIR=bin-${TARGETARCH}\n"
          "COPY ${DIR}/ /opt/\n");                  // per platform
  ContextRun r = run_context(d, {"linux/amd64", "linux/arm64"});
  CHECK_HAS(r.out, ":4: COPY bin-${ARCH}/tool copies \"bin-amd64/tool\"");
  CHECK(r.out.find(":7:") == std::string::npos);
  CHECK(r.errors == 1);
}

// ------------------------------------------------- context check, by part

std::vector<Platform> platforms_of(const std::vector<std::string>& names) {
  std::vector<Platform> out;
  std::string err;
  for (const auto& n : names) {
    Platform p;
    CHECK(parse_platform(n, p, err));
    out.push_back(p);
  }
  return out;
}

// Runs <rule> on the model of <dockerfile> for <platforms>, with the
// context <dir> walked; the findings in report order, located in "Dockerfile".
std::vector<Finding> run_rule(const TempDir& dir, const std::string& dockerfile,
                              const std::vector<std::string>& platforms,
                              const std::function<void(RuleContext&)>& rule, const BuildArgs& args = {}) {
  Model model(parse_dockerfile(dockerfile), platforms_of(platforms), args);
  BuildContext files(dir.path, IgnoreRules());
  ContextStats stats;
  files.walk(stats);
  FindingList findings("Dockerfile");
  RuleContext rc{model, files, findings, "Dockerfile", {}};
  rule(rc);
  return findings.ordered();
}

// The stage's variables per platform after its instructions before <until>.
std::vector<Vars> stage_vars(const Model& m, size_t stage, size_t until) {
  std::vector<Vars> vars(m.platforms().size());
  for (size_t i = m.stages()[stage].first; i < until; ++i) m.declare(m.instructions()[i], vars);
  return vars;
}

// Runs the line rule <rule> on instruction <index>, as a stage of <kind>.
std::vector<Finding> run_line_rule(const TempDir& dir, const std::string& dockerfile,
                                   const std::vector<std::string>& platforms, size_t index, Kind kind,
                                   void (*rule)(RuleContext&, const LineScan&)) {
  return run_rule(dir, dockerfile, platforms, [&](RuleContext& rc) {
    size_t stage = rc.model.stages().size() - 1;
    while (rc.model.stages()[stage].first > index) --stage;
    std::vector<Vars> vars = stage_vars(rc.model, stage, index);
    rule(rc, scan_lines(rc.model, rc.model.instructions()[index], kind, vars));
  });
}

TEST(rule_from_fixed_platform) {
  TempDir d;
  auto rule = [](RuleContext& rc) {
    for (const auto& st : rc.model.stages()) {
      rules::from_fixed_platform(rc, rc.model.instructions()[st.first], st);
    }
  };
  const std::string df =
      "FROM --platform=linux/amd64 alpine AS tools\n"
      "FROM --platform=$BUILDPLATFORM golang AS build\n"
      "FROM --platform=linux/arm64 debian\n";
  auto f = run_rule(d, df, {"linux/amd64", "linux/arm64"}, rule);
  CHECK(f.size() == 2);
  if (f.size() != 2) return;
  CHECK(f[0].location == "Dockerfile:1" && f[0].severity == Severity::warning && f[0].rule == "from-fixed-platform");
  CHECK_HAS(f[0].message, "fixes stage \"tools\" to one CPU");
  CHECK(f[1].location == "Dockerfile:3" && f[1].severity == Severity::error);
  CHECK_HAS(f[1].message, "FROM --platform=linux/arm64 fixes the image to one CPU: the linux/amd64 variant");
  // Building for that one platform only: nothing to say.
  CHECK(run_rule(d, df, {"linux/arm64"}, rule).size() == 1);
  CHECK(run_rule(d, "FROM --platform=linux/arm64 debian\n", {"linux/arm64"}, rule).empty());
}

TEST(rule_build_stage_copy) {
  TempDir d;
  const std::string df =
      "FROM --platform=$BUILDPLATFORM golang AS build\n"  // 1
      "RUN go build -o /app .\n"                          // 2
      "FROM --platform=$BUILDPLATFORM golang AS xbuild\n" // 3
      "ARG TARGETARCH\n"                                  // 4
      "RUN GOARCH=$TARGETARCH go build -o /app .\n"       // 5
      "FROM scratch\n"                                    // 6
      "COPY --from=build /app /a\n"                       // 7
      "COPY --from=xbuild /app /b\n"                      // 8
      "COPY --from=alpine:3 /bin/sh /c\n";                // 9
  auto copy = [](size_t index, Kind kind) {
    return [=](RuleContext& rc) {
      const Instruction& ins = rc.model.instructions()[index];
      Arguments a = split_arguments(ins.args);
      std::vector<std::string> sources(a.words.begin(), a.words.end() - 1);
      rules::build_stage_copy(rc, ins, flag(a, "from"), sources, 2, kind, Vars{});
    };
  };
  auto f = run_rule(d, df, {"linux/amd64", "linux/arm64"}, copy(6, Kind::target));
  CHECK(f.size() == 1 && f[0].location == "Dockerfile:7" && f[0].rule == "build-stage-copy");
  if (!f.empty()) CHECK_HAS(f[0].message, "COPY --from=build copies /app from a stage that runs on the build platform");
  CHECK(run_rule(d, df, {"linux/amd64", "linux/arm64"}, copy(7, Kind::target)).empty());  // uses TARGETARCH
  CHECK(run_rule(d, df, {"linux/amd64", "linux/arm64"}, copy(8, Kind::target)).empty());  // an image
  CHECK(run_rule(d, df, {"linux/amd64", "linux/arm64"}, copy(6, Kind::build)).empty());   // into a build stage
}

TEST(rule_elf_for_every_platform) {
  TempDir d;
  d.write("tool", amd64_elf());
  d.write("tool32", make_elf(1, 1, 3));
  d.write("linux/amd64/bin/ninja", amd64_elf());
  d.write("Dockerfile", "x");
  const std::string df = "FROM scratch\nCOPY tool tool32 linux/amd64/bin/ninja /\n";
  std::set<std::string> reported;
  auto every = [&](const std::string& file) {
    return [&, file](RuleContext& rc) {
      rules::elf_for_every_platform(rc, rc.model.instructions()[1], file, file);
      reported = rc.reported_files;
    };
  };
  auto f = run_rule(d, df, {"linux/amd64", "linux/arm64"}, every("tool"));
  CHECK(f.size() == 1 && f[0].severity == Severity::error && f[0].location == "Dockerfile:2" && f[0].subject == "tool");
  if (!f.empty()) CHECK_HAS(f[0].message, "COPY tool copies \"tool\", a 64-bit LSB x86-64 executable, into every variant, but linux/arm64 cannot run it");
  CHECK(reported.count("tool") == 1);
  // A 32-bit x86 program may run on amd64: a warning.
  f = run_rule(d, df, {"linux/amd64"}, every("tool32"));
  CHECK(f.size() == 1 && f[0].severity == Severity::warning);
  if (!f.empty()) CHECK_HAS(f[0].message, "linux/amd64 may not run it");
  // The fix names the path below the platform folder.
  f = run_rule(d, df, {"linux/amd64", "linux/arm64"}, every("linux/amd64/bin/ninja"));
  CHECK(f.size() == 1);
  if (!f.empty()) CHECK_HAS(f[0].message, "COPY ${TARGETPLATFORM}/bin/ninja ... after ARG TARGETPLATFORM");
  CHECK(run_rule(d, df, {"linux/amd64"}, every("tool")).empty());
  CHECK(run_rule(d, df, {"linux/amd64"}, every("Dockerfile")).empty());  // not an ELF file
}

TEST(rule_elf_wrong_platform) {
  TempDir d;
  d.write("linux/amd64/x", amd64_elf());
  d.write("linux/arm64/x", amd64_elf());  // the wrong CPU
  d.write("arm64/y", amd64_elf());        // also, in a folder no COPY names
  d.write("x64/z", arm64_elf());          // "x64" is no folder for a platform
  const std::string df = "FROM scratch\nARG TARGETPLATFORM\nCOPY ${TARGETPLATFORM}/ /\n";
  std::vector<std::string> platforms = {"linux/amd64", "linux/arm64"};
  auto f = run_rule(d, df, platforms, [](RuleContext& rc) {
    rules::elf_wrong_platform(rc, rc.model.instructions()[2], "${TARGETPLATFORM}/", {"linux/amd64", "linux/arm64"}, {});
    rules::elf_wrong_platform_in_folders(rc);
  });
  CHECK(f.size() == 2);
  if (f.size() != 2) return;
  CHECK(f[0].location == "Dockerfile:3" && f[0].rule == "elf-wrong-platform" && f[0].subject == "linux/arm64/x");
  CHECK_HAS(f[0].message, "COPY ${TARGETPLATFORM}/ puts \"linux/arm64/x\", a 64-bit LSB x86-64 executable, into the linux/arm64 variant");
  CHECK(f[1].location == (d.path / "arm64/y").string() && f[1].rule == "elf-wrong-platform");
  CHECK_HAS(f[1].message, "is a 64-bit LSB x86-64 executable in a folder for linux/arm64");
  // An --exclude leaves the file out; the folder check then reports it.
  f = run_rule(d, df, platforms, [](RuleContext& rc) {
    rules::elf_wrong_platform(rc, rc.model.instructions()[2], "${TARGETPLATFORM}/", {"linux/amd64", "linux/arm64"}, {"x"});
    rules::elf_wrong_platform_in_folders(rc);
  });
  CHECK(f.size() == 2 && f[0].location == (d.path / "arm64/y").string() &&
        f[1].location == (d.path / "linux/arm64/x").string());
}

TEST(rule_fixed_arch_url) {
  TempDir d;
  const std::vector<std::string> two = {"linux/amd64", "linux/arm64"};
  auto url = [&](const std::string& df, size_t index, Kind kind = Kind::target) {
    return run_line_rule(d, df, two, index, kind, rules::fixed_arch_url);
  };
  auto f = url("FROM debian\nRUN curl -O https://e.com/tool-linux-amd64.tgz\n", 1);
  CHECK(f.size() == 1 && f[0].severity == Severity::error && f[0].location == "Dockerfile:2" && f[0].rule == "fixed-arch-url");
  if (!f.empty()) CHECK_HAS(f[0].message, "download URL https://e.com/tool-linux-amd64.tgz names amd64 but is used for every platform: linux/arm64");
  // Chosen at run time: a warning that the others need their own file.
  f = url("FROM debian\nRUN [ \"$(uname -m)\" = x86_64 ] && curl -O https://e.com/tool-x86_64\n", 1);
  CHECK(f.size() == 1 && f[0].severity == Severity::warning);
  // One URL per architecture, or one built from TARGETARCH: fine.
  CHECK(url("FROM debian\nRUN curl https://e.com/x86_64/a https://e.com/aarch64/a\n", 1).empty());
  CHECK(url("FROM debian\nARG TARGETARCH\nRUN curl https://e.com/tool-${TARGETARCH}\n", 2).empty());
  // An ARG with one value for every platform is substituted.
  f = url("FROM debian\nARG A=arm64\nRUN curl https://e.com/tool-${A}\n", 2);
  CHECK(f.size() == 1 && f[0].message.find("https://e.com/tool-arm64 names arm64") != std::string::npos);
  // In a stage on the build platform: the builder's CPU.
  f = url("FROM --platform=$BUILDPLATFORM debian\nRUN curl https://e.com/tool-amd64\n", 1, Kind::build);
  CHECK(f.size() == 1 && f[0].severity == Severity::warning);
  if (!f.empty()) CHECK_HAS(f[0].message, "in a stage that runs on the build platform");
  // On a package repository line, reported as fixed-arch-repository.
  f = url("FROM debian\nRUN echo \"deb http://e.com/debian-amd64 stable main\" > /x.list\n", 1);
  CHECK(f.size() == 1 && f[0].rule == "fixed-arch-repository");
  if (!f.empty()) CHECK_HAS(f[0].message, "package repository URL http://e.com/debian-amd64 names amd64");
}

TEST(rule_fixed_arch_repository) {
  TempDir d;
  d.write("apt/docker.list", "# docker\ndeb [arch=amd64 signed-by=/k.gpg] https://e.com stable main\n");
  d.write("yum/x.repo", "[x]\nbaseurl=https://e.com/el9/$basearch/\nbaseurl=https://e.com/el9/x86_64/\n");
  const std::vector<std::string> two = {"linux/amd64", "linux/arm64"};
  auto f = run_line_rule(d, "FROM debian\nRUN echo 'deb [arch=amd64] http://e.com x y' > /a.list\n", two, 1,
                         Kind::target, rules::fixed_arch_repository);
  CHECK(f.size() == 1 && f[0].severity == Severity::error && f[0].location == "Dockerfile:2");
  if (!f.empty()) CHECK_HAS(f[0].message, "package repository line lists amd64 only; linux/arm64 (arm64) would get no packages");
  // Chosen at run time, or listing every platform's architecture: not an error.
  f = run_line_rule(d, "FROM debian\nRUN uname -m; echo 'deb [arch=amd64] http://e.com x y'\n", two, 1, Kind::target,
                    rules::fixed_arch_repository);
  CHECK(f.size() == 1 && f[0].severity == Severity::warning);
  CHECK(run_line_rule(d, "FROM debian\nRUN echo 'deb [arch=amd64,arm64] http://e.com x y'\n", two, 1, Kind::target,
                      rules::fixed_arch_repository).empty());
  CHECK(run_line_rule(d, "FROM debian\nRUN echo 'deb [arch=amd64] http://e.com x y'\n", two, 1, Kind::build,
                      rules::fixed_arch_repository).empty());
  // Repository files a COPY puts into every variant, with their own file:line.
  f = run_rule(d, "FROM debian\nCOPY apt/ yum/ /etc/\n", two, [](RuleContext& rc) {
    rules::fixed_arch_repository_file(rc, rc.model.instructions()[1], "yum/x.repo");
    rules::fixed_arch_repository_file(rc, rc.model.instructions()[1], "apt/docker.list");
  });
  CHECK(f.size() == 2);
  if (f.size() != 2) return;
  CHECK(f[0].location == (d.path / "apt/docker.list").string() + ":2" && f[0].subject == "apt/docker.list");
  CHECK_HAS(f[0].message, "(by COPY at line 2) lists packages for amd64 only");
  CHECK(f[1].location == (d.path / "yum/x.repo").string() + ":3");
  CHECK_HAS(f[1].message, "names a fixed architecture in its URL; linux/arm64 would get packages for another CPU");
}

TEST(rule_dpkg_add_architecture) {
  TempDir d;
  const std::vector<std::string> two = {"linux/amd64", "linux/arm64"};
  auto f = run_line_rule(d, "FROM debian\nRUN apt-get update && \\\n    dpkg --add-architecture i386\n", two, 1,
                         Kind::target, rules::dpkg_add_architecture);
  CHECK(f.size() == 1 && f[0].location == "Dockerfile:3" && f[0].rule == "dpkg-add-architecture" &&
        f[0].severity == Severity::warning);
  if (!f.empty()) CHECK_HAS(f[0].message, "dpkg --add-architecture i386 adds the same foreign architecture to every variant");
  CHECK(run_line_rule(d, "FROM debian\nRUN dpkg --add-architecture $ARCH\n", two, 1, Kind::target,
                      rules::dpkg_add_architecture).empty());
  CHECK(run_line_rule(d, "FROM debian\nRUN dpkg --add-architecture i386\n", two, 1, Kind::build,
                      rules::dpkg_add_architecture).empty());
}

TEST(rule_foreign_arch_package) {
  TempDir d;
  const std::vector<std::string> two = {"linux/amd64", "linux/arm64"};
  auto f = run_line_rule(d, "FROM debian\nRUN apt-get install -y libc6:i386 bash:any zlib1g:arm64 -o:x\n", two, 1,
                         Kind::target, rules::foreign_arch_package);
  CHECK(f.size() == 2);
  if (f.size() != 2) return;
  CHECK(f[0].location == "Dockerfile:2" && f[0].rule == "foreign-arch-package");
  CHECK_HAS(f[0].message, "installs libc6:i386 for one architecture in every variant; on linux/amd64, linux/arm64 it is foreign code. Fix: install libc6 without :i386");
  CHECK_HAS(f[1].message, "installs zlib1g:arm64 for one architecture in every variant; on linux/amd64 it is foreign");
  // The package of the only platform's own architecture is not foreign.
  CHECK(run_line_rule(d, "FROM debian\nRUN apt-get install -y zlib1g:arm64\n", {"linux/arm64"}, 1, Kind::target,
                      rules::foreign_arch_package).empty());
  CHECK(run_line_rule(d, "FROM debian\nRUN apt-get remove -y zlib1g:arm64\n", two, 1, Kind::target,
                      rules::foreign_arch_package).empty());
}

TEST(model_arg_resolver_takes_the_last_build_arg) {
  const std::string df = "ARG TAG=1\nFROM debian:${TAG} AS one\nARG TAG\nARG OWN=${TAG}-own\n";
  auto tag = [&](const BuildArgs& args) {
    Model m(parse_dockerfile(df), platforms_of({"linux/amd64"}), args);
    std::vector<Vars> vars = stage_vars(m, 0, m.instructions().size());
    return m.arg_value("TAG=1", 0, {}, false) + " " + m.final_base() + " " + vars[0]["TAG"] + " " + vars[0]["OWN"];
  };
  CHECK(tag({}) == "1 debian:1 1 1-own");
  // The last --build-arg of a name wins, as in Docker, in the global scope and in stages alike.
  CHECK(tag({{"TAG", "first"}, {"TAG", "last"}}) == "last debian:last last last-own");
  CHECK(tag({{"TAG", "last"}, {"OTHER", "x"}, {"TAG", "first"}}) == "first debian:first first first-own");
  CHECK(tag({{"OWN", "given"}, {"TAG", "2"}}).substr(0, 2) == "2 ");
  // The rules read the same values as final-base.
  TempDir d;
  d.write("bin-first/tool", arm64_elf());
  d.write("bin-last/tool", amd64_elf());
  d.write("Dockerfile", "ARG TAG=none\nFROM scratch\nARG TAG\nCOPY bin-${TAG}/tool /tool\n");
  auto errors = [&](const BuildArgs& args) {
    ContextOptions o;
    o.dockerfile = (d.path / "Dockerfile").string();
    o.context = d.path.string();
    o.platforms = platforms_of({"linux/arm64"});
    o.build_args = args;
    AllowList allow;
    std::ostringstream out;
    Reporter rep(out, allow, 100);
    check_context(o, rep);
    return rep.errors();
  };
  CHECK(errors({{"TAG", "last"}, {"TAG", "first"}}) == 0);
  CHECK(errors({{"TAG", "first"}, {"TAG", "last"}}) == 1);
  CHECK(final_base((d.path / "Dockerfile").string(), {{"TAG", "a"}, {"TAG", "b"}}, platforms_of({"linux/arm64"})[0]) ==
        "scratch");
}

TEST(model_arg_scopes_global_and_stage) {
  const std::string df =
      "ARG G=global\n"                 // 0
      "ARG TARGETARCH\n"               // 1: automatic, not a global ARG of its own
      "FROM debian:${G} AS one\n"      // 2
      "ARG L=local\n"                  // 3
      "ARG G\n"                        // 4
      "ARG S=${G}-${L}\n"              // 5
      "ARG TARGETARCH\n"               // 6
      "ENV E=${TARGETARCH}-env\n"      // 7
      "FROM one\n"                     // 8
      "ARG L\n"                        // 9: a stage's ARG does not reach the next stage
      "ARG UNDECLARED\n";              // 10
  Model m(parse_dockerfile(df), platforms_of({"linux/amd64", "linux/arm64"}), {{"TARGETARCH", "s390x"}});
  CHECK(m.stages().size() == 2 && m.stages()[0].base == "debian:global" && m.stages()[1].parent == 0);
  // Before a stage declares them, globals are not in its scope.
  std::vector<Vars> before = stage_vars(m, 0, 4);
  CHECK(before[0].count("G") == 0 && before[0]["L"] == "local");
  bool unknown = false;
  CHECK(m.expand("x${G}", before[0], &unknown) == "x" && unknown);
  std::vector<Vars> one = stage_vars(m, 0, 8);
  CHECK(one[0]["G"] == "global" && one[0]["S"] == "global-local");
  // TARGETARCH is the platform's, whatever --build-arg says.
  CHECK(one[0]["TARGETARCH"] == "amd64" && one[1]["TARGETARCH"] == "arm64" && one[1]["E"] == "arm64-env");
  CHECK(m.arg_value("TARGETARCH", 1, {}, true) == "arm64");
  std::vector<Vars> two = stage_vars(m, 1, m.instructions().size());
  CHECK(two[0].count("L") == 1 && two[0]["L"].empty() && two[0]["UNDECLARED"].empty());
  // A stage default does not replace a --build-arg; a global's value reaches a stage only through ARG <name>.
  Model given(parse_dockerfile(df), platforms_of({"linux/amd64"}), {{"G", "g"}, {"L", "l"}});
  one = stage_vars(given, 0, 8);
  CHECK(one[0]["G"] == "g" && one[0]["L"] == "l" && one[0]["S"] == "g-l" && given.final_base() == "debian:g");
  CHECK(given.arg_value("G", 0, {}, true) == "g" && given.arg_value("NEW=${G}", 0, {{"G", "scope"}}, true) == "scope");
}

TEST(findings_are_reported_in_file_order) {
  FindingList list("/ctx/Dockerfile");
  auto add = [&](const Location& at, const std::string& rule, const std::string& message,
                 FindingList::Origin origin = FindingList::Origin::ours) {
    list.add(Severity::error, rule, at, "", message, nullptr, origin);
  };
  add({"/ctx/apt/x.list", 10}, "r", "list 10");
  add({"/ctx/apt/x.list", 2}, "r", "list 2");
  add({"/ctx/Dockerfile", 5}, "r", "five");
  add({"/ctx/bin/tool", 0}, "r", "tool");
  add({"/ctx/Dockerfile", 12}, "r", "twelve");
  add({"/ctx/Dockerfile", 2}, "b", "two, first found");
  add({"/ctx/Dockerfile", 0}, "Lint", "no line", FindingList::Origin::buildkit);
  add({"/ctx/Dockerfile", 2}, "a", "two, found next");
  add({"/ctx/Dockerfile", 5}, "r", "five");  // the same again: reported once
  add({"/ctx/Dockerfile", 5}, "Lint", "five (BuildKit check)", FindingList::Origin::buildkit);
  std::vector<std::string> order;
  for (const auto& f : list.ordered()) order.push_back(f.location + " " + f.message);
  const std::vector<std::string> expected = {
      "/ctx/Dockerfile no line",          "/ctx/Dockerfile:2 two, first found",
      "/ctx/Dockerfile:2 two, found next", "/ctx/Dockerfile:5 five",
      "/ctx/Dockerfile:5 five (BuildKit check)", "/ctx/Dockerfile:12 twelve",
      "/ctx/apt/x.list:2 list 2",         "/ctx/apt/x.list:10 list 10",
      "/ctx/bin/tool tool"};
  CHECK(order == expected);
  CHECK(list.has("r", {"/ctx/Dockerfile", 12}) && !list.has("r", {"/ctx/Dockerfile", 13}) &&
        !list.has("a", {"/ctx/Dockerfile", 5}));
  // --lint-only: BuildKit's alone, in the same order.
  auto lint = list.ordered(true);
  CHECK(lint.size() == 2 && lint[0].location == "/ctx/Dockerfile" && lint[1].location == "/ctx/Dockerfile:5");
  // And as the reporter prints them.
  AllowList allow;
  std::ostringstream out;
  Reporter rep(out, allow, 100);
  list.report(rep);
  rep.finish();
  CHECK(out.str().find("error: /ctx/Dockerfile: no line [Lint]\nerror: /ctx/Dockerfile:2: two, first found [b]\n") == 0);
  CHECK_HAS(out.str(), "summary: 9 errors, 0 warnings, 0 accepted");
}

TEST(cli_errors_are_clear) {
  std::string out, err;
  CHECK(run_cli({}, out, err) == 2);
  CHECK_HAS(err, "usage:");
  CHECK(run_cli({"audit", "-"}, out, err) == 2);
  CHECK_HAS(err, "audit needs --platform");
  CHECK(run_cli({"audit", "--platform", "linux/sparc", "-"}, out, err) == 2);
  CHECK_HAS(err, "unknown architecture");
  CHECK(run_cli({"audit", "--platform", "linux/arm64", "--allow", "no-such-rule", "-"}, out, err) == 2);
  CHECK_HAS(err, "unknown rule \"no-such-rule\"");
  CHECK(run_cli({"context", "--dockerfile", "/nonexistent/Dockerfile", "--context", "/tmp", "--platform",
                 "linux/amd64"},
                out, err) == 2);
  CHECK_HAS(err, "cannot read the Dockerfile /nonexistent/Dockerfile");

  TempDir d;
  std::string archive = sample_variant();
  d.write("cut.tar", archive.substr(0, 1500));
  d.write("ok.tar", archive);
  std::string cut = (d.path / "cut.tar").string();
  CHECK(run_cli({"audit", "--platform", "linux/arm64", cut}, out, err) == 2);
  CHECK_HAS(err, "multiarch-audit: error: truncated archive");
  CHECK(run_cli({"audit", "--platform", "linux/arm64", (d.path / "missing.tar").string()}, out, err) == 2);
  CHECK_HAS(err, "cannot open");
  int fd = ::open((d.path / "ok.tar").c_str(), O_RDONLY);
  CHECK(run_cli({"audit", "--platform", "linux/arm64", "-"}, out, err, fd) == 0);
  ::close(fd);
  CHECK_HAS(out, "summary: 0 errors, 0 warnings, 0 accepted");
  CHECK(run_cli({"audit", "--platform", "linux/amd64", "--max-findings", "1", (d.path / "ok.tar").string()}, out,
                err) == 1);
  CHECK_HAS(out, "more findings not shown");
}


// ---------------------------------------------------------------- together

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream o;
  o << in.rdbuf();
  return o.str();
}

// Each job waits (up to 10 s) for the file the other one makes: run one
// after the other, the first would give up and fail; at once, both pass.
TEST(together_runs_its_jobs_at_once) {
  TempDir d;
  const std::string a = (d.path / "a").string(), b = (d.path / "b").string();
  auto waiter = [](const std::string& mine, const std::string& theirs) {
    return std::vector<std::string>{"sh", "-c", "touch '" + mine + "'; i=0; while [ ! -e '" + theirs +
                                "' ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done; [ -e '" + theirs + "' ]"};
  };
  std::vector<std::vector<std::string>> jobs = {waiter(a, b), waiter(b, a),
                                                {"sh", "-c", "printf 'out;put'; printf 'err' >&2; exit 7"},
                                                {"/nonexistent/program"}, {"sh", "-c", "kill -9 $$"}};
  std::vector<std::string> st = run_together(d.path.string(), jobs);
  CHECK(st.size() == 5);
  CHECK(st[0] == "0");
  CHECK(st[1] == "0");
  CHECK(st[2] == "7");
  CHECK(slurp(d.path / "2.out") == "out;put");
  CHECK(slurp(d.path / "2.err") == "err");
  CHECK(st[3] == "No such file or directory");
  CHECK(fs::exists(d.path / "3.out") && fs::exists(d.path / "3.err"));
  CHECK(st[4] == "killed by signal 9");
}

TEST(together_command_line) {
  TempDir d;
  std::string out, err;
  CHECK(run_cli({"together", "--dir", d.path.string(), "--job", "3", "sh", "-c"}, out, err) == 2);
  CHECK_HAS(err, "--job 3 needs a value");
  CHECK(run_cli({"together", "--job", "1", "true"}, out, err) == 2);
  CHECK_HAS(err, "together needs --dir <folder>");
  CHECK(run_cli({"together", "--dir", d.path.string(), "--job", "0"}, out, err) == 2);
  CHECK_HAS(err, "--job needs at least the program");
  CHECK(run_cli({"together", "--dir", d.path.string(), "--job", "2", "sh", "-c", "--job", "1", "false"}, out,
                err) == 0);
  CHECK(slurp(d.path / "status") == "2\n1\n");

  // A jobs file: words of any bytes, each job apart from the next.
  d.write("jobs", "job 3\n6\nprintf\n4\n<%s>\n7\na;b\nc[d\njob 1\n4\ntrue\n");
  const std::string jobs = (d.path / "jobs").string();
  std::vector<std::vector<std::string>> read = read_jobs_file(jobs);
  CHECK(read.size() == 2);
  CHECK(read.size() == 2 && read[0].size() == 3 && read[0][2] == "a;b\nc[d" && read[1][0] == "true");
  CHECK(run_cli({"together", "--dir", d.path.string(), "--jobs-file", jobs}, out, err) == 0);
  CHECK(slurp(d.path / "0.out") == "<a;b\nc[d>");
  CHECK(slurp(d.path / "status") == "0\n0\n");
  for (const char* bad : {"job 1\n9\nshort\n", "job x\n", "jab 1\n1\na\n", "job 2\n1\na\n"}) {
    d.write("bad", bad);
    CHECK(run_cli({"together", "--dir", d.path.string(), "--jobs-file", (d.path / "bad").string()}, out, err) == 2);
    CHECK_HAS(err, "jobs file");
  }
}
}  // namespace

int main() {
  for (const auto& [name, fn] : registry()) {
    int before = g_failures;
    fn();
    std::printf("%s %s\n", g_failures == before ? "ok  " : "FAIL", name);
  }
  std::printf("%d checks, %d failed\n", g_checks, g_failures);
  return g_failures ? 1 : 0;
}
