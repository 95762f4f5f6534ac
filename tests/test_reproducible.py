"""Same source, same digest (issue 12): REPRODUCIBLE, ATTESTATIONS and CACHE.

Two fresh clones of one commit, in two folders outside any repository,
built in two build trees with the builder's cache emptied in between, must
give the same images.  The cache is emptied on a builder of the tests' own
(created and removed here), never on the shared one.  Everything pushed is
read back through the registry's HTTP API."""

import json
import re
import shutil
import subprocess
import unittest
import uuid

from harness import (BASE_IMAGE, OUTSIDE_GIT, REGISTRY, SOURCE_DIR, Project, TestCase, repo_path,
                     run, unique_repo)

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
EPOCH = 1700000000
TWO = ["linux/amd64", "linux/arm64"]
BUILDKIT_IMAGE = "multiarch/buildkit:v0.32.2"
SBOM_GENERATOR = f"{REGISTRY}/multiarch/sbom-generator:1"

# The program names its own source file (__FILE__, an absolute path with
# Ninja): equal bytes across two clones need the source tree mapped too.
FILES = {
    "Dockerfile": """\
        FROM scratch
        ARG TARGETPLATFORM
        COPY ${TARGETPLATFORM}/ /
        ENTRYPOINT ["/usr/local/bin/app"]
        """,
    "src/main.cpp": """\
        #include <cstdio>
        int main() { std::printf("app from %s\\n", __FILE__); return 0; }
        """,
}
CML = """
    enable_language(CXX)
    add_executable(app src/main.cpp)
    add_multiarch_image(app-image REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm64
      ARTIFACTS app)
    add_multiarch_image(app-noprov REPOSITORY "${REPO}-noprov" PLATFORMS linux/amd64 linux/arm64
      ARTIFACTS app ATTESTATIONS provenance=off)
    """


def git(cwd, *args, env=None):
    return run(["git", "-C", cwd, *args], env={**GIT_ENV, **(env or {})}, check=True).stdout.strip()


class OwnBuilder:
    """A docker-container builder of the tests' own, whose cache may be pruned."""

    def __init__(self):
        self.name = f"repro-{uuid.uuid4().hex[:8]}"

    def create(self):
        run(["docker", "buildx", "create", "--name", self.name, "--driver", "docker-container",
             "--driver-opt", f"image={BUILDKIT_IMAGE}", "--driver-opt", "network=host",
             "--bootstrap"], check=True, timeout=300)

    def prune(self):
        run(["docker", "buildx", "prune", "-af", "--builder", self.name], check=True)

    def remove(self):
        run(["docker", "buildx", "rm", self.name])


