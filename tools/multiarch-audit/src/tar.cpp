#include "tar.hpp"

#include <algorithm>
#include <cstring>

namespace multiarch {
namespace {

constexpr size_t kBlock = 512;

std::string at(uint64_t offset) { return " at byte " + std::to_string(offset); }

// A NUL-terminated field of at most n bytes.
std::string field(const char* p, size_t n) { return std::string(p, strnlen(p, n)); }

// Numeric header field: octal ASCII (leading spaces or NULs allowed,
// ended by space or NUL) or GNU base-256 (first byte 0x80).
bool parse_number(const unsigned char* p, size_t n, uint64_t& out) {
  out = 0;
  if (p[0] & 0x80) {
    if (p[0] != 0x80) return false;  // 0xff: negative
    for (size_t i = 1; i < n; ++i) {
      if (out >> 56) return false;
      out = (out << 8) | p[i];
    }
    return true;
  }
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == 0)) ++i;
  if (i == n) return true;  // an empty field is 0
  bool digits = false;
  for (; i < n && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (out >> 60) return false;
    out = out * 8 + (p[i] - '0');
    digits = true;
  }
  for (; i < n; ++i) {
    if (p[i] != ' ' && p[i] != 0) return false;
  }
  return digits;
}

bool all_zero(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i]) return false;
  }
  return true;
}

}  // namespace

TarReader::TarReader(Source& in, size_t buffer_size) : in_(in), buf_(std::max<size_t>(buffer_size, kBlock)) {}

size_t TarReader::read_upto(char* dst, size_t n) {
  size_t done = 0;
  while (done < n) {
    if (pos_ == end_) {
      if (eof_) break;
      pos_ = 0;
      end_ = in_.read(buf_.data(), buf_.size());
      if (end_ == 0) {
        eof_ = true;
        break;
      }
    }
    size_t take = std::min(n - done, end_ - pos_);
    if (dst) std::memcpy(dst + done, buf_.data() + pos_, take);
    pos_ += take;
    done += take;
  }
  offset_ += done;
  return done;
}

void TarReader::read_exact(char* dst, size_t n, const char* what) {
  uint64_t start = offset_;
  size_t got = read_upto(dst, n);
  if (got < n) {
    throw InputError("truncated archive: it ends inside " + std::string(what) +
                     (current_.empty() ? "" : " of \"" + current_ + "\"") + at(offset_) + " (" +
                     std::to_string(n - got) + " of " + std::to_string(n) +
                     " bytes missing, expected from byte " + std::to_string(start) + ")");
  }
}

void TarReader::skip(uint64_t n, const char* what) {
  while (n > 0) {
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(n, 1 << 30));
    uint64_t before = offset_;
    size_t got = read_upto(nullptr, chunk);
    n -= got;
    if (got < chunk) {
      throw InputError("truncated archive: it ends inside " + std::string(what) + " of \"" +
                       current_ + "\"" + at(offset_) + " (" + std::to_string(n) +
                       " more bytes expected after byte " + std::to_string(before) + ")");
    }
  }
}

std::string TarReader::read_meta(uint64_t size, const char* what) {
  if (size > kMaxMetaSize) {
    throw InputError("not a supported tar archive: " + std::string(what) + " of " +
                     std::to_string(size) + " bytes" + at(offset_) + " exceeds the limit of " +
                     std::to_string(kMaxMetaSize));
  }
  std::string data(static_cast<size_t>(size), '\0');
  read_exact(data.data(), data.size(), what);
  skip((kBlock - size % kBlock) % kBlock, what);
  return data;
}

size_t TarReader::read_data(char* buf, size_t n) {
  size_t take = static_cast<size_t>(std::min<uint64_t>(n, remaining_));
  if (take == 0) return 0;
  read_exact(buf, take, "the data");
  remaining_ -= take;
  return take;
}

