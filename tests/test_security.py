"""Secrets stay out of images, caches, files and logs; values reach buildx
verbatim and are never executed; a registry login comes from docker login."""

import base64
import json
import os
import shutil
import subprocess
import unittest
import urllib.request
import uuid
from pathlib import Path

from harness import (BASE_IMAGE, WORK_DIR, OwnRegistry, Project, TestCase, Registry, repo_path,
                     run, unique_repo)

PASSWORD = "s3cret-Pa55-" + uuid.uuid4().hex[:8]


def files_below(path):
    for p in Path(path).rglob("*"):
        if p.is_file() and not p.is_symlink():
            yield p


class Verbatim(TestCase):
    def test_special_characters_reach_buildx_verbatim_and_nothing_runs(self):
        repo = unique_repo("verbatim")
        canary = WORK_DIR / f"canary-{uuid.uuid4().hex[:8]}"
        value = (f"two words; semi \"double\" 'single' $(touch {canary}) `touch {canary}` "
                 f"${{HOME}} && touch {canary} | cat\nsecond line")
        project = Project("verbatim", """
            enable_testing()
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm64
              BUILD_ARGS "MSG=${VALUE}" LABELS "org.example.note=${VALUE}")
            add_multiarch_smoke_test(app COMMAND printf "%s|" "${VALUE}" ENV "NOTE=${VALUE}")
            """, {"Dockerfile": f"FROM {BASE_IMAGE}\nARG MSG\nRUN printf '%s' \"$MSG\" > /msg\n"})
        project.configure(f"-DREPO={repo}", f"-DVALUE={value}", check=True)
        build = project.build_target()
        self.assertEqual(build.returncode, 0, build.stdout)
        info = project.image_json("app")
        for platform, digest in info["platforms"].items():
            files = self.registry.files(repo_path(repo), digest)
            self.assertEqual(files["msg"].decode(), value, platform)
            cfg = self.registry.config(repo_path(repo), digest)
            self.assertEqual(cfg["config"]["Labels"]["org.example.note"], value)
        tests = project.ctest("-L", "multiarch", "-V")
        self.assertEqual(tests.returncode, 0, tests.stdout)
        # ctest -V prefixes each output line with the test number.
        first, second = value.split("\n")
        import re
        self.assertRegex(tests.stdout, rf"\d+: {re.escape(first)}\n\d+: {re.escape(second)}\|")
        self.assertFalse(canary.exists(), "a value was executed by a shell")


