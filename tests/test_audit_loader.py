"""The variant audit loads each program as the platform's loader would
(multiarch-audit audit): libraries found through RUNPATH/$ORIGIN, the
default folders and merged-/usr links, candidates of another class or
machine skipped, symbol versions and symbols checked, the ENTRYPOINT/CMD
program looked up.  Fast, and needs no registry or Docker: real programs
and libraries are compiled here with the host's and the cross compilers,
variants are tar files built here with the platform's real loader, C
library and libstdc++ (from the cross sysroots and the host), and the
installed tool reads them as it reads `docker export`."""

import io
import shutil
import subprocess
import tarfile
import unittest
from pathlib import Path

from harness import PREFIX, WORK_DIR, run

TOOL = PREFIX / "bin" / "multiarch-audit"
BUILD = WORK_DIR / "audit-loader"

PLATFORMS = {
    "linux/amd64": {"cxx": "g++", "triplet": "x86_64-linux-gnu", "libs": Path("/lib/x86_64-linux-gnu"),
                    "loader": "ld-linux-x86-64.so.2", "loader_link": "lib64/ld-linux-x86-64.so.2",
                    "other": "linux/arm64", "foreign": "linux/arm64"},
    "linux/arm64": {"cxx": "aarch64-linux-gnu-g++", "triplet": "aarch64-linux-gnu",
                    "libs": Path("/usr/aarch64-linux-gnu/lib"), "loader": "ld-linux-aarch64.so.1",
                    "loader_link": "lib/ld-linux-aarch64.so.1", "other": "linux/arm/v7",
                    "foreign": "linux/amd64"},
    "linux/arm/v7": {"cxx": "arm-linux-gnueabihf-g++", "triplet": "arm-linux-gnueabihf",
                     "libs": Path("/usr/arm-linux-gnueabihf/lib"), "loader": "ld-linux-armhf.so.3",
                     "loader_link": "lib/ld-linux-armhf.so.3", "other": "linux/arm64",
                     "foreign": "linux/arm64"},
}

SOURCES = {
    "foo1.cpp": 'extern "C" int foo_a() { return 1; }\n',
    "foo2.cpp": 'extern "C" int foo_a() { return 1; }\nextern "C" int foo_b() { return 2; }\n',
    "app.cpp": ('#include <iostream>\nextern "C" int foo_a();\nextern "C" int foo_b();\n'
                'int main() { std::cout << foo_a() + foo_b() << std::endl; return 0; }\n'),
    "ver.cpp": 'extern "C" int ver_a() { return 1; }\nextern "C" int ver_b() { return 2; }\n',
    "ver-new.map": "FOO_1.0 { global: ver_a; local: *; };\nFOO_2.0 { global: ver_b; } FOO_1.0;\n",
    "ver-old.map": "FOO_1.0 { global: ver_a; ver_b; local: *; };\n",
    "verapp.cpp": ('#include <cstdio>\nextern "C" int ver_a();\nextern "C" int ver_b();\n'
                   'int main() { std::printf("%d\\n", ver_a() + ver_b()); return 0; }\n'),
    "plugin.cpp": ('extern "C" int host_callback(int);\n'
                   'extern "C" int plugin_entry() { return host_callback(1); }\n'),
}


def arch_dir(platform):
    return BUILD / platform.replace("/", "-")


