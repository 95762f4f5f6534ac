"""ARTIFACTS: CMake targets built once per platform (the host build for the
host's platform, a cross-compiling sub-build of the same source tree for
every other one), copied into the context as <platform>/<path> and packed
into each variant without emulation.  The registry is read through its
HTTP API; the binaries' ELF headers are read here, not by the package."""

import re
import shutil
import unittest

from harness import ELF, Project, TestCase, elf_header, repo_path, run, unique_repo

THREE = ["linux/amd64", "linux/arm64", "linux/arm/v7"]
SCRATCH_DOCKERFILE = """\
    FROM scratch
    ARG TARGETPLATFORM
    COPY ${TARGETPLATFORM}/ /
    ENTRYPOINT ["/usr/local/bin/app"]
    """

# Two translation units, so that touching one shows what else is rebuilt.
SOURCES = {
    "src/main.cpp": """\
        #include <cstdio>
        #include <string>
        std::string platform();
        int main() { std::printf("app %s v1\\n", platform().c_str()); return 0; }
        """,
    "src/platform.cpp": """\
        #include <string>
        std::string platform() {
        #if defined(__x86_64__)
          return "linux/amd64";
        #elif defined(__aarch64__)
          return "linux/arm64";
        #elif defined(__arm__)
          return "linux/arm/v7";
        #else
          return "unknown";
        #endif
        }
        """,
    "Dockerfile": SCRATCH_DOCKERFILE,
}


def image_cml(platforms, artifacts="ARTIFACTS app", extra=""):
    return f"""
        enable_language(CXX)
        add_executable(app src/main.cpp src/platform.cpp)
        add_multiarch_image(app-image REPOSITORY "${{REPO}}" PLATFORMS {" ".join(platforms)}
          {artifacts} {extra})
        enable_testing()
        add_multiarch_smoke_test(app-image EXPECT_OUTPUT "^app @PLATFORM@ v[0-9]+\\n")
        """


