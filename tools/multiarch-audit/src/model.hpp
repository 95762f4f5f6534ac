// The Dockerfile model of the context check: the parsed instructions, the
// stages (what each is built on and for which platform it runs) and the
// ARG scopes, per target platform.  ARG values come from one resolver,
// Model::arg_value(), for the global scope and for stages alike.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dockerfile.hpp"
#include "platform.hpp"

namespace multiarch {

using Vars = std::map<std::string, std::string>;
using BuildArgs = std::vector<std::pair<std::string, std::string>>;

// Stands for the build host's platform in FROM --platform values: what
// depends on it is "built on the build platform", whatever that is.
extern const std::string kBuildMark;

// Dockerfile variable expansion: $NAME, ${NAME}, ${NAME:-word}, ${NAME-word},
// ${NAME:+word}, ${NAME+word}; the escape character protects a '$'.
// Variables not in <vars> expand to "" and set <unknown>.
std::string expand(std::string_view s, const Vars& vars, char escape, bool* unknown = nullptr);

// KEY=VALUE pairs of ENV (or the legacy "ENV KEY VALUE"), quotes removed.
std::vector<std::pair<std::string, std::string>> env_pairs(const std::string& args);

// The value of the first --<name>=<value> flag ("" if none), and of all.
std::string flag(const Arguments& a, const std::string& name);
std::vector<std::string> flags(const Arguments& a, const std::string& name);

// Whether the text names TARGETPLATFORM, TARGETOS, TARGETARCH or TARGETVARIANT.
bool mentions_target(std::string_view s);

// Reads and parses a Dockerfile; throws InputError when it cannot be read.
// <folder_is_empty>: a folder given as the Dockerfile reads as an empty
// Dockerfile (as the context check has always taken it) instead of failing.
Dockerfile read_dockerfile(const std::string& path, bool folder_is_empty = false);

// Where a stage runs: built per target platform, on the build platform
// ($BUILDPLATFORM), on one fixed platform, or on one that cannot be told.
enum class Kind { target, build, fixed, unknown };

struct Stage {
  std::string name;
  int parent = -1;  // the stage this one is built on ("FROM <stage>"), else -1
  Kind kind = Kind::target;
  Platform fixed;
  bool uses_target = false;
  bool in_final = false;
  size_t first = 0, last = 0;  // instruction indices
  std::string base;            // FROM's image or stage, ARGs substituted (first platform)
  bool base_unknown = false;   // names an ARG without a value
};

class Model {
 public:
  // <platforms>: the target platforms, in order; the per-platform values
  // below are indexed like them.
  Model(Dockerfile df, std::vector<Platform> platforms, BuildArgs build_args);

  const Dockerfile& dockerfile() const { return df_; }
  const std::vector<Instruction>& instructions() const { return df_.instructions; }
  const std::vector<Stage>& stages() const { return stages_; }
  const std::vector<Platform>& platforms() const { return platforms_; }
  char escape() const { return df_.escape; }
  std::string expand(std::string_view s, const Vars& vars, bool* unknown = nullptr) const {
    return multiarch::expand(s, vars, df_.escape, unknown);
  }

  // The ARG resolver: the value of `ARG <word>` (NAME or NAME=default) for
  // platform <k>: the platform's own for TARGETARCH and the other automatic
  // ARGs, else the LAST --build-arg of that name (as Docker takes it), else
  // the default expanded in <scope>, else in a stage the global ARG's value.
  std::string arg_value(const std::string& word, size_t k, const Vars& scope, bool in_stage) const;

  // A stage's variables, per platform, after its ARG or ENV instruction <ins>.
  void declare(const Instruction& ins, std::vector<Vars>& scope) const;

  // The stage <ref> (a name or an index) names among the first <before>; -1 if none.
  int stage_of(const std::string& ref, size_t before) const;

  // The final stage's base image: see final_base() in context.hpp.
  std::string final_base() const;
  // The images the FROM lines pull: see from_images() in context.hpp.
  std::vector<std::pair<int, std::string>> from_images() const;

 private:
  void declare_global(const Instruction& ins);
  void note_use(size_t i);
  void add_stage(size_t i);
  void set_kind(Stage& st, const std::string& platform_flag) const;
  void mark_final_and_inherit();

  Dockerfile df_;
  std::vector<Platform> platforms_;
  BuildArgs build_args_;
  std::vector<Stage> stages_;
  std::vector<Vars> global_;  // per platform: global ARGs and automatic ones
  std::set<std::string> global_names_;
};

}  // namespace multiarch
