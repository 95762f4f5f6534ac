"""Faults half-way: registry stopped, killed mid-push or read-only, the
builder's BuildKit daemon killed mid-build.  Each time the target fails with a
message, no tag points at a partial or untested index, and once the fault is
gone the next build succeeds with no clean-up."""

import os
import signal
import subprocess
import threading
import time
import unittest
import uuid
from pathlib import Path

from harness import BASE_IMAGE, WORK_DIR, OwnRegistry, Project, Registry, TestCase, free_port, run


class RegistryFaults(TestCase):
    PORT = free_port()

    def setUp(self):
        self.own = OwnRegistry(self.PORT, WORK_DIR / f"fault-registry-{uuid.uuid4().hex[:8]}").start()
        self.reg = Registry(f"127.0.0.1:{self.PORT}")
        self.path = f"test/fault-{uuid.uuid4().hex[:8]}"
        self.repo = f"127.0.0.1:{self.PORT}/{self.path}"

    def tearDown(self):
        self.own.stop(kill=True)

    def project(self, dockerfile):
        project = Project("fault", """
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm64 TAGS candidate)
            """, {"Dockerfile": dockerfile, "version.txt": "1\n"})
        project.configure(f"-DREPO={self.repo}", check=True)
        return project

    def candidate(self):
        found = self.reg.manifest(self.path, "candidate")
        return found[1] if found else None

    def change(self, project, n):
        (project.src / "version.txt").write_text(f"{n}\n")

    def test_registry_stopped_before_the_push(self):
        project = self.project("FROM scratch\nCOPY version.txt /\n")
        project.build_target(check=True)
        first = self.candidate()
        self.change(project, 2)
        self.own.stop()
        proc = project.build_target()
        self.assertFailsWith(proc, f"the registry of {self.repo} cannot be used", "connection refused",
                             "Nothing was pushed")
        self.own.start()
        self.assertEqual(self.candidate(), first)
        project.build_target(check=True)
        self.assertNotEqual(self.candidate(), first)
        self.assertEqual(self.candidate(), project.image_json("app")["digest"])

    def test_registry_killed_during_the_push(self):
        # Large incompressible layers, so that the upload takes a while.
        project = self.project(f"FROM {BASE_IMAGE}\nCOPY version.txt /\n"
                               "RUN head -c 60000000 /dev/urandom > /big\n")
        uploads = self.own.root / "data/docker/registry/v2/repositories" / self.path / "_uploads"
        killed = threading.Event()

        def kill_when_upload_starts():
            deadline = time.time() + 600
            while time.time() < deadline and not killed.is_set():
                if uploads.is_dir() and any(uploads.iterdir()):
                    self.own.proc.send_signal(signal.SIGKILL)
                    killed.set()
                    return
                time.sleep(0.005)

        watcher = threading.Thread(target=kill_when_upload_starts)
        watcher.start()
        proc = project.build_target()
        killed.set()
        watcher.join()
        self.assertFailsWith(proc, "docker buildx build failed", "No tag was set")
        self.own.proc.wait()
        self.own.start()
        self.assertIsNone(self.candidate())
        self.assertFalse((project.build / "app.image.json").exists())
        project.build_target(check=True)
        self.assertPushedIndexAt(project)

    def assertPushedIndexAt(self, project):
        info = project.image_json("app")
        self.assertEqual(self.candidate(), info["digest"])
        self.assertEqual(sorted(self.reg.platforms(self.path, "candidate")), ["linux/amd64", "linux/arm64"])

    def test_registry_storage_read_only(self):
        project = self.project("FROM scratch\nCOPY version.txt /\n")
        project.build_target(check=True)
        first = self.candidate()
        self.change(project, 2)
        self.own.restart(readonly=True)
        proc = project.build_target()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("No tag was set", " ".join(proc.stdout.split()))
        self.assertEqual(self.candidate(), first)
        self.own.restart(readonly=False)
        project.build_target(check=True)
        self.assertPushedIndexAt(project)
        self.assertNotEqual(self.candidate(), first)


class BuilderFault(TestCase):
    def setUp(self):
        self.root = WORK_DIR / f"fault-buildkitd-{uuid.uuid4().hex[:8]}"
        self.root.mkdir(parents=True)
        self.sock = self.root / "buildkitd.sock"
        self.builder = f"test-fault-{uuid.uuid4().hex[:6]}"
        self.start_daemon()
        run(["docker", "buildx", "create", "--name", self.builder, "--driver", "remote",
             f"unix://{self.sock}"], check=True)

    def start_daemon(self):
        self.log = open(self.root / "buildkitd.log", "ab")
        self.daemon = subprocess.Popen(
            ["buildkitd", "--root", str(self.root / "state"), "--addr", f"unix://{self.sock}",
             "--oci-worker=true", "--containerd-worker=false",
             "--otel-socket-path", str(self.root / "otel.sock")],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        for _ in range(150):
            if run(["buildctl", "--addr", f"unix://{self.sock}", "debug", "workers"]).returncode == 0:
                return
            time.sleep(0.2)
        raise AssertionError(f"buildkitd did not start; see {self.root}/buildkitd.log")

    def tearDown(self):
        run(["docker", "buildx", "rm", "--force", self.builder])
        if self.daemon.poll() is None:
            self.daemon.terminate()
            self.daemon.wait()
        # A daemon killed mid-build leaves its job's rootfs mounted.
        mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()
                  if line.split()[1].startswith(str(self.root) + "/")]
        for mount in sorted(mounts, reverse=True):
            run(["umount", "-l", mount])

    def test_buildkitd_killed_during_the_build(self):
        from harness import repo_path, unique_repo
        repo = unique_repo("fault-builder")
        project = Project("fault-builder", f"""
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS linux/amd64 linux/arm64
              TAGS candidate BUILDER {self.builder})
            """, {"Dockerfile": f"FROM {BASE_IMAGE}\nRUN echo started && sleep 6 && echo done > /done\n"})
        project.configure(f"-DREPO={repo}", check=True)
        build = subprocess.Popen(["cmake", "--build", str(project.build), "--target", "image"],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        output = []
        for line in build.stdout:
            output.append(line)
            if "started" in line and self.daemon.poll() is None:
                self.daemon.send_signal(signal.SIGKILL)
        build.wait()
        text = "".join(output)
        self.assertNotEqual(build.returncode, 0, text)
        self.assertIn("No tag was set", " ".join(text.split()))
        self.assertEqual(self.registry.tags(repo_path(repo)), [])
        self.daemon.wait()
        self.start_daemon()
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertPushedIndex(repo, "candidate", ["linux/amd64", "linux/arm64"], project.image_json("app"))


if __name__ == "__main__":
    unittest.main()
