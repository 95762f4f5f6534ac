#include "cli.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <ostream>

#include "audit.hpp"
#include "context.hpp"
#include "elf.hpp"
#include "resolve.hpp"
#include "together.hpp"

#ifndef MULTIARCH_AUDIT_VERSION
#define MULTIARCH_AUDIT_VERSION "0"
#endif

namespace multiarch {
namespace {

const char* const kUsage =
    "usage:\n"
    "  multiarch-audit audit --platform <os/arch[/variant]> [--allow <rule>[:<glob>]]...\n"
    "                        [--path <dir>[:<dir>...]] [--entrypoint <arg>]... [--cmd <arg>]...\n"
    "                        [--spool-above <MiB>] [--max-findings <n>] <tar-file | ->\n"
    "      Checks every ELF file and #! script of one variant's filesystem, read as a tar\n"
    "      stream (e.g. docker export <container> | multiarch-audit audit --platform linux/arm64 -):\n"
    "      that the platform runs it, that each program finds its libraries, symbol versions\n"
    "      and symbols as the platform's loader would, and that the program of the image's\n"
    "      ENTRYPOINT (else CMD), given word by word (--entrypoint=<arg> keeps an empty one),\n"
    "      exists there.  A dynamically linked file larger than --spool-above MiB (8) is\n"
    "      read from a temporary file instead of memory.\n"
    "  multiarch-audit context --dockerfile <file> --context <dir> --platform <p>...\n"
    "                          [--build-arg <key=value>]... [--lint-file <file>]\n"
    "                          [--allow <rule>[:<glob>]]... [--max-findings <n>]\n"
    "                          [--depfile <file> --depfile-target <path> [--depends <path>]...]\n"
    "                          [--no-check] [--buildx-warnings <file> [--lint-only]]\n"
    "      Checks a Dockerfile and its build context before building.  --depfile writes,\n"
    "      from the same walk, a Make depfile: the target depends on the context, the\n"
    "      Dockerfile, the ignore files, --depends and every file and folder the build\n"
    "      sends after .dockerignore.  --no-check: the depfile only.  --buildx-warnings:\n"
    "      BuildKit's checks as a build reported them (<line>\\t<base64 \"Rule: message\">\\t<url>\n"
    "      per line); --lint-only reports those alone, without walking the context.\n"
    "  multiarch-audit final-base --dockerfile <file> [--build-arg <key=value>]... [--platform <p>]\n"
    "      Prints the base image of the Dockerfile's final stage (through FROM <stage>),\n"
    "      with ARG defaults and --build-arg values: an image reference, \"scratch\" or \"unknown\".\n"
    "  multiarch-audit from-images --dockerfile <file> [--build-arg <key=value>]... [--platform <p>]\n"
    "      Prints \"<line> <image>\" for every image the FROM lines pull (stages and scratch left out).\n"
    "  multiarch-audit identify <file>...\n"
    "      Describes ELF files.\n"
    "  multiarch-audit platform <os/arch[/variant]>...\n"
    "      Normalises platforms: \"<given>\\t<platform>\\t<uname -m>\\t<qemu handler>\" per line,\n"
    "      or \"<given>\\terror: <why>\" (exit 1).\n"
    "  multiarch-audit resolve --platform <p> [--dir <folder>]... <file>...\n"
    "      For staging: each file (kind executable|shared|other|malformed, whether the\n"
    "      platform runs it, interpreter, soname, rpath, runpath) and the shared libraries\n"
    "      they load, found in the folders in order (another CPU's library passed over),\n"
    "      breadth first, and those not found, as JSON: {\"files\": [...], \"libraries\":\n"
    "      [... with \"name\" and \"needed_by\"], \"unresolved\": [{\"name\", \"needed_by\"}]}.\n"
    "  multiarch-audit together --dir <folder> (--job <n> <program> <arg>... | --jobs-file <file>)...\n"
    "      Runs the jobs at once, each <n> words long (program and arguments, no shell;\n"
    "      in a jobs file: \"job <n>\\n\" then \"<length>\\n<word>\\n\" per word),\n"
    "      with stdin /dev/null and stdout and stderr in <folder>/<i>.out and <i>.err (i from\n"
    "      0), waits for all and writes <folder>/status, one line per job: its exit code,\n"
    "      \"killed by signal <n>\" or why it could not start.  Exit code 0 once all ended.\n"
    "Findings are printed as \"error|warning|accepted: <where>: <what> [<rule>]\", then a\n"
    "summary line.  Exit code: 0 no error found, 1 errors found, 2 bad usage or input.\n";

// "1 stage", "2 stages"
std::string count(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

struct Usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  Args(const std::vector<std::string>& a, size_t start) : a_(a), i_(start) {}
  bool done() const { return i_ >= a_.size(); }
  const std::string& peek() const { return a_[i_]; }
  std::string take() { return a_[i_++]; }
  std::string value(const std::string& opt) {
    if (done()) throw Usage(opt + " needs a value");
    return take();
  }

 private:
  const std::vector<std::string>& a_;
  size_t i_;
};

Platform platform_arg(const std::string& v) {
  Platform p;
  std::string err;
  if (!parse_platform(v, p, err)) throw Usage(err);
  return p;
}

size_t count_arg(const std::string& v, const char* opt = "--max-findings") {
  char* end = nullptr;
  errno = 0;
  unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end || errno) throw Usage(std::string(opt) + " needs a number, got \"" + v + "\"");
  return static_cast<size_t>(n);
}

// "; peak memory 4.1 MiB" from the kernel's high-water mark of this
// process (VmHWM), or "" where /proc does not tell.
std::string peak_memory() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (starts_with(line, "VmHWM:")) {
      uint64_t kib = std::strtoull(line.c_str() + 6, nullptr, 10);
      return "; peak memory " + human_size(kib * 1024);
    }
  }
  return "";
}

