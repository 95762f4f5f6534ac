// What the dynamic loader reads of an ELF file: its dynamic section
// (DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH, DT_FLAGS_1), its symbol
// versions (DT_VERDEF, DT_VERNEED, DT_VERSYM) and its dynamic symbols
// (defined ones, and undefined ones that are not weak).
//
// These tables can lie anywhere in the file (.dynamic usually after the
// tables it points to), so the parser reads the file at random offsets
// through a ByteFile: the bytes in memory, or a temporary file read with
// pread.  32/64-bit and both byte orders; every offset and size is checked
// against the file's size, so truncated or garbage input ends in a
// `problem`, never a read out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace multiarch {

// Random access to the bytes of one file.
class ByteFile {
 public:
  virtual ~ByteFile() = default;
  virtual uint64_t size() const = 0;
  // Copies n bytes at off into dst; false if they are not all in the file.
  virtual bool read(uint64_t off, void* dst, size_t n) const = 0;
};

class MemoryFile : public ByteFile {
 public:
  MemoryFile(const unsigned char* p, size_t n) : p_(p), n_(n) {}
  uint64_t size() const override { return n_; }
  bool read(uint64_t off, void* dst, size_t n) const override;

 private:
  const unsigned char* p_;
  size_t n_;
};

// A file opened by the caller (e.g. tmpfile()); read with pread.
class DescriptorFile : public ByteFile {
 public:
  DescriptorFile(int fd, uint64_t size) : fd_(fd), size_(size) {}
  uint64_t size() const override { return size_; }
  bool read(uint64_t off, void* dst, size_t n) const override;

 private:
  int fd_;
  uint64_t size_;
};

// A symbol: its name and version as offsets into DynamicInfo::strings
// (read them with DynamicInfo::str), so that a library of 100000 symbols
// costs no string of its own per symbol.
struct DynamicSymbol {
  uint32_t name = 0;
  uint32_t version = 0;  // 0 ("") when unversioned (or the base version)
  bool hidden = false;   // a non-default version (name@VER, not name@@VER)
};

struct VersionNeed {
  std::string file;     // the DT_NEEDED name the version is required from
  std::string version;  // e.g. GLIBC_2.34
  bool weak = false;    // VER_FLG_WEAK
};

struct DynamicInfo {
  bool ok = false;
  std::string problem;  // why the dynamic section could not be read
  bool has_dynamic = false;
  std::string soname;
  std::vector<std::string> needed;
  std::string rpath, runpath;  // raw, ':'-separated
  bool has_rpath = false, has_runpath = false;
  uint64_t flags_1 = 0;        // DT_FLAGS_1 (DF_1_PIE = 0x08000000)
  bool has_versym = false;     // the symbols carry versions (DT_VERSYM)
  bool has_verdef = false;
  std::vector<std::string> verdefs;  // versions defined, the base (soname) left out
  std::vector<VersionNeed> verneed;
  std::vector<DynamicSymbol> defined;    // GLOBAL, WEAK and UNIQUE definitions
  std::vector<DynamicSymbol> undefined;  // undefined and not weak
  std::vector<char> strings;             // the string table, with a 0 byte appended
  std::string_view str(uint32_t off) const {
    return off < strings.size() ? std::string_view(strings.data() + off) : std::string_view();
  }
};

// Reads the facts above from a complete ELF file.  ok == false with a
// problem for a file whose dynamic section or tables are out of range.
DynamicInfo parse_dynamic(const ByteFile& file);

}  // namespace multiarch
