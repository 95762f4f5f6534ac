"""What real C++ projects showed (issue 15): options given on the command
line reach every platform's build, and EXPECT_SAME_OUTPUT catches one that
does not; RUNTIME_LIBRARIES COLLECT stages a tree that copies onto scratch,
merged-/usr and non-merged bases, with the project's libraries found before
the base's libraries of the same name and no build-tree path in any file;
the audit fails a program bound to a base library that lacks a symbol; a
STATIC program that links a shared library is refused at configure time.
The registry is read through its HTTP API, ELF files with binutils'
readelf, independently of the package."""

import io
import json
import re
import tarfile
import unittest

from harness import (BUILDER, BUSYBOX_PATH_IMAGE, DEBIAN_IMAGE, DEBIAN_UNMERGED_IMAGE, GENERATOR,
                     PREFIX, SOURCE_DIR, WORK_DIR, Project, TestCase, repo_path, run, runpath,
                     unique_repo)
from test_cross_libs import mode_of, subbuild_args
from test_smoke_promote import ctest_results

THREE = ["linux/amd64", "linux/arm64", "linux/arm/v7"]
LOADER = {"linux/amd64": "lib64/ld-linux-x86-64.so.2", "linux/arm64": "lib/ld-linux-aarch64.so.1",
          "linux/arm/v7": "lib/ld-linux-armhf.so.3"}
PLATFORM_MACRO = """
    #if defined(__x86_64__)
    #define PLATFORM "linux/amd64"
    #elif defined(__aarch64__)
    #define PLATFORM "linux/arm64"
    #elif defined(__arm__)
    #define PLATFORM "linux/arm/v7"
    #endif
    """


def layer_entries(registry, repo, manifest_digest, last_only=False):
    """{path: tar member type} of every entry of every layer of one variant
    (of its last layer only: what the Dockerfile's COPY added)."""
    manifest, _, _ = registry.manifest(repo, manifest_digest)
    out = {}
    for layer in manifest["layers"][-1:] if last_only else manifest["layers"]:
        with tarfile.open(fileobj=io.BytesIO(registry.blob(repo, layer["digest"])), mode="r:*") as tar:
            for m in tar:
                out[m.name.lstrip("./")] = m.type
    return out


class Options(TestCase):
    """Seen on zstd: -DZSTD_LEGACY_SUPPORT=OFF reached the host build only;
    on ninja: -DBUILD_TESTING=OFF did not reach the sub-builds."""

    def project(self):
        return Project("options", f"""
            enable_language(CXX)
            option(LEGACY_SUPPORT "Decode legacy frames" ON)
            set(FORMATS "zstd" CACHE STRING "Formats listed")
            include(CTest)
            if(MULTIARCH_SUBBUILD_PLATFORM AND BUILD_TESTING)
              message(FATAL_ERROR "this sub-build would download googletest: BUILD_TESTING is ON")
            endif()
            add_executable(tool src/tool.cpp)
            target_compile_definitions(tool PRIVATE "FORMATS=\\"${{FORMATS}}\\"")
            if(LEGACY_SUPPORT)
              target_compile_definitions(tool PRIVATE LEGACY=1)
            endif()
            add_multiarch_image(tool-image REPOSITORY "${{REPO}}" PLATFORMS {" ".join(THREE)}
              TAGS candidate PROMOTE_TAGS release ARTIFACTS tool)
            enable_testing()
            add_multiarch_smoke_test(tool-image COMMAND -vV EXPECT_OUTPUT "@PLATFORM@" EXPECT_SAME_OUTPUT)
            """, {
            "src/tool.cpp": PLATFORM_MACRO + """
                #include <cstdio>
                int main() {
                #ifdef LEGACY
                  std::printf("tool " PLATFORM " 64-bit supports: " FORMATS ", zstd legacy v0.5+\\n");
                #else
                  std::printf("tool " PLATFORM " 64-bit supports: " FORMATS "\\n");
                #endif
                }
                """,
            "Dockerfile": """\
                FROM scratch
                ARG TARGETPLATFORM
                COPY ${TARGETPLATFORM}/ /
                ENTRYPOINT ["/usr/local/bin/tool"]
                """})

    def test_command_line_options_reach_every_platform(self):
        repo = unique_repo("options")
        p = self.project()
        p.configure(f"-DREPO={repo}", "-DLEGACY_SUPPORT=OFF", "-DBUILD_TESTING=OFF",
                    "-DFORMATS=zstd, lz4", check=True)
        proc = p.build_target("image")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        proc = p.ctest("-L", "multiarch", "-j", "3", "-V")  # -V: what each variant printed
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("tool-image[same-output] passed", proc.stdout)
        for platform in THREE:
            self.assertIn(f"tool {platform} 64-bit supports: zstd, lz4\n", proc.stdout)
        self.assertNotIn("legacy", proc.stdout)

        # One platform built otherwise, on purpose: the per-platform variable
        # reaches that sub-build only, and EXPECT_SAME_OUTPUT shows the diff.
        p.configure("-DMULTIARCH_SUBBUILD_CMAKE_ARGS_linux_arm64=-DLEGACY_SUPPORT=ON", check=True)
        proc = p.build_target("image")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        proc = p.ctest("-L", "multiarch", "-j", "3")
        results = ctest_results(proc.stdout)
        self.assertEqual(results["tool-image[same-output]"], "Failed", proc.stdout)
        for platform in THREE:
            self.assertEqual(results[f"tool-image[{platform}]"], "Passed", proc.stdout)
        self.assertIn("\n--- linux/amd64\n+++ linux/arm64\n@@ line 1\n"
                      "-tool @PLATFORM@ @BITS@-bit supports: zstd, lz4\n"
                      "+tool @PLATFORM@ @BITS@-bit supports: zstd, lz4, zstd legacy v0.5+\n", proc.stdout)
        proc = p.build_target("tool-image-promote")
        self.assertFailsWith(proc, "refusing to promote", "to release:",
                             "all platforms (test tool-image[same-output] failed or was not run)")
        self.assertNotIn("release", self.registry.tags(repo_path(repo)))