class Artifacts(TestCase):
    def build_image(self, project, *configure_args):
        repo = unique_repo("artifacts")
        project.configure(f"-DREPO={repo}", *configure_args, check=True)
        proc = project.build_target("image")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        return repo, proc

    def assertVariantsHold(self, repo, info, path, static):
        """Every variant holds <path> as an ELF for its own CPU."""
        for platform, mdigest in info["platforms"].items():
            files = self.registry.files(repo_path(repo), mdigest)
            self.assertIn(path, files, f"{platform} lacks {path}; it has {sorted(files)}")
            machine, cls, interp = elf_header(files[path])
            self.assertEqual((machine, cls), ELF[platform][:2], f"{platform}: wrong ELF machine")
            if static:
                self.assertIsNone(interp, f"{platform}: {path} is not static")
            else:
                self.assertEqual(interp, "/" + ELF[platform][2])
        return files

    def test_targets_cross_compiled_per_platform_and_started(self):
        project = Project("artifacts", image_cml(THREE), SOURCES)
        repo, proc = self.build_image(project)
        # The Dockerfile has no RUN step; each platform's build compiled
        # both sources once: the host build for linux/amd64, sub-builds for
        # the others (none for the host's platform).
        self.assertEqual(len(re.findall(r"Building CXX object \S*main\.cpp\.o", proc.stdout)), 3, proc.stdout)
        subbuilds = project.build / "multiarch-subbuilds"
        self.assertEqual(sorted(p.name for p in subbuilds.iterdir() if p.is_dir()),
                         ["linux-arm-v7", "linux-arm64"])
        for platform in THREE:
            self.assertTrue((project.build / "app-image.context" / platform / "usr/local/bin/app").is_file())

        info = project.image_json("app-image")
        self.assertPushedIndex(repo, "2.3.4", THREE, info)
        self.assertVariantsHold(repo, info, "usr/local/bin/app", static=True)

        # A sub-build declares no image, builder or test: only the targets.
        targets = run(["ninja", "-C", subbuilds / "linux-arm64", "-t", "targets", "all"], check=True).stdout
        self.assertIn("app:", targets)
        for name in ("image:", "app-image:", "app-image-promote:", "multiarch-subbuild"):
            self.assertNotIn(name, targets)
        self.assertNotIn("add_test", (subbuilds / "linux-arm64" / "CTestTestfile.cmake").read_text())

        proc = project.ctest("-L", "multiarch", "-j", "3")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("100% tests passed, 0 tests failed", proc.stdout)

    def test_touching_one_source_recompiles_it_once_per_platform(self):
        project = Project("artifacts-incremental", image_cml(["linux/amd64", "linux/arm64", "linux/arm/v7"]),
                          SOURCES)
        repo, _ = self.build_image(project)
        first = project.image_json("app-image")["digest"]
        dirs = [project.build, project.build / "multiarch-subbuilds/linux-arm64",
                project.build / "multiarch-subbuilds/linux-arm-v7"]
        objects = {d: {name: d / f"CMakeFiles/app.dir/src/{name}.cpp.o" for name in ("main", "platform")}
                   for d in dirs}
        before = {o: o.stat().st_mtime_ns for d in dirs for o in objects[d].values()}

        # Nothing changed: nothing compiles, nothing is pushed.
        proc = project.build_target("image")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("Building CXX object", proc.stdout)
        self.assertNotIn("Linking", proc.stdout)
        self.assertNotIn("Building and pushing", proc.stdout)

        # One source changes: it is compiled once per platform, the program
        # linked once per platform, the image pushed once; nothing else.
        project.write("src/main.cpp", SOURCES["src/main.cpp"].replace("v1", "v2"))
        proc = project.build_target("image")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        compiled = re.findall(r"Building CXX object (\S+)", proc.stdout)
        self.assertEqual(compiled, ["CMakeFiles/app.dir/src/main.cpp.o"] * 3, proc.stdout)
        self.assertEqual(len(re.findall(r"Linking CXX executable", proc.stdout)), 3, proc.stdout)
        self.assertNotIn("configuring the", proc.stdout)  # no sub-build was configured again
        self.assertEqual(proc.stdout.count("Building and pushing"), 1, proc.stdout)
        for d in dirs:
            self.assertNotEqual(objects[d]["main"].stat().st_mtime_ns, before[objects[d]["main"]], d)
            self.assertEqual(objects[d]["platform"].stat().st_mtime_ns, before[objects[d]["platform"]], d)
        info = project.image_json("app-image")
        self.assertNotEqual(info["digest"], first)
        for platform, mdigest in info["platforms"].items():
            files = self.registry.files(repo_path(repo), mdigest)
            self.assertIn(b"v2", files["usr/local/bin/app"])

    def test_shared_libraries_collected_from_the_sysroot(self):
        project = Project("artifacts-shared", """
            enable_language(CXX)
            add_library(greet SHARED src/greet.cpp)
            add_executable(app src/app.cpp)
            target_link_libraries(app PRIVATE greet)
            add_multiarch_image(app-image REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm64 linux/arm/v7
              ARTIFACTS app RUNTIME_LIBRARIES COLLECT)
            enable_testing()
            add_multiarch_smoke_test(app-image EXPECT_OUTPUT "^greet @PLATFORM@ [0-9]+\\n")
            """, {
            "src/greet.cpp": """\
                #include <iostream>
                #include <map>
                #include <string>
                std::string greet(const std::string& who) {
                  std::map<std::string, int> m{{who, static_cast<int>(who.size())}};
                  return "greet " + who + " " + std::to_string(m[who]);
                }
                """,
            "src/app.cpp": """\
                #include <iostream>
                #include <string>
                std::string greet(const std::string& who);
                int main() {
                #if defined(__x86_64__)
                  std::cout << greet("linux/amd64") << std::endl;
                #elif defined(__aarch64__)
                  std::cout << greet("linux/arm64") << std::endl;
                #else
                  std::cout << greet("linux/arm/v7") << std::endl;
                #endif
                }
                """,
            "Dockerfile": SCRATCH_DOCKERFILE})
        repo, _ = self.build_image(project)
        info = project.image_json("app-image")
        self.assertPushedIndex(repo, "2.3.4", THREE, info)
        for platform, mdigest in info["platforms"].items():
            files = self.registry.files(repo_path(repo), mdigest)
            machine, cls, interp = elf_header(files["usr/local/bin/app"])
            self.assertEqual(interp, "/" + ELF[platform][2], platform)
            # FROM scratch: the loader at the path the program names, the C
            # and C++ runtime where the loader looks by itself, the project's
            # own library where the program's RUNPATH ($ORIGIN/../lib) points.
            for path in (ELF[platform][2], "usr/local/lib/libgreet.so", "usr/lib/libc.so.6",
                         "usr/lib/libstdc++.so.6", "usr/lib/libm.so.6", "usr/lib/libgcc_s.so.1"):
                self.assertIn(path, files, f"{platform} lacks {path}: {sorted(files)}")
                self.assertEqual(elf_header(files[path])[:2], ELF[platform][:2], f"{platform}: {path}")
        # Every variant starts, the foreign ones under QEMU.
        proc = project.ctest("-L", "multiarch", "-j", "3")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("100% tests passed, 0 tests failed", proc.stdout)

    def test_toolchain_for_another_cpu_is_caught_before_pushing(self):
        # The amd64 toolchain file named for linux/arm64: the binary would
        # even start on this amd64 host, but it is refused.
        project = Project("artifacts-wrong-cpu", image_cml(
            ["linux/amd64", "linux/arm64"],
            extra="TOOLCHAINS linux/arm64=${MULTIARCH_TOOLCHAIN_DIR}/linux-amd64.cmake"), SOURCES)
        repo = unique_repo("artifacts-wrong")
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target("image")
        self.assertFailsWith(proc, "linux/arm64", "is a 64-bit LSB x86-64 executable",
                             "linux/arm64 runs 64-bit LSB AArch64", "TOOLCHAINS linux/arm64=<file>")
        self.assertNothingPushed(repo)


