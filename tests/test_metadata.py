"""Release metadata (issue 11): OCI labels and annotations from the CMake
project and git, tag placeholders and SEMVER tag sets, one SOURCE_DATE_EPOCH,
the Bake file and the dry run.  Everything pushed is read back through the
registry's HTTP API."""

import json
import unittest
import re
import time
import uuid
from datetime import datetime, timezone

from harness import (BASE_IMAGE, GENERATOR, OUTSIDE_GIT, PREFIX, SOURCE_DIR, WORK_DIR, Project, TestCase,
                     repo_path, run, unique_repo)

OCI = "org.opencontainers.image"
TWO = ["linux/amd64", "linux/arm64"]
SCRATCH = {"Dockerfile": "FROM scratch\nCOPY hello.txt /\n", "hello.txt": "hello\n"}
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


def git(project, *args, env=None):
    return run(["git", "-C", project.src, *args], env={**GIT_ENV, **(env or {})}, check=True).stdout.strip()


def commit(project, epoch, message="change"):
    stamp = f"@{epoch} +0000"
    git(project, "add", "-A")
    git(project, "commit", "-q", "--allow-empty", "-m", message,
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    return git(project, "rev-parse", "HEAD")


def rfc3339(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def files_below(path):
    return [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]


class Reads(TestCase):
    def pushed(self, repo, tag):
        """(index, {platform: manifest}, {platform: config}) read from the registry."""
        path = repo_path(repo)
        index, _, _ = self.registry.manifest(path, tag)
        platforms = self.registry.platforms(path, tag)
        manifests = {p: self.registry.manifest(path, d)[0] for p, d in platforms.items()}
        configs = {p: self.registry.config(path, d) for p, d in platforms.items()}
        return index, manifests, configs


class Metadata(Reads):
    def test_labels_annotations_tags_and_bake_file_from_project_and_git(self):
        repo = unique_repo("meta")
        password = "pw-" + uuid.uuid4().hex
        project = Project("meta", """
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm64
              TAGS sha-@GIT_SHA@ @GIT_BRANCH@ v@MAJOR@.@MINOR@
              LICENSES "MIT OR Apache-2.0"
              LABELS org.example.team=core "org.opencontainers.image.url=https://override.example"
              ANNOTATIONS index:org.example.extra=1
                          "manifest[linux/arm64]:org.opencontainers.image.title=app-arm64")
            """, SCRATCH)
        project.write("CMakeLists.txt", project.src.joinpath("CMakeLists.txt").read_text().replace(
            "project(consumer VERSION 2.3.4 LANGUAGES NONE)",
            'project(consumer VERSION 2.3.4 DESCRIPTION "A \\${dollar} test; \\"quoted\\"" '
            'HOMEPAGE_URL https://example.com/consumer LANGUAGES NONE)'))
        git(project, "init", "-q", "-b", "feature/meta")
        git(project, "remote", "add", "upstream", "https://example.com/other.git")
        git(project, "remote", "add", "origin", f"https://ci-bot:{password}@git.example.com/team/app.git")
        epoch = 1700000000
        revision = commit(project, epoch, "first")
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)

        info = project.image_json("app")
        self.assertEqual(info["tags"], [f"sha-{revision[:7]}", "feature-meta", "v2.3"])
        labels = {f"{OCI}.title": "consumer", f"{OCI}.description": 'A ${dollar} test; "quoted"',
                  f"{OCI}.url": "https://example.com/consumer",
                  f"{OCI}.source": "https://git.example.com/team/app.git",
                  f"{OCI}.version": "2.3.4", f"{OCI}.revision": revision,
                  f"{OCI}.created": rfc3339(epoch), f"{OCI}.licenses": "MIT OR Apache-2.0"}
        index_annotations = dict(labels, **{"org.example.extra": "1"})
        manifest_annotations = {p: dict(labels) for p in TWO}
        manifest_annotations["linux/arm64"][f"{OCI}.title"] = "app-arm64"
        config_labels = dict(labels, **{"org.example.team": "core",
                                        f"{OCI}.url": "https://override.example"})

        for tag in info["tags"]:
            self.assertEqual(self.registry.manifest(repo_path(repo), tag)[1], info["digest"], tag)
        index, manifests, configs = self.pushed(repo, info["tags"][0])
        self.assertEqual(index["annotations"], index_annotations)
        self.assertEqual(sorted(manifests), TWO)
        for platform in TWO:
            self.assertEqual(manifests[platform]["annotations"], manifest_annotations[platform], platform)
            self.assertEqual(configs[platform]["config"]["Labels"], config_labels, platform)
            # BuildKit's "created" comes from the same SOURCE_DATE_EPOCH.
            self.assertEqual(configs[platform]["created"], rfc3339(epoch), platform)
        self.assertEqual(info["labels"], config_labels)
        self.assertEqual(info["annotations"], {"index": index_annotations,
                                               "manifests": manifest_annotations})

        # The Bake file states the same build: docker buildx bake --print reads it back.
        bake = project.build / "app.bake.json"
        printed = run(["docker", "buildx", "bake", "-f", bake, "--print", "app"], cwd=project.build,
                      check=True).stdout
        target = json.loads(printed[printed.index("{"):])["target"]["app"]
        unescape = lambda v: v.replace("$${", "${").replace("%%{", "%{")
        self.assertEqual(target["platforms"], TWO)
        self.assertEqual(target["args"], {"SOURCE_DATE_EPOCH": str(epoch)})
        self.assertEqual({k: unescape(v) for k, v in target["labels"].items()}, config_labels)
        expected_annotations = ([f"{t}:{k}={v}" for k, v in labels.items() for t in ("index", "manifest")]
                                + ["index:org.example.extra=1",
                                   f"manifest[linux/arm64]:{OCI}.title=app-arm64"])
        self.assertEqual(sorted(unescape(a) for a in target["annotations"]), sorted(expected_annotations))
        self.assertEqual(target["context"], str(project.src))
        self.assertEqual(target["dockerfile"], str(project.src / "Dockerfile"))
        self.assertEqual(target["output"], [{"type": "image", "name": repo, "push-by-digest": "true",
                                             "name-canonical": "true", "push": "true",
                                             # REPRODUCIBLE ON (default; issue 12)
                                             "rewrite-timestamp": "true", "oci-mediatypes": "true",
                                             "compression": "gzip"}])
        self.assertEqual(target["attest"], [{"type": "provenance", "mode": "min"}])

        # The remote's password reaches no file of the build tree and no output.
        self.assertNotIn(password, proc.stdout + printed)
        for f in files_below(project.build):
            self.assertNotIn(password.encode(), f.read_bytes(), str(f))

        # Nothing changed: nothing runs.  A new commit: the image target runs
        # again without reconfiguring, with the new revision and epoch.
        again = project.build_target()
        self.assertNotIn("multiarch: building", again.stdout)
        revision2 = commit(project, epoch + 3600, "second")
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("Re-running CMake", proc.stdout)
        info = project.image_json("app")
        self.assertEqual(info["tags"][0], f"sha-{revision2[:7]}")
        self.assertEqual(info["labels"][f"{OCI}.revision"], revision2)
        self.assertEqual(info["labels"][f"{OCI}.created"], rfc3339(epoch + 3600))

    def test_one_platform_outside_git_metadata_off_and_environment_epoch(self):
        repo = unique_repo("meta-one")
        project = Project("meta-one", """
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/arm64 VERSION 1.4.0-rc.1
              TAGS @VERSION@ @MAJOR@.@MINOR@.@PATCH@-x)
            add_multiarch_image(plain REPOSITORY "${REPO}-plain" PLATFORMS linux/amd64 METADATA OFF
              ANNOTATIONS index:org.example.only=1)
            """, SCRATCH, root=OUTSIDE_GIT)
        self.assertNotEqual(run(["git", "-C", project.src, "rev-parse"]).returncode, 0,
                            "the work dir must lie outside any git repository")
        project.configure(f"-DREPO={repo}", check=True)
        proc = run(["cmake", "--build", project.build, "--target", "image"],
                   env={"SOURCE_DATE_EPOCH": "1600000000"})
        self.assertEqual(proc.returncode, 0, proc.stdout)
        info = project.image_json("app")
        self.assertEqual(info["tags"], ["1.4.0-rc.1", "1.4.0-x"])
        index, manifests, configs = self.pushed(repo, "1.4.0-rc.1")
        # One platform still makes an index (the read-back needs one).
        self.assertIn(self.registry.manifest(repo_path(repo), "1.4.0-rc.1")[2],
                      ("application/vnd.oci.image.index.v1+json",))
        expected = {f"{OCI}.title": "consumer", f"{OCI}.version": "1.4.0-rc.1",
                    f"{OCI}.created": rfc3339(1600000000)}
        self.assertEqual(index["annotations"], expected)
        self.assertEqual(manifests["linux/arm64"]["annotations"], expected)
        self.assertEqual(configs["linux/arm64"]["config"]["Labels"], expected)
        self.assertEqual(configs["linux/arm64"]["created"], rfc3339(1600000000))

        index, manifests, configs = self.pushed(f"{repo}-plain", "2.3.4")
        self.assertEqual(index["annotations"], {"org.example.only": "1"})
        self.assertNotIn("annotations", manifests["linux/amd64"])
        self.assertIsNone(configs["linux/amd64"]["config"].get("Labels"))

    def test_tags_that_resolve_invalid_fail_before_anything_is_pushed(self):
        cases = [
            ("sha-@GIT_SHA@", None, ["@GIT_SHA@ cannot be resolved", "not in a git repository"]),
            ("@GIT_BRANCH@", "detached", ["@GIT_BRANCH@ cannot be resolved", "HEAD is detached"]),
            ("@GIT_BRANCH@", "feat+plus", ['resolves to "feat+plus"', '@GIT_BRANCH@ is "feat+plus"',
                                           "is invalid"]),
            ("b-@GIT_BRANCH@", "x" * 130, ["@GIT_BRANCH@", "the limit is 128"]),
        ]
        for tag, branch, needles in cases:
            with self.subTest(tag=tag, branch=branch):
                repo = unique_repo("meta-bad")
                project = Project("meta-bad", f"""
                    add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS linux/amd64 TAGS {tag})
                    """, SCRATCH, root=OUTSIDE_GIT)
                if branch:
                    git(project, "init", "-q", "-b", "main")
                    commit(project, 1700000000)
                    if branch == "detached":
                        git(project, "checkout", "-q", "--detach")
                    else:
                        git(project, "checkout", "-q", "-b", branch)
                project.configure(f"-DREPO={repo}", check=True)
                proc = project.build_target()
                self.assertFailsWith(proc, *needles, "Nothing was pushed")
                self.assertNothingPushed(repo)

    def test_configure_time_checks(self):
        cases = [
            ("TAGS @VERSON@", ["unknown placeholder @VERSON@"]),
            ("TAGS @VERSION@+x", ["invalid even with its placeholders resolved"]),
            ("ANNOTATIONS bogus", ['ANNOTATIONS value "bogus" is not']),
            ("ANNOTATIONS manifest[linux/s390x]:a=b", ['names platform "linux/s390x"']),
            ("METADATA maybe", ['METADATA "maybe" is not ON or OFF']),
            ("VERSION banana", ['version "banana" is not MAJOR']),
        ]
        for extra, needles in cases:
            with self.subTest(extra=extra):
                project = Project("meta-cfg", f"""
                    add_multiarch_image(app REPOSITORY 127.0.0.1:5000/x PLATFORMS linux/amd64 {extra})
                    """, SCRATCH)
                self.assertFailsWith(project.configure(), *needles)

    def test_dry_run_prints_the_commands_and_pushes_nothing(self):
        repo = unique_repo("meta-dry")
        project = Project("meta-dry", """
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm64 TAGS t1)
            """, SCRATCH)
        project.configure(f"-DREPO={repo}", "-DMULTIARCH_DRY_RUN=ON", check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        commands = [json.loads(m) for m in re.findall(r"multiarch: would run: (\[.*\])", proc.stdout)]
        self.assertEqual([c[1:3] for c in commands], [["buildx", "build"], ["buildx", "imagetools"]],
                         proc.stdout)
        build = commands[0]
        self.assertIn("--annotation", build)
        self.assertIn(f"index:{OCI}.title=consumer", build)
        self.assertEqual(build[-1], str(project.src))
        self.assertIn(f"{repo}:t1", commands[1])
        self.assertNothingPushed(repo)
        self.assertFalse((project.build / "app.image.json").exists())
        self.assertTrue((project.build / "app.bake.json").exists())
        # Off again: the real build runs (a dry run leaves no stamp).
        project.configure("-DMULTIARCH_DRY_RUN=OFF", check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertPushedIndex(repo, "t1", TWO, project.image_json("app"))


class ExampleHello(Reads):
    def test_every_key_in_config_manifests_and_index(self):
        """examples/hello, copied into a git repository of its own."""
        import shutil
        repo = unique_repo("meta-hello")
        src = WORK_DIR / f"meta-hello-{uuid.uuid4().hex[:8]}"
        shutil.copytree(SOURCE_DIR / "examples" / "hello", src / "src")
        project = type("P", (), {"src": src / "src", "build": src / "build"})()
        git(project, "init", "-q", "-b", "main")
        git(project, "remote", "add", "origin", "git@git.example.com:team/hello.git")
        revision = commit(project, 1710000000, "hello")
        run(["cmake", "-S", project.src, "-B", project.build, "-G", GENERATOR,
             f"-DCMAKE_PREFIX_PATH={PREFIX}", f"-DHELLO_REPOSITORY={repo}",
             "-DMULTIARCH_BUILDER=multiarch"], check=True)
        run(["cmake", "--build", project.build, "--target", "image"], check=True)
        info = json.loads((project.build / "hello-image.image.json").read_text())
        expected = {f"{OCI}.title": "hello",
                    f"{OCI}.description": "Prints its version and the platform it runs on",
                    f"{OCI}.url": "https://example.com/hello",
                    f"{OCI}.source": "https://git.example.com/team/hello.git",
                    f"{OCI}.version": "1.0.0", f"{OCI}.revision": revision,
                    f"{OCI}.created": rfc3339(1710000000), f"{OCI}.licenses": "MIT"}
        index, manifests, configs = self.pushed(repo, "1.0.0-candidate")
        self.assertEqual(index["annotations"], expected)
        self.assertEqual(sorted(manifests), ["linux/amd64", "linux/arm/v7", "linux/arm64"])
        for platform in manifests:
            self.assertEqual(manifests[platform]["annotations"], expected, platform)
            self.assertEqual(configs[platform]["config"]["Labels"], expected, platform)
            self.assertEqual(configs[platform]["created"], rfc3339(1710000000), platform)
        self.assertEqual(info["labels"], expected)


class Semver(TestCase):
    """PROMOTE_TAGS SEMVER, as docker/metadata-action's type=semver and
    flavor latest=auto; one platform, a base with a shell, portability
    checks off: the promotion is what is tested."""

    def make(self, repo):
        project = Project("semver", """
            enable_testing()
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64
              TAGS candidate-@VERSION@ PROMOTE_TAGS SEMVER PORTABILITY_CHECK OFF)
            add_multiarch_smoke_test(app COMMAND true)
            """, {"Dockerfile": f"FROM {BASE_IMAGE}\n"})
        return project

    def release(self, project, repo, version):
        """Builds, tests and promotes <version>; returns promotion's output."""
        project.configure(f"-DREPO={repo}", f"-DMULTIARCH_VERSION={version}", check=True)
        project.build_target(check=True)
        tests = project.ctest("-L", "multiarch")
        self.assertEqual(tests.returncode, 0, tests.stdout)
        proc = project.build_target("image-promote")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        return proc.stdout, project.image_json("app")["digest"]

    def tags_at(self, repo, digest):
        path = repo_path(repo)
        return sorted(t for t in self.registry.tags(path)
                      if self.registry.manifest(path, t)[1] == digest)

    def test_release_moves_version_minor_major_and_latest(self):
        repo = unique_repo("semver")
        _, digest = self.release(self.make(repo), repo, "1.0.0")
        self.assertEqual(self.tags_at(repo, digest), ["1", "1.0", "1.0.0", "candidate-1.0.0", "latest"])

    def test_prerelease_moves_only_its_full_version(self):
        repo = unique_repo("semver-rc")
        project = self.make(repo)
        _, first = self.release(project, repo, "1.0.0")
        _, rc = self.release(project, repo, "1.1.0-rc.1")
        self.assertEqual(self.tags_at(repo, rc), ["1.1.0-rc.1", "candidate-1.1.0-rc.1"])
        self.assertEqual(self.tags_at(repo, first), ["1", "1.0", "1.0.0", "candidate-1.0.0", "latest"])

    def test_zero_major_does_not_move_tag_0(self):
        repo = unique_repo("semver-zero")
        _, digest = self.release(self.make(repo), repo, "0.3.1")
        self.assertEqual(self.tags_at(repo, digest), ["0.3", "0.3.1", "candidate-0.3.1", "latest"])
        self.assertNotIn("0", self.registry.tags(repo_path(repo)))

    def test_older_patch_release_leaves_latest_alone(self):
        repo = unique_repo("semver-old")
        project = self.make(repo)
        _, newer = self.release(project, repo, "1.2.0")
        output, older = self.release(project, repo, "1.1.5")
        self.assertEqual(self.tags_at(repo, older), ["1.1", "1.1.5", "candidate-1.1.5"])
        self.assertEqual(self.tags_at(repo, newer), ["1", "1.2", "1.2.0", "candidate-1.2.0", "latest"])
        flat = " ".join(output.split())
        self.assertIn("not moving latest (the repository holds 1.2.0)", flat)
        self.assertIn("not moving 1 (the repository holds 1.2.0)", flat)


if __name__ == "__main__":
    unittest.main()