BROTLI = {
    # A library named like Debian's libbrotli1 (1.0.9), with a function 1.0.9 lacks.
    "src/common.c": "int BrotliCommonVersion(void) { return 0x1002000; }\n",
    "src/enc.c": """\
        int BrotliCommonVersion(void);
        int BrotliEncoderVersion(void) { return BrotliCommonVersion(); }
        void BrotliEncoderDestroyPreparedDictionary(void* d) { (void)d; }
        """,
    "src/brotli.cpp": PLATFORM_MACRO + """
        #include <cstdio>
        extern "C" int BrotliEncoderVersion(void);
        extern "C" void BrotliEncoderDestroyPreparedDictionary(void*);
        int main() {
          BrotliEncoderDestroyPreparedDictionary(nullptr);
          unsigned v = BrotliEncoderVersion();
          std::printf("brotli %u.%u.%u " PLATFORM "\\n", v >> 24, (v >> 12) & 0xfff, v & 0xfff);
        }
        """,
    "Dockerfile": """\
        ARG BASE
        FROM ${BASE}
        ARG TARGETPLATFORM
        COPY ${TARGETPLATFORM}/ /
        ENTRYPOINT ["brotli"]
        """,
}


def brotli_project(images):
    return Project("brotli", f"""
        enable_language(C)
        enable_language(CXX)
        add_library(brotlicommon SHARED src/common.c)
        add_library(brotlienc SHARED src/enc.c)
        set_target_properties(brotlicommon brotlienc PROPERTIES VERSION 1.2.0 SOVERSION 1)
        target_link_libraries(brotlienc PRIVATE brotlicommon)
        add_executable(brotli src/brotli.cpp)
        target_link_libraries(brotli PRIVATE brotlienc)
        enable_testing()
        {images}
        """, BROTLI)


