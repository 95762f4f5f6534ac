"""Cross builds that find their own libraries (issue 15, section 4), and the
base images tests/env/setup-suite.sh makes for the suite.

A project that uses find_package(ZLIB) and pkg-config is built for three
platforms with ARTIFACTS: the host build finds the host's zlib, each
sub-build the target's, either Debian's multiarch zlib1g-dev:<arch> (under
/usr/lib/<triplet>) or, where apt refused those (version skew with the
host's packages), the same .debs unpacked into a sysroot per triplet
(/var/lib/multiarch-test/sysroots/<triplet>) passed as CMAKE_SYSROOT through
MULTIARCH_SUBBUILD_CMAKE_ARGS_<platform>.  A library installed only for the
host must not be found in a sub-build.  The registry is read through its
HTTP API only."""

import io
import os
import re
import subprocess
import tarfile
import unittest
from pathlib import Path

from harness import (BUSYBOX_PATH_IMAGE, DEBIAN_IMAGE, DEBIAN_UNMERGED_IMAGE, ELF, Project,
                     TestCase, elf_header, repo_path, run, unique_repo)

THREE = ["linux/amd64", "linux/arm64", "linux/arm/v7"]
TRIPLET = {"linux/amd64": "x86_64-linux-gnu", "linux/arm64": "aarch64-linux-gnu",
           "linux/arm/v7": "arm-linux-gnueabihf"}
DEB_ARCH = {"linux/arm64": "arm64", "linux/arm/v7": "armhf"}
STATE_DIR = Path(os.environ.get("MULTIARCH_STATE_DIR", "/var/lib/multiarch-test"))
SYSROOTS = STATE_DIR / "sysroots"
DOCKER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
HOST_LIBDIR = Path("/usr/lib/x86_64-linux-gnu")


def multiarch_dev_installed(platform):
    """Whether zlib1g-dev:<arch> is installed on the host (Debian multiarch)."""
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", f"zlib1g-dev:{DEB_ARCH[platform]}"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return proc.returncode == 0 and "install ok installed" in proc.stdout


def sysroot(platform):
    """The sysroot setup-suite.sh unpacked zlib into, or None."""
    root = SYSROOTS / TRIPLET[platform]
    return root if (root / "usr/lib" / TRIPLET[platform] / "libz.a").is_file() else None


def subbuild_args(platform, mode):
    """-D arguments for the host configure so that <platform>'s sub-build
    finds zlib in <mode>: "multiarch" (the host's /usr/lib/<triplet>) or
    "sysroot"."""
    if mode == "multiarch":
        return []
    slug = platform.replace("/", "_")
    return [f"-DMULTIARCH_SUBBUILD_CMAKE_ARGS_{slug}=-DCMAKE_SYSROOT={sysroot(platform)}"]


def mode_of(platform):
    if multiarch_dev_installed(platform):
        return "multiarch"
    if sysroot(platform):
        return "sysroot"
    return None


def host_only_library():
    """A library with a link-time name (lib<name>.so) for the host only: not
    for arm64 in Debian's multiarch folder, the cross C library or the sysroot."""
    others = [Path("/usr/lib/aarch64-linux-gnu"), Path("/usr/aarch64-linux-gnu/lib"),
              SYSROOTS / "aarch64-linux-gnu/usr/lib/aarch64-linux-gnu",
              SYSROOTS / "aarch64-linux-gnu/lib/aarch64-linux-gnu"]
    for so in sorted(HOST_LIBDIR.glob("lib*.so")):
        name = so.name
        if not so.exists() or any((d / name).exists() or (d / (name[:-3] + ".a")).exists()
                                  for d in others):
            continue
        return name[3:-3]
    return None


HOST_ONLY = host_only_library()

PROGRAM = """\
    #include <cstdio>
    #include <sys/utsname.h>
    #include <zlib.h>
    int main() {
      struct utsname u;
      uname(&u);
      std::printf("zlib %s %s\\n", zlibVersion(), u.machine);
      return 0;
    }
    """

CMAKELISTS = """
    enable_language(C)
    enable_language(CXX)
    set(ZLIB_USE_STATIC_LIBS ON)  # RUNTIME_LIBRARIES STATIC: libz.a
    find_package(ZLIB REQUIRED)
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(ZLIB_PC REQUIRED zlib)
    find_library(HOST_ONLY_LIBRARY NAMES @HOST_ONLY@)
    add_executable(prog prog.cpp)
    target_link_libraries(prog PRIVATE ZLIB::ZLIB)
    add_multiarch_image(prog-image REPOSITORY "${REPO}" PLATFORMS @PLATFORMS@ ARTIFACTS prog)
    enable_testing()
    add_multiarch_smoke_test(prog-image EXPECT_OUTPUT "^zlib 1\\\\.[0-9.]+ @MACHINE@\\n")
    """

