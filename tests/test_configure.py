"""Fast checks with no registry and no Docker: the one table the package
keeps in CMake besides its tool (platform normalisation at configure time,
and the `uname -m` / QEMU handler names of the smoke tests) agrees with the
tool's (multiarch-audit platform), for valid and invalid spellings; and
the package's tests reach ctest in a project that never enabled testing."""

import subprocess
import tempfile
import unittest
from pathlib import Path

from harness import PREFIX, SOURCE_DIR, Project, run

SPELLINGS = [
    # valid
    "linux/amd64", "linux/x86_64", "linux/x86-64", "linux/amd64/v1", "linux/amd64/v3", "linux/arm64",
    "linux/aarch64", "linux/arm64/v8", "linux/arm64/v8.2", "linux/arm64/v9", "linux/arm", "linux/armhf",
    "linux/armel", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/386", "linux/i386",
    "linux/i686", "linux/ppc64le", "linux/s390x", "linux/riscv64", "linux/mips64le", "linux/mips64",
    "linux/loong64", "linux/AMD64",
    # invalid
    "linux/sparc64", "linux/arm/v8", "linux/arm64/v7", "linux/amd64/v5", "linux/riscv64/v1",
    "windows/amd64", "linux", "linux/arm64/", "/amd64", "linux/arm/v7/x",
]


class PlatformTable(unittest.TestCase):
    def test_cmake_and_tool_agree(self):
        script = Path(tempfile.mkdtemp()) / "normalize.cmake"
        script.write_text(
            'cmake_minimum_required(VERSION 3.20)\n'
            f'include([[{SOURCE_DIR}/Modules/MultiArchImage/Platforms.cmake]])\n'
            'foreach(p IN LISTS SPELLINGS)\n'
            '  _multiarch_normalize_platform("${p}" norm error)\n'
            '  if(error)\n'
            '    message("${p}\\terror")\n'
            '  else()\n'
            '    _multiarch_machine("${norm}" machine qemu)\n'
            '    message("${p}\\t${norm}\\t${machine}\\t${qemu}")\n'
            '  endif()\n'
            'endforeach()\n')
        cmake = run(["cmake", f"-DSPELLINGS={';'.join(SPELLINGS)}", "-P", script], check=True).stdout
        tool = subprocess.run([str(PREFIX / "bin" / "multiarch-audit"), "platform", *SPELLINGS],
                              stdout=subprocess.PIPE, text=True).stdout
        cmake_rows = [line.split("\t") for line in cmake.splitlines()]
        tool_rows = [line.split("\t") for line in tool.splitlines()]
        self.assertEqual(len(cmake_rows), len(SPELLINGS), cmake)
        self.assertEqual(len(tool_rows), len(SPELLINGS), tool)
        for c, t in zip(cmake_rows, tool_rows):
            with self.subTest(platform=c[0]):
                self.assertEqual(c[0], t[0])
                if c[1] == "error":
                    self.assertTrue(t[1].startswith("error:"), f"the tool accepts {c[0]} as {t[1]}")
                else:
                    self.assertEqual(c[1:], t[1:])


class RegistryProbe(unittest.TestCase):
    """What the registry probe's answer means (Preflight.cmake), without a
    registry: a missing tag is fine, no connection or no login is not, and
    words of the reference itself (a port 54011 holds "401", a repository
    may be named "certificate") are not taken for Buildx's words."""

    def judge(self, repo, tag, rc, err):
        work = Path(tempfile.mkdtemp())
        script = work / "probe.cmake"
        script.write_text("\n".join([
            "cmake_minimum_required(VERSION 3.20)",
            f"include([[{SOURCE_DIR}/Modules/MultiArchImage/Preflight.cmake]])",
            "set(MULTIARCH_NAME app)",
            f"set(MULTIARCH_REPOSITORY [[{repo}]])",
            f"_multiarch_preflight_registry({rc} [[{err}]] [[{tag}]])",
            'message("usable")']) + "\n")
        return run(["cmake", "-P", script])

    def test_answers(self):
        cases = [
            ("127.0.0.1:54011/test/fault-d313f1c5", "candidate", 1,
             "ERROR: 127.0.0.1:54011/test/fault-d313f1c5:candidate: not found", True),
            ("127.0.0.1:5000/team/certificate-store", "401", 1,
             "ERROR: 127.0.0.1:5000/team/certificate-store:401: not found", True),
            ("127.0.0.1:5000/a/b", "t", 0, "", True),
            ("127.0.0.1:54011/test/down", "t", 1,
             'ERROR: failed to do request: Head "http://127.0.0.1:54011/v2/test/down/manifests/t": '
             "dial tcp 127.0.0.1:54011: connect: connection refused", False),
            ("127.0.0.1:5011/test/login", "t", 1,
             "ERROR: unexpected status from HEAD request to http://127.0.0.1:5011/v2/test/login/manifests/t: "
             "401 Unauthorized", False),
            ("127.0.0.1:5000/a/b", "denied", 1, "ERROR: 127.0.0.1:5000/a/b:denied: not found", True),
            # The name within the host, a port with "401", a one-letter name.
            ("localhost:54011/local", "t", 1, "ERROR: localhost:54011/local:t: not found", True),
            ("registry.example.com:4010/registry", "t", 1,
             "ERROR: registry.example.com:4010/registry:t: not found", True),
            ("127.0.0.1:5000/t", "t", 1,
             'ERROR: failed to do request: Head "http://127.0.0.1:5000/v2/t/manifests/t": '
             "dial tcp 127.0.0.1:5000: connect: connection refused", False),
            ("127.0.0.1:54011/x", "v1", 1,
             "ERROR: failed to authorize: 127.0.0.1:54011/x: unauthorized: authentication required", False),
        ]
        for repo, tag, rc, err, usable in cases:
            with self.subTest(err=err):
                proc = self.judge(repo, tag, rc, err)
                flat = " ".join(proc.stdout.split())
                if usable:
                    self.assertEqual(proc.returncode, 0, proc.stdout)
                    self.assertIn("usable", flat)
                else:
                    self.assertNotEqual(proc.returncode, 0, proc.stdout)
                    self.assertIn(f"the registry of {repo} cannot be used", flat)
                    self.assertIn("Nothing was pushed", flat)


