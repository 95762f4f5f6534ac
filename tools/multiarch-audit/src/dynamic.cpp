#include "dynamic.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

namespace multiarch {

bool MemoryFile::read(uint64_t off, void* dst, size_t n) const {
  if (off > n_ || n > n_ - off) return false;
  if (n) std::memcpy(dst, p_ + off, n);
  return true;
}

bool DescriptorFile::read(uint64_t off, void* dst, size_t n) const {
  if (off > size_ || n > size_ - off) return false;
  char* out = static_cast<char*>(dst);
  while (n > 0) {
    ssize_t got = ::pread(fd_, out, n, static_cast<off_t>(off));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    off += static_cast<uint64_t>(got);
    n -= static_cast<size_t>(got);
  }
  return true;
}

namespace {

constexpr uint64_t DT_NULL = 0, DT_NEEDED = 1, DT_HASH = 4, DT_STRTAB = 5, DT_SYMTAB = 6, DT_STRSZ = 10,
                   DT_SYMENT = 11, DT_SONAME = 14, DT_RPATH = 15, DT_RUNPATH = 29,
                   DT_GNU_HASH = 0x6ffffef5, DT_VERSYM = 0x6ffffff0, DT_FLAGS_1 = 0x6ffffffb,
                   DT_VERDEF = 0x6ffffffc, DT_VERDEFNUM = 0x6ffffffd, DT_VERNEED = 0x6ffffffe,
                   DT_VERNEEDNUM = 0x6fffffff;
// Limits against garbage: far above what real files hold.
constexpr uint64_t kMaxDynEntries = 1 << 20, kMaxSymbols = 1 << 24, kMaxVersions = 1 << 16;
constexpr uint64_t kMaxStrtab = 1ull << 30;

struct Malformed {
  std::string why;
};

class Elf {
 public:
  explicit Elf(const ByteFile& f) : f_(f) {}
  void load_header() {
    unsigned char id[16];
    if (!f_.read(0, id, 16) || std::memcmp(id, "\x7f" "ELF", 4) != 0) throw Malformed{"no ELF header"};
    if (id[4] != 1 && id[4] != 2) throw Malformed{"invalid ELF class"};
    if (id[5] != 1 && id[5] != 2) throw Malformed{"invalid ELF byte order"};
    is64_ = id[4] == 2;
    big_ = id[5] == 2;
    machine_ = static_cast<uint16_t>(u(18, 2));
  }
  bool is64() const { return is64_; }
  uint16_t machine() const { return machine_; }
  // An unsigned integer of n bytes at off.
  uint64_t u(uint64_t off, unsigned n) const {
    unsigned char b[8];
    if (!f_.read(off, b, n)) throw Malformed{"a field at offset " + std::to_string(off) + " lies beyond the end of the file"};
    return decode(b, n);
  }
  uint64_t decode(const unsigned char* b, unsigned n) const {
    uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= static_cast<uint64_t>(b[i]) << (big_ ? 8 * (n - 1 - i) : 8 * i);
    return v;
  }
  uint64_t word(uint64_t off) const { return u(off, is64_ ? 8 : 4); }
  template <typename Byte>
  void bytes(uint64_t off, uint64_t n, std::vector<Byte>& out, const char* what) const {
    if (off > f_.size() || n > f_.size() - off) throw Malformed{std::string(what) + " lies beyond the end of the file"};
    out.resize(static_cast<size_t>(n));
    if (n && !f_.read(off, out.data(), static_cast<size_t>(n))) throw Malformed{std::string(what) + " cannot be read"};
  }
  uint64_t size() const { return f_.size(); }

