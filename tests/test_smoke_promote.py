"""add_multiarch_smoke_test and promotion, as a user runs them:
cmake --build --target image, ctest -L multiarch, --target image-promote."""

import re
import unittest

from harness import BASE_IMAGE, Project, TestCase, repo_path, run, unique_repo

THREE = "linux/amd64 linux/arm64 linux/arm/v7"
# Fails on arm64 only, unless built with OK_EVERYWHERE=1.
DOCKERFILE = f"""
    FROM {BASE_IMAGE}
    ARG OK_EVERYWHERE=0
    RUN printf '#!/bin/sh\\nm=$(uname -m)\\necho "machine $m"\\n[ "$m" != aarch64 ] || [ {{OK}} = 1 ]\\n' > /check
    RUN chmod +x /check
    ENTRYPOINT ["/check"]
"""


def ctest_results(output):
    """{test name: 'Passed' | 'Failed' | 'Skipped' ...} from ctest's progress lines."""
    results = {}
    for m in re.finditer(r"Test +#\d+: (\S+) \.+\**\s*(Passed|Failed|Not Run|Skipped|\*\*\*\w+)", output):
        results[m.group(1)] = m.group(2)
    for m in re.finditer(r"Test +#\d+: (\S+) \.+\s*\*+Skipped", output):
        results[m.group(1)] = "Skipped"
    return results


class SmokeAndPromote(TestCase):
    def make(self, ok):
        self.repo = unique_repo("smoke")
        dockerfile = DOCKERFILE.replace("{OK}", "1" if ok else "0")
        self.project = Project("smoke", f"""
            enable_testing()
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS {THREE}
              TAGS candidate PROMOTE_TAGS release)
            add_multiarch_smoke_test(app EXPECT_OUTPUT "^machine @MACHINE@\\n" TIMEOUT 120)
            """, {"Dockerfile": dockerfile})
        self.project.configure(f"-DREPO={self.repo}", check=True)

    def test_one_platform_fails_then_fixed(self):
        self.make(ok=False)
        self.project.build_target(check=True)
        first = self.project.image_json("app")

        proc = self.project.ctest("-L", "multiarch", "-j", "3")
        results = ctest_results(proc.stdout)
        # The audit tests of the portability checks run too, and pass.
        self.assertEqual(results, {"app[linux/amd64]": "Passed", "app[linux/arm64]": "Failed",
                                   "app[linux/arm/v7]": "Passed", "app[linux/amd64]audit": "Passed",
                                   "app[linux/arm64]audit": "Passed", "app[linux/arm/v7]audit": "Passed"},
                         proc.stdout)
        # The failure names the platform, the digest and the exit code, with the output's tail.
        flat = " ".join(proc.stdout.split())
        self.assertIn(f"app[linux/arm64] FAILED: {self.repo}@{first['platforms']['linux/arm64']} "
                      "exited with code 1", flat)
        self.assertIn("machine aarch64", flat)

        proc = self.project.build_target("image-promote")
        self.assertFailsWith(proc, "refusing to promote", "linux/arm64 (test app[linux/arm64] failed",
                             "No tag moved")
        self.assertNotIn("linux/amd64 (", proc.stdout)
        self.assertNotIn("release", self.registry.tags(repo_path(self.repo)))

        # Fix: same project, the Dockerfile now passes everywhere; rebuild.
        self.project.write("Dockerfile", DOCKERFILE.replace("{OK}", "1"))
        self.project.build_target(check=True)
        second = self.project.image_json("app")
        self.assertNotEqual(first["digest"], second["digest"])
        # Passes of the old digest do not count for the new one.
        proc = self.project.build_target("image-promote")
        self.assertFailsWith(proc, "refusing to promote", "failed or was not run")

        proc = self.project.ctest("-L", "multiarch", "-j", "3")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.project.build_target("image-promote", check=True)
        _, promoted, _ = self.registry.manifest(repo_path(self.repo), "release")
        _, candidate, _ = self.registry.manifest(repo_path(self.repo), "candidate")
        self.assertEqual(promoted, second["digest"])
        self.assertEqual(candidate, second["digest"])

    def test_parallel_and_serial_agree(self):
        self.make(ok=False)
        self.project.build_target(check=True)
        serial = ctest_results(self.project.ctest("-L", "multiarch").stdout)
        parallel = ctest_results(self.project.ctest("-L", "multiarch", "-j", "3").stdout)
        self.assertEqual(len(serial), 6)  # 3 smoke tests, 3 audit tests
        self.assertEqual(serial, parallel)

    def test_not_built_yet(self):
        self.make(ok=True)
        proc = self.project.ctest("-L", "multiarch", "-R", "amd64")
        self.assertNotEqual(proc.returncode, 0)
        flat = " ".join(proc.stdout.split())
        self.assertIn("image app has not been built yet", flat)
        self.assertIn(f"cmake --build {self.project.build} --target app", flat)
        proc = self.project.build_target("app-promote")
        self.assertFailsWith(proc, "image app has not been built", "No tag moved")
        self.assertNothingPushed(self.repo)

    def test_timeout_and_exec_format_hint(self):
        repo = unique_repo("hang")
        project = Project("hang", f"""
            enable_testing()
            # The foreign ELF file is there on purpose: no portability check.
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS linux/amd64 linux/arm64
              PORTABILITY_CHECK OFF)
            add_multiarch_smoke_test(app COMMAND sleep 600 TIMEOUT 3)
            add_multiarch_smoke_test(app COMMAND /foreign-cpu)
            """, {"Dockerfile": f"FROM {BASE_IMAGE}\nCOPY --chmod=755 foreign-cpu /\n",
                  # An ELF header for a CPU (Intel i860) that no kernel or binfmt
                  # handler here runs: execve fails with ENOEXEC.
                  "foreign-cpu": bytes.fromhex("7f454c46020101000000000000000000")
                  + bytes.fromhex("02000700") + bytes(44)})
        project.configure(f"-DREPO={repo}", check=True)
        project.build_target(check=True)
        proc = project.ctest("-L", "multiarch", "-j", "2")
        flat = " ".join(proc.stdout.split())
        self.assertIn("did not finish within 3 s", flat)
        self.assertIn("exec format error", flat)
        self.assertIn("Hint: \"exec format error\"", flat)
        # No container left running.
        ps = run(["docker", "ps", "--filter", "name=multiarch-smoke-", "-q"], check=True)
        self.assertEqual(ps.stdout.strip(), "")


if __name__ == "__main__":
    unittest.main()
