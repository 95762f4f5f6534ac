"""Test harness for MultiArchImage: drives CMake like a user does and reads
the registry through its HTTP API, independently of the code under test."""

import hashlib
import io
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import tarfile
import tempfile
import textwrap
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("MULTIARCH_SOURCE_DIR", Path(__file__).resolve().parents[1]))
WORK_DIR = Path(os.environ.get("MULTIARCH_TEST_WORK_DIR", "/tmp/multiarch-tests"))
PREFIX = Path(os.environ.get("MULTIARCH_TEST_PREFIX", WORK_DIR / "prefix"))
REGISTRY = os.environ.get("MULTIARCH_TEST_REGISTRY", "127.0.0.1:5000")
BUILDER = os.environ.get("MULTIARCH_TEST_BUILDER", "multiarch")
BASE_IMAGE = f"{REGISTRY}/multiarch/busybox:1"
# Made by tests/env/setup-suite.sh (run-all.sh), for linux/amd64, arm64, arm/v7:
# busybox:1 with PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin;
# a glibc base with merged /usr (lib -> usr/lib, ...) like Debian 12; the same
# with real /lib, /bin, /sbin (and /lib64 on amd64).
BUSYBOX_PATH_IMAGE = f"{REGISTRY}/multiarch/busybox:2"
DEBIAN_IMAGE = f"{REGISTRY}/multiarch/debian:12"
DEBIAN_UNMERGED_IMAGE = f"{REGISTRY}/multiarch/debian:12-unmerged"
GENERATOR = os.environ.get("MULTIARCH_TEST_GENERATOR", "Ninja")

INDEX_TYPES = ("application/vnd.oci.image.index.v1+json",
               "application/vnd.docker.distribution.manifest.list.v2+json")
MANIFEST_TYPES = ("application/vnd.oci.image.manifest.v1+json",
                  "application/vnd.docker.distribution.manifest.v2+json")
MACHINE = {"linux/amd64": "x86_64", "linux/arm64": "aarch64", "linux/arm/v7": "armv7l"}


class Registry:
    """The registry's HTTP API (distribution spec), nothing else."""

    def __init__(self, host=REGISTRY):
        self.base = f"http://{host}/v2/"

    def _get(self, path, accept=None, method="GET"):
        req = urllib.request.Request(self.base + path, method=method)
        if accept:
            req.add_header("Accept", ", ".join(accept))
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read(), resp.headers

    def manifest(self, repo, ref):
        """(json, digest, media type) of a manifest or index; None if absent."""
        try:
            body, headers = self._get(f"{repo}/manifests/{ref}", INDEX_TYPES + MANIFEST_TYPES)
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        return json.loads(body), digest, headers.get("Content-Type")

    def blob(self, repo, digest):
        return self._get(f"{repo}/blobs/{digest}")[0]

    def tags(self, repo):
        """The repository's tags; [] if it does not exist or has none."""
        try:
            body, _ = self._get(f"{repo}/tags/list")
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return []
            raise
        return json.loads(body).get("tags") or []

    def has_repository(self, path):
        """Whether the catalog lists <path>, even with no tag (a push by digest)."""
        # The catalog is sorted: ask for the entries that follow a name just before it.
        body, _ = self._get(f"_catalog?n=5&last={urllib.parse.quote(path[:-1])}")
        return path in (json.loads(body).get("repositories") or [])

    def platforms(self, repo, ref):
        """{platform: manifest digest} of an index, attestations left out."""
        index, _, media = self.manifest(repo, ref)
        assert media in INDEX_TYPES, f"{repo}:{ref} is {media}, not an index"
        out = {}
        for m in index["manifests"]:
            p = m.get("platform", {})
            if p.get("os") == "unknown" or p.get("architecture") == "unknown":
                continue
            name = f"{p['os']}/{p['architecture']}" + (f"/{p['variant']}" if p.get("variant") else "")
            out[name] = m["digest"]
        return out

    def config(self, repo, manifest_digest):
        manifest, _, _ = self.manifest(repo, manifest_digest)
        return json.loads(self.blob(repo, manifest["config"]["digest"]))

    def files(self, repo, manifest_digest):
        """{path: bytes} of the regular files in all layers of one variant."""
        manifest, _, _ = self.manifest(repo, manifest_digest)
        out = {}
        for layer in manifest["layers"]:
            data = self.blob(repo, layer["digest"])
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
                for member in tar:
                    if member.isfile():
                        out[member.name.lstrip("./")] = tar.extractfile(member).read()
        return out


