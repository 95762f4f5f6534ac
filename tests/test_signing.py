"""Signing at promotion and verifying with CTest (add_multiarch_image SIGN_KEY,
VERIFY_KEY, SIGN_RECURSIVE), offline (MULTIARCH_SIGN_OFFLINE=ON) against the
local registry, as a user runs it: image, ctest -L multiarch, image-promote
with COSIGN_PASSWORD in the environment, ctest -L signature.  What was signed
is checked through the registry's HTTP API (the signature's tag), not only
through the code under test."""

import os
import shutil
import subprocess
import time
import unittest
import uuid
from pathlib import Path

from harness import (BASE_IMAGE, BUILDER, GENERATOR, PREFIX, SOURCE_DIR, WORK_DIR, Project, TestCase, repo_path, run,
                     unique_repo)
from test_smoke_promote import ctest_results

PASSWORD = "cosign-Pa55-" + uuid.uuid4().hex[:10]
DOCKERFILE = f"FROM {BASE_IMAGE}\nRUN echo one > /version\n"
OFFLINE = "-DMULTIARCH_SIGN_OFFLINE=ON"


def files_below(path):
    for p in Path(path).rglob("*"):
        if p.is_file() and not p.is_symlink():
            yield p


def signature_tags(registry, repository, digest):
    """The tags under which cosign stored signatures of <digest>: v3's
    bundle (referrers fallback tag sha256-<hex>) or v2's sha256-<hex>.sig."""
    name = digest.replace(":", "-")
    return [t for t in registry.tags(repo_path(repository)) if t in (name, name + ".sig")]


