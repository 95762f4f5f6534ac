// Unit tests of multiarch-audit.  Built with AddressSanitizer and
// UndefinedBehaviorSanitizer by the test suite: every buffer handed to the
// parsers below has exactly the size of its content, so that a read past
// it is caught.  Truncated and garbage ELF and tar input must end in an
// InputError (a clear message), never a crash.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "audit.hpp"
#include "cli.hpp"
#include "context.hpp"
#include "dockerfile.hpp"
#include "elf.hpp"
#include "findings.hpp"
#include "glob.hpp"
#include "platform.hpp"
#include "tar.hpp"

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
