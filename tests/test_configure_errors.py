"""Every bad argument of add_multiarch_image stops configuring with a
message that names the value and the fix, and nothing reaches the registry."""

import unittest

from harness import Project, TestCase, unique_repo

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
    ("build arg without =", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 BUILD_ARGS VERSION',
     ['BUILD_ARGS value "VERSION" is not KEY=VALUE']),
    ("unknown keyword", 'REPOSITORY "${REPO}" TAG v1 PLATFORMS linux/amd64',
     ['unknown argument "TAG"']),
    ("bad builder name", 'REPOSITORY "${REPO}" PLATFORMS linux/amd64 BUILDER "my builder"',
     ['BUILDER "my builder" is not a valid builder name']),
]


class ConfigureErrors(TestCase):
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


if __name__ == "__main__":
    unittest.main()