bool TarReader::next(TarEntry& entry) {
  if (ended_) return false;
  skip(remaining_ + padding_, "the data");
  remaining_ = padding_ = 0;
  current_.clear();

  std::string pax_path, pax_link, gnu_name, gnu_link;
  bool have_pax_path = false, have_pax_link = false, have_pax_size = false, pending = false;
  uint64_t pax_size = 0;
  for (;;) {
    char h[kBlock];
    const uint64_t header_at = offset_;
    size_t got = read_upto(h, kBlock);
    if (got == 0) {
      if (entries_ == 0 && !pending) {
        throw InputError(header_at == 0 ? "empty input: not a tar archive"
                                        : "not a tar archive: no entries");
      }
      throw InputError("truncated archive: it ends" + at(header_at) +
                       " without the end-of-archive marker" +
                       (pending ? " (after an extended header)" : ""));
    }
    if (got < kBlock) {
      throw InputError("truncated archive: the header" + at(header_at) + " has only " +
                       std::to_string(got) + " of 512 bytes");
    }
    if (all_zero(h, kBlock)) {
      if (pending) throw InputError("malformed archive: an extended header" + at(header_at) +
                                    " is followed by the end-of-archive marker");
      // End of archive: one or two zero blocks.  Anything but zeros or the
      // end of input after the first one is not ours to ignore.
      char h2[kBlock];
      size_t got2 = read_upto(h2, kBlock);
      if (got2 > 0 && !all_zero(h2, got2)) {
        throw InputError("malformed archive: data follows the end-of-archive block" + at(header_at));
      }
      ended_ = true;
      return false;
    }
    const auto* u = reinterpret_cast<const unsigned char*>(h);
    if (header_at == 0 && u[0] == 0x1f && u[1] == 0x8b) {
      throw InputError("the input is gzip-compressed; give the tar archive itself "
                       "(docker export writes an uncompressed one)");
    }
    uint64_t stored = 0;
    if (!parse_number(u + 148, 8, stored)) {
      throw InputError("not a tar archive: no valid header checksum" + at(header_at));
    }
    uint64_t unsigned_sum = 0;
    int64_t signed_sum = 0;
    for (size_t i = 0; i < kBlock; ++i) {
      unsigned char c = (i >= 148 && i < 156) ? ' ' : u[i];
      unsigned_sum += c;
      signed_sum += static_cast<signed char>(c);
    }
    if (stored != unsigned_sum && static_cast<int64_t>(stored) != signed_sum) {
      throw InputError("not a tar archive: header checksum mismatch" + at(header_at) +
                       " (stored " + std::to_string(stored) + ", computed " +
                       std::to_string(unsigned_sum) + ")");
    }
    uint64_t size = 0, mode = 0;
    if (!parse_number(u + 124, 12, size)) {
      throw InputError("malformed archive: invalid size field in the header" + at(header_at));
    }
    if (!parse_number(u + 100, 8, mode)) mode = 0;
    const char type = h[156];
    current_ = field(h, 100);

    if (type == 'x' || type == 'g') {
      std::string data = read_meta(size, "a pax extended header");
      if (type == 'g') continue;
      size_t p = 0;
      while (p < data.size()) {
        size_t sp = data.find(' ', p);
        uint64_t len = 0;
        bool ok = sp != std::string::npos && sp > p && sp - p <= 7;
        for (size_t i = p; ok && i < sp; ++i) {
          ok = data[i] >= '0' && data[i] <= '9';
          len = len * 10 + static_cast<uint64_t>(data[i] - '0');
        }
        ok = ok && len > sp - p + 1 && len <= data.size() - p && data[p + len - 1] == '\n';
        if (!ok) {
          if (all_zero(data.data() + p, data.size() - p)) break;
          throw InputError("malformed archive: invalid pax record" + at(header_at));
        }
        std::string record = data.substr(sp + 1, static_cast<size_t>(len) - (sp - p) - 2);
        p += static_cast<size_t>(len);
        size_t eq = record.find('=');
        if (eq == std::string::npos) {
          throw InputError("malformed archive: pax record without '='" + at(header_at));
        }
        std::string key = record.substr(0, eq), value = record.substr(eq + 1);
        if (key == "path") {
          pax_path = value;
          have_pax_path = true;
        } else if (key == "linkpath") {
          pax_link = value;
          have_pax_link = true;
        } else if (key == "size") {
          const unsigned char* v = reinterpret_cast<const unsigned char*>(value.data());
          bool valid = !value.empty() && value.size() <= 19;
          pax_size = 0;
          for (size_t i = 0; valid && i < value.size(); ++i) {
            valid = v[i] >= '0' && v[i] <= '9';
            pax_size = pax_size * 10 + (v[i] - '0');
          }
          if (!valid) throw InputError("malformed archive: invalid pax size" + at(header_at));
          have_pax_size = true;
        }
      }
      pending = true;
      continue;
    }
    if (type == 'L' || type == 'K') {
      std::string data = read_meta(size, "a GNU long name");
      data.resize(strnlen(data.data(), data.size()));
      (type == 'L' ? gnu_name : gnu_link) = data;
      pending = true;
      continue;
    }

    entry = TarEntry{};
    entry.offset = header_at;
    entry.type = type;
    entry.mode = static_cast<uint32_t>(mode & 07777);
    const bool posix = std::memcmp(h + 257, "ustar\0", 6) == 0;
    std::string name = field(h, 100);
    if (posix && h[345]) name = field(h + 345, 155) + "/" + name;
    entry.path = clean_relative(have_pax_path ? pax_path : (!gnu_name.empty() ? gnu_name : name));
    entry.linkname = have_pax_link ? pax_link : (!gnu_link.empty() ? gnu_link : field(h + 157, 100));
    entry.size = have_pax_size ? pax_size : size;
    current_ = entry.path;
    // Header-only types carry no data, whatever their size field says (as
    // in Go's archive/tar, which wrote the archive).
    if (type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6') {
      entry.size = 0;
    }
    if (type == 'S' && h[482]) {
      // GNU sparse: further sparse-map blocks follow the header.
      char ext[kBlock];
      do {
        read_exact(ext, kBlock, "a sparse map");
      } while (ext[504]);
    }
    remaining_ = entry.size;
    padding_ = (kBlock - entry.size % kBlock) % kBlock;
    ++entries_;
    return true;
  }
}

}  // namespace multiarch