# A folder in no git repository, for Project(root=...).
OUTSIDE_GIT = Path("/tmp/multiarch-tests-outside-git")


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ELF files as the tests read them, independently of the package.
# e_machine, ELF class (1: 32-bit, 2: 64-bit) and the loader a dynamic
# program of each platform names.
ELF = {"linux/amd64": (62, 2, "lib64/ld-linux-x86-64.so.2"),
       "linux/arm64": (183, 2, "lib/ld-linux-aarch64.so.1"),
       "linux/arm/v7": (40, 1, "lib/ld-linux-armhf.so.3")}

def elf_header(data):
    """(e_machine, class, program interpreter or None) of an ELF file."""
    assert data[:4] == b"\x7fELF", "not an ELF file"
    cls, endian = data[4], "<" if data[5] == 1 else ">"
    machine = struct.unpack_from(endian + "H", data, 18)[0]
    if cls == 2:
        phoff, = struct.unpack_from(endian + "Q", data, 32)
        phentsize, phnum = struct.unpack_from(endian + "HH", data, 54)
    else:
        phoff, = struct.unpack_from(endian + "I", data, 28)
        phentsize, phnum = struct.unpack_from(endian + "HH", data, 42)
    interp = None
    for i in range(phnum):
        at = phoff + i * phentsize
        if struct.unpack_from(endian + "I", data, at)[0] != 3:  # PT_INTERP
            continue
        if cls == 2:
            offset, = struct.unpack_from(endian + "Q", data, at + 8)
            size, = struct.unpack_from(endian + "Q", data, at + 32)
        else:
            offset, = struct.unpack_from(endian + "I", data, at + 4)
            size, = struct.unpack_from(endian + "I", data, at + 16)
        interp = data[offset:offset + size].rstrip(b"\0").decode()
    return machine, cls, interp


def readelf_dynamic(data):
    """readelf -d of ELF bytes (binutils reads every CPU's ELF)."""
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        return subprocess.run(["readelf", "-d", f.name], stdout=subprocess.PIPE, text=True,
                              check=True).stdout


def runpath(data):
    m = re.search(r"\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[([^\]]*)\]", readelf_dynamic(data))
    return m.group(1) if m else None


def unique_repo(label):
    """host/path of a repository no other test uses."""
    return f"{REGISTRY}/test/{label}-{uuid.uuid4().hex[:10]}"


def repo_path(repository):
    return repository.split("/", 1)[1]