class Collect(TestCase):
    """Seen on brotli 1.2.0: COLLECT's layout did not copy onto a merged-/usr
    base, the base's libbrotlienc.so.1 (1.0.9) won over the collected one,
    and the staged files named the sub-build's folder in their RUNPATH."""

    BASES = {"scratch": "scratch", "merged": DEBIAN_IMAGE, "unmerged": DEBIAN_UNMERGED_IMAGE}

    def test_collect_copies_onto_every_kind_of_base_and_wins_over_the_base(self):
        repo = unique_repo("collect")
        images = "".join(f"""
            add_multiarch_image({kind} REPOSITORY "${{REPO}}-{kind}" PLATFORMS {" ".join(THREE)}
              BUILD_ARGS BASE={base} TAGS candidate PROMOTE_TAGS release
              ARTIFACTS brotli RUNTIME_LIBRARIES COLLECT)
            add_multiarch_smoke_test({kind} COMMAND /usr/local/bin/brotli
              EXPECT_OUTPUT "^brotli 1.2.0 @PLATFORM@\\n" EXPECT_SAME_OUTPUT)
            """ for kind, base in self.BASES.items())
        p = brotli_project(images)
        p.configure(f"-DREPO={repo}", check=True)
        proc = p.build_target("image")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        proc = p.ctest("-L", "multiarch", "-j", "3")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        results = ctest_results(proc.stdout)
        self.assertEqual(len(results), 3 * (3 + 3 + 1), results)  # smoke, audit, same-output
        proc = p.build_target("image-promote")
        self.assertEqual(proc.returncode, 0, proc.stdout)

        build_dir = str(p.build).encode()
        for kind in self.BASES:
            info = p.image_json(kind)
            path = repo_path(f"{repo}-{kind}")
            self.assertPushedIndex(f"{repo}-{kind}", "release", THREE, info)
            for platform, mdigest in info["platforms"].items():
                where = f"{kind} {platform}"
                files = self.registry.files(path, mdigest)
                entries = layer_entries(self.registry, path, mdigest)
                own = {f: files[f] for f in files if f.startswith("usr/local/")}
                self.assertEqual(sorted(f for f in own if not f.startswith("usr/local/lib/lib")),
                                 ["usr/local/bin/brotli"], where)
                for lib in ("libbrotlienc.so.1", "libbrotlicommon.so.1"):
                    self.assertIn(f"usr/local/lib/{lib}", own, where)
                # The project's files find their libraries through $ORIGIN.
                self.assertEqual(runpath(own["usr/local/bin/brotli"]), "$ORIGIN/../lib", where)
                self.assertEqual(runpath(own["usr/local/lib/libbrotlienc.so.1"]), "$ORIGIN", where)
                for name, data in own.items():
                    self.assertNotIn(build_dir, data, f"{where}: {name} names the build tree")
                if kind == "scratch":
                    # No C library in the base: the loader where PT_INTERP says.
                    self.assertIn(LOADER[platform], files, where)
                    self.assertIn("usr/lib/libc.so.6", files, where)
                else:
                    # The base keeps its /lib (a link on the merged base) and its C library.
                    self.assertNotIn("usr/local/lib/libc.so.6", files, where)
                    if kind == "merged":
                        self.assertEqual(entries.get("lib"), b"2", f"{where}: /lib is not a symlink")
                    # The staged layer (the last) adds nothing outside usr/local.
                    staged = layer_entries(self.registry, path, mdigest, last_only=True)
                    self.assertEqual([e for e in staged if e not in ("usr", "usr/local")
                                      and not e.startswith("usr/local/")], [], where)

    def test_program_bound_to_a_base_library_lacking_a_symbol_fails_its_audit(self):
        """RUNTIME_LIBRARIES NONE: the base's libbrotlienc.so.1 (Debian's
        1.0.9) is loaded and lacks BrotliEncoderDestroyPreparedDictionary."""
        repo = unique_repo("lacking")
        p = brotli_project(f"""
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS {" ".join(THREE)}
              BUILD_ARGS BASE={DEBIAN_IMAGE} TAGS candidate PROMOTE_TAGS release
              ARTIFACTS brotli RUNTIME_LIBRARIES NONE)
            add_multiarch_smoke_test(app COMMAND /usr/local/bin/brotli)
            """)
        p.configure(f"-DREPO={repo}", check=True)
        proc = p.build_target("image")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        proc = p.ctest("-L", "multiarch", "-j", "3")
        results = ctest_results(proc.stdout)
        flat = " ".join(proc.stdout.split())
        for platform in THREE:
            self.assertEqual(results[f"app[{platform}]audit"], "Failed", proc.stdout)
            self.assertEqual(results[f"app[{platform}]"], "Failed", proc.stdout)
            self.assertRegex(flat, rf"/usr/local/bin/brotli: [^\n]*BrotliEncoderDestroyPreparedDictionary"
                                   rf"[^\n]*{re.escape(platform)}[^\n]*\[undefined-symbol\]")
        self.assertIn("symbol lookup error", flat)
        self.assertIn("the audit test app[linux/arm64]audit names it", flat)
        proc = p.build_target("image-promote")
        self.assertFailsWith(proc, "refusing to promote", "to release:")
        self.assertNotIn("release", self.registry.tags(repo_path(repo)))


