// The files of one platform's build, before they are staged into an image:
// what each one is (the same ELF reading as the audit), and the shared
// libraries they load, found in the folders given (the project's library
// folders, then the platform's sysroot), as the loader would take them
// (a candidate of another class or machine is passed over).  StageArtifacts
// reads it as JSON: the one reader of ELF files and of their dependencies.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "dynamic.hpp"
#include "elf.hpp"
#include "platform.hpp"

namespace multiarch {

struct ResolvedFile {
  std::string path;
  ElfInfo elf;
  FitResult fit{Fit::unchecked, ""};
  DynamicInfo dynamic;
  std::string needed_by;  // for a library: the first file that needs it
  std::string name;       // for a library: the DT_NEEDED name it was found as
};

struct Resolution {
  std::vector<ResolvedFile> files;      // the inputs, in order
  std::vector<ResolvedFile> libraries;  // what they load, breadth first, inputs left out
  std::vector<std::pair<std::string, std::string>> unresolved;  // (name, needed by)
};

// Throws InputError for a file that cannot be read.
Resolution resolve_files(const std::vector<std::string>& files, const std::vector<std::string>& dirs,
                         const Platform& platform);

// {"files": [...], "libraries": [...], "unresolved": [...]}; see cli.cpp's usage.
void write_resolution_json(const Resolution& r, std::ostream& out);

}  // namespace multiarch