class GeneratedFiles(unittest.TestCase):
    """Every value reaches a script as it was given, through the one writer
    of generated files (bracket arguments at a level chosen per value)."""

    VALUES = ["a]", "x]=", "]]", "]=]", "[=[", "list=[a]", "", "]", "\nlead", "\r\nlead", "\n\nx",
              "tail\n", "a;b", "a\\;b", "${NOT_EXPANDED}", "# not a comment", "PARENT_SCOPE", "CACHE"]

    def test_a_word_generate_among_the_arguments_is_not_an_option(self):
        project = Project("generate-word", """
            add_multiarch_image(app REPOSITORY 127.0.0.1:5000/test/generate PLATFORMS linux/amd64)
            add_multiarch_smoke_test(app COMMAND /app GENERATE EXPECT_OUTPUT "^price: $<1:5>")
            """, {"Dockerfile": "FROM scratch\n"})
        project.configure(check=True)
        text = (project.build / "app.multiarch" / "smoke1-linux-amd64.cmake").read_text()
        self.assertIn("^price: $<1:5>", text, "the value was evaluated as a generator expression")

    def test_values_round_trip(self):
        work = Path(tempfile.mkdtemp())
        script = work / "round-trip.cmake"
        lines = ['cmake_minimum_required(VERSION 3.20)',
                 f'include([[{SOURCE_DIR}/Modules/MultiArchImage/GeneratedFiles.cmake]])']
        for i, value in enumerate(self.VALUES):
            (work / f"value{i}.txt").write_bytes(value.encode())
            lines += [f'file(READ [[{work}/value{i}.txt]] v{i})',
                      'set(content "")',
                      f'_multiarch_set_lines(content V "${{v{i}}}")',
                      f'file(WRITE [[{work}/out{i}.cmake]] "${{content}}")',
                      'unset(V)',
                      f'include([[{work}/out{i}.cmake]])',
                      f'if(NOT "${{V}}" STREQUAL "${{v{i}}}")',
                      f'  message(SEND_ERROR "value {i} came back as [${{V}}]")',
                      'endif()']
        script.write_text("\n".join(lines) + "\n")
        proc = run(["cmake", "-P", script])
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("came back", proc.stdout)


SUBPROJECT = """
    add_subdirectory(app)
    """
APP = {"app/CMakeLists.txt": """
    add_multiarch_image(app REPOSITORY 127.0.0.1:5000/test/testing PLATFORMS linux/amd64 linux/arm64)
    add_multiarch_smoke_test(app COMMAND /app --version)
    """, "app/Dockerfile": "FROM scratch\n"}


class TestingEnabled(unittest.TestCase):
    """An image declared in a subdirectory (as a project added with
    add_subdirectory declares it), the top level without enable_testing():
    ctest lists its smoke and audit tests."""

    def listed(self, project, *args):
        proc = project.configure(*args, check=True)
        tests = run(["ctest", "--test-dir", project.build, "-N", "-L", "multiarch"], check=True).stdout
        return proc.stdout, tests

    def test_tests_reach_ctest_without_enable_testing(self):
        project = Project("testing-enabled", SUBPROJECT, APP)
        _, tests = self.listed(project)
        for name in ("app[linux/amd64]", "app[linux/arm64]", "app[linux/amd64]audit", "app[linux/arm64]audit"):
            self.assertIn(name, tests)
        self.assertIn("Total Tests: 4", tests)

    def test_same_folder_added_twice(self):
        project = Project("testing-twice", """
            set(IMAGE one)
            add_subdirectory(app app-one)
            set(IMAGE two)
            add_subdirectory(app app-two)
            """, {"app/CMakeLists.txt": """
            add_multiarch_image(${IMAGE} REPOSITORY 127.0.0.1:5000/test/${IMAGE} PLATFORMS linux/amd64)
            add_multiarch_smoke_test(${IMAGE} COMMAND /app)
            """, "app/Dockerfile": "FROM scratch\n"})
        _, tests = self.listed(project)
        for name in ("one[linux/amd64]", "two[linux/amd64]", "one[linux/amd64]audit", "two[linux/amd64]audit"):
            self.assertIn(name, tests)

    def test_an_ordinary_build_testing_variable_is_not_the_users_choice(self):
        # set(BUILD_TESTING OFF) around a dependency is common; only the
        # cache entry (include(CTest), -DBUILD_TESTING=OFF) turns tests off.
        project = Project("testing-variable", "set(BUILD_TESTING OFF)\n" + SUBPROJECT, APP)
        out, tests = self.listed(project)
        self.assertIn("Total Tests: 4", tests)
        self.assertNotIn("BUILD_TESTING is OFF", " ".join(out.split()))

    def test_build_testing_off_is_respected_with_a_warning(self):
        project = Project("testing-off", "include(CTest)\n" + SUBPROJECT, APP)
        out, tests = self.listed(project, "-DBUILD_TESTING=OFF")
        self.assertIn("Total Tests: 0", tests)
        self.assertIn("BUILD_TESTING is OFF", " ".join(out.split()))


if __name__ == "__main__":
    unittest.main()
