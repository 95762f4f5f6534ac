#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace multiarch {

// The command line: `multiarch-audit <command> ...`.  <in> is read for the
// input "-".  Returns the exit code: 0 no error found, 1 errors found,
// 2 bad usage or unreadable input.
int cli_main(const std::vector<std::string>& args, int stdin_fd, std::ostream& out, std::ostream& err);

}  // namespace multiarch