DOCKERFILE = """\
    FROM scratch
    ARG TARGETPLATFORM
    COPY ${TARGETPLATFORM}/ /
    ENTRYPOINT ["/usr/local/bin/prog"]
    """


def zlib_project(label, platforms):
    cml = (CMAKELISTS.replace("@HOST_ONLY@", HOST_ONLY or "multiarch-no-such-library")
           .replace("@PLATFORMS@", " ".join(platforms)))
    return Project(label, cml, {"prog.cpp": PROGRAM, "Dockerfile": DOCKERFILE})


def cache(build_dir):
    """{name: value} of a CMakeCache.txt."""
    out = {}
    for line in (Path(build_dir) / "CMakeCache.txt").read_text().splitlines():
        m = re.match(r"^([^#/][^:=]*):[A-Z]+=(.*)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


class CrossLibs(TestCase):
    def configure_subbuild(self, platform, mode):
        """Configures the host build and <platform>'s sub-build (which also
        compiles prog for it); returns (host cache, sub-build cache)."""
        project = zlib_project(f"cross-libs-{mode}", ["linux/amd64", platform])
        project.configure(f"-DREPO={unique_repo('cross-libs')}", *subbuild_args(platform, mode),
                          check=True)
        slug = platform.replace("/", "-")
        proc = project.build_target(f"multiarch-subbuild-{slug}")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        return cache(project.build), cache(project.build / "multiarch-subbuilds" / slug)

    def check_subbuild(self, platform, mode):
        triplet = TRIPLET[platform]
        host, sub = self.configure_subbuild(platform, mode)
        root = "" if mode == "multiarch" else str(sysroot(platform))
        libdir = f"{root}/usr/lib/{triplet}"
        # The host build: the host's zlib and .pc file.
        self.assertEqual(host["ZLIB_PC_LIBDIR"], "/usr/lib/x86_64-linux-gnu")
        self.assertTrue(host["ZLIB_LIBRARY_RELEASE"].startswith("/usr/lib/x86_64-linux-gnu/"), host)
        # The sub-build: the target's, never the host's.
        zlib = sub.get("ZLIB_LIBRARY_RELEASE") or sub.get("ZLIB_LIBRARY")
        self.assertEqual(zlib, f"{libdir}/libz.a")
        self.assertEqual(sub["ZLIB_PC_LIBDIR"], libdir)
        # Debian's <triplet>-pkg-config leaves out -L of its system folders.
        self.assertIn(sub["ZLIB_PC_LIBRARY_DIRS"], ([libdir] if root else ["", libdir]))
        self.assertTrue(sub["pkgcfg_lib_ZLIB_PC_z"].startswith(libdir + "/libz."), sub["pkgcfg_lib_ZLIB_PC_z"])
        if root:
            self.assertEqual(sub["CMAKE_SYSROOT"], root)
            self.assertTrue(sub["ZLIB_INCLUDE_DIR"].startswith(root + "/"), sub["ZLIB_INCLUDE_DIR"])
        # A library that exists for the host only is found by the host
        # build and not by the sub-build (rather than returning the amd64 one).
        if HOST_ONLY:
            self.assertTrue(host["HOST_ONLY_LIBRARY"].startswith(str(HOST_LIBDIR)), host["HOST_ONLY_LIBRARY"])
            self.assertEqual(sub["HOST_ONLY_LIBRARY"], "HOST_ONLY_LIBRARY-NOTFOUND")

    def test_arm64_subbuild_finds_multiarch_dev_package(self):
        if not multiarch_dev_installed("linux/arm64"):
            self.skipTest("zlib1g-dev:arm64 not installed (apt refused it; the sysroot test covers zlib)")
        self.check_subbuild("linux/arm64", "multiarch")

    def test_arm64_subbuild_finds_sysroot(self):
        if not sysroot("linux/arm64"):
            self.skipTest(f"no sysroot with zlib in {SYSROOTS}/aarch64-linux-gnu (tests/env/setup-suite.sh)")
        self.check_subbuild("linux/arm64", "sysroot")

    def test_zlib_program_on_three_platforms(self):
        modes = {p: mode_of(p) for p in THREE[1:]}
        missing = [p for p, m in modes.items() if m is None]
        self.assertEqual(missing, [], "run tests/env/setup-suite.sh: no zlib for these platforms")
        project = zlib_project("cross-libs-image", THREE)
        repo = unique_repo("cross-libs")
        args = [a for p, m in modes.items() for a in subbuild_args(p, m)]
        project.configure(f"-DREPO={repo}", *args, check=True)
        proc = project.build_target("image")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        info = project.image_json("prog-image")
        self.assertPushedIndex(repo, "2.3.4", THREE, info)
        for platform, mdigest in info["platforms"].items():
            files = self.registry.files(repo_path(repo), mdigest)
            machine, cls, interp = elf_header(files["usr/local/bin/prog"])
            self.assertEqual((machine, cls), ELF[platform][:2], f"{platform}: wrong ELF machine")
            self.assertIsNone(interp, f"{platform}: prog is not static")
        proc = project.ctest("-L", "multiarch", "-j", "3")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("100% tests passed", proc.stdout)


def layer_members(registry, repo, mdigest):
    """{path: TarInfo} over all layers of one variant (later layers win)."""
    manifest, _, _ = registry.manifest(repo, mdigest)
    out = {}
    for layer in manifest["layers"]:
        with tarfile.open(fileobj=io.BytesIO(registry.blob(repo, layer["digest"])), mode="r:*") as tar:
            for m in tar:
                out[m.name.lstrip("./").rstrip("/")] = m
    return out


class SuiteBaseImages(TestCase):
    """The bases of tests/env/setup-suite.sh, read through the registry's API."""

    def variants(self, image):
        repo, tag = repo_path(image).rsplit(":", 1)
        found = self.registry.manifest(repo, tag)
        if found is None:
            self.fail(f"{image} is not in the registry: run tests/env/setup-suite.sh")
        platforms = self.registry.platforms(repo, tag)
        self.assertEqual(sorted(platforms), sorted(THREE), image)
        for platform, mdigest in platforms.items():
            cfg = self.registry.config(repo, mdigest)
            self.assertIn(f"PATH={DOCKER_PATH}", cfg["config"].get("Env", []), f"{image} {platform}")
            self.assertEqual(cfg["config"].get("Cmd"), ["sh"], f"{image} {platform}")
        return repo, platforms

    def test_busybox_with_docker_path(self):
        repo, platforms = self.variants(BUSYBOX_PATH_IMAGE)
        for platform, mdigest in platforms.items():
            members = layer_members(self.registry, repo, mdigest)
            self.assertTrue(members["bin/busybox"].isfile(), platform)
            self.assertTrue(members["bin/sh"].issym(), platform)

    def test_debian_merged_usr(self):
        repo, platforms = self.variants(DEBIAN_IMAGE)
        for platform, mdigest in platforms.items():
            members = layer_members(self.registry, repo, mdigest)
            t = TRIPLET[platform]
            for top in ("bin", "sbin", "lib"):
                self.assertTrue(members[top].issym(), f"{platform}: /{top} is not a symlink")
                self.assertEqual(members[top].linkname, f"usr/{top}", platform)
            if platform == "linux/amd64":
                self.assertEqual(members["lib64"].linkname, "usr/lib64")
                self.assertIn("usr/lib64/ld-linux-x86-64.so.2", members)
            else:
                self.assertNotIn("lib64", members, platform)
            self.assertIn(f"usr/lib/{t}/libc.so.6", members, platform)
            self.assertTrue(any(n.startswith(f"usr/lib/{t}/libbrotlienc.so.1") for n in members), platform)
            self.assertTrue(members["usr/bin/busybox"].isfile(), platform)
            self.assertTrue(members["usr/bin/sh"].issym(), platform)
            self.assertTrue(members["etc/ld.so.conf"].isfile(), platform)
            self.assertIn(f"etc/ld.so.conf.d/{t}.conf", members, platform)

    def test_debian_unmerged(self):
        repo, platforms = self.variants(DEBIAN_UNMERGED_IMAGE)
        for platform, mdigest in platforms.items():
            members = layer_members(self.registry, repo, mdigest)
            tops = ("bin", "sbin", "lib") + (("lib64",) if platform == "linux/amd64" else ())
            for top in tops:
                self.assertTrue(members[top].isdir(), f"{platform}: /{top} is not a directory")
            self.assertIn(f"lib/{TRIPLET[platform]}/libc.so.6", members, platform)
            self.assertTrue(members["bin/busybox"].isfile(), platform)


if __name__ == "__main__":
    unittest.main()