class Install(TestCase):
    """INSTALL COMPONENTS: what the project's install() rules put under the
    prefix, links and data files included, with install-tree RPATHs."""

    def test_install_components_staged_per_platform(self):
        repo = unique_repo("install")
        p = Project("install", f"""
            enable_language(CXX)
            include(GNUInstallDirs)
            add_library(words SHARED src/words.cpp)
            set_target_properties(words PROPERTIES VERSION 1.2.0 SOVERSION 1 PUBLIC_HEADER src/words.hpp)
            add_executable(say src/say.cpp)
            target_link_libraries(say PRIVATE words)
            target_compile_definitions(say PRIVATE "DATADIR=\\"${{CMAKE_INSTALL_FULL_DATADIR}}/say\\"")
            install(TARGETS say words
              RUNTIME COMPONENT Runtime LIBRARY COMPONENT Runtime NAMELINK_COMPONENT Development
              PUBLIC_HEADER COMPONENT Development)
            install(FILES src/greeting.txt DESTINATION ${{CMAKE_INSTALL_DATADIR}}/say COMPONENT Runtime)
            add_multiarch_image(say-image REPOSITORY "${{REPO}}" PLATFORMS {" ".join(THREE)}
              BUILD_ARGS BASE={DEBIAN_IMAGE} TAGS candidate PROMOTE_TAGS release
              INSTALL COMPONENTS Runtime PREFIX /usr/local)
            enable_testing()
            add_multiarch_smoke_test(say-image
              EXPECT_OUTPUT "^hello from @PLATFORM@\n" EXPECT_SAME_OUTPUT)
            """, {
            "src/words.hpp": "#include <string>\nstd::string words(const char* file);\n",
            "src/words.cpp": """\
                #include <fstream>
                #include <string>
                std::string words(const char* file) {
                  std::ifstream in(file); std::string w; std::getline(in, w); return w;
                }
                """,
            "src/say.cpp": PLATFORM_MACRO + """
                #include <iostream>
                #include "words.hpp"
                int main() { std::cout << words(DATADIR "/greeting.txt") << " " PLATFORM "\\n"; }
                """,
            "src/greeting.txt": "hello from\n",
            "Dockerfile": BROTLI["Dockerfile"].replace('"brotli"', '"say"'),
        })
        p.configure(f"-DREPO={repo}", check=True)
        proc = p.build_target("image")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        proc = p.ctest("-L", "multiarch", "-j", "3")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        info = p.image_json("say-image")
        for platform, mdigest in info["platforms"].items():
            path = repo_path(repo)
            files = self.registry.files(path, mdigest)
            entries = layer_entries(self.registry, path, mdigest, last_only=True)
            for f in ("usr/local/bin/say", "usr/local/lib/libwords.so.1.2.0",
                      "usr/local/share/say/greeting.txt", "usr/local/lib/libstdc++.so.6"):
                self.assertIn(f, files, platform)
            self.assertEqual(entries.get("usr/local/lib/libwords.so.1"), b"2", platform)  # a link
            self.assertNotIn("usr/local/include/words.hpp", entries, platform)  # Development
            self.assertNotIn("usr/local/lib/libwords.so", entries, platform)
            self.assertEqual(runpath(files["usr/local/bin/say"]), "$ORIGIN/../lib", platform)
            for name, data in files.items():
                if name.startswith("usr/local/"):
                    self.assertNotIn(str(p.build).encode(), data, f"{platform}: {name}")