class ArtifactErrors(TestCase):
    """Bad ARTIFACTS arguments stop configuring, naming the value and the fix."""

    CASES = [
        ("not a target", 'ARTIFACTS nosuch',
         ['ARTIFACTS "nosuch" is not a target', "add_executable", "correct the name"]),
        ("no toolchain file for the platform", 'ARTIFACTS app',
         ['toolchain file for platform "linux/mips64le"', "ships none",
          "TOOLCHAINS linux/mips64le=<file>", "remove linux/mips64le from PLATFORMS"],
         ["linux/amd64", "linux/mips64le"]),
        ("static library", 'ARTIFACTS lib', ['ARTIFACTS "lib" is a STATIC_LIBRARY target', "executable"]),
        ("shared library linked statically", 'ARTIFACTS shared',
         ['"shared" is a SHARED_LIBRARY', "RUNTIME_LIBRARIES COLLECT"]),
        ("listed twice", 'ARTIFACTS app app', ['lists "app" twice']),
        ("bad runtime libraries", 'ARTIFACTS app RUNTIME_LIBRARIES DYNAMIC',
         ['RUNTIME_LIBRARIES "DYNAMIC" is not one of STATIC', "COLLECT", "NONE"]),
        ("destination leaves the image", 'ARTIFACTS app DESTINATION ../bin',
         ['DESTINATION "../bin" is not a plain path', "usr/local/bin"]),
        ("destination without artifacts", 'DESTINATION usr/bin',
         ["DESTINATION is given without ARTIFACTS", "ARTIFACTS <target>"]),
        ("toolchain file missing", 'ARTIFACTS app TOOLCHAINS linux/arm64=nope.cmake',
         ['nope.cmake" does not exist', "toolchain file"]),
        ("toolchain for an undeclared platform", 'ARTIFACTS app TOOLCHAINS linux/s390x=tc.cmake',
         ['"linux/s390x=tc.cmake" names platform linux/s390x, which is not in PLATFORMS']),
        ("toolchain not platform=file", 'ARTIFACTS app TOOLCHAINS tc.cmake',
         ['TOOLCHAINS value "tc.cmake" is not <platform>=<toolchain file>']),
        ("context in the source tree", 'ARTIFACTS app CONTEXT .',
         ["is outside the build tree", "ARTIFACTS are copied into <CONTEXT>/<platform>/", "Leave CONTEXT out"]),
    ]

    def test_table(self):
        for case in self.CASES:
            label, args, needles = case[:3]
            platforms = case[3] if len(case) > 3 else ["linux/amd64", "linux/arm64"]
            with self.subTest(label):
                repo = unique_repo("artifacts-bad")
                project = Project("artifacts-bad", f"""
                    enable_language(CXX)
                    add_executable(app src/main.cpp src/platform.cpp)
                    add_library(lib STATIC src/platform.cpp)
                    add_library(shared SHARED src/platform.cpp)
                    add_multiarch_image(img REPOSITORY "${{REPO}}" PLATFORMS {" ".join(platforms)} {args})
                    """, {**SOURCES, "tc.cmake": "set(CMAKE_SYSTEM_NAME Linux)\n"})
                proc = project.configure(f"-DREPO={repo}")
                self.assertFailsWith(proc, "add_multiarch_image(img)", *needles)
                self.assertFalse((project.build / "build.ninja").exists())
                self.assertNothingPushed(repo)

    @unittest.skipIf(shutil.which("riscv64-linux-gnu-g++"), "g++-riscv64-linux-gnu is installed here")
    def test_cross_compiler_not_installed(self):
        project = Project("artifacts-nocompiler", image_cml(["linux/amd64", "linux/riscv64"]), SOURCES)
        proc = project.configure(f"-DREPO={unique_repo('artifacts-bad')}")
        self.assertFailsWith(proc, "add_multiarch_image(app-image)", "linux/riscv64",
                             'compiler "riscv64-linux-gnu-g++" is not installed',
                             "apt install g++-riscv64-linux-gnu", "TOOLCHAINS linux/riscv64=<file>")
        self.assertFalse((project.build / "build.ninja").exists())


if __name__ == "__main__":
    unittest.main()
