#include "together.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "common.hpp"

extern char** environ;

namespace multiarch {
namespace {

// Starts one job; sets <pid> or returns why it could not start.
std::string spawn_one(const std::string& dir, size_t index, const std::vector<std::string>& job, pid_t& pid) {
  const std::string base = dir + "/" + std::to_string(index);
  const std::string out = base + ".out";
  const std::string err = base + ".err";
  // The files exist even for a job that does not start: the caller reads both.
  for (const std::string* path : {&out, &err}) {
    int fd = ::open(path->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return std::string("cannot write ") + *path + ": " + std::strerror(errno);
    ::close(fd);
  }
  if (job.empty()) return "empty command";
  posix_spawn_file_actions_t actions;
  int rc = posix_spawn_file_actions_init(&actions);
  if (rc != 0) return std::strerror(rc);
  if (rc == 0) rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (rc == 0) rc = posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_TRUNC, 0644);
  if (rc == 0) rc = posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_TRUNC, 0644);
  if (rc == 0) {
    std::vector<char*> argv;
    for (const std::string& a : job) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  }
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? std::string() : std::string(std::strerror(rc));
}

std::string describe(int status) {
  if (WIFEXITED(status)) return std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended with status " + std::to_string(status);
}

}  // namespace

std::vector<std::vector<std::string>> read_jobs_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read the jobs file " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::vector<std::string>> jobs;
  size_t at = 0;
  // A decimal number ending with <end> at <at>.
  auto number = [&](char end) {
    size_t stop = text.find(end, at);
    if (stop == std::string::npos || stop == at || stop - at > 9 ||
        text.find_first_not_of("0123456789", at) < stop) {
      throw InputError("jobs file " + path + ": malformed at byte " + std::to_string(at));
    }
    size_t n = std::stoul(text.substr(at, stop - at));
    at = stop + 1;
    return n;
  };
  while (at < text.size()) {
    if (text.compare(at, 4, "job ") != 0) {
      throw InputError("jobs file " + path + ": expected \"job <n>\" at byte " + std::to_string(at));
    }
    at += 4;
    size_t words = number('\n');
    std::vector<std::string> job;
    for (size_t i = 0; i < words; ++i) {
      size_t len = number('\n');
      if (len > text.size() - at || at + len >= text.size() || text[at + len] != '\n') {
        throw InputError("jobs file " + path + ": word " + std::to_string(i + 1) + " of job " +
                         std::to_string(jobs.size() + 1) + " is cut short");
      }
      job.push_back(text.substr(at, len));
      at += len + 1;
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

std::vector<std::string> run_together(const std::string& dir, const std::vector<std::vector<std::string>>& jobs) {
  std::vector<std::string> statuses(jobs.size());
  std::vector<pid_t> pids(jobs.size(), -1);
  for (size_t i = 0; i < jobs.size(); ++i) {
    std::string why = spawn_one(dir, i, jobs[i], pids[i]);
    if (!why.empty()) {
      statuses[i] = why;
      pids[i] = -1;
    }
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (pids[i] <= 0) continue;
    int status = 0;
    pid_t got;
    while ((got = ::waitpid(pids[i], &status, 0)) < 0 && errno == EINTR) {
    }
    statuses[i] = got < 0 ? std::string("lost: ") + std::strerror(errno) : describe(status);
  }
  return statuses;
}

}  // namespace multiarch
