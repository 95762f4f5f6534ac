"""Bad input, a table per stage.  Each gives an error that names the value
and the fix, a non-zero exit, pushes nothing and moves no tag; each case
checks the registry through its HTTP API to prove it."""

import subprocess
import unittest
import uuid
from pathlib import Path

from harness import WORK_DIR, OwnRegistry, Project, TestCase, free_port, repo_path, run, unique_repo

DF = {"Dockerfile": "FROM scratch\nCOPY Dockerfile /\n", "sub/keep.txt": "x"}

# (label, arguments after the image name, substrings the message must hold)
CASES = [
    ("no repository", 'PLATFORMS linux/amd64', ["REPOSITORY is required"]),
    ("no platforms", 'REPOSITORY "${REPO}"', ["PLATFORMS is required"]),
    ("empty platform", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 ""', ["an empty platform"]),
    ("malformed platform", 'REPOSITORY "${REPO}" PLATFORMS linux-amd64',
     ['"linux-amd64" is malformed', "linux/arm64"]),
    ("unknown architecture", 'REPOSITORY "${REPO}" PLATFORMS linux/sparc99',
     ['unknown architecture "sparc99"', "amd64 arm64"]),
    ("unsupported os", 'REPOSITORY "${REPO}" PLATFORMS windows/amd64',
     ['operating system "windows"', "linux/<arch>"]),
    ("bad arm variant", 'REPOSITORY "${REPO}" PLATFORMS linux/arm/v9', ['unknown arm variant "v9"']),
    ("duplicate after normalising", 'REPOSITORY "${REPO}" PLATFORMS linux/arm64 linux/arm64/v8',
     ['"linux/arm64/v8" is declared twice (as linux/arm64)']),
    ("duplicate alias", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/x86_64',
     ['"linux/x86_64" is declared twice (as linux/amd64)']),
    ("uppercase path", 'REPOSITORY 127.0.0.1:5000/Team/App PLATFORMS linux/amd64',
     ['path component "Team" has uppercase', 'write "team"']),
    ("whitespace", 'REPOSITORY "127.0.0.1:5000/my app" PLATFORMS linux/amd64',
     ["contains white space"]),
    ("url scheme", 'REPOSITORY http://127.0.0.1:5000/app PLATFORMS linux/amd64',
     ["has a URL scheme", "without it"]),
    ("bad port", 'REPOSITORY 127.0.0.1:99999/app PLATFORMS linux/amd64', ["port 99999 is out of range"]),
    ("non-numeric port", 'REPOSITORY 127.0.0.1:5x0/app PLATFORMS linux/amd64',
     ['registry host "127.0.0.1:5x0" is not a valid host[:port]']),
    ("tag in repository", 'REPOSITORY 127.0.0.1:5000/app:1.0 PLATFORMS linux/amd64',
     ["holds a tag or digest", "TAGS"]),
    ("bad path characters", 'REPOSITORY 127.0.0.1:5000/app__-x PLATFORMS linux/amd64',
     ['path component "app__-x" is invalid']),
    ("tag with forbidden character", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 TAGS "v1+build"',
     ['tag "v1+build" is invalid']),
    ("tag with leading dash", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 TAGS -v1', ['tag "-v1" is invalid']),
    ("tag with leading dot", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 TAGS .v1', ['tag ".v1" is invalid']),
    ("tag too long", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 TAGS ' + "a" * 129,
     ["129 characters long; the limit is 128"]),
    ("tag in both lists", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 TAGS rc PROMOTE_TAGS rc',
     ['tag "rc" is in both TAGS and PROMOTE_TAGS']),
    ("missing dockerfile", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 DOCKERFILE nope.Dockerfile',
     ["nope.Dockerfile\" does not exist"]),
    ("dockerfile is a directory", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 DOCKERFILE sub',
     ["is a directory; name the file"]),
    ("context not a directory", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 CONTEXT missing-dir',
     ["missing-dir\" is not a directory"]),
    ("build arg without =", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 BUILD_ARGS GREETING',
     ['BUILD_ARGS value "GREETING" is not KEY=VALUE']),
    # VERSION is a keyword of its own (the image's version).
    ("build arg named like a keyword", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 BUILD_ARGS VERSION',
     ["VERSION needs a value", "BUILD_ARGS VERSION=<value>"]),
    ("unknown keyword", 'REPOSITORY "${REPO}" TAG v1 PLATFORMS linux/amd64',
     ['unknown argument "TAG"']),
    ("bad builder name", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 BUILDER "my builder"',
     ['BUILDER "my builder" is not a valid builder name']),
]


class ConfigureTime(TestCase):
    def test_table(self):
        for label, args, needles in CASES:
            with self.subTest(label):
                repo = unique_repo("bad")
                project = Project("bad", f"add_multiarch_image(app {args})\n", DF)
                proc = project.configure(f"-DREPO={repo}")
                self.assertFailsWith(proc, "add_multiarch_image(app)", *needles)
                # Nothing to build: no build system was generated.
                self.assertFalse((project.build / "build.ninja").exists())
                self.assertNothingPushed(repo)

    def test_no_tags_and_no_version(self):
        project = Project("noversion", "", DF, use="none")
        project.write("CMakeLists.txt", """
            cmake_minimum_required(VERSION 3.20)
            project(noversion LANGUAGES NONE)
            find_package(MultiArchImage 0.1 REQUIRED)
            add_multiarch_image(app REPOSITORY 127.0.0.1:5000/x PLATFORMS linux/amd64)
            """)
        self.assertFailsWith(project.configure(), "no TAGS given and the project has no VERSION")

    def test_smoke_test_errors(self):
        base = 'add_multiarch_image(app REPOSITORY 127.0.0.1:5000/x PLATFORMS linux/amd64)\n'
        for label, call, needle in [
            ("unknown image", "add_multiarch_smoke_test(nope)", 'no image "nope"'),
            ("foreign platform", "add_multiarch_smoke_test(app PLATFORMS linux/arm64)",
             'platform "linux/arm64" is not a platform of the image'),
            ("bad timeout", "add_multiarch_smoke_test(app TIMEOUT 5s)", 'TIMEOUT "5s" is not a positive'),
            ("env without =", "add_multiarch_smoke_test(app ENV FOO)", 'ENV value "FOO" is not KEY=VALUE'),
        ]:
            with self.subTest(label):
                proc = Project("smoke-bad", base + call + "\n", DF).configure()
                self.assertFailsWith(proc, needle)

    def test_configure_needs_no_docker(self):
        # A docker CLI that cannot be run: configuring still works, building says so.
        repo = unique_repo("nodocker")
        project = Project("nodocker", 'add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64)\n', DF)
        proc = project.configure(f"-DREPO={repo}", "-DMULTIARCH_DOCKER_EXECUTABLE=/nonexistent/docker",
                                 check=True)
        proc = project.build_target()
        self.assertFailsWith(proc, "Docker Buildx is not available", "/nonexistent/docker",
                             "MULTIARCH_DOCKER_EXECUTABLE")
        self.assertNothingPushed(repo)


SCRATCH = {"Dockerfile": "FROM scratch\nCOPY hello.txt /\n", "hello.txt": "hello\n"}
AUTH_PORT = free_port()
DOWN_PORT = free_port()  # nothing listens there
while DOWN_PORT == AUTH_PORT:
    DOWN_PORT = free_port()


def break_dockerfile_into_directory(project):
    (project.src / "Dockerfile").unlink()
    (project.src / "Dockerfile").mkdir()


def remove_context(project):
    import shutil
    shutil.rmtree(project.src / "ctx")


# (label, add_multiarch_image arguments, configure -D args, what to do between
#  configuring and building, environment of the build, target, substrings)
BUILD_CASES = [
    ("platform the builder cannot build", "PLATFORMS linux/amd64 linux/mips64le", [], None, {}, "image",
     ["cannot build linux/mips64le", "It supports: linux/amd64", "qemu-user-static", "Nothing was pushed"]),
    ("builder that does not exist", "PLATFORMS linux/amd64 BUILDER no-such-builder", [], None, {}, "image",
     ['builder "no-such-builder" is not usable', "Existing builders:",
      "docker buildx create --name no-such-builder", "Nothing was pushed"]),
    ("buildx missing", "PLATFORMS linux/amd64", [], None, {"DOCKER_CONFIG": "@EMPTY@"}, "image",
     ["Docker Buildx is not available", "Install the docker-buildx plugin"]),
    ("docker CLI missing", "PLATFORMS linux/amd64", ["-DMULTIARCH_DOCKER_EXECUTABLE=/nonexistent/docker"],
     None, {}, "image", ["Docker Buildx is not available", "/nonexistent/docker", "MULTIARCH_DOCKER_EXECUTABLE"]),
    ("docker daemon unreachable for a docker-driver builder", "PLATFORMS linux/amd64 BUILDER default", [],
     None, {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}, "image",
     ['builder "default"', "failed to connect to the docker API at unix:///nonexistent/docker.sock",
      "Nothing was pushed"]),
    ("registry down", "PLATFORMS linux/amd64", [f"-DREPO=127.0.0.1:{DOWN_PORT}/test/down"], None, {}, "image",
     [f"registry of 127.0.0.1:{DOWN_PORT}/test/down cannot be used", "connection refused", "start the registry",
      "Nothing was pushed"]),
    ("registry needs a login", "PLATFORMS linux/amd64", [f"-DREPO=127.0.0.1:{AUTH_PORT}/test/nologin"], None,
     {}, "image", [f"registry of 127.0.0.1:{AUTH_PORT}/test/nologin cannot be used", "docker login",
                   "Nothing was pushed"]),
    ("Dockerfile deleted after configuring", "PLATFORMS linux/amd64", [],
     lambda p: (p.src / "Dockerfile").unlink(), {}, "image", ["Dockerfile", "is missing or not a file"]),
    ("Dockerfile replaced by a directory", "PLATFORMS linux/amd64", [], break_dockerfile_into_directory, {},
     "image", ["Dockerfile", "is missing or not a file", "change DOCKERFILE"]),
    ("context deleted after configuring", "PLATFORMS linux/amd64 CONTEXT ctx DOCKERFILE Dockerfile", [],
     remove_context, {}, "image", ["build context", "ctx\" is not a directory"]),
    ("smoke test of an image never built", "PLATFORMS linux/amd64", [], None, {}, "ctest",
     ["image app has not been built yet", "--target app"]),
    ("promotion of an image never built", "PLATFORMS linux/amd64 PROMOTE_TAGS release", [], None, {},
     "app-promote", ["image app has not been built", "No tag moved"]),
]


class BuildAndTestTime(TestCase):
    @classmethod
    def setUpClass(cls):
        root = WORK_DIR / f"bad-input-auth-{uuid.uuid4().hex[:8]}"
        root.mkdir(parents=True)
        subprocess.run(["htpasswd", "-Bbc", str(root / "htpasswd"), "someone", "pw-" + uuid.uuid4().hex],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cls.auth_registry = OwnRegistry(AUTH_PORT, root, htpasswd=root / "htpasswd").start()
        cls.empty_config = root / "empty-docker-config"
        cls.empty_config.mkdir()

    @classmethod
    def tearDownClass(cls):
        cls.auth_registry.stop()

    def test_table(self):
        self.assertGreaterEqual(len(CASES) + len(BUILD_CASES), 30)
        for label, args, defines, between, env, target, needles in BUILD_CASES:
            with self.subTest(label):
                repo = unique_repo("bad-build")
                defines = defines or [f"-DREPO={repo}"]
                repo = defines[0].split("=", 1)[1] if defines[0].startswith("-DREPO=") else repo
                files = dict(SCRATCH)
                if "CONTEXT ctx" in args:
                    files = {"Dockerfile": "FROM scratch\n", "ctx/hello.txt": "hello\n"}
                project = Project("bad-build", f"""
                    enable_testing()
                    add_multiarch_image(app REPOSITORY "${{REPO}}" {args})
                    add_multiarch_smoke_test(app)
                    """, files)
                project.configure(f"-DREPO={repo}", *defines, check=True)
                if between:
                    between(project)
                env = {k: (str(self.empty_config) if v == "@EMPTY@" else v) for k, v in env.items()}
                if target == "ctest":
                    proc = run(["ctest", "--test-dir", project.build, "--output-on-failure"], env=env)
                else:
                    proc = run(["cmake", "--build", project.build, "--target", target], env=env)
                self.assertFailsWith(proc, *needles)
                self.assertFalse((project.build / "app.image.json").exists())
                if repo.startswith("127.0.0.1:5000/"):
                    self.assertNothingPushed(repo)
                elif repo.startswith(f"127.0.0.1:{AUTH_PORT}/"):
                    self.assertFalse(any((self.auth_registry.root / "data").rglob("_manifests")),
                                     "something reached the registry that needs a login")


if __name__ == "__main__":
    unittest.main()
