#include "build_context.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "common.hpp"

namespace fs = std::filesystem;

namespace multiarch {
namespace {

// Make's escaping, as Ninja and Make read depfiles.
std::string make_path(const std::string& p) {
  std::string out;
  for (char c : p) {
    if (c == ' ' || c == '#' || c == '\\') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

// Whether <file> (relative) lies at or below the COPY source <p>, or a
// wildcard source matches it or one of its parent folders.
bool selected(const std::string& p, const std::string& p_folder, bool glob, const std::string& file) {
  bool m = p.empty() || file == p || starts_with(file, p_folder);
  if (m || !glob) return m;
  m = match_path(p, file);
  std::string parent;
  auto parts = split(file, '/');
  for (size_t i = 0; !m && i + 1 < parts.size(); ++i) {
    parent += (i ? "/" : "") + parts[i];
    m = match_path(p, parent);
  }
  return m;
}

}  // namespace

IgnoreRules read_ignore_rules(const ContextOptions& o) {
  IgnoreRules ignore;
  for (const fs::path& p : {fs::path(o.dockerfile + ".dockerignore"), fs::path(o.context) / ".dockerignore"}) {
    std::ifstream ig(p, std::ios::binary);
    if (!ig) continue;
    std::stringstream s;
    s << ig.rdbuf();
    ignore.parse(s.str());
    break;
  }
  return ignore;
}

void BuildContext::walk(ContextStats& stats) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw InputError("cannot read the build context " + root_.string() + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) throw InputError("cannot read the build context " + root_.string() + ": " + ec.message());
    // Below the root as the iterator joined it; lexically_relative only
    // where the two would differ.
    const std::string& full = it->path().native();
    std::string rel = starts_with(full, root_prefix_) ? full.substr(root_prefix_.size())
                                                      : it->path().lexically_relative(root_).generic_string();
    auto st = it->symlink_status(ec);
    if (ec) continue;
    bool ign = ignore_.ignored(rel);
    if (fs::is_directory(st)) {
      if (ign && !ignore_.has_exceptions()) {
        it.disable_recursion_pending();
        ++stats.ignored;
      }
      if (!ign) dirs_.push_back(rel);
      continue;
    }
    if (!fs::is_regular_file(st)) continue;
    if (ign) {
      ++stats.ignored;
      continue;
    }
    files_.push_back(rel);
  }
  std::sort(files_.begin(), files_.end());
  stats.files = files_.size();
}

std::vector<std::string> BuildContext::select(const std::string& source,
                                              const std::vector<std::string>& excludes) const {
  std::string p = clean_relative(source);
  std::vector<std::string> out;
  bool glob = has_glob_chars(p);
  const std::string p_folder = p + "/";
  for (const auto& f : files_) {
    if (!selected(p, p_folder, glob, f)) continue;
    bool excluded = false;
    for (const auto& x : excludes) {
      std::string below = (!p.empty() && starts_with(f, p_folder)) ? f.substr(p.size() + 1) : f;
      IgnoreRules r;
      r.add(x);
      excluded = excluded || r.ignored(f) || r.ignored(below);
    }
    if (!excluded) out.push_back(f);
  }
  return out;
}

const ElfInfo& BuildContext::elf(const std::string& rel) {
  auto it = elf_.find(rel);
  if (it != elf_.end()) return it->second;
  // Most files of a context are no ELF: their first 4 bytes tell, so only
  // an ELF file's first 64 KiB are read (its program headers lie there).
  ElfInfo info;
  std::string path = display(rel);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    unsigned char magic[4];
    ssize_t got = ::pread(fd, magic, sizeof magic, 0);
    struct stat st {};
    if (got == static_cast<ssize_t>(sizeof magic) && std::memcmp(magic, "\x7f" "ELF", 4) == 0 &&
        ::fstat(fd, &st) == 0) {
      uint64_t size = static_cast<uint64_t>(st.st_size);
      std::vector<unsigned char> head(static_cast<size_t>(std::min<uint64_t>(size, 64 * 1024)));
      size_t have = 0;
      while (have < head.size()) {
        ssize_t n = ::pread(fd, head.data() + have, head.size() - have, static_cast<off_t>(have));
        if (n <= 0) break;
        have += static_cast<size_t>(n);
      }
      info = parse_elf(head.data(), have, size);
    }
    // (Fewer than 4 bytes, or others: no ELF file.)
    ::close(fd);
  }
  return elf_.emplace(rel, info).first->second;
}

std::vector<SourceLine> BuildContext::text_lines(const std::string& rel) const {
  std::vector<SourceLine> out;
  std::error_code ec;
  fs::path path = root_ / rel;
  if (fs::file_size(path, ec) > (1 << 20) || ec) return out;
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) out.push_back({++n, line});
  return out;
}

void BuildContext::write_depfile(const ContextOptions& o) const {
  std::vector<std::string> paths = {o.context, o.dockerfile};
  for (const std::string& p : {o.context + "/.dockerignore", o.dockerfile + ".dockerignore"}) {
    std::error_code ec;
    if (fs::exists(p, ec)) paths.push_back(p);
  }
  paths.insert(paths.end(), o.depends.begin(), o.depends.end());
  for (const auto& f : files_) paths.push_back(display(f));
  for (const auto& d : dirs_) paths.push_back(display(d));
  std::string tmp = o.depfile + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << make_path(o.depfile_target) << ":";
    std::set<std::string> seen;
    for (const auto& p : paths) {
      if (seen.insert(p).second) out << " \\\n  " << make_path(p);
    }
    out << "\n";
    if (!out) throw InputError("cannot write the depfile " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, o.depfile, ec);
  if (ec) throw InputError("cannot write the depfile " + o.depfile + ": " + ec.message());
}

}  // namespace multiarch
