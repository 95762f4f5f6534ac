// A streaming reader of tar archives (POSIX ustar, pax and the GNU long
// name, long link and sparse extensions), as written by `docker export`.
// Memory stays bounded whatever the archive's size: one read buffer, and
// extended headers up to a fixed limit.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common.hpp"

namespace multiarch {

struct TarEntry {
  std::string path;      // as stored, cleaned: "usr/bin/env"
  char type = '0';       // '0' file, '1' hard link, '2' symlink, '5' directory, ...
  std::string linkname;  // target of a link
  uint64_t size = 0;     // bytes of data that follow in the archive
  uint32_t mode = 0;
  uint64_t offset = 0;   // byte offset of the entry's header
  bool is_regular() const { return type == '0' || type == '\0' || type == '7'; }
};

class TarReader {
 public:
  // Extended (pax) headers and GNU long names larger than this are refused.
  static constexpr uint64_t kMaxMetaSize = 1 << 20;

  explicit TarReader(Source& in, size_t buffer_size = 1 << 20);

  // Moves to the next entry, skipping what is left of the current one.
  // false at the end-of-archive marker.  Throws InputError on malformed or
  // truncated input.
  bool next(TarEntry& entry);

  // Reads up to n bytes of the current entry's data; 0 at its end.
  size_t read_data(char* buf, size_t n);

  uint64_t bytes_read() const { return offset_; }
  uint64_t entries() const { return entries_; }

 private:
  size_t read_upto(char* dst, size_t n);
  void read_exact(char* dst, size_t n, const char* what);
  void skip(uint64_t n, const char* what);
  std::string read_meta(uint64_t size, const char* what);

  Source& in_;
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  uint64_t offset_ = 0;      // bytes consumed from the input
  uint64_t remaining_ = 0;   // data bytes of the current entry not yet read
  uint64_t padding_ = 0;     // zero bytes after them, up to a 512 boundary
  uint64_t entries_ = 0;
  std::string current_;      // path of the current entry, for messages
  bool ended_ = false;
};

}  // namespace multiarch
