"""Build time: what `cmake --build --target image` does against the real
builder and registry, and what it refuses before pushing anything."""

import subprocess
import unittest
import uuid

from harness import (BASE_IMAGE, MACHINE, WORK_DIR, Project, TestCase, repo_path, run, unique_repo)

THREE = ["linux/amd64", "linux/arm64", "linux/arm/v7"]
SCRATCH = {"Dockerfile": "FROM scratch\nCOPY hello.txt /\n", "hello.txt": "hello\n"}


def image(platforms, extra=""):
    return f'add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS {" ".join(platforms)} {extra})\n'


class Build(TestCase):
    def test_run_step_under_emulation_differs_per_platform(self):
        repo = unique_repo("runstep")
        project = Project("runstep", image(THREE, "TAGS t1 t2 BUILD_ARGS GREETING=hi"), {
            "Dockerfile": f"""
                FROM {BASE_IMAGE}
                ARG GREETING
                RUN uname -m > /machine && echo "$GREETING" > /greeting
                """})
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        # buildx's progress reached the build output as it ran.
        self.assertIn("RUN uname -m", proc.stdout)
        info = project.image_json("app")
        self.assertEqual(info["tags"], ["t1", "t2"])
        digest = self.assertPushedIndex(repo, "t1", THREE, info)
        self.assertEqual(self.registry.manifest(repo_path(repo), "t2")[1], digest)
        for platform, mdigest in info["platforms"].items():
            files = self.registry.files(repo_path(repo), mdigest)
            self.assertEqual(files["machine"].decode().strip(), MACHINE[platform], platform)
            self.assertEqual(files["greeting"].decode().strip(), "hi")

    def test_tags_named_like_keywords_are_recorded(self):
        # One tag each, named like keywords of the package's own helpers:
        # they stay tags (image.json is what promotion reads).
        repo = unique_repo("keywordtags")
        project = Project("keywordtags", image(["linux/amd64"], "TAGS DIGEST PROMOTE_TAGS PUSHED"),
                          {"Dockerfile": "FROM scratch\nCOPY hello.txt /\n", "hello.txt": "hello\n"})
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        info = project.image_json("app")
        self.assertEqual(info["tags"], ["DIGEST"])
        self.assertEqual(info["promote_tags"], ["PUSHED"])
        self.assertEqual(self.registry.manifest(repo_path(repo), "DIGEST")[1], info["digest"])

    def test_failing_build_sets_no_tag(self):
        repo = unique_repo("failing")
        project = Project("failing", image(["linux/amd64", "linux/arm64"]), {
            "Dockerfile": f"FROM {BASE_IMAGE}\nRUN test \"$(uname -m)\" != aarch64\n"})
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target()
        self.assertFailsWith(proc, "docker buildx build failed", "No tag was set")
        self.assertEqual(self.registry.tags(repo_path(repo)), [])
        self.assertFalse((project.build / "app.image.json").exists())