int audit(Args& args, int stdin_fd, std::ostream& out, std::ostream& err) {
  AuditOptions opt;
  AllowList allow;
  size_t max = 100;
  bool have_platform = false;
  std::string input;
  while (!args.done()) {
    std::string a = args.take();
    std::string e;
    if (a == "--platform") {
      opt.platform = platform_arg(args.value(a));
      have_platform = true;
    } else if (a == "--allow") {
      if (!allow.add(args.value(a), e)) throw Usage(e);
    } else if (a == "--path") {
      opt.path_dirs = split(args.value(a), ':');
    } else if (a == "--spool-above") {
      opt.max_in_memory = std::min<size_t>(count_arg(args.value(a), "--spool-above"), 1 << 20) << 20;
    } else if (a == "--entrypoint" || a == "--cmd") {
      (a == "--cmd" ? opt.cmd : opt.entrypoint).push_back(args.value(a));
    } else if (starts_with(a, "--entrypoint=")) {
      opt.entrypoint.push_back(a.substr(13));
    } else if (starts_with(a, "--cmd=")) {
      opt.cmd.push_back(a.substr(6));
    } else if (a == "--max-findings") {
      max = count_arg(args.value(a));
    } else if (a.size() > 1 && a[0] == '-') {
      throw Usage("unknown option " + a);
    } else if (input.empty()) {
      input = a;
    } else {
      throw Usage("more than one input given: " + input + " and " + a);
    }
  }
  if (!have_platform) throw Usage("audit needs --platform <os/arch[/variant]>");
  if (input.empty()) throw Usage("audit needs an input: a tar file, or - for standard input");

  int fd = stdin_fd;
  if (input != "-") {
    fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError("cannot open " + input + ": " + std::strerror(errno));
  }
  struct Closer {
    int fd;
    bool own;
    ~Closer() {
      if (own) ::close(fd);
    }
  } closer{fd, input != "-"};
  FdSource src(fd, input == "-" ? "standard input" : input);
  Reporter report(out, allow, max);
  auto t0 = std::chrono::steady_clock::now();
  AuditStats s = audit_variant(src, opt, report);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  char timing[96];
  std::snprintf(timing, sizeof timing, "%.2f s, %.0f MiB/s", secs,
                secs > 0 ? s.bytes / (1024.0 * 1024.0) / secs : 0.0);
  out << "audited " << opt.platform.str() << ": " << count(s.entries, "entry", "entries") << ", "
      << human_size(s.bytes) << " in " << timing << "; " << count(s.elf_files, "ELF file", "ELF files")
      << ", " << count(s.scripts, "script", "scripts") << peak_memory() << "\n";
  report.finish();
  (void)err;
  return report.errors() ? 1 : 0;
}

