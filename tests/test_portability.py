"""Portability checks, as a user meets them: the context check that runs
before the push (part of <name>, alone as <name>-check) and the audit test
per platform after it (ctest -L multiarch), which promotion requires.  The
registry is read through its HTTP API, not through the code under test."""

import os
import re
import unittest

from harness import (BASE_IMAGE, GENERATOR, PREFIX, SOURCE_DIR, WORK_DIR, Project, TestCase, repo_path, run,
                     unique_repo)

BIN_DIR = WORK_DIR / "portability-programs"
HELLO = '#include <cstdio>\nint main() { std::puts("hello"); return 0; }\n'
COMPILERS = {"amd64": "g++", "arm64": "aarch64-linux-gnu-g++", "armhf": "arm-linux-gnueabihf-g++"}


def program(arch):
    """A static C++ program printing "hello", compiled for <arch> (real ELF)."""
    out = BIN_DIR / f"hello-{arch}"
    if not out.exists():
        BIN_DIR.mkdir(parents=True, exist_ok=True)
        src = BIN_DIR / "hello.cpp"
        src.write_text(HELLO)
        run([COMPILERS[arch], "-static", "-O1", src, "-o", f"{out}.tmp"], check=True)
        os.replace(f"{out}.tmp", out)
    return out.read_bytes()


def ctest_results(output):
    """{test name: 'Passed' | 'Failed' | ...} from ctest's progress lines."""
    return {m.group(1): m.group(2) for m in
            re.finditer(r"Test +#\d+: (\S+) \.+\**\s*(Passed|Failed|Not Run|\*\*\*\w+)", output)}


def image(platforms, extra=""):
    return (f'add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS {" ".join(platforms)} '
            f'TAGS candidate {extra})\n')


