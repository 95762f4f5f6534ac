"""Builders as users have them: the engine's own `default` builder (docker
driver) refused before the build with the fix; docker-container builders
without host networking refused when a registry on the host's loopback is
involved; add_multiarch_builder's docker-container options taking effect;
and the README's builder commands for an ordinary Docker host, run word for
word, then build, smoke test and promotion on the builder they create."""

import os
import re
import shutil
import unittest
import uuid
from pathlib import Path

from harness import (BASE_IMAGE, REGISTRY, SOURCE_DIR, WORK_DIR, Project, TestCase, repo_path, run,
                     unique_repo)

BUILDKIT_IMAGE = "multiarch/buildkit:v0.32.2"
THREE = ["linux/amd64", "linux/arm64", "linux/arm/v7"]
SCRATCH = {"Dockerfile": "FROM scratch\nCOPY hello.txt /\n", "hello.txt": "hello\n"}
# Resolves to 127.0.0.1 (tests/env/setup.sh), but is no loopback name to
# BuildKit or to the preflight: the shared registry under another name.
PLAIN_HTTP_HOST = "multiarch-plain-http.test:" + REGISTRY.rsplit(":", 1)[1]


def image(platforms, extra=""):
    return f'add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS {" ".join(platforms)} {extra})\n'


def docker_config_dir():
    return Path(os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker")


def remove_builder(name, env=None):
    run(["docker", "buildx", "rm", "--force", name], env=env)


class DockerDriver(TestCase):
    """Issue 16: the docker driver cannot push an index by digest."""

    def assertRefusedBeforeBuilding(self, proc, repo, *needles):
        self.assertFailsWith(proc, "uses the docker driver", "push-by-digest is currently not implemented",
                             "docker buildx create --name multiarch-builder --driver docker-container "
                             "--driver-opt network=host --bootstrap",
                             "-DMULTIARCH_BUILDER=multiarch-builder",
                             "add_multiarch_builder(multiarch-builder DRIVER docker-container "
                             "DRIVER_OPTS network=host)", "Nothing was pushed", *needles)
        # Refused by the preflight, not by buildx after starting the build.
        self.assertNotIn("multiarch: building", proc.stdout)
        self.assertNotIn("ERROR: failed to build: push-by-digest", proc.stdout)
        self.assertNothingPushed(repo)

    def test_builder_default_named(self):
        repo = unique_repo("docker-driver")
        project = Project("docker-driver", image(THREE), SCRATCH)
        project.configure(f"-DREPO={repo}", "-DMULTIARCH_BUILDER=default", check=True)
        self.assertRefusedBeforeBuilding(project.build_target(), repo, 'builder "default" uses')

    def test_default_current_and_no_builder_named(self):
        # A docker configuration of this test's own, whose current builder is
        # `default`: tests running at the same time keep theirs.
        config = WORK_DIR / f"docker-config-{uuid.uuid4().hex[:8]}"
        config.mkdir(parents=True)
        self.addCleanup(shutil.rmtree, config, ignore_errors=True)
        (config / "cli-plugins").symlink_to(docker_config_dir() / "cli-plugins")
        env = {"DOCKER_CONFIG": str(config)}
        run(["docker", "buildx", "use", "default"], env=env, check=True)
        self.assertIn("default*", run(["docker", "buildx", "ls"], env=env, check=True).stdout)

        repo = unique_repo("docker-driver-current")
        project = Project("docker-driver-current", image(THREE), SCRATCH)
        project.configure(f"-DREPO={repo}", "-DMULTIARCH_BUILDER=", check=True)
        proc = run(["cmake", "--build", project.build, "--target", "image"], env=env)
        self.assertRefusedBeforeBuilding(proc, repo, "Buildx's current builder \"default\" "
                                         "(no BUILDER or MULTIARCH_BUILDER named one)")


class HostNetwork(TestCase):
    """Issue 10: in a docker-container node without network=host, 127.0.0.1
    is the BuildKit container itself (buildx issue 94)."""

    def test_repository_on_loopback(self):
        # A builder made by hand, as the Docker documentation shows.
        name = f"test-nonet-{uuid.uuid4().hex[:6]}"
        self.addCleanup(remove_builder, name)
        run(["docker", "buildx", "create", "--name", name, "--driver", "docker-container",
             "--driver-opt", f"image={BUILDKIT_IMAGE}"], check=True)
        repo = unique_repo("nonet")
        project = Project("nonet", image(THREE, f"BUILDER {name}"), SCRATCH)
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target()
        self.assertFailsWith(proc, f'builder "{name}", node "{name}0", is a docker-container node without '
                             "host networking", f"REPOSITORY {repo} would fail late", "connection refused",
                             f"docker buildx rm {name}, then docker buildx create --name {name} --driver "
                             f"docker-container --driver-opt image={BUILDKIT_IMAGE} --driver-opt network=host "
                             "--bootstrap", "Nothing was pushed")
        self.assertNotIn("multiarch: building", proc.stdout)
        self.assertNothingPushed(repo)

    def test_from_image_on_loopback(self):
        # Declared in CMake; the repository is not on loopback, the base image is.
        name = f"test-nonet-{uuid.uuid4().hex[:6]}"
        self.addCleanup(remove_builder, name)
        path = f"test/nonet-from-{uuid.uuid4().hex[:10]}"
        repo = f"{PLAIN_HTTP_HOST}/{path}"
        cml = (f"add_multiarch_builder({name} DRIVER docker-container DRIVER_OPTS image={BUILDKIT_IMAGE})\n"
               + image(["linux/amd64", "linux/arm64"], f"BUILDER {name}"))
        project = Project("nonet-from", cml, {
            "Dockerfile": f"# the base\nARG BASE={BASE_IMAGE}\n\nFROM $BASE\nCOPY hello.txt /\n",
            "hello.txt": "hello\n"})
        project.configure(f"-DREPO={repo}", f"-DMULTIARCH_PLAIN_HTTP_REGISTRIES={PLAIN_HTTP_HOST}", check=True)
        proc = project.build_target()
        self.assertFailsWith(proc, f'builder "{name}", node "{name}0"', "without host networking",
                             f"FROM {BASE_IMAGE} ({project.src / 'Dockerfile'}:4)",
                             f"add network=host to DRIVER_OPTS of add_multiarch_builder({name} ...)",
                             "Nothing was pushed")
        self.assertNotIn("REPOSITORY", " ".join(proc.stdout.split()).split("without host networking")[1]
                         .split("would fail late")[0])
        self.assertNotIn("multiarch: building", proc.stdout)
        self.assertEqual(self.registry.tags(path), [])
        self.assertFalse(self.registry.has_repository(path))


class InspectionReused(TestCase):
    """Issue 14: a docker-container builder's inspection that passed is read
    again while the builder's configuration, its BuildKit container, the
    host's emulators and Buildx are unchanged; a change of any means a live
    inspection, whose checks then apply."""

    REUSED = "not inspected again"

    def test_reused_until_the_container_or_the_builder_changes(self):
        name = f"test-reuse-{uuid.uuid4().hex[:6]}"
        self.addCleanup(remove_builder, name)
        create = ["docker", "buildx", "create", "--name", name, "--driver", "docker-container",
                  "--driver-opt", f"image={BUILDKIT_IMAGE}"]
        run(create + ["--driver-opt", "network=host", "--bootstrap"], check=True)
        repo = unique_repo("reuse")
        project = Project("reuse", image(THREE, f"BUILDER {name} TAGS t"), SCRATCH)
        project.configure(f"-DREPO={repo}", check=True)

        def build(change):
            project.write("hello.txt", f"{change}\n")
            return project.build_target()

        first = build("first")
        self.assertEqual(first.returncode, 0, first.stdout)
        self.assertNotIn(self.REUSED, first.stdout)
        second = build("second")
        self.assertEqual(second.returncode, 0, second.stdout)
        self.assertIn(f"builder {name} unchanged since its last inspection", second.stdout)
        self.assertPushedIndex(repo, "t", THREE, project.image_json("app"))

        # The BuildKit container paused: inspected live, which cannot reach it.
        container = f"buildx_buildkit_{name}0"
        run(["docker", "pause", container], check=True)
        self.addCleanup(run, ["docker", "unpause", container])
        paused = build("paused")
        self.assertFailsWith(paused, f'builder "{name}" is not usable', "is paused", "Nothing was pushed")
        self.assertNotIn(self.REUSED, paused.stdout)
        run(["docker", "unpause", container], check=True)

        # The BuildKit container gone: inspected (and so started) again.
        run(["docker", "rm", "--force", container], check=True)
        third = build("third")
        self.assertEqual(third.returncode, 0, third.stdout)
        self.assertNotIn(self.REUSED, third.stdout)
        digest = self.assertPushedIndex(repo, "t", THREE, project.image_json("app"))

        # The builder made anew without host networking, under the same name:
        # the live inspection shows it, and the loopback registry is refused.
        remove_builder(name)
        run(create + ["--bootstrap"], check=True)
        fourth = build("fourth")
        self.assertFailsWith(fourth, f'builder "{name}", node "{name}0", is a docker-container node without '
                             "host networking", "Nothing was pushed")
        self.assertNotIn(self.REUSED, fourth.stdout)
        self.assertEqual(self.registry.manifest(repo_path(repo), "t")[1], digest, "the tag moved")


    def test_declared_builder_reused_until_its_declaration_changes(self):
        name = f"test-reuse-decl-{uuid.uuid4().hex[:6]}"
        self.addCleanup(remove_builder, name)
        cml = (f"add_multiarch_builder({name} DRIVER docker-container "
               f"DRIVER_OPTS image={BUILDKIT_IMAGE} network=host ${{EXTRA_OPTS}})\n"
               + image(["linux/amd64", "linux/arm64"], f"BUILDER {name} TAGS t"))
        repo = unique_repo("reuse-decl")
        project = Project("reuse-decl", cml, SCRATCH)
        project.configure(f"-DREPO={repo}", "-DEXTRA_OPTS=", check=True)
        said = []
        for change in ("first", "second"):
            project.write("hello.txt", f"{change}\n")
            proc = project.build_target()
            self.assertEqual(proc.returncode, 0, proc.stdout)
            said.append(self.REUSED in proc.stdout)
        self.assertEqual(said, [False, True])

        # A new option declared: the builder is made anew, and inspected.
        project.configure("-DEXTRA_OPTS=env.MULTIARCH_REUSE_TEST=1", check=True)
        project.write("hello.txt", "third\n")
        third = project.build_target()
        self.assertEqual(third.returncode, 0, third.stdout)
        self.assertNotIn(self.REUSED, third.stdout)
        self.assertIn("env.MULTIARCH_REUSE_TEST", run(["docker", "buildx", "inspect", name], check=True).stdout)
        project.write("hello.txt", "fourth\n")
        fourth = project.build_target()
        self.assertEqual(fourth.returncode, 0, fourth.stdout)
        self.assertIn(self.REUSED, fourth.stdout)
        self.assertPushedIndex(repo, "t", ["linux/amd64", "linux/arm64"], project.image_json("app"))


class DeclaredDockerContainer(TestCase):
    """add_multiarch_builder(... DRIVER docker-container DRIVER_OPTS ...
    BUILDKITD_CONFIG ...): Buildx shows the options, the build uses them."""

    def test_options_take_effect(self):
        name = f"test-dc-{uuid.uuid4().hex[:6]}"
        self.addCleanup(remove_builder, name)
        repo = unique_repo("dc-options")
        # The configuration makes Docker Hub's name resolve through the local
        # registry: offline, `FROM multiarch/busybox:1` can only come from there.
        cml = (f"add_multiarch_builder({name} DRIVER docker-container\n"
               f'  DRIVER_OPTS image={BUILDKIT_IMAGE} network=host "env.MULTIARCH_TEST_MARK=on;off"\n'
               f"  BUILDKITD_CONFIG buildkitd.toml)\n"
               "enable_testing()\n"
               + image(THREE, f"BUILDER {name}")
               + 'add_multiarch_smoke_test(app COMMAND cat /machine EXPECT_OUTPUT "^@MACHINE@")\n')
        project = Project("dc-options", cml, {
            "buildkitd.toml": f'[registry."docker.io"]\n  mirrors = ["{REGISTRY}"]\n'
                              f'[registry."{REGISTRY}"]\n  http = true\n',
            "Dockerfile": "FROM multiarch/busybox:1\nRUN uname -m > /machine\n"})
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn(f"creating builder {name} (driver docker-container)", proc.stdout)
        self.assertPushedIndex(repo, "2.3.4", THREE, project.image_json("app"))

        inspect = run(["docker", "buildx", "inspect", name], check=True).stdout
        self.assertRegex(inspect, r"Driver: +docker-container")
        options = re.search(r"Driver Options: +(.*)", inspect).group(1)
        # (A value holding ";" stays one option.)
        for option in (f'image="{BUILDKIT_IMAGE}"', 'network="host"', 'env.MULTIARCH_TEST_MARK="on;off"'):
            self.assertIn(option, options)
        # The BuildKit container runs that image, on the host's network, with
        # that environment and the configuration file.
        container = f"buildx_buildkit_{name}0"
        fmt = "{{.Config.Image}}|{{.HostConfig.NetworkMode}}|{{json .Config.Env}}"
        seen = run(["docker", "inspect", "--format", fmt, container], check=True).stdout
        self.assertIn(f"{BUILDKIT_IMAGE}|host|", seen)
        self.assertIn('"MULTIARCH_TEST_MARK=on;off"', seen)
        toml = run(["docker", "cp", f"{container}:/etc/buildkit/buildkitd.toml", "-"], check=True).stdout
        # (Buildx writes the file anew, with its own quoting.)
        self.assertRegex(toml, rf"""mirrors = \[['"]{re.escape(REGISTRY)}['"]\]""")

        proc = project.ctest("-L", "multiarch", "-j", "3")
        self.assertEqual(proc.returncode, 0, proc.stdout)

        # Built again: the builder matches its declaration, ";" and all.
        project.write("Dockerfile", "FROM multiarch/busybox:1\nRUN uname -m > /machine && echo 2 > /two\n")
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("differs from its declaration", proc.stdout)
        self.assertNotIn(f"creating builder {name}", proc.stdout)
        self.assertIn(f"builder {name} unchanged since its last inspection", proc.stdout)


class OrdinaryDockerHost(TestCase):
    """The README's commands for an ordinary Docker host, offline variant,
    word for word; then build, smoke tests and promotion on that builder."""

    def readme_commands(self):
        text = (SOURCE_DIR / "README.md").read_text()
        section = text.split("## Prerequisites on an ordinary Docker host", 1)[1].split("\n## ", 1)[0]
        blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
        offline = [b for b in blocks if "offline" in b.splitlines()[0]]
        self.assertEqual(len(offline), 1, f"one ```sh block starting with an 'offline' comment:\n{section}")
        return offline[0]

    def test_readme_commands_then_build_smoke_test_promote(self):
        commands = self.readme_commands()
        name = re.search(r"--name (\S+)", commands).group(1)
        remove_builder(name)
        self.addCleanup(remove_builder, name)
        proc = run(["bash", "-euo", "pipefail", "-c", commands])
        self.assertEqual(proc.returncode, 0, f"{commands}\n{proc.stdout}")
        inspect = run(["docker", "buildx", "inspect", name], check=True).stdout
        self.assertRegex(inspect, r"Driver: +docker-container")
        self.assertIn('network="host"', inspect)

        repo = unique_repo("readme")
        project = Project("readme", f"""
            enable_testing()
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS {" ".join(THREE)}
              TAGS candidate PROMOTE_TAGS release)
            add_multiarch_smoke_test(app COMMAND cat /machine EXPECT_OUTPUT "^@MACHINE@")
            """, {"Dockerfile": f"FROM {BASE_IMAGE}\nRUN uname -m > /machine\n"})
        project.configure(f"-DREPO={repo}", f"-DMULTIARCH_BUILDER={name}", check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn(f"on builder {name}", proc.stdout)
        digest = self.assertPushedIndex(repo, "candidate", THREE, project.image_json("app"))
        proc = project.ctest("-L", "multiarch", "-j", "3")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        project.build_target("image-promote", check=True)
        self.assertEqual(self.registry.manifest(repo_path(repo), "release")[1], digest)


if __name__ == "__main__":
    unittest.main()
