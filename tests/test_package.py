"""The package as users get it: find_package after cmake --install,
add_subdirectory, FetchContent; the example built, pushed, smoke-tested and
promoted."""

import subprocess
import tarfile
import unittest

from harness import (GENERATOR, PREFIX, SOURCE_DIR, WORK_DIR, Project, TestCase, run, repo_path,
                     unique_repo)

SCRATCH_IMAGE = """
    add_multiarch_image(app
      REPOSITORY "${REPO}"
      PLATFORMS linux/amd64 linux/arm64
      CONTEXT ctx)
"""
SCRATCH_FILES = {"ctx/Dockerfile": "FROM scratch\nARG TARGETPLATFORM\nCOPY hello.txt /\n",
                 "ctx/hello.txt": "hello\n"}


class ExampleHello(TestCase):
    def test_example_built_pushed_tested_promoted(self):
        repo = unique_repo("hello")
        build = WORK_DIR / "example-hello"
        run(["cmake", "-E", "rm", "-rf", build], check=True)
        run(["cmake", "-S", SOURCE_DIR / "examples" / "hello", "-B", build, "-G", GENERATOR,
             f"-DCMAKE_PREFIX_PATH={PREFIX}", f"-DHELLO_REPOSITORY={repo}",
             "-DMULTIARCH_BUILDER=multiarch"], check=True)
        run(["cmake", "--build", build, "--target", "image"], check=True)
        import json
        info = json.loads((build / "hello-image.image.json").read_text())
        self.assertEqual(info["tags"], ["1.0.0-candidate"])
        digest = self.assertPushedIndex(repo, "1.0.0-candidate",
                                        ["linux/amd64", "linux/arm64", "linux/arm/v7"], info)
        # Each variant holds the binary cross-compiled for its own CPU.
        for platform, mdigest in info["platforms"].items():
            files = self.registry.files(repo_path(repo), mdigest)
            elf = files["usr/local/bin/hello"]
            machine = int.from_bytes(elf[18:20], "little")
            self.assertEqual(machine, {"linux/amd64": 62, "linux/arm64": 183, "linux/arm/v7": 40}[platform])

        # Promotion before the tests ran is refused.
        proc = run(["cmake", "--build", build, "--target", "image-promote"])
        self.assertFailsWith(proc, "refusing to promote", "linux/arm64", "No tag moved")
        self.assertNotIn("1.0.0", self.registry.tags(repo_path(repo)))

        proc = run(["ctest", "--test-dir", build, "-L", "multiarch", "-j", "3", "--output-on-failure"])
        self.assertEqual(proc.returncode, 0, proc.stdout)
        # 2 smoke tests and 1 audit test per platform, and the same-output test.
        self.assertIn("100% tests passed, 0 tests failed out of 10", proc.stdout)

        run(["cmake", "--build", build, "--target", "image-promote"], check=True)
        for tag in ("1.0.0", "latest"):
            _, promoted, _ = self.registry.manifest(repo_path(repo), tag)
            self.assertEqual(promoted, digest)


class Consumers(TestCase):
    def build_and_check(self, project):
        repo = unique_repo("consumer")
        project.configure(f"-DREPO={repo}", check=True)
        project.build_target("image", check=True)
        self.assertPushedIndex(repo, "2.3.4", ["linux/amd64", "linux/arm64"], project.image_json("app"))

    def test_find_package_installed(self):
        self.build_and_check(Project("find-package", SCRATCH_IMAGE, SCRATCH_FILES))

    def test_add_subdirectory(self):
        self.build_and_check(Project("add-subdirectory", SCRATCH_IMAGE, SCRATCH_FILES,
                                     use="add_subdirectory"))

    def test_fetchcontent(self):
        # A release tarball of this repository, fetched by URL with its hash.
        tarball = WORK_DIR / "multiarchimage-src.tar.gz"
        with tarfile.open(tarball, "w:gz") as tar:
            for name in ("CMakeLists.txt", "cmake", "Modules", "tools", "LICENSE"):
                tar.add(SOURCE_DIR / name, arcname=f"multiarchimage/{name}")
        import hashlib
        sha = hashlib.sha256(tarball.read_bytes()).hexdigest()
        project = Project("fetchcontent", f"""
            include(FetchContent)
            FetchContent_Declare(multiarchimage URL "file://{tarball}" URL_HASH SHA256={sha}
                                DOWNLOAD_EXTRACT_TIMESTAMP ON)
            FetchContent_MakeAvailable(multiarchimage)
            """ + SCRATCH_IMAGE, SCRATCH_FILES, use="none")
        self.build_and_check(project)

    def test_version_too_new_is_refused(self):
        project = Project("version", "find_package(MultiArchImage 0.2 REQUIRED)\n", use="none")
        proc = project.configure()
        self.assertFailsWith(proc, "MultiArchImage", "0.2")

    def test_installed_files(self):
        for name in ("MultiArchImageConfig.cmake", "MultiArchImageConfigVersion.cmake",
                     "MultiArchImage.cmake", "MultiArchImage/Scripts/BuildImage.cmake"):
            self.assertTrue((PREFIX / "share/cmake/MultiArchImage" / name).is_file(), name)


if __name__ == "__main__":
    unittest.main()
