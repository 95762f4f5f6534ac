"""Multi-node builders (add_multiarch_builder ... NODES): two BuildKit
daemons started here, one owning linux/amd64 (unix socket) and one owning
linux/arm64 (tcp with TLS, client certificate required), as a build farm
with a native node per architecture would be.  Here both run on this
machine and the arm64 one emulates; the daemons' own build records show
which node built what."""

import http.client
import json
import re
import shutil
import threading
import unittest
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from buildkit_nodes import (BuildkitDaemon, buildx_nodes, exported_names, make_tls, result_digest)
from harness import (BASE_IMAGE, MACHINE, REGISTRY, SOURCE_DIR, WORK_DIR, Project, TestCase, free_port,
                     repo_path, run, unique_repo)

BOTH = ["linux/amd64", "linux/arm64"]
ENSURE = SOURCE_DIR / "Modules" / "MultiArchImage" / "Scripts" / "EnsureBuilder.cmake"


def would_run(output):
    """The commands a dry run of EnsureBuilder.cmake prints, without argv[0]."""
    return [json.loads(m)[1:] for m in re.findall(r"multiarch: would run: (\[.*\])", output)]


class RacedRegistry:
    """The suite's registry behind a proxy on a port of its own that refuses
    the first blob upload it sees to completion as a registry that lost the
    race between two nodes pushing one blob at once does ("provided digest
    did not match uploaded content"); everything else passes through."""

    def __init__(self):
        self.port = free_port()
        self.refused = []
        upstream_host, upstream_port = REGISTRY.split(":")
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_one_request(self):
                try:
                    super().handle_one_request()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def body(self):
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    data = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        chunk = self.rfile.read(size)
                        self.rfile.readline()
                        if size == 0:
                            return data
                        data += chunk
                return self.rfile.read(int(self.headers.get("Content-Length", 0)))

            def answer(self, status, headers, data, head=False):
                self.send_response_only(status)
                for k, v in headers:
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                length = dict((k.lower(), v) for k, v in headers).get("content-length", str(len(data)))
                self.send_header("Content-Length", length if head else str(len(data)))
                self.end_headers()
                if not head:
                    self.wfile.write(data)

            def forward(self):
                data = self.body()
                if (self.command == "PUT" and "/blobs/uploads/" in self.path and "digest=" in self.path
                        and not proxy.refused):
                    proxy.refused.append(self.path)
                    error = {"errors": [{"code": "DIGEST_INVALID",
                                         "message": "provided digest did not match uploaded content"}]}
                    self.answer(400, [("Content-Type", "application/json")], json.dumps(error).encode())
                    return
                conn = http.client.HTTPConnection(upstream_host, int(upstream_port), timeout=60)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("transfer-encoding", "connection", "content-length")}
                headers["Content-Length"] = str(len(data))
                conn.request(self.command, self.path, body=data, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
                self.answer(resp.status, resp.getheaders(), payload, head=self.command == "HEAD")
                conn.close()

            do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = forward

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class MultiNode(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.base = WORK_DIR / "multinode" / uuid.uuid4().hex[:8]
        cls.addClassCleanup(shutil.rmtree, cls.base, ignore_errors=True)
        cls.tls = make_tls(cls.base / "tls")
        cls.amd = BuildkitDaemon(cls.base, "amd64")
        cls.arm = BuildkitDaemon(cls.base, "arm64", tcp=True, tls=cls.tls)
        for daemon in (cls.amd, cls.arm):
            cls.addClassCleanup(daemon.remove)
            daemon.start()

    def setUp(self):
        self.builder = f"mn-{uuid.uuid4().hex[:6]}"
        self.rm_env = None

    def tearDown(self):
        # --keep-daemon: a kubernetes builder's cluster does not exist here.
        run(["docker", "buildx", "rm", "--force", "--keep-daemon", self.builder], env=self.rm_env)

    def farm(self, arm_node=None):
        """Two nodes: <builder>-amd64 on the unix socket, <builder>-arm64 over TLS."""
        b, tls = self.builder, self.tls
        arm_node = arm_node or (f"NODE {b}-arm64 ENDPOINT {self.arm.tcp} PLATFORMS linux/arm64\n"
                                f"        CACERT {tls['ca']} CERT {tls['client']} KEY {tls['client-key']}")
        return (f"add_multiarch_builder({b} DRIVER remote\n"
                f"  NODES\n"
                f"    NODE {b}-amd64 ENDPOINT {self.amd.unix} PLATFORMS linux/amd64\n"
                f"    {arm_node})\n")

    def test_each_node_builds_its_platform_then_smoke_tests_and_promotion(self):
        repo = unique_repo("multinode")
        project = Project("multinode", self.farm() + f"""
            enable_testing()
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS {' '.join(BOTH)}
              BUILDER {self.builder} TAGS candidate PROMOTE_TAGS release)
            add_multiarch_smoke_test(app COMMAND cat /machine EXPECT_OUTPUT "^@MACHINE@")
            """, {"Dockerfile": f"FROM {BASE_IMAGE}\nRUN uname -m > /machine\n"})
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn(f"creating builder {self.builder}", proc.stdout)

        # One index with both platforms; image.json (from the metadata file's
        # containerimage.digest, all a multi-node build writes) agrees.
        info = project.image_json("app")
        digest = self.assertPushedIndex(repo, "candidate", BOTH, info)
        for platform, mdigest in info["platforms"].items():
            files = self.registry.files(repo_path(repo), mdigest)
            self.assertEqual(files["machine"].decode().strip(), MACHINE[platform], platform)

        # Each daemon holds exactly one build of this repository, for its own
        # platform, whose result (the node's part, pushed by digest) holds
        # the very manifest that the merged index lists for that platform.
        for daemon, platform in ((self.amd, "linux/amd64"), (self.arm, "linux/arm64")):
            records = [r for r in daemon.history() if repo in exported_names(r)]
            self.assertEqual(len(records), 1, f"{daemon.name}: {records}")
            self.assertEqual(records[0]["FrontendAttrs"]["platform"], platform, daemon.name)
            part = self.registry.platforms(repo_path(repo), result_digest(records[0]))
            self.assertEqual(part, {platform: info["platforms"][platform]}, daemon.name)

        # Smoke tests and promotion work on the result as on any other.
        proc = project.ctest("-L", "multiarch")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertRegex(proc.stdout, r"app\[linux/amd64\] \.+ +Passed")
        self.assertRegex(proc.stdout, r"app\[linux/arm64\] \.+ +Passed")
        project.build_target("image-promote", check=True)
        self.assertEqual(self.registry.manifest(repo_path(repo), "release")[1], digest)

    def test_drift_is_repaired_node_by_node(self):
        b = self.builder
        project = Project("drift", self.farm())
        target = f"multiarch-builder-{b}"
        project.configure(check=True)
        proc = project.build_target(target)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        tls_options = {"cacert": str(self.tls["ca"]), "cert": str(self.tls["client"]),
                       "key": str(self.tls["client-key"])}
        declared = [
            {"name": f"{b}-amd64", "endpoint": self.amd.unix, "options": {}, "platforms": ["linux/amd64"]},
            {"name": f"{b}-arm64", "endpoint": self.arm.tcp, "options": tls_options,
             "platforms": ["linux/arm64"]}]
        self.assertNodes(b, declared)

        # Nothing differs: nothing changes.
        proc = project.build_target(target)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn(f"builder {b} is ready", proc.stdout)
        self.assertNotIn("docker buildx create", proc.stdout)

        # Changed by hand: a stray node, and another platform on arm64.
        run(["docker", "buildx", "create", "--append", "--name", b, "--node", "stray",
             "--platform", "linux/riscv64", "tcp://127.0.0.1:1"], check=True)
        run(["docker", "buildx", "create", "--append", "--name", b, "--node", f"{b}-arm64",
             "--platform", "linux/arm64", "--platform", "linux/arm/v7", self.arm.tcp], check=True)
        proc = project.build_target(target)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        flat = " ".join(proc.stdout.split())
        self.assertIn("node stray is not declared; removing it", flat)
        self.assertIn(f"node {b}-arm64 differs from its declaration (platforms [linux/arm/v7,linux/arm64], "
                      "declared [linux/arm64])", flat)
        self.assertIn(f"docker buildx create --leave --name {b} --node stray", flat)
        self.assertNotIn(f"--node {b}-amd64", flat)
        self.assertNotIn("creating it anew", flat)
        self.assertNodes(b, declared)

        # Changed in CMake: arm64 moves to its daemon's unix socket, without TLS.
        project.write("CMakeLists.txt", project.src.joinpath("CMakeLists.txt").read_text().replace(
            self.farm(), self.farm(f"NODE {b}-arm64 ENDPOINT {self.arm.unix} PLATFORMS linux/arm64")))
        project.configure(check=True)
        proc = project.build_target(target)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        flat = " ".join(proc.stdout.split())
        self.assertIn(f"node {b}-arm64 differs from its declaration (endpoint {self.arm.tcp}, "
                      f"declared {self.arm.unix}; driver options", flat)
        declared[1].update(endpoint=self.arm.unix, options={})
        self.assertNodes(b, declared)

        # Removed in CMake: the node leaves, the other stays as it is.
        project.write("CMakeLists.txt", project.src.joinpath("CMakeLists.txt").read_text().replace(
            f"NODE {b}-arm64 ENDPOINT {self.arm.unix} PLATFORMS linux/arm64", ""))
        project.configure(check=True)
        proc = project.build_target(target)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn(f"node {b}-arm64 is not declared; removing it", proc.stdout)
        self.assertNodes(b, declared[:1])

    def test_a_layer_refused_in_the_registry_race_is_pushed_again(self):
        raced = RacedRegistry()
        self.addCleanup(raced.stop)
        path = f"test/raced-{uuid.uuid4().hex[:8]}"
        repo = f"127.0.0.1:{raced.port}/{path}"
        project = Project("raced", self.farm() + f"""
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS {' '.join(BOTH)}
              BUILDER {self.builder} TAGS candidate)
            """, {"Dockerfile": "FROM scratch\nARG TARGETARCH\nCOPY $TARGETARCH.txt /\n",
                  "amd64.txt": "amd64\n", "arm64.txt": "arm64\n"})
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(len(raced.refused), 1, "the proxy refused no upload: the test proves nothing")
        flat = " ".join(proc.stdout.split())
        self.assertIn("provided digest did not match uploaded content", flat)
        self.assertIn(f"the registry refused a layer that builder {self.builder}'s nodes may have pushed", flat)
        # (The index is read from the registry itself, not through the proxy.)
        self.assertPushedIndex(repo, "candidate", BOTH, project.image_json("app"))

    def test_a_build_that_fails_otherwise_is_not_run_twice(self):
        repo = unique_repo("failsonce")
        project = Project("failsonce", self.farm() + f"""
            add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS {' '.join(BOTH)}
              BUILDER {self.builder} TAGS candidate)
            """, {"Dockerfile": "FROM scratch\nCOPY missing.txt /\n"})
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target()
        self.assertFailsWith(proc, "docker buildx build failed", "No tag was set")
        self.assertNotIn("once more", proc.stdout)
        self.assertEqual(self.registry.tags(repo_path(repo)), [])

    def test_node_down_fails_before_pushing_and_names_the_node(self):
        spare = BuildkitDaemon(self.base, f"spare-{uuid.uuid4().hex[:4]}")
        self.addCleanup(spare.remove)
        spare.start()
        b = self.builder
        cml = (f"add_multiarch_builder({b} DRIVER remote NODES\n"
               f"  NODE {b}-amd64 ENDPOINT {self.amd.unix} PLATFORMS linux/amd64\n"
               f"  NODE {b}-arm64 ENDPOINT {spare.unix} PLATFORMS linux/arm64)\n"
               f'add_multiarch_image(app REPOSITORY "${{REPO}}" PLATFORMS {" ".join(BOTH)} BUILDER {b})\n')
        # One layer per platform, each its own: two daemons pushing the same
        # blob to one repository at the same moment race in the registry's
        # filesystem storage ("provided digest did not match uploaded
        # content"), a registry fault this test is not about.
        project = Project("nodedown", cml, {"Dockerfile": "FROM scratch\nARG TARGETARCH\nCOPY ${TARGETARCH}.txt /hello.txt\n",
                                            "amd64.txt": "amd64\n", "arm64.txt": "arm64\n"})
        first = unique_repo("nodeup")
        project.configure(f"-DREPO={first}", check=True)
        proc = project.build_target()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertPushedIndex(first, "2.3.4", BOTH, project.image_json("app"))

        spare.stop()
        repo = unique_repo("nodedown")
        project.configure(f"-DREPO={repo}", check=True)
        proc = project.build_target()
        self.assertFailsWith(proc, f'node "{b}-arm64" ({spare.unix}) does not answer',
                             "start BuildKit at that endpoint", "Nothing was pushed")
        self.assertNotIn(f'node "{b}-amd64"', " ".join(proc.stdout.split()))
        self.assertNothingPushed(repo)

        # A multi-node builder made by hand (not declared in CMake): the
        # preflight names the node too.
        self.addCleanup(run, ["docker", "buildx", "rm", "--force", f"{b}-byhand"])
        run(["docker", "buildx", "create", "--name", f"{b}-byhand", "--driver", "remote", "--node", "amd",
             "--platform", "linux/amd64", self.amd.unix], check=True)
        run(["docker", "buildx", "create", "--append", "--name", f"{b}-byhand", "--node", "arm",
             "--platform", "linux/arm64", spare.unix], check=True)
        byhand = Project("byhand", f'add_multiarch_image(app REPOSITORY "${{REPO}}" '
                                   f'PLATFORMS {" ".join(BOTH)} BUILDER {b}-byhand)\n',
                         {"Dockerfile": "FROM scratch\nCOPY hello.txt /\n", "hello.txt": "hello\n"})
        byhand.configure(f"-DREPO={repo}", check=True)
        proc = byhand.build_target()
        self.assertFailsWith(proc, f'Buildx builder "{b}-byhand" is not usable: node "arm" ({spare.unix}) '
                             "does not answer", f"docker buildx create --leave --name {b}-byhand",
                             "Nothing was pushed")
        self.assertNothingPushed(repo)

    def test_kubernetes_options_pass_through(self):
        """No cluster here: a kubeconfig naming an unreachable API server lets
        Buildx create, inspect and change the builder, never start it."""
        b = self.builder
        kube = self.base / f"kubeconfig-{b}"
        kube.write_text("apiVersion: v1\nkind: Config\ncurrent-context: none\n"
                        "clusters: [{name: none, cluster: {server: 'https://127.0.0.1:1'}}]\n"
                        "contexts: [{name: none, context: {cluster: none, user: none}}]\n"
                        "users: [{name: none, user: {token: none}}]\n")
        env = {"KUBECONFIG": str(kube)}
        self.rm_env = env
        cml = (f"add_multiarch_builder({b} DRIVER kubernetes DRIVER_OPTS namespace=ci replicas=2\n"
               f"  NODES\n"
               f"    NODE {b}-amd64 PLATFORMS linux/amd64 DRIVER_OPTS nodeselector=kubernetes.io/arch=amd64\n"
               f"    NODE {b}-arm64 PLATFORMS linux/arm64 linux/arm/v7\n"
               f'      DRIVER_OPTS "nodeselector=kubernetes.io/arch=arm64,pool=build" replicas=1)\n')
        project = Project("kubernetes", cml)
        project.configure(check=True)
        builder_file = project.build / "multiarch-builders" / f"{b}.cmake"

        def dry_run():
            proc = run(["cmake", f"-DMULTIARCH_INPUT_FILE={builder_file}", "-DMULTIARCH_DRY_RUN=ON",
                        "-P", ENSURE], env=env)
            self.assertEqual(proc.returncode, 0, proc.stdout)
            return proc, would_run(proc.stdout)

        proc, commands = dry_run()
        self.assertIn(f"creating builder {b} (driver kubernetes)", proc.stdout)
        create = ["buildx", "create", "--name", b, "--driver", "kubernetes"]
        append = ["buildx", "create", "--append", "--name", b, "--driver", "kubernetes"]
        self.assertEqual(commands, [
            create + ["--node", f"{b}-amd64", "--platform", "linux/amd64",
                      "--driver-opt", "namespace=ci", "--driver-opt", "replicas=2",
                      "--driver-opt", "nodeselector=kubernetes.io/arch=amd64"],
            append + ["--node", f"{b}-arm64", "--platform", "linux/arm64", "--platform", "linux/arm/v7",
                      "--driver-opt", "namespace=ci",
                      "--driver-opt", '"nodeselector=kubernetes.io/arch=arm64,pool=build"',
                      "--driver-opt", "replicas=1", "--bootstrap"]])
        self.assertNotEqual(run(["docker", "buildx", "inspect", b]).returncode, 0, "a dry run created it")

        # Buildx takes these command lines as they are (--bootstrap aside,
        # which needs the cluster), and every value arrives whole.
        for cmd in commands:
            run(["docker", *[a for a in cmd if a != "--bootstrap"]], env=env, check=True)
        self.assertNodes(b, [
            {"name": f"{b}-amd64", "platforms": ["linux/amd64"],
             "options": {"namespace": "ci", "replicas": "2", "nodeselector": "kubernetes.io/arch=amd64"}},
            {"name": f"{b}-arm64", "platforms": ["linux/arm/v7", "linux/arm64"],
             "options": {"namespace": "ci", "replicas": "1",
                         "nodeselector": "kubernetes.io/arch=arm64,pool=build"}}], env=env)

        # Matching the declaration: only the bootstrap remains to do.
        _, commands = dry_run()
        self.assertEqual(commands, [["buildx", "inspect", "--bootstrap", b]])

        # One node's options change in CMake: that node alone is replaced.
        project.write("CMakeLists.txt", project.src.joinpath("CMakeLists.txt").read_text().replace(
            "nodeselector=kubernetes.io/arch=amd64", "nodeselector=kubernetes.io/arch=amd64 rootless=true"))
        project.configure(check=True)
        proc, commands = dry_run()
        self.assertIn(f"node {b}-amd64 differs from its declaration", proc.stdout)
        self.assertEqual(commands, [
            ["buildx", "create", "--leave", "--name", b, "--node", f"{b}-amd64"],
            append + ["--node", f"{b}-amd64", "--platform", "linux/amd64",
                      "--driver-opt", "namespace=ci", "--driver-opt", "replicas=2",
                      "--driver-opt", "nodeselector=kubernetes.io/arch=amd64", "--driver-opt", "rootless=true",
                      "--bootstrap"]])

        # For real, the bootstrap fails and names the nodes.
        proc = run(["cmake", "--build", project.build, "--target", f"multiarch-builder-{b}"], env=env)
        self.assertFailsWith(proc, f"docker buildx create --append --name {b} --node {b}-amd64 failed",
                             f'node "{b}-amd64"', "does not answer", "127.0.0.1:1")

    def test_default_buildkitd_config_would_break_a_remote_create(self):
        config_dir = self.base / f"buildx-config-{self.builder}"
        config_dir.mkdir()
        (config_dir / "buildkitd.default.toml").write_text("debug = true\n")
        project = Project("defaultconfig", self.farm())
        project.configure(check=True)
        proc = run(["cmake", "--build", project.build, "--target", f"multiarch-builder-{self.builder}"],
                   env={"BUILDX_CONFIG": str(config_dir)})
        self.assertFailsWith(proc, f"Buildx would add {config_dir}/buildkitd.default.toml",
                             "remote driver refuses", "move that file away")
        self.assertIsNone(buildx_nodes(self.builder, env={"BUILDX_CONFIG": str(config_dir)}))

    def test_declaration_errors(self):
        ca, cert, key = self.tls["ca"], self.tls["client"], self.tls["client-key"]
        ep = self.amd.unix
        for label, call, needles in [
            ("nodes without groups", "b DRIVER remote NODES", ["NODES must be followed by one group per node"]),
            ("docker-container nodes", f"b DRIVER docker-container NODES NODE n PLATFORMS linux/amd64",
             ["NODES is for DRIVER remote"]),
            ("endpoint and nodes", f"b DRIVER remote ENDPOINT {ep} NODES NODE n ENDPOINT {ep} PLATFORMS linux/amd64",
             ["ENDPOINT", "and NODES were both given"]),
            ("node without endpoint", "b DRIVER remote NODES NODE n PLATFORMS linux/amd64",
             ["NODE n: a node of DRIVER remote needs ENDPOINT"]),
            ("node without platforms", f"b DRIVER remote NODES NODE n ENDPOINT {ep}",
             ["NODE n: PLATFORMS is required"]),
            ("bad node name", f"b DRIVER remote NODES NODE Arm64 ENDPOINT {ep} PLATFORMS linux/arm64",
             ['node name "Arm64" is invalid']),
            ("node twice", f"b DRIVER remote NODES NODE n ENDPOINT {ep} PLATFORMS linux/amd64 "
                           f"NODE n ENDPOINT tcp://h:1 PLATFORMS linux/arm64", ["NODE n is declared twice"]),
            ("shared endpoint", f"b DRIVER remote NODES NODE a ENDPOINT {ep} PLATFORMS linux/amd64 "
                                f"NODE c ENDPOINT {ep} PLATFORMS linux/arm64", ["is already the endpoint of another node"]),
            ("platform twice in a node", f"b DRIVER remote NODES NODE a ENDPOINT {ep} "
                                         f"PLATFORMS linux/arm64 linux/arm64/v8",
             ['NODE a: platform "linux/arm64/v8" is listed twice (as linux/arm64)']),
            ("platform owned twice", f"b DRIVER remote NODES NODE a ENDPOINT {ep} PLATFORMS linux/arm64 "
                                     f"NODE c ENDPOINT tcp://h:1 PLATFORMS linux/arm64/v8",
             ["platform linux/arm64 is already owned by NODE a"]),
            ("unknown node keyword", f"b DRIVER remote NODES NODE a IMAGE x ENDPOINT {ep} PLATFORMS linux/amd64",
             ['NODE a: unknown argument "IMAGE"']),
            ("inline pem", f'b DRIVER remote ENDPOINT tcp://h:1 CACERT "-----BEGIN CERTIFICATE-----\\nMIIB"',
             ["CACERT holds PEM text; give the path of a file"]),
            ("missing ca file", "b DRIVER remote ENDPOINT tcp://h:1 CACERT no-such-ca.pem",
             ['no-such-ca.pem" is not a file']),
            ("cert without key", f"b DRIVER remote ENDPOINT tcp://h:1 CACERT {ca} CERT {cert}",
             ["CERT is given without KEY"]),
            ("key without ca", f"b DRIVER remote NODES NODE a ENDPOINT tcp://h:1 PLATFORMS linux/amd64 "
                               f"CERT {cert} KEY {key}", ["NODE a: TLS needs CACERT"]),
            ("tls in driver opts", f"b DRIVER remote ENDPOINT tcp://h:1 DRIVER_OPTS cacert={ca}",
             ["give TLS settings with the keyword CACERT <file>"]),
            ("tls for kubernetes", f"b DRIVER kubernetes CACERT {ca}", ["CACERT is for DRIVER remote"]),
            ("kubernetes endpoint", "b DRIVER kubernetes ENDPOINT tcp://h:1", ["ENDPOINT is for DRIVER remote"]),
            ("kubernetes node endpoint", "b DRIVER kubernetes NODES NODE a ENDPOINT tcp://h:1 PLATFORMS linux/amd64",
             ["NODE a: ENDPOINT is for DRIVER remote"]),
            ("option twice", "b DRIVER kubernetes DRIVER_OPTS replicas=1 replicas=2", ['sets "replicas" twice']),
            ("remote with config", f"b DRIVER remote ENDPOINT {ep} BUILDKITD_CONFIG CMakeLists.txt",
             ["BUILDKITD_CONFIG is not accepted by DRIVER remote"]),
        ]:
            with self.subTest(label):
                proc = Project("multinode-bad", f"add_multiarch_builder({call})\n").configure()
                self.assertFailsWith(proc, *needles)

    def assertNodes(self, builder, expected, env=None):
        nodes = buildx_nodes(builder, env=env)
        self.assertIsNotNone(nodes, f"builder {builder} does not exist")
        got = sorted(nodes, key=lambda n: n["name"])
        want = sorted(expected, key=lambda n: n["name"])
        self.assertEqual([n["name"] for n in got], [n["name"] for n in want])
        for g, w in zip(got, want):
            for key, value in w.items():
                self.assertEqual(g[key], value, f"{g['name']}: {key}")


if __name__ == "__main__":
    unittest.main()