class ExampleGreeter(TestCase):
    """examples/greeter: a shared library of its own and zlib, COLLECT, on the
    merged-/usr Debian base; every platform started, compared and promoted."""

    def test_example(self):
        repo = unique_repo("greeter")
        build = WORK_DIR / "example-greeter"
        # zlib for arm64 and arm/v7: Debian's zlib1g-dev:<arch>, or where apt
        # refuses it, the sysroot tests/env/setup-suite.sh unpacked it into.
        zlib = []
        for platform in THREE[1:]:
            mode = mode_of(platform)
            self.assertIsNotNone(mode, f"no zlib for {platform}: run tests/env/setup-suite.sh")
            zlib += subbuild_args(platform, mode)
        run(["cmake", "-S", SOURCE_DIR / "examples" / "greeter", "-B", build, "-G", GENERATOR,
             f"-DCMAKE_PREFIX_PATH={PREFIX}", f"-DMULTIARCH_BUILDER={BUILDER}",
             f"-DGREETER_REPOSITORY={repo}", f"-DGREETER_BASE_IMAGE={DEBIAN_IMAGE}", *zlib], check=True)
        proc = run(["cmake", "--build", build, "--target", "image"])
        self.assertEqual(proc.returncode, 0, proc.stdout)
        proc = run(["ctest", "--test-dir", build, "-L", "multiarch", "-j", "3", "-V"])
        self.assertEqual(proc.returncode, 0, proc.stdout)
        results = ctest_results(proc.stdout)
        for platform in THREE:
            for name in (f"greeter-image[{platform}]:version", f"greeter-image[{platform}]:greet",
                         f"greeter-image[{platform}]audit"):
                self.assertEqual(results.get(name), "Passed", proc.stdout)
            self.assertRegex(proc.stdout, rf"greeter 1\.0\.0 {re.escape(platform)} zlib 1\.2\.13\n")
            # Each test's messages name it as CTest lists it.
            self.assertIn(f"greeter-image[{platform}]:greet passed: ", proc.stdout)
        self.assertIn("greeter-image[same-output]:version passed: ", proc.stdout)
        self.assertEqual(results.get("greeter-image[same-output]:version"), "Passed")
        self.assertEqual(results.get("greeter-image[same-output]:greet"), "Passed")
        self.assertEqual(proc.stdout.count("Hello, world! crc32=3a771143"), 3)
        proc = run(["cmake", "--build", build, "--target", "image-promote"])
        self.assertEqual(proc.returncode, 0, proc.stdout)
        info = json.loads((build / "greeter-image.image.json").read_text())
        for tag in ("1.0.0", "latest"):
            self.assertEqual(self.assertPushedIndex(repo, tag, THREE, info), info["digest"])
        for platform, mdigest in info["platforms"].items():
            files = self.registry.files(repo_path(repo), mdigest)
            for f in ("usr/local/bin/greeter", "usr/local/lib/libgreeting.so.1", "usr/local/lib/libz.so.1"):
                self.assertIn(f, files, platform)


