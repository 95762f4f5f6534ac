"""A platform this host cannot run: the binfmt_misc handler for arm is
disabled for the duration of the test (and restored after)."""

import unittest
from pathlib import Path

from harness import BASE_IMAGE, Project, TestCase, run, unique_repo

HANDLER = Path("/proc/sys/fs/binfmt_misc/qemu-arm")


class Unrunnable(TestCase):
    def setUp(self):
        if not HANDLER.exists():
            self.fail(f"{HANDLER} is missing: run tests/env/setup.sh")
        self.repo = unique_repo("unrunnable")
        self.project = Project("unrunnable", """
            enable_testing()
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm/v7
              PROMOTE_TAGS release)
            add_multiarch_smoke_test(app COMMAND uname -m)
            """, {"Dockerfile": f"FROM {BASE_IMAGE}\n"})
        self.project.configure(f"-DREPO={self.repo}", check=True)
        self.project.build_target(check=True)

    def test_fails_by_default_and_skips_with_option(self):
        HANDLER.write_text("0")
        try:
            self.assertTrue(HANDLER.read_text().startswith("disabled"))
            proc = self.project.ctest("-L", "multiarch")
            self.assertNotEqual(proc.returncode, 0)
            flat = " ".join(proc.stdout.split())
            self.assertIn("cannot run linux/arm/v7 binaries", flat)
            self.assertIn("MULTIARCH_SKIP_UNRUNNABLE=ON", flat)
            self.assertRegex(proc.stdout, r"app\[linux/amd64\] \.+ +Passed")

            self.project.configure("-DMULTIARCH_SKIP_UNRUNNABLE=ON", check=True)
            proc = self.project.ctest("-L", "multiarch")
            self.assertEqual(proc.returncode, 0, proc.stdout)
            self.assertRegex(proc.stdout, r"app\[linux/arm/v7\] \.+\**Skipped")
            self.assertRegex(proc.stdout, r"app\[linux/amd64\] \.+ +Passed")
            # A skip is not a pass: promotion still refuses.
            promote = self.project.build_target("app-promote")
            self.assertFailsWith(promote, "linux/arm/v7 (test app[linux/arm/v7] failed or was not run")
        finally:
            HANDLER.write_text("1")
        self.assertTrue(HANDLER.read_text().startswith("enabled"))
        proc = self.project.ctest("-L", "multiarch")
        self.assertEqual(proc.returncode, 0, proc.stdout)


if __name__ == "__main__":
    unittest.main()