class Secrets(TestCase):
    def test_secret_reaches_run_step_and_no_layer(self):
        repo = unique_repo("secret")
        secret_file_value = "file-secret-" + uuid.uuid4().hex
        env_value = "env-secret-" + uuid.uuid4().hex
        secret_dir = WORK_DIR / f"secrets-{uuid.uuid4().hex[:8]}"
        secret_dir.mkdir(parents=True)
        (secret_dir / "token").write_text(secret_file_value)
        import hashlib
        digest = hashlib.sha256((secret_file_value + env_value).encode()).hexdigest()
        project = Project("secret", f"""
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS linux/amd64 linux/arm64 linux/arm/v7
              SECRETS "id=token,src={secret_dir}/token" id=apikey,env=MULTIARCH_TEST_API_KEY)
            """, {"Dockerfile": f"""
                FROM {BASE_IMAGE}
                RUN --mount=type=secret,id=token --mount=type=secret,id=apikey \\
                    test "$(cat /run/secrets/token /run/secrets/apikey | sha256sum)" = "{digest}  -" && \\
                    echo used > /proof
                """})
        project.configure(f"-DREPO={repo}", check=True)
        proc = subprocess.run(["cmake", "--build", project.build, "--target", "image"],
                              env={**os.environ, "MULTIARCH_TEST_API_KEY": env_value},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        info = project.image_json("app")
        path = repo_path(repo)
        for platform, digest in info["platforms"].items():
            manifest, _, _ = self.registry.manifest(path, digest)
            self.assertEqual(self.registry.files(path, digest)["proof"], b"used\n")
            blobs = [manifest["config"]["digest"]] + [l["digest"] for l in manifest["layers"]]
            for blob in blobs:
                data = self.registry.blob(path, blob)
                import gzip
                try:
                    data = gzip.decompress(data)
                except OSError:
                    pass
                for secret in (secret_file_value, env_value):
                    self.assertNotIn(secret.encode(), data, f"{platform} blob {blob}")
        for secret in (secret_file_value, env_value):
            self.assertNotIn(secret, proc.stdout)
            for f in files_below(project.build):
                self.assertNotIn(secret.encode(), f.read_bytes(), str(f))

    def test_secret_inside_context_is_refused(self):
        project = Project("secret-in-context", """
            add_multiarch_image(app REPOSITORY 127.0.0.1:5000/x PLATFORMS linux/amd64
              SECRETS id=token,src=token.txt)
            """, {"Dockerfile": "FROM scratch\n", "token.txt": "x"})
        self.assertFailsWith(project.configure(), 'secret "token" file', "lies inside CONTEXT",
                             "keep secrets outside the build context")

    def test_secret_value_instead_of_reference_is_refused(self):
        project = Project("secret-value", """
            add_multiarch_image(app REPOSITORY 127.0.0.1:5000/x PLATFORMS linux/amd64
              SECRETS hunter2)
            """, {"Dockerfile": "FROM scratch\n"})
        self.assertFailsWith(project.configure(), 'SECRETS value "hunter2" is not id=<id>,src=<file>')


class Login(TestCase):
    """A registry that needs a login: the package uses docker's login
    configuration and the password appears nowhere it writes or prints."""

    @classmethod
    def setUpClass(cls):
        root = WORK_DIR / f"auth-registry-{uuid.uuid4().hex[:8]}"
        root.mkdir(parents=True)
        htpasswd = root / "htpasswd"
        subprocess.run(["htpasswd", "-Bbc", str(htpasswd), "builder", PASSWORD], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cls.registry_proc = OwnRegistry(5011, root, htpasswd=htpasswd).start()
        # A docker configuration of the test's own, with the builders of the default one.
        cls.docker_config = root / "docker-config"
        shutil.copytree(Path.home() / ".docker" / "buildx", cls.docker_config / "buildx")
        shutil.copytree(Path.home() / ".docker" / "cli-plugins", cls.docker_config / "cli-plugins")
        cls.env = {"DOCKER_CONFIG": str(cls.docker_config)}

    @classmethod
    def tearDownClass(cls):
        cls.registry_proc.stop()

    def authed_tags(self, path):
        req = urllib.request.Request(f"http://127.0.0.1:5011/v2/{path}/tags/list")
        req.add_header("Authorization", "Basic " + base64.b64encode(f"builder:{PASSWORD}".encode()).decode())
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return json.loads(resp.read()).get("tags") or []
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return []
            raise

    def test_without_login_nothing_is_pushed_then_login_works(self):
        repo = f"127.0.0.1:5011/test/login-{uuid.uuid4().hex[:8]}"
        project = Project("login", """
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm64)
            """, {"Dockerfile": "FROM scratch\nCOPY Dockerfile /\n"})
        project.configure(f"-DREPO={repo}", check=True)
        proc = run(["cmake", "--build", project.build, "--target", "image"], env=self.env)
        self.assertFailsWith(proc, "registry of 127.0.0.1:5011", "docker login", "Nothing was pushed")
        self.assertEqual(self.authed_tags(repo_path(repo)), [])

        login = subprocess.run(["docker", "login", "--username", "builder", "--password-stdin", "127.0.0.1:5011"],
                               input=PASSWORD, text=True, env={**os.environ, **self.env},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.assertEqual(login.returncode, 0, login.stdout)
        proc = run(["cmake", "--build", project.build, "--target", "image"], env=self.env)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(self.authed_tags(repo_path(repo)), ["2.3.4"])
        self.assertNotIn(PASSWORD, proc.stdout)
        for f in files_below(project.build):
            self.assertNotIn(PASSWORD.encode(), f.read_bytes(), str(f))
        self.assertNotIn(PASSWORD.encode(), base64.b64decode(base64.b64encode(
            (project.build / "CMakeCache.txt").read_bytes())))


class PlainHttp(TestCase):
    """multiarch-plain-http.test is the shared registry under a name that
    BuildKit does not take for loopback (tests/env/setup.sh maps it to
    127.0.0.1): a registry that answers plain HTTP."""

    def test_plain_http_needs_an_opt_in(self):
        path = f"test/plain-http-{uuid.uuid4().hex[:8]}"
        repo = f"multiarch-plain-http.test:5000/{path}"
        project = Project("plain-http", """
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm64 PROMOTE_TAGS release)
            """, {"Dockerfile": "FROM scratch\nCOPY Dockerfile /\n"})
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target()
        self.assertFailsWith(proc, "registry multiarch-plain-http.test:5000 answers plain HTTP",
                             "-DMULTIARCH_PLAIN_HTTP_REGISTRIES=multiarch-plain-http.test:5000",
                             "Nothing was pushed")
        self.assertNothingPushed(f"127.0.0.1:5000/{path}")

        project.configure("-DMULTIARCH_PLAIN_HTTP_REGISTRIES=multiarch-plain-http.test:5000", check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        info = project.image_json("app")
        self.assertEqual(info["repository"], repo)
        _, digest, _ = self.registry.manifest(path, "2.3.4")
        self.assertEqual(digest, info["digest"])
        self.assertEqual(sorted(self.registry.platforms(path, "2.3.4")), ["linux/amd64", "linux/arm64"])


if __name__ == "__main__":
    unittest.main()