def compile_all(platform):
    """Builds the programs and libraries of one platform once; returns their folder."""
    out = arch_dir(platform)
    stamp = out / "done"
    if stamp.exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name, text in SOURCES.items():
        (out / name).write_text(text)
    cxx = PLATFORMS[platform]["cxx"]

    def cc(*args):
        run([cxx, "-O1", *args], cwd=out, check=True)

    for d in ("v1", "v2", "ver-new", "ver-old"):
        (out / d).mkdir()
    cc("-shared", "-fPIC", "-Wl,-soname,libfoo.so.1", "-o", "v1/libfoo.so.1", "foo1.cpp")
    cc("-shared", "-fPIC", "-Wl,-soname,libfoo.so.1", "-o", "v2/libfoo.so.1", "foo2.cpp")
    cc("-o", "app", "app.cpp", "v2/libfoo.so.1")
    cc("-o", "app-origin", "app.cpp", "v2/libfoo.so.1", "-Wl,-rpath,$ORIGIN/../lib", "-Wl,--enable-new-dtags")
    cc("-shared", "-fPIC", "-Wl,-soname,libver.so.1", "-Wl,--version-script=ver-new.map", "-o",
       "ver-new/libver.so.1", "ver.cpp")
    cc("-shared", "-fPIC", "-Wl,-soname,libver.so.1", "-Wl,--version-script=ver-old.map", "-o",
       "ver-old/libver.so.1", "ver.cpp")
    cc("-o", "verapp", "verapp.cpp", "ver-new/libver.so.1")
    cc("-shared", "-fPIC", "-o", "plugin.so", "plugin.cpp")
    stamp.write_text("ok\n")
    return out


class Variant:
    """A variant's filesystem as a tar stream: a Debian-like merged-/usr base
    with the platform's real loader, C library and libstdc++."""

    def __init__(self, platform):
        self.platform = platform
        self.p = PLATFORMS[platform]
        self.buf = io.BytesIO()
        self.tar = tarfile.open(fileobj=self.buf, mode="w", format=tarfile.PAX_FORMAT)
        triplet = self.p["triplet"]
        for d in ("etc", "usr", "usr/bin", "usr/lib", f"usr/lib/{triplet}", "usr/lib64", "usr/local",
                  "usr/local/bin", "usr/local/lib", "opt"):
            self.dir(d)
        for link, target in (("lib", "usr/lib"), ("bin", "usr/bin"), ("lib64", "usr/lib64"),
                             ("sbin", "usr/sbin")):
            self.link(link, target)
        for lib in (self.p["loader"], "libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1"):
            self.file(f"usr/lib/{triplet}/{lib}", (self.p["libs"] / lib).resolve().read_bytes())
        # Where PT_INTERP points: /lib64/... or /lib/..., a link as in Debian.
        self.link(self.p["loader_link"].replace("lib", "usr/lib", 1), f"/lib/{triplet}/{self.p['loader']}")

    def dir(self, path):
        info = tarfile.TarInfo(path)
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
        self.tar.addfile(info)

    def file(self, path, data, mode=0o755):
        info = tarfile.TarInfo(path)
        info.size = len(data)
        info.mode = mode
        self.tar.addfile(info, io.BytesIO(data))

    def link(self, path, target):
        info = tarfile.TarInfo(path)
        info.type = tarfile.SYMTYPE
        info.linkname = target
        info.mode = 0o777
        self.tar.addfile(info)

    def lib_dir(self):
        return f"usr/lib/{self.p['triplet']}"

    def audit(self, *args):
        self.tar.close()
        cmd = [str(TOOL), "audit", "--platform", self.platform, *args, "-"]
        proc = subprocess.run(cmd, input=self.buf.getvalue(), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=300)
        return proc.returncode, proc.stdout.decode()