class ContextCheck(TestCase):
    def project(self, label, files):
        self.repo = unique_repo(label)
        project = Project(label, image(["linux/amd64", "linux/arm64"]), files)
        project.configure(f"-DREPO={self.repo}", check=True)
        return project

    def test_amd64_binary_copied_for_every_platform_stops_the_build(self):
        project = self.project("everyplatform", {
            "Dockerfile": "FROM scratch\nCOPY tool /usr/local/bin/tool\n", "tool": program("amd64")})
        dockerfile = project.src / "Dockerfile"
        proc = project.build_target("app")
        self.assertFailsWith(proc, f"error: {dockerfile}:2: COPY tool copies \"tool\", a 64-bit LSB "
                             "x86-64 executable, into every variant, but linux/arm64 cannot run it",
                             "[elf-for-every-platform]", "nothing was built or pushed",
                             "# multiarch: allow <rule>",
                             "COPY ${TARGETPLATFORM}/tool ... after ARG TARGETPLATFORM")
        self.assertNothingPushed(self.repo)
        self.assertFalse((project.build / "app.image.json").exists())

        # The same check alone, as <name>-check.
        proc = project.build_target("app-check")
        self.assertFailsWith(proc, f"{dockerfile}:2:", "[elf-for-every-platform]")

        # Accepted on purpose, on the line above the instruction: reported, not fatal.
        project.write("Dockerfile", "FROM scratch\n# multiarch: allow elf-for-every-platform\n"
                      "COPY tool /usr/local/bin/tool\n")
        proc = project.build_target("app-check", check=True)
        self.assertIn(f"accepted: {dockerfile}:3: COPY tool copies \"tool\"", proc.stdout)
        self.assertIn("summary: 0 errors, 0 warnings, 1 accepted", proc.stdout)
        self.assertNothingPushed(self.repo)

    def test_fixed_platform_download_url_and_buildkit_checks_with_file_and_line(self):
        project = self.project("fixedcpu", {"Dockerfile": f"""\
            FROM --platform=linux/amd64 {BASE_IMAGE}
            RUN wget -q -O /usr/local/bin/tool https://example.com/releases/tool-1.0-linux-amd64 || true
            ENV mode fast
            """})
        dockerfile = project.src / "Dockerfile"
        proc = project.build_target("app")
        self.assertFailsWith(
            proc,
            f"error: {dockerfile}:1: FROM --platform=linux/amd64 fixes the image to one CPU",
            "[from-fixed-platform]",
            f"error: {dockerfile}:2: download URL https://example.com/releases/tool-1.0-linux-amd64 "
            "names amd64 but is used for every platform: linux/arm64 would get a file for another CPU",
            "[fixed-arch-url]",
            # BuildKit's own check, reported the same way.
            f"warning: {dockerfile}:3:", "(BuildKit check) [LegacyKeyValueFormat]",
            "summary: 2 errors")
        # BuildKit's FromPlatformFlagConstDisallowed says what from-fixed-platform says: once.
        self.assertNotIn("FromPlatformFlagConstDisallowed", proc.stdout)
        self.assertNothingPushed(self.repo)

    def test_buildkit_checks_of_a_build_that_passes_are_reported_after_it(self):
        """BuildKit runs its checks in the build itself (no second solve):
        their warnings come from Buildx's metadata file, reported as ours,
        and a comment above the instruction accepts one on purpose."""
        project = self.project("buildkit-in-build", {
            "Dockerfile": "FROM scratch as base\nCOPY a.txt /\n# multiarch: allow LegacyKeyValueFormat\n"
                          "ENV mode fast\nFROM base\n",
            "a.txt": "a\n"})
        dockerfile = project.src / "Dockerfile"
        proc = project.build_target("app")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        flat = " ".join(proc.stdout.split())
        self.assertIn(f"warning: {dockerfile}:1:", flat)
        self.assertIn("(BuildKit check) [FromAsCasing]", flat)
        self.assertIn(f"accepted: {dockerfile}:4:", flat)
        self.assertIn("[LegacyKeyValueFormat]", flat)
        self.assertEqual(self.registry.tags(repo_path(self.repo)), ["candidate"])

    def test_dockerignore_per_platform_folders_and_warn_mode(self):
        files = {"Dockerfile": "FROM scratch\nARG TARGETPLATFORM\nCOPY ${TARGETPLATFORM}/ /\nCOPY extras/ /opt/\n",
                 "linux/amd64/bin/hello": program("amd64"),
                 "linux/arm64/bin/hello": program("amd64"),  # the wrong CPU
                 "extras/readme.txt": "read me\n",
                 "extras/build/tool": program("amd64"),       # left out by .dockerignore
                 ".dockerignore": "extras/build\n"}
        project = self.project("folders", files)
        dockerfile = project.src / "Dockerfile"
        proc = project.build_target("app-check")
        self.assertFailsWith(proc, f"error: {dockerfile}:3: COPY ${{TARGETPLATFORM}}/ puts "
                             "\"linux/arm64/bin/hello\", a 64-bit LSB x86-64 executable, into the "
                             "linux/arm64 variant", "[elf-wrong-platform]", "summary: 1 error,")
        self.assertNotIn("extras/build/tool", proc.stdout)

        # PORTABILITY_CHECK WARN (here as the cache default): reported, not fatal.
        project.configure("-DMULTIARCH_PORTABILITY_CHECK=WARN", check=True)
        proc = project.build_target("app-check", check=True)
        self.assertIn(f"warning: {dockerfile}:3: COPY", proc.stdout)
        self.assertIn("errors reported as warnings", proc.stdout)

        # Fixed: the arm64 folder holds an arm64 build.
        project.configure("-DMULTIARCH_PORTABILITY_CHECK=ERROR", check=True)
        project.write("linux/arm64/bin/hello", program("arm64"))
        proc = project.build_target("app-check", check=True)
        self.assertIn("summary: 0 errors, 0 warnings, 0 accepted", proc.stdout)

    def test_bad_keywords(self):
        for label, extra, needle in [
            ("mode", "PORTABILITY_CHECK STRICT", 'PORTABILITY_CHECK "STRICT" is not ERROR, WARN or OFF'),
            ("rule", "PORTABILITY_ALLOW no-such-rule", 'PORTABILITY_ALLOW "no-such-rule": unknown rule'),
        ]:
            with self.subTest(label):
                project = Project("portability-bad", image(["linux/amd64"], extra),
                                  {"Dockerfile": "FROM scratch\n"})
                self.assertFailsWith(project.configure(f"-DREPO={unique_repo('bad')}"), needle)


