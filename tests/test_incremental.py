"""`cmake --build --target image` reruns buildx only when something the image
depends on changed; with Ninja and with Unix Makefiles."""

import os
import shutil
import stat
import time
import unittest
from pathlib import Path

from harness import Project, TestCase, run, unique_repo

CML = """
    add_custom_command(OUTPUT "${CMAKE_CURRENT_SOURCE_DIR}/ctx/generated.txt"
      COMMAND "${CMAKE_COMMAND}" -E copy "${CMAKE_CURRENT_SOURCE_DIR}/input.txt"
              "${CMAKE_CURRENT_SOURCE_DIR}/ctx/generated.txt"
      DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/input.txt")
    add_custom_target(generate DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/ctx/generated.txt")
    add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm64
      CONTEXT ctx BUILD_ARGS "NOTE=${NOTE}" DEPENDS generate)
"""
FILES = {"ctx/Dockerfile": "FROM scratch\nARG NOTE\nCOPY . /\n",
         "ctx/.dockerignore": "*.log\ncache/\n",
         "ctx/app.txt": "v1\n", "ctx/sub/deep.txt": "deep\n", "ctx/debug.log": "x\n",
         "ctx/cache/blob": "x\n", "input.txt": "in\n"}


def pushes(calls):
    """Builds in a log of docker calls; BuildKit's checks (--call check) of
    the portability check build nothing."""
    return calls.count("buildx build") - calls.count("--call check")


class Incremental(TestCase):
    def check_generator(self, generator):
        repo = unique_repo("incremental")
        project = Project(f"incremental-{generator.split()[0].lower()}", CML, FILES)
        # A recording docker: the real CLI, with each call logged.
        log = project.dir / "docker-calls.log"
        wrapper = project.dir / "docker"
        wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{shutil.which("docker")}" "$@"\n')
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
        proc = run(["cmake", "-S", project.src, "-B", project.build, "-G", generator,
                    f"-DCMAKE_PREFIX_PATH={os.environ.get('MULTIARCH_TEST_PREFIX')}",
                    "-DMULTIARCH_BUILDER=multiarch", f"-DREPO={repo}", "-DNOTE=one",
                    f"-DMULTIARCH_DOCKER_EXECUTABLE={wrapper}"], check=True)

        def build():
            before = pushes(log.read_text()) if log.exists() else 0
            proc = project.build_target()
            self.assertEqual(proc.returncode, 0, proc.stdout)
            calls = log.read_text() if log.exists() else ""
            return pushes(calls) - before, calls

        def touch(rel, text="changed\n"):
            time.sleep(1.1)  # a new mtime even on coarse file systems
            p = project.src / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            with open(p, "a") as f:
                f.write(text)

        self.assertEqual(build()[0], 1)
        n_before = len(log.read_text().splitlines())
        self.assertEqual(build()[0], 0)
        self.assertEqual(len(log.read_text().splitlines()), n_before, "a no-op build ran docker")

        for label, rel, rebuilds in [("ignored file", "ctx/debug.log", 0),
                                     ("file in ignored folder", "ctx/cache/blob", 0),
                                     ("context file", "ctx/app.txt", 1),
                                     ("nested context file", "ctx/sub/deep.txt", 1),
                                     ("new context file", "ctx/sub/new.txt", 1),
                                     ("Dockerfile", "ctx/Dockerfile", 1),
                                     ("DEPENDS target input", "input.txt", 1),
                                     (".dockerignore", "ctx/.dockerignore", 1)]:
            with self.subTest(f"{generator}: {label}"):
                touch(rel, "# changed\n" if rel.endswith(("Dockerfile", ".dockerignore")) else "changed\n")
                self.assertEqual(build()[0], rebuilds, label)
                self.assertEqual(build()[0], 0, f"{label}: second build was not a no-op")

        with self.subTest(f"{generator}: argument of add_multiarch_image"):
            run(["cmake", project.build, "-DNOTE=two"], check=True)
            self.assertEqual(build()[0], 1)
            self.assertEqual(build()[0], 0)

        with self.subTest(f"{generator}: a failed build leaves no stamp"):
            touch("ctx/Dockerfile", "RUN false\n")
            proc = project.build_target()
            self.assertNotEqual(proc.returncode, 0)
            proc = project.build_target()  # retried, fails again
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("docker buildx build failed", " ".join(proc.stdout.split()))
            (project.src / "ctx/Dockerfile").write_text("FROM scratch\nARG NOTE\nCOPY . /\n")
            self.assertEqual(build()[0], 1)

    def test_ninja(self):
        self.check_generator("Ninja")

    def test_unix_makefiles(self):
        self.check_generator("Unix Makefiles")


def real_buildx_plugin():
    for d in (Path(os.environ.get("DOCKER_CONFIG", Path.home() / ".docker")) / "cli-plugins",
              Path("/usr/local/lib/docker/cli-plugins"), Path("/usr/local/libexec/docker/cli-plugins"),
              Path("/usr/lib/docker/cli-plugins"), Path("/usr/libexec/docker/cli-plugins")):
        if (d / "docker-buildx").is_file():
            return d / "docker-buildx"
    raise AssertionError("no docker-buildx plugin found; run tests/env/setup.sh")


class StandaloneBuildx(TestCase):
    """With the real docker CLI, the package runs the CLI's docker-buildx
    program alone (Buildx's standalone mode, a process less per call), the
    very one `docker buildx` runs; MULTIARCH_BUILDX_THROUGH_CLI keeps it on
    the CLI."""

    def test_the_clis_plugin_runs_alone(self):
        repo = unique_repo("standalone")
        project = Project("standalone", """
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm64)
            """, {"Dockerfile": "FROM scratch\nCOPY a.txt /\n", "a.txt": "1\n"})
        # A docker config folder of its own whose docker-buildx logs how it
        # was started (argv[1]: "buildx" when the CLI runs it as a plugin),
        # then runs the real one; the builders stay where they are.
        config = project.dir / "docker-config"
        log = project.dir / "plugin-calls.log"
        (config / "cli-plugins").mkdir(parents=True)
        plugin = config / "cli-plugins" / "docker-buildx"
        plugin.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\nexec "{real_buildx_plugin()}" "$@"\n')
        plugin.chmod(plugin.stat().st_mode | stat.S_IEXEC)
        buildx_dir = Path(os.environ.get("BUILDX_CONFIG") or
                          Path(os.environ.get("DOCKER_CONFIG", Path.home() / ".docker")) / "buildx")
        env = {"DOCKER_CONFIG": str(config), "BUILDX_CONFIG": str(buildx_dir)}
        project.configure(f"-DREPO={repo}", f"-DMULTIARCH_DOCKER_EXECUTABLE={shutil.which('docker')}",
                          check=True)

        def build(extra_env):
            log.unlink(missing_ok=True)
            proc = run(["cmake", "--build", project.build, "--target", "image"], env={**env, **extra_env})
            self.assertEqual(proc.returncode, 0, proc.stdout)
            return log.read_text().split()

        first = build({})
        self.assertIn("build", first)
        self.assertIn("imagetools", first)
        self.assertNotIn("buildx", first, "a call went through the docker CLI")
        (project.src / "a.txt").write_text("2\n")
        through_cli = build({"MULTIARCH_BUILDX_THROUGH_CLI": "1"})
        self.assertIn("buildx", through_cli)
        self.assertNotIn("build", through_cli, "Buildx ran alone though MULTIARCH_BUILDX_THROUGH_CLI is set")


if __name__ == "__main__":
    unittest.main()
