#include "resolve.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <map>
#include <set>

#include "common.hpp"

namespace multiarch {
namespace {

class Fd {
 public:
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads what the stager needs of one file; elf.status == not_elf for
// anything else.  Throws InputError when it cannot be read at all.
ResolvedFile read_file(const std::string& path, const Platform& platform) {
  ResolvedFile f;
  f.path = path;
  Fd fd(path);
  struct stat st {};
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw InputError("cannot read " + path);
  }
  DescriptorFile file(fd.get(), static_cast<uint64_t>(st.st_size));
  std::vector<unsigned char> head(static_cast<size_t>(std::min<uint64_t>(file.size(), 64 * 1024)));
  if (!head.empty() && !file.read(0, head.data(), head.size())) throw InputError("cannot read " + path);
  f.elf = parse_elf(head.data(), head.size(), file.size());
  if (f.elf.status != ElfStatus::ok) return f;
  f.fit = check_fit(f.elf, platform);
  if (f.fit.fit == Fit::runs || f.fit.fit == Fit::compat) f.dynamic = parse_dynamic(file);
  return f;
}

bool exists_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void json_string(std::ostream& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out << '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out << '\\' << c;
    } else if (c < 0x20) {
      out << "\\u00" << hex[c >> 4] << hex[c & 15];
    } else {
      out << c;
    }
  }
  out << '"';
}

const char* kind(const ResolvedFile& f) {
  if (f.elf.status != ElfStatus::ok) return f.elf.status == ElfStatus::malformed ? "malformed" : "other";
  if (f.elf.type == 2 || (f.elf.type == 3 && !f.elf.interp.empty())) return "executable";
  if (f.elf.type == 3) return "shared";
  return "other";
}

void write_file(std::ostream& out, const ResolvedFile& f) {
  out << "{\"path\": ";
  json_string(out, f.path);
  out << ", \"kind\": \"" << kind(f) << "\"";
  if (f.elf.status == ElfStatus::ok) {
    out << ", \"describe\": ";
    json_string(out, describe(f.elf));
    out << ", \"fits\": " << (f.fit.fit == Fit::no ? "false" : "true") << ", \"why\": ";
    json_string(out, f.fit.why);
    out << ", \"interp\": ";
    json_string(out, f.elf.interp);
    out << ", \"soname\": ";
    json_string(out, f.dynamic.soname);
    out << ", \"rpath\": ";
    json_string(out, f.dynamic.rpath);
    out << ", \"runpath\": ";
    json_string(out, f.dynamic.runpath);
  }
  if (!f.name.empty()) {
    out << ", \"name\": ";
    json_string(out, f.name);
    out << ", \"needed_by\": ";
    json_string(out, f.needed_by);
  }
  out << "}";
}

}  // namespace

Resolution resolve_files(const std::vector<std::string>& files, const std::vector<std::string>& dirs,
                         const Platform& platform) {
  Resolution r;
  std::map<std::string, std::string> by_name;  // a loaded name -> the file that serves it
  std::deque<size_t> todo;                     // indexes: inputs first, then libraries
  auto at = [&](size_t i) -> ResolvedFile& { return i < r.files.size() ? r.files[i] : r.libraries[i - r.files.size()]; };
  for (const auto& path : files) {
    r.files.push_back(read_file(path, platform));
    const ResolvedFile& f = r.files.back();
    // An input library serves its own soname (the project's libraries).
    if (!f.dynamic.soname.empty()) by_name.emplace(f.dynamic.soname, f.path);
    std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
    by_name.emplace(base, f.path);
  }
  for (size_t i = 0; i < r.files.size(); ++i) todo.push_back(i);
  std::set<std::string> unresolved;
  while (!todo.empty()) {
    size_t index = todo.front();
    todo.pop_front();
    // Copies: r.libraries may grow below.
    std::vector<std::string> needed = at(index).dynamic.needed;
    std::string requester = at(index).path;
    for (const auto& name : needed) {
      if (by_name.count(name) || unresolved.count(name)) continue;
      std::vector<std::string> candidates;
      if (name.find('/') != std::string::npos) {
        candidates.push_back(name);
      } else {
        for (const auto& dir : dirs) candidates.push_back(dir + "/" + name);
      }
      bool found = false;
      for (const auto& c : candidates) {
        if (!exists_file(c)) continue;
        ResolvedFile lib = read_file(c, platform);
        // Another CPU's library of that name: the loader passes it over.
        if (lib.elf.status != ElfStatus::ok || lib.fit.fit == Fit::no) continue;
        lib.name = name;
        lib.needed_by = requester;
        by_name.emplace(name, c);
        r.libraries.push_back(std::move(lib));
        todo.push_back(r.files.size() + r.libraries.size() - 1);
        found = true;
        break;
      }
      if (!found) {
        unresolved.insert(name);
        r.unresolved.emplace_back(name, requester);
      }
    }
  }
  return r;
}

void write_resolution_json(const Resolution& r, std::ostream& out) {
  out << "{\"files\": [";
  for (size_t i = 0; i < r.files.size(); ++i) {
    out << (i ? ",\n  " : "\n  ");
    write_file(out, r.files[i]);
  }
  out << "],\n\"libraries\": [";
  for (size_t i = 0; i < r.libraries.size(); ++i) {
    out << (i ? ",\n  " : "\n  ");
    write_file(out, r.libraries[i]);
  }
  out << "],\n\"unresolved\": [";
  for (size_t i = 0; i < r.unresolved.size(); ++i) {
    out << (i ? ", " : "") << "{\"name\": ";
    json_string(out, r.unresolved[i].first);
    out << ", \"needed_by\": ";
    json_string(out, r.unresolved[i].second);
    out << "}";
  }
  out << "]}\n";
}

}  // namespace multiarch