int context(Args& args, std::ostream& out) {
  ContextOptions opt;
  AllowList allow;
  size_t max = 100;
  while (!args.done()) {
    std::string a = args.take();
    std::string e;
    if (a == "--dockerfile") {
      opt.dockerfile = args.value(a);
    } else if (a == "--context") {
      opt.context = args.value(a);
    } else if (a == "--platform") {
      opt.platforms.push_back(platform_arg(args.value(a)));
    } else if (a == "--build-arg") {
      std::string kv = args.value(a);
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) throw Usage("--build-arg needs KEY=VALUE, got \"" + kv + "\"");
      opt.build_args.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else if (a == "--lint-file") {
      opt.lint_file = args.value(a);
    } else if (a == "--allow") {
      if (!allow.add(args.value(a), e)) throw Usage(e);
    } else if (a == "--max-findings") {
      max = count_arg(args.value(a));
    } else if (a == "--depfile") {
      opt.depfile = args.value(a);
    } else if (a == "--depfile-target") {
      opt.depfile_target = args.value(a);
    } else if (a == "--depends") {
      opt.depends.push_back(args.value(a));
    } else if (a == "--no-check") {
      opt.check = false;
    } else if (a == "--buildx-warnings") {
      opt.buildx_warnings = args.value(a);
    } else if (a == "--lint-only") {
      opt.lint_only = true;
    } else {
      throw Usage("unknown argument " + a);
    }
  }
  if (opt.dockerfile.empty() || opt.context.empty() || opt.platforms.empty()) {
    throw Usage("context needs --dockerfile, --context and at least one --platform");
  }
  if (opt.depfile.empty() != opt.depfile_target.empty()) {
    throw Usage("--depfile and --depfile-target go together");
  }
  Reporter report(out, allow, max);
  ContextStats s = check_context(opt, report);
  if (!opt.check) {
    out << "walked the context " << opt.context << ": " << count(s.files, "file", "files") << "\n";
    return 0;
  }
  out << "checked " << opt.dockerfile << ": " << count(s.instructions, "instruction", "instructions")
      << " in " << count(s.stages, "stage", "stages") << "; context " << opt.context << ": "
      << count(s.files, "file", "files") << " (" << count(s.ignored, "path", "paths")
      << " left out by .dockerignore)\n";
  report.finish();
  return report.errors() ? 1 : 0;
}

// final-base and from-images: the Dockerfile's base images.
int bases_command(const std::string& command, Args& args, std::ostream& out) {
  std::string dockerfile;
  std::vector<std::pair<std::string, std::string>> build_args;
  Platform platform = host_platform();
  while (!args.done()) {
    std::string a = args.take();
    if (a == "--dockerfile") {
      dockerfile = args.value(a);
    } else if (a == "--build-arg") {
      std::string kv = args.value(a);
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) throw Usage("--build-arg needs KEY=VALUE, got \"" + kv + "\"");
      build_args.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else if (a == "--platform") {
      platform = platform_arg(args.value(a));
    } else {
      throw Usage("unknown argument " + a);
    }
  }
  if (dockerfile.empty()) throw Usage(command + " needs --dockerfile <file>");
  if (command == "final-base") {
    out << final_base(dockerfile, build_args, platform) << "\n";
  } else {
    for (const auto& [line, image] : from_images(dockerfile, build_args, platform)) {
      out << line << " " << image << "\n";
    }
  }
  return 0;
}

int resolve(Args& args, std::ostream& out) {
  Platform platform;
  bool have_platform = false;
  std::vector<std::string> dirs, files;
  while (!args.done()) {
    std::string a = args.take();
    if (a == "--platform") {
      platform = platform_arg(args.value(a));
      have_platform = true;
    } else if (a == "--dir") {
      dirs.push_back(args.value(a));
    } else if (starts_with(a, "--")) {
      throw Usage("unknown option " + a);
    } else {
      files.push_back(a);
    }
  }
  if (!have_platform) throw Usage("resolve needs --platform <os/arch[/variant]>");
  if (files.empty()) throw Usage("resolve needs files");
  write_resolution_json(resolve_files(files, dirs, platform), out);
  return 0;
}

