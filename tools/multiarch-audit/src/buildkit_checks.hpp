// BuildKit's own Dockerfile checks, reported with ours: read from the lint
// file (`docker buildx build --call check`, --lint-file) and from Buildx's
// build warnings (--buildx-warnings), recorded under BuildKit's rule names.
#pragma once

#include "context.hpp"
#include "finding_list.hpp"
#include "model.hpp"

namespace multiarch {

// Throws InputError when a file named in <o> cannot be read.  Must run
// after our rules: a BuildKit check that one of them already reports at
// the same line (FromPlatformFlagConstDisallowed) is left out.
void add_buildkit_checks(const ContextOptions& o, const Model& model, FindingList& findings);

}  // namespace multiarch