def run(cmd, cwd=None, env=None, timeout=900, check=False):
    """Runs a command given as a list; returns CompletedProcess with text output."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=full_env, timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          stdin=subprocess.DEVNULL)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{proc.stdout}")
    return proc


class Project:
    """A small CMake project using the package, written into the work dir."""

    def __init__(self, name, cmakelists, files=None, use="find_package", root=None):
        # root: another folder for the project, e.g. one outside any git
        # repository (the work dir lies in the checkout when CI runs).
        self.dir = Path(root or WORK_DIR / "projects") / f"{name}-{uuid.uuid4().hex[:8]}"
        self.src = self.dir / "src"
        self.build = self.dir / "build"
        shutil.rmtree(self.dir, ignore_errors=True)
        self.src.mkdir(parents=True)
        header = {
            "find_package": "find_package(MultiArchImage 0.1 REQUIRED)\n",
            "add_subdirectory": f"add_subdirectory([[{SOURCE_DIR}]] multiarchimage)\n",
            "none": "",
        }[use]
        self.write("CMakeLists.txt", "cmake_minimum_required(VERSION 3.20)\n"
                   "project(consumer VERSION 2.3.4 LANGUAGES NONE)\n" + header
                   + textwrap.dedent(cmakelists))
        for path, content in (files or {}).items():
            self.write(path, content)

    def write(self, path, content):
        p = self.src / path
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(textwrap.dedent(content))
        return p

    def configure(self, *args, check=False):
        return run(["cmake", "-S", self.src, "-B", self.build, "-G", GENERATOR,
                    f"-DCMAKE_PREFIX_PATH={PREFIX}", f"-DMULTIARCH_BUILDER={BUILDER}", *args],
                   check=check)

    def build_target(self, target="image", check=False):
        return run(["cmake", "--build", self.build, "--target", target], check=check)

    def ctest(self, *args):
        return run(["ctest", "--test-dir", self.build, "--output-on-failure", *args])

    def image_json(self, name):
        return json.loads((self.build / f"{name}.image.json").read_text())


class TestCase(unittest.TestCase):
    registry = Registry()

    def assertFailsWith(self, proc, *needles):
        self.assertNotEqual(proc.returncode, 0, f"expected a failure, got exit 0:\n{proc.stdout}")
        flat = " ".join(proc.stdout.split())
        for needle in needles:
            self.assertIn(needle, flat, f"message lacks {needle!r}:\n{proc.stdout}")

    def assertNothingPushed(self, repository):
        path = repo_path(repository)
        self.assertEqual(self.registry.tags(path), [], f"{repository} has tags")
        self.assertFalse(self.registry.has_repository(path), f"{repository} exists in the registry")

    def assertPushedIndex(self, repository, tag, platforms, image_json=None):
        """The tag holds an index with exactly these platforms, each manifest's
        config names its platform, and image.json (if given) agrees."""
        path = repo_path(repository)
        found = self.registry.manifest(path, tag)
        self.assertIsNotNone(found, f"{repository}:{tag} is not in the registry")
        _, digest, media = found
        self.assertIn(media, INDEX_TYPES)
        pushed = self.registry.platforms(path, tag)
        self.assertEqual(sorted(pushed), sorted(platforms))
        for platform, mdigest in pushed.items():
            cfg = self.registry.config(path, mdigest)
            parts = platform.split("/")
            self.assertEqual(cfg["os"], parts[0])
            self.assertEqual(cfg["architecture"], parts[1])
            self.assertEqual(cfg.get("variant", ""), parts[2] if len(parts) > 2 else "")
        if image_json is not None:
            self.assertEqual(image_json["repository"], repository)
            self.assertEqual(image_json["digest"], digest)
            self.assertEqual(image_json["platforms"], pushed)
        return digest


class OwnRegistry:
    """A registry process of the test's own (port, storage, optional
    htpasswd login, optional read-only mode), to break without disturbing
    the shared one."""

    def __init__(self, port, root, htpasswd=None, readonly=False):
        self.port, self.root, self.htpasswd, self.readonly = port, Path(root), htpasswd, readonly
        self.host = f"127.0.0.1:{port}"
        self.proc = None

    def config(self):
        auth = (f"auth:\n  htpasswd:\n    realm: multiarch-test\n    path: {self.htpasswd}\n"
                if self.htpasswd else "")
        readonly = "  maintenance:\n    readonly:\n      enabled: true\n" if self.readonly else ""
        return (f"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
                f"    rootdirectory: {self.root / 'data'}\n  delete:\n    enabled: true\n{readonly}"
                f"http:\n  addr: {self.host}\n{auth}")

    def start(self):
        import socket
        import time
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "config.yml").write_text(self.config())
        self.log = open(self.root / "registry.log", "ab")
        self.proc = subprocess.Popen(["docker-registry", "serve", str(self.root / "config.yml")],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"registry on {self.host} did not start; see {self.root}/registry.log")

    def stop(self, kill=False):
        if self.proc and self.proc.poll() is None:
            (self.proc.kill if kill else self.proc.terminate)()
            self.proc.wait(timeout=30)
        self.proc = None

    def restart(self, **changes):
        self.stop()
        for k, v in changes.items():
            setattr(self, k, v)
        return self.start()