class Builders(TestCase):
    # The native buildkitd tests/env/setup.sh always starts (its own remote
    # builder is multiarch-native; `multiarch` is a docker-container builder).
    ENDPOINT = "unix:///run/multiarch-buildkit/buildkitd.sock"

    def tearDown(self):
        for name in getattr(self, "created", []):
            run(["docker", "buildx", "rm", "--force", name])

    def test_declared_remote_builder_created_reused_and_repaired(self):
        name = f"test-remote-{uuid.uuid4().hex[:6]}"
        self.created = [name]
        repo = unique_repo("declared")
        cml = (f'add_multiarch_builder({name} DRIVER remote ENDPOINT "${{ENDPOINT}}")\n'
               + image(["linux/amd64", "linux/arm64"], f"BUILDER {name}"))
        project = Project("declared", cml, SCRATCH)
        project.configure(f"-DREPO={repo}", f"-DENDPOINT={self.ENDPOINT}", check=True)
        self.assertNotEqual(run(["docker", "buildx", "inspect", name]).returncode, 0)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn(f"creating builder {name}", proc.stdout)
        inspect = run(["docker", "buildx", "inspect", name], check=True).stdout
        self.assertIn("Driver:        remote", inspect)
        self.assertPushedIndex(repo, "2.3.4", ["linux/amd64", "linux/arm64"], project.image_json("app"))

        # Second build (the context changed): the builder is reused as it is.
        with open(project.src / "hello.txt", "a") as f:
            f.write("again\n")
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn(f"builder {name} is ready", proc.stdout)
        self.assertNotIn("creating builder", proc.stdout)

        # Drift: the declaration changed, so the builder is created anew with it.
        project.configure(f"-DREPO={repo}", "-DENDPOINT=unix:///run/multiarch-buildkit/../multiarch-buildkit/buildkitd.sock",
                          check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("differs from its declaration", proc.stdout)
        inspect = run(["docker", "buildx", "inspect", name], check=True).stdout
        self.assertIn("../multiarch-buildkit/buildkitd.sock", inspect)

    def test_declared_docker_container_builder(self):
        """Created from the locally built BuildKit image, as users create theirs
        (tests/env/setup.sh makes sure this engine starts privileged containers)."""
        name = f"test-container-{uuid.uuid4().hex[:6]}"
        self.created = [name]
        repo = unique_repo("container")
        cml = (f"add_multiarch_builder({name} DRIVER docker-container "
               "DRIVER_OPTS image=multiarch/buildkit:v0.32.2 network=host)\n"
               + image(["linux/amd64", "linux/arm64"], f"BUILDER {name}"))
        project = Project("container", cml, SCRATCH)
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn(f"creating builder {name} (driver docker-container)", proc.stdout)
        self.assertRegex(run(["docker", "buildx", "inspect", name], check=True).stdout,
                         r"Driver: +docker-container")
        self.assertPushedIndex(repo, "2.3.4", ["linux/amd64", "linux/arm64"], project.image_json("app"))

    def test_engine_without_privileged_containers(self):
        """An engine that cannot start privileged containers, whatever this
        machine can: a docker CLI wrapper whose engine answers the
        docker-container driver's BuildKit container as Docker 20.10 does where
        the capability bounding set lacks a capability."""
        name = f"test-noprivileged-{uuid.uuid4().hex[:6]}"
        self.created = [name]
        repo = unique_repo("noprivileged")
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        wrapper = WORK_DIR / f"docker-noprivileged-{uuid.uuid4().hex[:6]}"
        wrapper.write_text(
            "#!/bin/sh\n"
            'case " $* " in *" buildx create "*" docker-container "*)\n'
            "  echo 'ERROR: Error response from daemon: failed to create shim task: OCI runtime create "
            "failed: runc create failed: unable to start container process: error during container "
            "init: unable to apply caps: operation not permitted: unknown' >&2\n"
            "  exit 1 ;;\n"
            "esac\n"
            'exec docker "$@"\n')
        wrapper.chmod(0o755)
        cml = (f"add_multiarch_builder({name} DRIVER docker-container "
               "DRIVER_OPTS image=multiarch/buildkit:v0.32.2 network=host)\n"
               + image(["linux/amd64", "linux/arm64"], f"BUILDER {name}"))
        project = Project("noprivileged", cml, SCRATCH)
        project.configure(f"-DREPO={repo}", f"-DMULTIARCH_DOCKER_EXECUTABLE={wrapper}", check=True)
        proc = project.build_target()
        self.assertFailsWith(proc, f"docker buildx create --name {name} failed",
                             "this Docker engine cannot start the privileged container",
                             "unable to apply caps", f"add_multiarch_builder({name} DRIVER remote ENDPOINT",
                             "Nothing was pushed")
        self.assertNothingPushed(repo)

    def test_builder_declaration_errors(self):
        for label, call, needle in [
            ("no driver", "add_multiarch_builder(b)", "DRIVER is required"),
            ("bad driver", "add_multiarch_builder(b DRIVER podman)", 'DRIVER "podman" is not supported'),
            ("remote without endpoint", "add_multiarch_builder(b DRIVER remote)", "DRIVER remote needs ENDPOINT"),
            ("bad option", "add_multiarch_builder(b DRIVER docker-container DRIVER_OPTS network)",
             'DRIVER_OPTS value "network" is not KEY=VALUE'),
            ("missing config", "add_multiarch_builder(b DRIVER docker-container BUILDKITD_CONFIG nope.toml)",
             "nope.toml\" is not a file"),
        ]:
            with self.subTest(label):
                self.assertFailsWith(Project("builder-bad", call + "\n", SCRATCH).configure(), needle)


if __name__ == "__main__":
    unittest.main()
