// Small shared pieces of multiarch-audit: input sources, the input error
// type and string helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace multiarch {

// Malformed, truncated or unreadable input.  Reported as one clear line and
// exit code 2; never a crash.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A byte stream read front to back: the tool never seeks, so a pipe from
// `docker export` works as well as a file.
class Source {
 public:
  virtual ~Source() = default;
  // Up to n bytes into buf; 0 only at the end of the input.
  virtual size_t read(char* buf, size_t n) = 0;
};

class FdSource : public Source {
 public:
  FdSource(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  size_t read(char* buf, size_t n) override;

 private:
  int fd_;
  std::string name_;
};

class MemorySource : public Source {
 public:
  explicit MemorySource(std::string_view data) : data_(data) {}
  size_t read(char* buf, size_t n) override;

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

std::string trim(std::string_view s);
std::vector<std::string> split_ws(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::string to_lower(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
bool contains(std::string_view s, std::string_view needle);
// RFC 4648 base64 (padding and whitespace tolerated); "" for invalid input.
std::string base64_decode(std::string_view text);
// "1.5 MiB"
std::string human_size(uint64_t bytes);
// Lexically normalised relative path: no leading "/" or "./", no "." or
// empty components, ".." applied where possible.  "" for the root.
std::string clean_relative(std::string_view path);

}  // namespace multiarch