class VariantAudit(TestCase):
    def test_amd64_binary_in_arm64_variant_fails_audit_and_promotion(self):
        """The trap: the amd64 program in the arm64 variant starts on this amd64
        host, so the smoke test passes; the audit fails and promotion refuses."""
        repo = unique_repo("trap")
        project = Project("trap", f"""
            enable_testing()
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS linux/amd64 linux/arm64
              TAGS candidate PROMOTE_TAGS release)
            add_multiarch_smoke_test(app EXPECT_OUTPUT "^hello\\n")
            """, {"Dockerfile": f"""\
            FROM --platform=$BUILDPLATFORM {BASE_IMAGE} AS fetch
            COPY --chmod=755 hello /out/hello
            FROM scratch
            COPY --from=fetch /out/hello /hello
            ENTRYPOINT ["/hello"]
            """, "hello": program("amd64")})
        project.configure(f"-DREPO={repo}", check=True)
        # The context check cannot see through the build stage: a warning only.
        proc = project.build_target(check=True)
        self.assertIn("[build-stage-copy]", proc.stdout)
        info = project.image_json("app")
        # Independently of the code under test: the arm64 variant holds x86-64 code (EM 62).
        files = self.registry.files(repo_path(repo), info["platforms"]["linux/arm64"])
        self.assertEqual(int.from_bytes(files["hello"][18:20], "little"), 62)

        proc = project.ctest("-L", "multiarch", "-j", "2")
        self.assertEqual(ctest_results(proc.stdout), {
            "app[linux/amd64]": "Passed", "app[linux/arm64]": "Passed",
            "app[linux/amd64]audit": "Passed", "app[linux/arm64]audit": "Failed"}, proc.stdout)
        flat = " ".join(proc.stdout.split())
        self.assertIn("error: /hello: is a 64-bit LSB x86-64 executable; linux/arm64 runs 64-bit LSB "
                      "AArch64 [foreign-elf]", flat)
        self.assertIn(f"app[linux/arm64]audit FAILED: {repo}@{info['platforms']['linux/arm64']}", flat)
        # The architecture labels select the audit too.
        listed = project.ctest("-N", "-L", "arm64").stdout
        self.assertIn("app[linux/arm64]audit", listed)
        self.assertNotIn("app[linux/amd64]audit", listed)

        proc = project.build_target("image-promote")
        self.assertFailsWith(proc, "refusing to promote",
                             "linux/arm64 (test app[linux/arm64]audit failed or was not run", "No tag moved")
        self.assertNotIn("linux/amd64 (", proc.stdout)
        self.assertNotIn("release", self.registry.tags(repo_path(repo)))

    def test_float_abi_and_missing_interpreter(self):
        repo = unique_repo("abi")
        armhf = bytearray(program("armhf"))
        soft = bytes(armhf[:36]) + (0x05000200).to_bytes(4, "little") + bytes(armhf[40:])  # e_flags: soft-float
        project = Project("abi", """
            enable_testing()
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm/v7
              TAGS candidate PORTABILITY_ALLOW elf-wrong-platform:linux/arm/v7/**)
            """, {"Dockerfile": "FROM scratch\nARG TARGETPLATFORM\nCOPY ${TARGETPLATFORM}/ /\n",
                  "linux/amd64/bin/hello": program("amd64"),
                  "linux/arm/v7/bin/hello": soft,
                  "linux/arm/v7/bin/start": "#!/bin/bash\nexec /bin/hello\n"})
        os.chmod(project.src / "linux/arm/v7/bin/start", 0o755)
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target(check=True)  # the context check's finding was accepted
        self.assertIn("accepted: ", proc.stdout)
        proc = project.ctest("-L", "audit", "-j", "2")
        self.assertEqual(ctest_results(proc.stdout), {"app[linux/amd64]audit": "Passed",
                                                      "app[linux/arm/v7]audit": "Failed"}, proc.stdout)
        flat = " ".join(proc.stdout.split())
        self.assertIn("error: /bin/hello: is a 32-bit LSB ARM EABI5 soft-float executable; it uses the "
                      "soft-float ABI (armel); linux/arm/v7 uses hard-float (armhf) [foreign-elf]", flat)
        self.assertIn("error: /bin/start: its #! interpreter /bin/bash is missing from the linux/arm/v7 "
                      "variant [missing-interpreter]", flat)


class CleanExample(TestCase):
    def test_example_passes_both_checks(self):
        repo = unique_repo("hello")
        build = WORK_DIR / "portability-example-hello"
        run(["cmake", "-E", "rm", "-rf", build], check=True)
        run(["cmake", "-S", SOURCE_DIR / "examples" / "hello", "-B", build, "-G", GENERATOR,
             f"-DCMAKE_PREFIX_PATH={PREFIX}", f"-DHELLO_REPOSITORY={repo}",
             "-DMULTIARCH_BUILDER=multiarch"], check=True)
        proc = run(["cmake", "--build", build, "--target", "image"], check=True)
        self.assertIn("summary: 0 errors, 0 warnings, 0 accepted", proc.stdout)
        proc = run(["ctest", "--test-dir", build, "-L", "audit", "-j", "3", "--output-on-failure"])
        self.assertEqual(ctest_results(proc.stdout), {
            "hello-image[linux/amd64]audit": "Passed", "hello-image[linux/arm64]audit": "Passed",
            "hello-image[linux/arm/v7]audit": "Passed"}, proc.stdout)


class Consumers(TestCase):
    def test_tool_built_inside_an_add_subdirectory_consumer(self):
        repo = unique_repo("subdir")
        project = Project("portability-subdir", "enable_testing()\n" + image(["linux/amd64", "linux/arm64"]), {
            "Dockerfile": "FROM scratch\nARG TARGETPLATFORM\nCOPY --chmod=755 ${TARGETPLATFORM}/ /\n",
            "linux/amd64/hello": program("amd64"), "linux/arm64/hello": program("arm64")},
            use="add_subdirectory")
        project.configure(f"-DREPO={repo}", check=True)
        project.build_target(check=True)
        self.assertTrue((project.build / "multiarchimage/tools/multiarch-audit/multiarch-audit").is_file())
        proc = project.ctest("-L", "audit")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("0 tests failed out of 2", proc.stdout)


if __name__ == "__main__":
    unittest.main()