// One line per platform: <input> <normalised or "error: <why>"> <uname -m> <qemu handler>.
int platform_command(Args& args, std::ostream& out) {
  if (args.done()) throw Usage("platform needs platforms");
  int rc = 0;
  while (!args.done()) {
    std::string text = args.take();
    Platform p;
    std::string err;
    if (parse_platform(text, p, err)) {
      out << text << "\t" << p.str() << "\t" << uname_machine(p) << "\t" << qemu_name(p) << "\n";
    } else {
      out << text << "\terror: " << err << "\n";
      rc = 1;
    }
  }
  return rc;
}

int identify(Args& args, std::ostream& out) {
  if (args.done()) throw Usage("identify needs files");
  int rc = 0;
  while (!args.done()) {
    std::string path = args.take();
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      out << path << ": cannot be read\n";
      rc = 2;
      continue;
    }
    std::vector<char> head(64 * 1024);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    size_t got = static_cast<size_t>(in.gcount());
    in.clear();
    in.seekg(0, std::ios::end);
    uint64_t size = static_cast<uint64_t>(in.tellg());
    ElfInfo e = parse_elf(reinterpret_cast<const unsigned char*>(head.data()), got, size);
    if (e.status == ElfStatus::not_elf) {
      out << path << ": not an ELF file\n";
    } else {
      out << path << ": " << describe(e);
      if (!e.interp.empty()) out << ", interpreter " << e.interp;
      out << "\n";
    }
  }
  return rc;
}

int together(Args& args) {
  std::string dir;
  std::vector<std::vector<std::string>> jobs;
  while (!args.done()) {
    std::string a = args.take();
    if (a == "--dir") {
      dir = args.value(a);
    } else if (a == "--job") {
      size_t n = count_arg(args.value(a), "--job");
      if (n == 0) throw Usage("--job needs at least the program");
      std::vector<std::string> job;
      for (size_t i = 0; i < n; ++i) job.push_back(args.value("--job " + std::to_string(n)));
      jobs.push_back(std::move(job));
    } else if (a == "--jobs-file") {
      for (auto& job : read_jobs_file(args.value(a))) jobs.push_back(std::move(job));
    } else {
      throw Usage("together: unexpected \"" + a + "\"");
    }
  }
  if (dir.empty()) throw Usage("together needs --dir <folder>");
  std::string text;
  for (const std::string& status : run_together(dir, jobs)) text += status + "\n";
  const std::string path = dir + "/status";
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) throw InputError("cannot write " + path);
  return 0;
}

}  // namespace

int cli_main(const std::vector<std::string>& a, int stdin_fd, std::ostream& out, std::ostream& err) {
  try {
    if (a.size() < 2 || a[1] == "--help" || a[1] == "-h" || a[1] == "help") {
      (a.size() < 2 ? err : out) << kUsage;
      return a.size() < 2 ? 2 : 0;
    }
    if (a[1] == "--version") {
      out << "multiarch-audit " << MULTIARCH_AUDIT_VERSION << "\n";
      return 0;
    }
    Args args(a, 2);
    if (a[1] == "audit") return audit(args, stdin_fd, out, err);
    if (a[1] == "context") return context(args, out);
    if (a[1] == "identify") return identify(args, out);
    if (a[1] == "resolve") return resolve(args, out);
    if (a[1] == "platform") return platform_command(args, out);
    if (a[1] == "together") return together(args);
    if (a[1] == "final-base" || a[1] == "from-images") return bases_command(a[1], args, out);
    throw Usage("unknown command \"" + a[1] + "\"");
  } catch (const Usage& e) {
    out.flush();
    err << "multiarch-audit: " << e.what() << "\n" << kUsage;
    return 2;
  } catch (const InputError& e) {
    out.flush();
    err << "multiarch-audit: error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    out.flush();
    err << "multiarch-audit: error: out of memory\n";
    return 2;
  }
}

}  // namespace multiarch