class AuditLoader(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not TOOL.is_file():
            raise unittest.SkipTest(f"{TOOL} is not installed (the install-package fixture installs it)")
        for p in PLATFORMS.values():
            if not shutil.which(p["cxx"]) or not (p["libs"] / p["loader"]).exists():
                raise AssertionError(f"{p['cxx']} or {p['libs'] / p['loader']} is missing: run tests/env/setup.sh")
        cls.bins = {platform: compile_all(platform) for platform in PLATFORMS}

    def each(self):
        for platform in PLATFORMS:
            with self.subTest(platform=platform):
                yield platform, self.bins[platform], Variant(platform)

    def assertPasses(self, result):
        rc, out = result
        self.assertEqual(rc, 0, out)
        self.assertIn("summary: 0 errors", out)
        for rule in ("missing-library", "missing-symbol-version", "undefined-symbol", "missing-entrypoint"):
            self.assertNotIn(f"[{rule}]", out)

    def assertFinding(self, result, *needles):
        rc, out = result
        self.assertEqual(rc, 1, out)
        flat = " ".join(out.split())
        for n in needles:
            self.assertIn(n, flat, f"missing {n!r} in:\n{out}")

    def test_program_and_its_library_pass(self):
        for platform, b, v in self.each():
            v.file(f"{v.lib_dir()}/libfoo.so.1", (b / "v2/libfoo.so.1").read_bytes())
            v.file("usr/local/bin/app", (b / "app").read_bytes())
            rc, out = v.audit()
            self.assertPasses((rc, out))
            self.assertIn("summary: 0 errors, 0 warnings", out)

    def test_missing_library_fails(self):
        for platform, b, v in self.each():
            v.file("usr/local/bin/app", (b / "app").read_bytes())
            self.assertFinding(v.audit(), f"error: /usr/local/bin/app: needs libfoo.so.1, which is not found in "
                               f"the {platform} variant (searched /lib/{v.p['triplet']}",
                               "[missing-library]", "summary: 1 error,")

    def test_origin_runpath(self):
        for platform, b, v in self.each():
            v.dir("opt/foo")
            v.dir("opt/foo/bin")
            v.dir("opt/foo/lib")
            v.file("opt/foo/lib/libfoo.so.1", (b / "v2/libfoo.so.1").read_bytes())
            v.file("opt/foo/bin/app", (b / "app-origin").read_bytes())
            v.link("usr/local/bin/app", "/opt/foo/bin/app")
            self.assertPasses(v.audit())
        # Without the RUNPATH, the same layout fails.
        for platform, b, v in self.each():
            v.dir("opt/foo")
            v.dir("opt/foo/bin")
            v.dir("opt/foo/lib")
            v.file("opt/foo/lib/libfoo.so.1", (b / "v2/libfoo.so.1").read_bytes())
            v.file("opt/foo/bin/app", (b / "app").read_bytes())
            self.assertFinding(v.audit(), "error: /opt/foo/bin/app: needs libfoo.so.1, which is not found",
                               "[missing-library]")

    def test_library_of_another_class_or_machine_is_skipped(self):
        for platform, b, v in self.each():
            other = self.bins[v.p["other"]]
            # First in the search order (/lib/<triplet> through /lib -> usr/lib): another CPU's.
            v.file(f"{v.lib_dir()}/libfoo.so.1", (other / "v2/libfoo.so.1").read_bytes())
            v.file("usr/lib/libfoo.so.1", (b / "v2/libfoo.so.1").read_bytes())
            v.file("usr/local/bin/app", (b / "app").read_bytes())
            rc, out = v.audit("--allow", f"foreign-elf:/{v.lib_dir()}/libfoo.so.1")
            self.assertPasses((rc, out))
            # Alone, it is skipped and named.
            v2 = Variant(platform)
            v2.file(f"{v2.lib_dir()}/libfoo.so.1", (other / "v2/libfoo.so.1").read_bytes())
            v2.file("usr/local/bin/app", (b / "app").read_bytes())
            self.assertFinding(v2.audit(), "needs libfoo.so.1, which is not found",
                               f"skipped /lib/{v2.p['triplet']}/libfoo.so.1: a ", "shared object)")

    def test_base_library_lacking_a_symbol_fails(self):
        for platform, b, v in self.each():
            # The base's libfoo.so.1 (v1: foo_a only) wins; v2 lies where the program does not look.
            v.file(f"{v.lib_dir()}/libfoo.so.1", (b / "v1/libfoo.so.1").read_bytes())
            v.dir("opt/foo")
            v.file("opt/foo/libfoo.so.1", (b / "v2/libfoo.so.1").read_bytes())
            v.file("usr/local/bin/app", (b / "app").read_bytes())
            result = v.audit()
            self.assertFinding(result, "error: /usr/local/bin/app: needs foo_b, which no library it loads defines "
                               f"(it loads /lib/{v.p['triplet']}/libfoo.so.1,",
                               f"in the {platform} variant [undefined-symbol]", "summary: 1 error,")
        # Accepted on purpose, by rule and program glob.
        for platform, b, v in self.each():
            v.file(f"{v.lib_dir()}/libfoo.so.1", (b / "v1/libfoo.so.1").read_bytes())
            v.file("usr/local/bin/app", (b / "app").read_bytes())
            rc, out = v.audit("--allow", "undefined-symbol:/usr/local/bin/*")
            self.assertEqual(rc, 0, out)
            self.assertIn("accepted: /usr/local/bin/app: needs foo_b", out)
            self.assertIn("summary: 0 errors, 0 warnings, 1 accepted", out)

    def test_missing_symbol_version_fails(self):
        for platform, b, v in self.each():
            v.file(f"{v.lib_dir()}/libver.so.1", (b / "ver-old/libver.so.1").read_bytes())
            v.file("usr/local/bin/verapp", (b / "verapp").read_bytes())
            self.assertFinding(v.audit(), "error: /usr/local/bin/verapp: needs version FOO_2.0 of libver.so.1, "
                               f"which /lib/{v.p['triplet']}/libver.so.1 does not define (it defines: FOO_1.0) "
                               f"in the {platform} variant [missing-symbol-version]", "summary: 1 error,")
        for platform, b, v in self.each():
            v.file(f"{v.lib_dir()}/libver.so.1", (b / "ver-new/libver.so.1").read_bytes())
            v.file("usr/local/bin/verapp", (b / "verapp").read_bytes())
            self.assertPasses(v.audit())

    def test_unloaded_plugin_may_leave_symbols_undefined(self):
        for platform, b, v in self.each():
            v.dir("usr/lib/app")
            v.file("usr/lib/app/plugin.so", (b / "plugin.so").read_bytes(), 0o644)
            self.assertPasses(v.audit())

    def test_entrypoint(self):
        for platform, b, v in self.each():
            v.file(f"{v.lib_dir()}/libfoo.so.1", (b / "v2/libfoo.so.1").read_bytes())
            v.file("usr/local/bin/app", (b / "app").read_bytes())
            self.assertFinding(v.audit("--entrypoint", "/usr/local/bin/nope", "--cmd", "app"),
                               "error: /usr/local/bin/nope: the image's ENTRYPOINT runs /usr/local/bin/nope, which "
                               f"is missing from the {platform} variant [missing-entrypoint]")
        for platform, b, v in self.each():
            v.file(f"{v.lib_dir()}/libfoo.so.1", (b / "v2/libfoo.so.1").read_bytes())
            v.file("usr/local/bin/app", (b / "app").read_bytes())
            self.assertPasses(v.audit("--path", "/usr/local/bin:/usr/bin", "--entrypoint=", "--cmd", "app",
                                      "--cmd", "--version"))
        for platform, b, v in self.each():
            v.file(f"{v.lib_dir()}/libfoo.so.1", (b / "v2/libfoo.so.1").read_bytes())
            v.file("usr/local/bin/app", (b / "app").read_bytes())
            self.assertFinding(v.audit("--path", "/usr/bin:/bin", "--cmd", "app"),
                               "error: app: the image's CMD runs \"app\", which no folder of PATH (/usr/bin:/bin) "
                               f"holds in the {platform} variant [missing-entrypoint]")
        for platform, b, v in self.each():
            other = self.bins[v.p["foreign"]]
            v.file("usr/local/bin/app", (other / "app").read_bytes())
            rc, out = v.audit("--entrypoint", "app", "--allow", "foreign-elf")
            self.assertFinding((rc, out), "error: /usr/local/bin/app: the image's ENTRYPOINT runs it, but it is a ",
                               f"; {platform} runs ", "[missing-entrypoint]")


if __name__ == "__main__":
    unittest.main()
