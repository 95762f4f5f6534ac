#pragma once

#include <string>
#include <vector>

namespace multiarch {

// Starts every command of <jobs> at once (argv[0] searched on PATH, stdin
// /dev/null, stdout and stderr into <dir>/<i>.out and <dir>/<i>.err, i
// counted from 0) and waits for all of them.  Returns one status per job,
// in order: its exit code ("0", "1"...), "killed by signal <n>", or, for a
// command that could not start, why (strerror, as CMake's execute_process
// says it: "No such file or directory").  Never runs a shell.
std::vector<std::string> run_together(const std::string& dir, const std::vector<std::vector<std::string>>& jobs);

// The jobs of a file written for `together --jobs-file`: for each job,
// "job <number of words>\n", then each word as "<length in bytes>\n<bytes>\n"
// (any bytes, ";" and newlines included).  Throws InputError when malformed.
std::vector<std::vector<std::string>> read_jobs_file(const std::string& path);

}  // namespace multiarch