class Signing(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cosign = shutil.which("cosign")
        assert cls.cosign, ("cosign is not on PATH: tests/env/setup-suite.sh installs it "
                            "(tests/run-all.sh runs it)")
        cls.keys = WORK_DIR / f"cosign-keys-{uuid.uuid4().hex[:8]}"
        cls.keys.mkdir(parents=True)
        for prefix, password in (("ci", PASSWORD), ("other", "other-" + PASSWORD)):
            proc = subprocess.run([cls.cosign, "generate-key-pair", "--output-key-prefix", prefix],
                                  cwd=cls.keys, env={**os.environ, "COSIGN_PASSWORD": password},
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  stdin=subprocess.DEVNULL)
            assert proc.returncode == 0, proc.stdout
        cls.key, cls.pub = cls.keys / "ci.key", cls.keys / "ci.pub"
        cls.other_pub = cls.keys / "other.pub"

    def env(self, password=PASSWORD):
        env = {k: v for k, v in os.environ.items() if k != "COSIGN_PASSWORD"}
        if password is not None:
            env["COSIGN_PASSWORD"] = password
        return env

    def run_env(self, cmd, password=PASSWORD):
        return subprocess.run([str(c) for c in cmd], env=self.env(password), timeout=900,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              stdin=subprocess.DEVNULL)

    def promote(self, project, password=PASSWORD):
        return self.run_env(["cmake", "--build", project.build, "--target", "image-promote"], password)

    def make(self, label, sign_args, platforms="linux/amd64 linux/arm64"):
        repo = unique_repo(label)
        project = Project(label, f"""
            enable_testing()
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS {platforms}
              TAGS candidate PROMOTE_TAGS release stable {sign_args})
            add_multiarch_smoke_test(app COMMAND cat /version EXPECT_OUTPUT "^one")
            """, {"Dockerfile": DOCKERFILE})
        return repo, project

    def built_and_tested(self, project, *configure_args):
        project.configure(*configure_args, check=True)
        project.build_target(check=True)
        proc = project.ctest("-L", "multiarch", "-j", "2")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        return project.image_json("app")

    def test_promotion_signs_the_tested_digest_and_ctest_verifies(self):
        repo, project = self.make("sign", 'SIGN_KEY "${KEY}" VERIFY_KEY "${PUB}" SIGN_RECURSIVE ON')
        outputs = []
        project.configure(f"-DREPO={repo}", f"-DKEY={self.key}", f"-DPUB={self.pub}", OFFLINE,
                          check=True)
        build = project.build_target(check=True)
        outputs.append(build.stdout)
        info = project.image_json("app")

        # Not signed yet: the signature test fails and names the fix.
        proc = project.ctest("-L", "signature")
        outputs.append(proc.stdout)
        self.assertEqual(ctest_results(proc.stdout), {"app[signature]": "Failed"}, proc.stdout)
        self.assertIn("no valid signature", proc.stdout)
        self.assertIn("app-promote", proc.stdout)
        # The multiarch tests do not include it.
        proc = project.ctest("-L", "multiarch", "-j", "2")
        outputs.append(proc.stdout)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("app[signature]", ctest_results(proc.stdout))

        proc = self.promote(project)
        outputs.append(proc.stdout)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn(f"signed {repo}@{info['digest']}", proc.stdout)
        for tag in ("release", "stable"):
            _, digest, _ = self.registry.manifest(repo_path(repo), tag)
            self.assertEqual(digest, info["digest"], tag)
        # The registry holds a signature of the index and, SIGN_RECURSIVE,
        # of every platform's manifest.
        for digest in [info["digest"], *info["platforms"].values()]:
            self.assertTrue(signature_tags(self.registry, repo, digest), f"no signature of {digest}")

        proc = project.ctest("-L", "signature", "-V")
        outputs.append(proc.stdout)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(ctest_results(proc.stdout), {"app[signature]": "Passed"}, proc.stdout)
        for digest in info["platforms"].values():
            self.assertIn(f"{repo}@{digest} carries a valid signature", proc.stdout)

        # cosign itself, outside the package, agrees.
        proc = run([self.cosign, "verify", "--key", self.pub, "--insecure-ignore-tlog=true",
                    "--allow-http-registry", f"{repo}@{info['digest']}"])
        self.assertEqual(proc.returncode, 0, proc.stdout)

        # Another key fails the test.
        project.configure(f"-DPUB={self.other_pub}", check=True)
        proc = project.ctest("-L", "signature")
        outputs.append(proc.stdout)
        self.assertEqual(ctest_results(proc.stdout), {"app[signature]": "Failed"}, proc.stdout)
        self.assertIn(f"VERIFY_KEY {self.other_pub}", " ".join(proc.stdout.split()))

        # A digest built since, which promotion did not sign, fails it too.
        project.configure(f"-DPUB={self.pub}", check=True)
        project.write("Dockerfile", DOCKERFILE.replace("one", "two"))
        project.write("CMakeLists.txt", (project.src / "CMakeLists.txt").read_text()
                      .replace('"^one"', '"^two"'))
        build = project.build_target(check=True)
        outputs.append(build.stdout)
        rebuilt = project.image_json("app")
        self.assertNotEqual(rebuilt["digest"], info["digest"])
        proc = project.ctest("-L", "signature")
        outputs.append(proc.stdout)
        self.assertEqual(ctest_results(proc.stdout), {"app[signature]": "Failed"}, proc.stdout)
        self.assertIn(f"{repo}@{rebuilt['digest']}", " ".join(proc.stdout.split()))

        # The password and the key's content appear in no output, no file of
        # the build tree, and not in the cache: only the key's path does.
        key_body = self.key.read_text().splitlines()[1].encode()  # first line of the PEM body
        for text in outputs:
            self.assertNotIn(PASSWORD, text)
            self.assertNotIn(key_body.decode(), text)
        for f in files_below(project.build):
            data = f.read_bytes()
            self.assertNotIn(PASSWORD.encode(), data, str(f))
            self.assertNotIn(key_body, data, str(f))

    def test_wrong_password_moves_no_tag(self):
        repo, project = self.make("sign-badpw", 'SIGN_KEY "${KEY}"')
        info = self.built_and_tested(project, f"-DREPO={repo}", f"-DKEY={self.key}", OFFLINE)
        proc = self.promote(project, password="not-the-" + PASSWORD)
        self.assertFailsWith(proc, f"signing {repo}@{info['digest']} with {self.key} failed",
                             "Is COSIGN_PASSWORD the password of", "No tag moved")
        tags = self.registry.tags(repo_path(repo))
        self.assertEqual(tags, ["candidate"])  # no release tag, no signature

        # The right password then signs and promotes.
        proc = self.promote(project)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        _, digest, _ = self.registry.manifest(repo_path(repo), "release")
        self.assertEqual(digest, info["digest"])
        self.assertTrue(signature_tags(self.registry, repo, info["digest"]))

    def test_missing_password_fails_at_once(self):
        repo, project = self.make("sign-nopw", 'SIGN_KEY "${KEY}"')
        project.configure(f"-DREPO={repo}", f"-DKEY={self.key}", OFFLINE, check=True)
        started = time.monotonic()
        proc = self.promote(project, password=None)
        self.assertLess(time.monotonic() - started, 30)
        self.assertFailsWith(proc, f"SIGN_KEY {self.key} is a key file and COSIGN_PASSWORD is not set",
                             "Set COSIGN_PASSWORD", "No tag moved")
        self.assertNothingPushed(repo)

    def test_missing_cosign_names_the_fix(self):
        missing = WORK_DIR / "no-such-dir" / "cosign"
        repo, project = self.make("sign-nocosign", 'SIGN_KEY "${KEY}" VERIFY_KEY "${PUB}"')
        project.configure(f"-DREPO={repo}", f"-DKEY={self.key}", f"-DPUB={self.pub}", OFFLINE,
                          f"-DMULTIARCH_COSIGN_EXECUTABLE={missing}", check=True)
        proc = self.promote(project)
        self.assertFailsWith(proc, f"MULTIARCH_COSIGN_EXECUTABLE={missing} does not exist",
                             "go install github.com/sigstore/cosign/v3/cmd/cosign@",
                             "-DMULTIARCH_COSIGN_EXECUTABLE=<path to cosign>", "No tag moved")
        self.assertNothingPushed(repo)
        proc = project.ctest("-L", "signature")
        self.assertFailsWith(proc, f"MULTIARCH_COSIGN_EXECUTABLE={missing} does not exist",
                             "go install github.com/sigstore/cosign/v3/cmd/cosign@")

    def test_plain_http_registry_verifies_without_credentials(self):
        """A registry of MULTIARCH_PLAIN_HTTP_REGISTRIES (not loopback by name):
        the signature test speaks plain HTTP with an empty Docker configuration.
        (Its smoke tests would need the engine to pull over plain HTTP, so the
        image is signed here by cosign directly instead of by promotion.)"""
        path = f"test/sign-plain-{uuid.uuid4().hex[:8]}"
        repo = f"multiarch-plain-http.test:5000/{path}"
        project = Project("sign-plain", """
            enable_testing()
            add_multiarch_image(app REPOSITORY "${REPO}" PLATFORMS linux/amd64 linux/arm64
              PROMOTE_TAGS release VERIFY_KEY "${PUB}")
            """, {"Dockerfile": "FROM scratch\nCOPY Dockerfile /\n"})
        project.configure(f"-DREPO={repo}", f"-DPUB={self.pub}", OFFLINE,
                          "-DMULTIARCH_PLAIN_HTTP_REGISTRIES=multiarch-plain-http.test:5000",
                          check=True)
        project.build_target(check=True)
        info = project.image_json("app")
        proc = project.ctest("-L", "signature")
        self.assertFailsWith(proc, f"{repo}@{info['digest']}: no signatures found")
        sc = self.keys / "offline-signing-config.json"
        run([self.cosign, "signing-config", "create", "--out", sc], check=True)
        proc = self.run_env([self.cosign, "sign", "--yes", "--key", self.key, "--signing-config", sc,
                             "--allow-http-registry", f"{repo}@{info['digest']}"])
        self.assertEqual(proc.returncode, 0, proc.stdout)
        proc = project.ctest("-L", "signature")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        config = project.build / "app.multiarch" / "cosign-no-credentials" / "config.json"
        self.assertEqual(config.read_text().strip(), '{"auths": {}}')

    def test_configure_errors(self):
        cases = [
            ("SIGN_KEY ci.key", "SIGN_KEY signs the tested digest", "add PROMOTE_TAGS"),
            ('PROMOTE_TAGS r SIGN_KEY "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"',
             "SIGN_KEY holds key text", "Keys in CMake would land in the cache"),
            ("PROMOTE_TAGS r VERIFY_KEY ci.pub SIGN_RECURSIVE maybe",
             'SIGN_RECURSIVE "maybe" is not ON or OFF'),
            ("PROMOTE_TAGS r VERIFY_KEY ci.pub SIGN_RECURSIVE",
             "SIGN_RECURSIVE is given without a value"),
        ]
        for args, *needles in cases:
            with self.subTest(args=args):
                project = Project("sign-bad", f"""
                    add_multiarch_image(app REPOSITORY 127.0.0.1:5000/x PLATFORMS linux/amd64 {args})
                    """, {"Dockerfile": "FROM scratch\n"})
                self.assertFailsWith(project.configure(), "add_multiarch_image(app)", *needles)

    def test_example_hello_signs_at_promotion(self):
        """examples/hello as the main job runs it, with a key: the promotion
        signs the tested digest and ctest -L signature verifies it."""
        repo = unique_repo("hello-signed")
        build = WORK_DIR / "example-hello-signed"
        run(["cmake", "-E", "rm", "-rf", build], check=True)
        run(["cmake", "-S", SOURCE_DIR / "examples" / "hello", "-B", build, "-G", GENERATOR,
             f"-DCMAKE_PREFIX_PATH={PREFIX}", f"-DHELLO_REPOSITORY={repo}",
             f"-DMULTIARCH_BUILDER={BUILDER}", f"-DHELLO_SIGN_KEY={self.key}",
             f"-DHELLO_VERIFY_KEY={self.pub}", OFFLINE], check=True)
        run(["cmake", "--build", build, "--target", "image"], check=True)
        import json
        info = json.loads((build / "hello-image.image.json").read_text())
        proc = run(["ctest", "--test-dir", build, "-L", "multiarch", "-j", "3", "--output-on-failure"])
        self.assertEqual(proc.returncode, 0, proc.stdout)
        proc = self.run_env(["cmake", "--build", build, "--target", "image-promote"])
        self.assertEqual(proc.returncode, 0, proc.stdout)
        for tag in ("1.0.0", "latest"):
            _, promoted, _ = self.registry.manifest(repo_path(repo), tag)
            self.assertEqual(promoted, info["digest"])
        self.assertTrue(signature_tags(self.registry, repo, info["digest"]))
        proc = run(["ctest", "--test-dir", build, "-L", "signature", "--output-on-failure"])
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("100% tests passed, 0 tests failed out of 1", proc.stdout)


if __name__ == "__main__":
    unittest.main()