 private:
  const ByteFile& f_;
  bool is64_ = false, big_ = false;
  uint16_t machine_ = 0;
};

struct Segment {
  uint64_t vaddr, offset, filesz;
};

}  // namespace

DynamicInfo parse_dynamic(const ByteFile& file) {
  DynamicInfo out;
  try {
    Elf e(file);
    e.load_header();
    const bool w64 = e.is64();
    const unsigned W = w64 ? 8 : 4;
    const uint64_t phoff = e.word(w64 ? 32 : 28);
    const uint64_t shoff = e.word(w64 ? 40 : 32);
    const uint64_t phentsize = e.u(w64 ? 54 : 42, 2), phnum = e.u(w64 ? 56 : 44, 2);
    const uint64_t shentsize = e.u(w64 ? 58 : 46, 2), shnum = e.u(w64 ? 60 : 48, 2);
    if (phnum && phentsize < (w64 ? 56u : 32u)) throw Malformed{"program header entries too small"};

    // Program headers: PT_LOAD maps addresses to file offsets, PT_DYNAMIC.
    std::vector<Segment> loads;
    uint64_t dyn_off = 0, dyn_size = 0;
    for (uint64_t i = 0; i < phnum; ++i) {
      uint64_t b = phoff + i * phentsize;
      uint64_t type = e.u(b, 4);
      uint64_t off = w64 ? e.u(b + 8, 8) : e.u(b + 4, 4);
      uint64_t vaddr = w64 ? e.u(b + 16, 8) : e.u(b + 8, 4);
      uint64_t filesz = w64 ? e.u(b + 32, 8) : e.u(b + 16, 4);
      if (type == 1) loads.push_back({vaddr, off, filesz});
      if (type == 2) {
        out.has_dynamic = true;
        dyn_off = off;
        dyn_size = filesz;
      }
    }
    if (!out.has_dynamic) {
      out.ok = true;
      return out;
    }
    const uint64_t dyn_ent = 2 * W;
    if (dyn_off > e.size() || dyn_size > e.size() - dyn_off) {
      throw Malformed{"the dynamic section lies beyond the end of the file"};
    }
    std::vector<unsigned char> dyn;
    uint64_t n_dyn = std::min<uint64_t>(dyn_size / dyn_ent, kMaxDynEntries);
    e.bytes(dyn_off, n_dyn * dyn_ent, dyn, "the dynamic section");

    std::vector<uint64_t> needed_off;
    std::map<uint64_t, uint64_t> tag;  // the last value of each single-valued tag
    uint64_t soname = 0, rpath = 0, runpath = 0;
    bool has_soname = false;
    for (uint64_t i = 0; i < n_dyn; ++i) {
      uint64_t t = e.decode(&dyn[i * dyn_ent], W), v = e.decode(&dyn[i * dyn_ent + W], W);
      if (t == DT_NULL) break;
      switch (t) {
        case DT_NEEDED: needed_off.push_back(v); break;
        case DT_SONAME: soname = v; has_soname = true; break;
        case DT_RPATH: rpath = v; out.has_rpath = true; break;
        case DT_RUNPATH: runpath = v; out.has_runpath = true; break;
        default: tag[t] = v;
      }
    }
    auto has = [&](uint64_t t) { return tag.count(t) != 0; };
    // Addresses to file offsets, through the PT_LOAD segments.
    auto offset_of = [&](uint64_t addr, const char* what) {
      for (const auto& s : loads) {
        if (addr >= s.vaddr && addr - s.vaddr < s.filesz) {
          uint64_t off = s.offset + (addr - s.vaddr);
          if (off < s.offset || off >= e.size()) break;
          return off;
        }
      }
      throw Malformed{std::string(what) + " at address 0x" + [&] {
        char b[32];
        std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(addr));
        return std::string(b);
      }() + " lies in no loaded segment of the file"};
    };
    if (has(DT_FLAGS_1)) out.flags_1 = tag[DT_FLAGS_1];

    // The string table.
    std::vector<char> strtab;
    bool need_strings = !needed_off.empty() || has_soname || out.has_rpath || out.has_runpath ||
                        has(DT_SYMTAB) || has(DT_VERDEF) || has(DT_VERNEED);
    if (need_strings) {
      if (!has(DT_STRTAB)) throw Malformed{"the dynamic section has no string table (DT_STRTAB)"};
      uint64_t str_off = offset_of(tag[DT_STRTAB], "the string table");
      uint64_t str_size = has(DT_STRSZ) ? tag[DT_STRSZ] : e.size() - str_off;
      if (str_size > kMaxStrtab) throw Malformed{"a string table of " + std::to_string(str_size) + " bytes"};
      e.bytes(str_off, str_size, strtab, "the string table (DT_STRSZ)");
    }
    if (strtab.size() > 0xfffffff0u) throw Malformed{"a string table of more than 4 GiB"};
    strtab.push_back(0);  // every name ends within the table
    auto offset = [&](uint64_t off) -> uint32_t {
      if (off + 1 >= strtab.size()) throw Malformed{"a name at offset " + std::to_string(off) + " lies beyond the string table"};
      return static_cast<uint32_t>(off);
    };
    auto str = [&](uint64_t off) -> std::string {
      return std::string(strtab.data() + offset(off));
    };
    for (uint64_t o : needed_off) out.needed.push_back(str(o));
    if (has_soname) out.soname = str(soname);
    if (out.has_rpath) out.rpath = str(rpath);
    if (out.has_runpath) out.runpath = str(runpath);

    // Versions defined: index -> name.
    std::map<uint64_t, uint32_t> defs;  // index -> name offset
    if (has(DT_VERDEF)) {
      out.has_verdef = true;
      uint64_t off = offset_of(tag[DT_VERDEF], "the version definitions (DT_VERDEF)");
      uint64_t count = has(DT_VERDEFNUM) ? tag[DT_VERDEFNUM] : kMaxVersions;
      for (uint64_t i = 0; i < count && i < kMaxVersions; ++i) {
        uint64_t flags = e.u(off + 2, 2), ndx = e.u(off + 4, 2), cnt = e.u(off + 6, 2);
        uint64_t aux = e.u(off + 12, 4), next = e.u(off + 16, 4);
        if (cnt > 0) {
          uint32_t name = offset(e.u(off + aux, 4));
          defs[ndx & 0x7fff] = (flags & 1) ? 0 : name;  // VER_FLG_BASE: the file's own name, unversioned
          if (!(flags & 1)) out.verdefs.push_back(str(name));
        }
        if (next == 0) break;
        off += next;
      }
    }
    // Versions needed: index -> (file, name, weak).
    std::map<uint64_t, uint32_t> needs;  // index -> version name offset
    if (has(DT_VERNEED)) {
      uint64_t off = offset_of(tag[DT_VERNEED], "the version requirements (DT_VERNEED)");
      uint64_t count = has(DT_VERNEEDNUM) ? tag[DT_VERNEEDNUM] : kMaxVersions;
      uint64_t seen = 0;
      for (uint64_t i = 0; i < count && i < kMaxVersions; ++i) {
        uint64_t cnt = e.u(off + 2, 2);
        std::string file_name = str(e.u(off + 4, 4));
        uint64_t aux = off + e.u(off + 8, 4), next = e.u(off + 12, 4);
        for (uint64_t k = 0; k < cnt; ++k) {
          if (++seen > kMaxVersions) throw Malformed{"too many version requirements"};
          uint64_t flags = e.u(aux + 4, 2), other = e.u(aux + 6, 2);
          uint32_t name = offset(e.u(aux + 8, 4));
          needs[other & 0x7fff] = name;
          out.verneed.push_back({file_name, str(name), (flags & 2) != 0});
          uint64_t an = e.u(aux + 12, 4);
          if (an == 0) break;
          aux += an;
        }
        if (next == 0) break;
        off += next;
      }
    }

    // The dynamic symbols.
    if (has(DT_SYMTAB)) {
      const uint64_t syment = has(DT_SYMENT) ? tag[DT_SYMENT] : (w64 ? 24 : 16);
      if (syment < (w64 ? 24u : 16u) || syment > 256) throw Malformed{"symbol entries of " + std::to_string(syment) + " bytes"};
      uint64_t sym_off = offset_of(tag[DT_SYMTAB], "the symbol table (DT_SYMTAB)");
      uint64_t count = 0;
      bool counted = false;
      // The section headers tell the count, when they are there.
      if (shoff && shnum && shentsize >= (w64 ? 64u : 40u) && shoff < e.size() &&
          shnum * shentsize <= e.size() - shoff) {
        for (uint64_t i = 0; i < shnum; ++i) {
          uint64_t b = shoff + i * shentsize;
          if (e.u(b + 4, 4) != 11) continue;  // SHT_DYNSYM
          uint64_t off = w64 ? e.u(b + 24, 8) : e.u(b + 16, 4);
          uint64_t size = w64 ? e.u(b + 32, 8) : e.u(b + 20, 4);
          if (off == sym_off) {
            count = size / syment;
            counted = true;
          }
          break;
        }
      }
      if (!counted && has(DT_HASH)) {
        // nchain; 8-byte entries on 64-bit s390.
        unsigned hw = (w64 && e.machine() == 22) ? 8 : 4;
        count = e.u(offset_of(tag[DT_HASH], "the hash table (DT_HASH)") + hw, hw);
        counted = true;
      }
      if (!counted && has(DT_GNU_HASH)) {
        uint64_t h = offset_of(tag[DT_GNU_HASH], "the hash table (DT_GNU_HASH)");
        uint64_t nbuckets = e.u(h, 4), symoffset = e.u(h + 4, 4), bloom = e.u(h + 8, 4);
        if (nbuckets > kMaxSymbols || bloom > kMaxSymbols) throw Malformed{"a GNU hash table of impossible size"};
        uint64_t buckets = h + 16 + bloom * W;
        std::vector<unsigned char> b;
        e.bytes(buckets, nbuckets * 4, b, "the GNU hash buckets");
        uint64_t last = 0;
        for (uint64_t i = 0; i < nbuckets; ++i) last = std::max(last, e.decode(&b[i * 4], 4));
        if (last < symoffset) {
          count = symoffset;
        } else {
          uint64_t chains = buckets + nbuckets * 4;
          while (true) {
            if (last - symoffset > kMaxSymbols) throw Malformed{"a GNU hash chain without end"};
            uint64_t v = e.u(chains + (last - symoffset) * 4, 4);
            if (v & 1) break;
            ++last;
          }
          count = last + 1;
        }
        counted = true;
      }
      if (!counted) throw Malformed{"the symbol table has no known size (no DT_HASH, DT_GNU_HASH or section headers)"};
      if (count > kMaxSymbols || count * syment > e.size() - sym_off) {
        throw Malformed{"the symbol table (" + std::to_string(count) + " symbols) lies beyond the end of the file"};
      }
      std::vector<unsigned char> syms, versym;
      e.bytes(sym_off, count * syment, syms, "the symbol table");
      if (has(DT_VERSYM)) {
        e.bytes(offset_of(tag[DT_VERSYM], "the symbol versions (DT_VERSYM)"), count * 2, versym,
                "the symbol versions (DT_VERSYM)");
        out.has_versym = true;
      }
      for (uint64_t i = 1; i < count; ++i) {
        const unsigned char* s = &syms[i * syment];
        uint64_t name = e.decode(s, 4);
        unsigned info = w64 ? s[4] : s[12];
        uint64_t shndx = e.decode(w64 ? s + 6 : s + 14, 2);
        unsigned bind = info >> 4, type = info & 0xf;
        if (name == 0 || type == 3 || type == 4) continue;  // STT_SECTION, STT_FILE
        uint64_t vs = out.has_versym ? e.decode(&versym[i * 2], 2) : 1;
        uint64_t ndx = vs & 0x7fff;
        if (shndx == 0) {  // SHN_UNDEF
          if (bind != 1) continue;  // weak (or local): may stay undefined
          DynamicSymbol u{offset(name), 0, false};
          auto it = needs.find(ndx);
          if (ndx >= 2 && it != needs.end()) u.version = it->second;
          out.undefined.push_back(u);
        } else if (bind == 1 || bind == 2 || bind == 10) {  // GLOBAL, WEAK, GNU_UNIQUE
          DynamicSymbol d{offset(name), 0, (vs & 0x8000) != 0};
          auto it = defs.find(ndx);
          if (ndx >= 2 && it != defs.end()) d.version = it->second;
          out.defined.push_back(d);
        }
      }
    }
    out.strings = std::move(strtab);
    out.ok = true;
  } catch (const Malformed& m) {
    out.ok = false;
    out.problem = m.why;
  }
  return out;
}

}  // namespace multiarch