class Reproducible(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.builder = OwnBuilder()
        cls.builder.create()

    @classmethod
    def tearDownClass(cls):
        cls.builder.remove()

    def origin(self, files, cml):
        """A git repository holding the project, one commit at EPOCH, outside any repository."""
        root = OUTSIDE_GIT / f"repro-{uuid.uuid4().hex[:8]}"
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        project = Project("origin", cml, files, root=root)
        git(project.src, "init", "-q")
        git(project.src, "add", "-A")
        stamp = f"@{EPOCH} +0000"
        git(project.src, "commit", "-q", "-m", "one",
            env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
        return root, project

    def clone_and_build(self, root, origin, label, repo, *args):
        """A fresh clone of <origin> in <root>/<label>/src, built in <root>/<label>/build."""
        project = Project(label, "", root=root)
        shutil.rmtree(project.src)
        run(["git", "clone", "-q", origin.src, project.src], env=GIT_ENV, check=True)
        project.configure(f"-DREPO={repo}", f"-DMULTIARCH_BUILDER={self.builder.name}", *args,
                          check=True)
        proc = project.build_target("image")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        return project, proc

    def pushed(self, project, name):
        info = project.image_json(name)
        _, index_digest, media = self.registry.manifest(repo_path(info["repository"]), info["digest"])
        self.assertIn("index", media)
        return info

    def test_two_clones_give_the_same_manifests_and_without_provenance_the_same_index(self):
        root, origin = self.origin(FILES, CML)
        repo_a, repo_b = unique_repo("repro-a"), unique_repo("repro-b")
        a, _ = self.clone_and_build(root, origin, "a", repo_a)
        self.builder.prune()
        b, _ = self.clone_and_build(root, origin, "b", repo_b)

        # Default attestations (provenance min): equal variants, recorded attestations.
        ia, ib = self.pushed(a, "app-image"), self.pushed(b, "app-image")
        self.assertEqual(sorted(ia["platforms"]), TWO)
        self.assertEqual(ia["platforms"], ib["platforms"],
                         "the per-platform manifests of two clones differ")
        for info in (ia, ib):
            for p in TWO:
                att = info["attestations"][p]
                self.assertRegex(att["provenance"], r"^sha256:[0-9a-f]{64}$")
                manifest, _, _ = self.registry.manifest(repo_path(info["repository"]), att["manifest"])
                self.assertIn(att["provenance"], [l["digest"] for l in manifest["layers"]])
        # The program's bytes name neither clone nor build tree.
        files = self.registry.files(repo_path(repo_a), ia["platforms"]["linux/amd64"])
        binary = files["usr/local/bin/app"]
        for folder in (str(a.src), str(a.build), str(root)):
            self.assertNotIn(folder.encode(), binary)

        # provenance=off: the index too.
        na, nb = self.pushed(a, "app-noprov"), self.pushed(b, "app-noprov")
        self.assertEqual(na["digest"], nb["digest"], "the indexes without provenance differ")
        self.assertEqual(na["platforms"], ia["platforms"])
        index, _, _ = self.registry.manifest(repo_path(na["repository"]), na["digest"])
        self.assertEqual(len(index["manifests"]), 2, "an attestation was pushed with provenance=off")
        bake = json.loads((a.build / "app-image.bake.json").read_text())
        output = bake["target"]["app-image"]["output"][0]
        for option in ("rewrite-timestamp=true", "oci-mediatypes=true", "compression=gzip"):
            self.assertIn(option, output)
        self.assertEqual(bake["target"]["app-image"]["attest"], ["type=provenance,mode=min"])

    def test_two_clones_of_examples_hello_give_the_same_manifests(self):
        """The example itself: its source tree committed once, cloned twice."""
        root = OUTSIDE_GIT / f"repro-hello-{uuid.uuid4().hex[:8]}"
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        origin = Project("origin", "", root=root)
        shutil.rmtree(origin.src)
        shutil.copytree(SOURCE_DIR / "examples" / "hello", origin.src)
        git(origin.src, "init", "-q")
        git(origin.src, "add", "-A")
        stamp = f"@{EPOCH} +0000"
        git(origin.src, "commit", "-q", "-m", "one",
            env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
        repo_a, repo_b = unique_repo("repro-hello-a"), unique_repo("repro-hello-b")
        a, _ = self.clone_and_build(root, origin, "a", repo_a, f"-DHELLO_REPOSITORY={repo_a}")
        self.builder.prune()
        b, _ = self.clone_and_build(root, origin, "b", repo_b, f"-DHELLO_REPOSITORY={repo_b}")
        ia, ib = self.pushed(a, "hello-image"), self.pushed(b, "hello-image")
        self.assertEqual(sorted(ia["platforms"]), ["linux/amd64", "linux/arm/v7", "linux/arm64"])
        self.assertEqual(ia["platforms"], ib["platforms"],
                         "the per-platform manifests of two clones of examples/hello differ")

    def test_reproducible_off_gives_other_layers_but_the_same_config(self):
        root, origin = self.origin(FILES, CML)
        repo_a, repo_b = unique_repo("unrepro-a"), unique_repo("unrepro-b")
        a, _ = self.clone_and_build(root, origin, "a", repo_a, "-DMULTIARCH_REPRODUCIBLE=OFF")
        self.builder.prune()
        b, _ = self.clone_and_build(root, origin, "b", repo_b, "-DMULTIARCH_REPRODUCIBLE=OFF")
        na, nb = self.pushed(a, "app-noprov"), self.pushed(b, "app-noprov")
        self.assertNotEqual(na["digest"], nb["digest"])
        for p in TWO:
            ma, _, _ = self.registry.manifest(repo_path(repo_a) + "-noprov", na["platforms"][p])
            mb, _, _ = self.registry.manifest(repo_path(repo_b) + "-noprov", nb["platforms"][p])
            # The same "created" (the commit's time either way) and history ...
            ca = self.registry.config(repo_path(repo_a) + "-noprov", na["platforms"][p])
            cb = self.registry.config(repo_path(repo_b) + "-noprov", nb["platforms"][p])
            self.assertEqual(ca["created"], cb["created"])
            self.assertEqual(ca["history"], cb["history"])
            # ... but layers whose file times are those of the checkout and
            # the build (so other diff_ids in the config, and another config).
            self.assertNotEqual([l["digest"] for l in ma["layers"]], [l["digest"] for l in mb["layers"]])
            self.assertNotEqual(ca["rootfs"]["diff_ids"], cb["rootfs"]["diff_ids"])
        self.assertFalse(na["reproducible"])

    def test_registry_cache_after_a_prune_runs_no_run_step(self):
        repo = unique_repo("cache")
        project = Project("cache", """
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm64
              TAGS t CACHE registry)
            """, {"Dockerfile": f"FROM {BASE_IMAGE}\nRUN echo built > /built.txt\nCOPY hello.txt /\n",
                  "hello.txt": "hello\n"})
        project.configure(f"-DREPO={repo}", f"-DMULTIARCH_BUILDER={self.builder.name}", check=True)
        first = project.build_target("app")
        self.assertEqual(first.returncode, 0, first.stdout)
        self.assertRegex(first.stdout, r"#\d+ \[[^\]]*\] RUN echo built")
        self.assertIn("t", self.registry.tags(repo_path(repo)))
        self.assertIn("buildcache", self.registry.tags(repo_path(repo)))
        bake = json.loads((project.build / "app.bake.json").read_text())
        self.assertEqual(bake["target"]["app"]["cache-to"],
                         [f"type=registry,ref={repo}:buildcache,mode=max,image-manifest=true,oci-mediatypes=true"])

        self.builder.prune()
        (project.build / "app.multiarch" / "pushed.stamp").unlink()
        second = project.build_target("app")
        self.assertEqual(second.returncode, 0, second.stdout)
        steps = re.findall(r"^(#\d+) \[[^\]]*\] RUN ", second.stdout, re.M)
        self.assertTrue(steps, second.stdout)
        for step in steps:
            self.assertIn(f"{step} CACHED", second.stdout, f"RUN step {step} ran again:\n{second.stdout}")


class Attestations(TestCase):
    def test_one_platform_without_provenance_is_still_an_index(self):
        repo = unique_repo("one-noprov")
        project = Project("one", """
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 TAGS t
              ATTESTATIONS provenance=off)
            """, {"Dockerfile": "FROM scratch\nCOPY hello.txt /\n", "hello.txt": "hello\n"})
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target("app")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        index, _, media = self.registry.manifest(repo_path(repo), "t")
        self.assertIn("index", media)
        self.assertEqual(len(index["manifests"]), 1)
        self.assertEqual(project.image_json("app")["attestations"], {})

    def test_provenance_max_and_sbom_are_verified_and_recorded(self):
        if self.registry.manifest("multiarch/sbom-generator", "1") is None:
            self.skipTest(f"{SBOM_GENERATOR} is not in the registry (tests/env/setup-suite.sh)")
        repo = unique_repo("sbom")
        project = Project("sbom", f"""
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS linux/amd64 linux/arm64 TAGS t
              ATTESTATIONS provenance=max sbom={SBOM_GENERATOR})
            """, {"Dockerfile": "FROM scratch\nCOPY hello.txt /\n", "hello.txt": "hello\n"})
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target("app")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        info = project.image_json("app")
        for p in TWO:
            att = info["attestations"][p]
            manifest, _, _ = self.registry.manifest(repo_path(repo), att["manifest"])
            types = {l["digest"]: l["annotations"]["in-toto.io/predicate-type"] for l in manifest["layers"]}
            self.assertEqual(types[att["sbom"]], "https://spdx.dev/Document")
            self.assertTrue(types[att["provenance"]].startswith("https://slsa.dev/provenance/"))
            statement = json.loads(self.registry.blob(repo_path(repo), att["sbom"]))
            names = json.dumps(statement["predicate"])
            self.assertIn("hello.txt", names)

    def test_epoch_from_the_build_time_is_warned_about(self):
        project = Project("noepoch", """
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 TAGS t)
            """, {"Dockerfile": "FROM scratch\nCOPY hello.txt /\n", "hello.txt": "hello\n"},
            root=OUTSIDE_GIT)
        self.addCleanup(shutil.rmtree, project.dir, ignore_errors=True)
        project.configure(f"-DREPO={unique_repo('noepoch')}", "-DMULTIARCH_DRY_RUN=ON", check=True)
        proc = run(["cmake", "--build", project.build, "--target", "app"],
                   env={"SOURCE_DATE_EPOCH": ""})
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("the epoch is the build time", proc.stdout)

    def test_bad_values_stop_configuring(self):
        for args, needle in [("ATTESTATIONS provenance=full", "provenance=off|min|max"),
                             ("ATTESTATIONS provenance=min provenance=max", "names provenance twice"),
                             ("CACHE registry REF", "is not registry [REF <ref>], local <dir> or off"),
                             ("CACHE gha", "is not registry [REF <ref>], local <dir> or off"),
                             ("REPRODUCIBLE maybe", "is not ON or OFF")]:
            project = Project("bad", f"""
                add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS linux/amd64 TAGS t {args})
                """, {"Dockerfile": "FROM scratch\n"})
            proc = project.configure(f"-DREPO={unique_repo('bad')}")
            self.assertNotEqual(proc.returncode, 0, args)
            self.assertIn(needle, re.sub(r"\s+", " ", proc.stdout), args)


if __name__ == "__main__":
    unittest.main()