class ConfigureTime(TestCase):
    """No registry, no Docker: errors of configure time."""

    def test_static_program_linking_a_shared_library_is_refused(self):
        cases = [
            ("""
             add_library(greet SHARED src/greet.cpp)
             target_link_libraries(app PRIVATE greet)
             """, ['ARTIFACTS "app" links the shared library target "greet"', "RUNTIME_LIBRARIES COLLECT",
                   "-DBUILD_SHARED_LIBS=OFF"]),
            ("""
             find_package(ZLIB REQUIRED)
             target_link_libraries(app PRIVATE ZLIB::ZLIB)
             """, ['ARTIFACTS "app" links "ZLIB::ZLIB", the shared library', "libz.so",
                   "-DZLIB_USE_STATIC_LIBS=ON", "RUNTIME_LIBRARIES COLLECT"]),
        ]
        for link, needles in cases:
            with self.subTest(link=link):
                repo = unique_repo("static-shared")
                p = Project("static-shared", f"""
                    enable_language(CXX)
                    add_executable(app src/app.cpp)
                    {link}
                    add_multiarch_image(app-image REPOSITORY "${{REPO}}" PLATFORMS linux/amd64 linux/arm64
                      ARTIFACTS app)
                    """, {"src/app.cpp": "int main() {}\n", "src/greet.cpp": "int greet() { return 1; }\n",
                          "Dockerfile": "FROM scratch\n"})
                proc = p.configure(f"-DREPO={repo}")
                self.assertFailsWith(proc, *needles)

    def test_subbuild_whose_first_configure_failed_says_so(self):
        """"toolchain or generator changed" appeared when nothing had."""
        p = Project("reconfigure", """
            enable_language(CXX)
            if(MULTIARCH_SUBBUILD_PLATFORM AND EXISTS "${CMAKE_SOURCE_DIR}/broken")
              message(FATAL_ERROR "broken on purpose")
            endif()
            add_executable(app src/app.cpp)
            add_multiarch_image(app-image REPOSITORY 127.0.0.1:5000/unused PLATFORMS linux/arm64
              ARTIFACTS app)
            """, {"src/app.cpp": "int main() {}\n", "broken": "", "Dockerfile": "FROM scratch\n"})
        p.configure(check=True)
        proc = p.build_target("app-image-artifacts")
        self.assertFailsWith(proc, "broken on purpose", "failed to configure")
        (p.src / "broken").unlink()
        proc = p.build_target("app-image-artifacts")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("the last configure did not finish; configuring afresh", proc.stdout)
        self.assertNotIn("toolchain or generator changed", proc.stdout)


class SmokeMessages(TestCase):
    def test_failed_output_is_shown_byte_for_byte_and_tests_are_named(self):
        repo = unique_repo("messages")
        p = Project("messages", f"""
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS linux/amd64 linux/arm64
              TAGS candidate PROMOTE_TAGS 1.2.0 latest)
            enable_testing()
            add_multiarch_smoke_test(app COMMAND sh -c "echo 'col1    col2  |'; exit 3")
            add_multiarch_smoke_test(app NAME shell COMMAND sh -c "echo ok")
            add_multiarch_smoke_test(app COMMAND true)
            """, {"Dockerfile": f"FROM {BUSYBOX_PATH_IMAGE}\n"})
        p.configure(f"-DREPO={repo}", check=True)
        self.assertEqual(p.build_target("image").returncode, 0)
        proc = p.ctest("-L", "multiarch", "-j", "3")
        results = ctest_results(proc.stdout)
        for platform in ("linux/amd64", "linux/arm64"):
            self.assertEqual(results[f"app[{platform}]"], "Failed", proc.stdout)
            self.assertEqual(results[f"app[{platform}]:shell"], "Passed", proc.stdout)
            self.assertEqual(results[f"app[{platform}]#3"], "Passed", proc.stdout)
        self.assertIn("col1    col2  |\n", proc.stdout)
        proc = p.build_target("image-promote")
        self.assertFailsWith(proc, "refusing to promote", "to 1.2.0, latest:")

    def test_missing_loader_gets_a_hint(self):
        """A dynamically linked program FROM scratch (RUNTIME_LIBRARIES NONE):
        the runtime says "no such file or directory" for a file that is there."""
        repo = unique_repo("noloader")
        p = Project("noloader", f"""
            enable_language(CXX)
            add_executable(app src/app.cpp)
            add_multiarch_image(app-image REPOSITORY "${{REPO}}" PLATFORMS linux/amd64
              ARTIFACTS app RUNTIME_LIBRARIES NONE PORTABILITY_CHECK WARN)
            enable_testing()
            add_multiarch_smoke_test(app-image)
            """, {"src/app.cpp": "#include <cstdio>\nint main() { std::puts(\"hi\"); }\n",
                  "Dockerfile": "FROM scratch\nARG TARGETPLATFORM\nCOPY ${TARGETPLATFORM}/ /\n"
                                "ENTRYPOINT [\"/usr/local/bin/app\"]\n"})
        p.configure(f"-DREPO={repo}", check=True)
        self.assertEqual(p.build_target("image").returncode, 0)
        proc = p.ctest("-R", r"app-image\[linux/amd64\]$")
        self.assertFailsWith(proc, "no such file or directory", "loader (the ELF program interpreter",
                             "the audit test app-image[linux/amd64]audit names it")


if __name__ == "__main__":
    unittest.main()
