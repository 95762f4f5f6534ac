"""BuildKit daemons that a test (or a benchmark) starts and stops itself:
each with its own --root, sockets and OpenTelemetry socket in a folder of
the test's work dir.  The machine's shared daemon is never touched."""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from harness import free_port  # noqa: F401  (also imported from here by tests and benches)


def make_tls(folder):
    """A CA, a server certificate for 127.0.0.1 and a client certificate,
    as PEM files in <folder>; {name: path}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    f = {k: folder / f"{k}.pem" for k in ("ca", "ca-key", "server", "server-key", "client", "client-key")}
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def openssl(*args):
        subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)

    openssl("req", "-x509", *ec, "-keyout", f["ca-key"], "-out", f["ca"], "-days", "2", "-subj", "/CN=multiarch-test-ca")
    for who, ext in (("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"),
                     ("client", "extendedKeyUsage=clientAuth\n")):
        csr, extfile = folder / f"{who}.csr", folder / f"{who}.ext"
        extfile.write_text(ext)
        openssl("req", *ec, "-keyout", f[f"{who}-key"], "-out", csr, "-subj", f"/CN=multiarch-test-{who}")
        openssl("x509", "-req", "-in", csr, "-CA", f["ca"], "-CAkey", f["ca-key"], "-CAcreateserial",
                "-out", f[who], "-days", "2", "-extfile", extfile)
    return f


class BuildkitDaemon:
    """One buildkitd: unix socket always, tcp://127.0.0.1:<port> (with TLS
    if given, client certificates required) on request."""

    def __init__(self, base, name, tcp=False, tls=None):
        self.name = name
        self.dir = Path(base) / name
        self.unix = f"unix://{self.dir}/buildkitd.sock"
        self.tcp = f"tcp://127.0.0.1:{free_port()}" if tcp else None
        self.tls = tls
        self.proc = None
        self.log = self.dir / "buildkitd.log"

    def start(self, timeout=60):
        self.dir.mkdir(parents=True, exist_ok=True)
        cmd = ["buildkitd", "--root", self.dir / "root", "--addr", self.unix,
               "--oci-worker=true", "--containerd-worker=false",
               "--otel-socket-path", self.dir / "otel.sock"]
        if self.tcp:
            cmd += ["--addr", self.tcp]
        if self.tls:
            cmd += ["--tlscacert", self.tls["ca"], "--tlscert", self.tls["server"],
                    "--tlskey", self.tls["server-key"]]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([str(c) for c in cmd], stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"buildkitd {self.name} exited {self.proc.returncode}; see {self.log}")
            if self.buildctl("debug", "workers").returncode == 0:
                return self
            time.sleep(0.3)
        raise RuntimeError(f"buildkitd {self.name} did not answer on {self.unix}; see {self.log}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        self.proc = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def buildctl(self, *args):
        return subprocess.run(["buildctl", "--addr", self.unix, *args], capture_output=True, text=True,
                              timeout=60, stdin=subprocess.DEVNULL)

    def history(self):
        """The daemon's build records (buildctl debug histories), newest last."""
        proc = self.buildctl("debug", "histories", "--format", "{{json .}}")
        if proc.returncode != 0:
            raise AssertionError(f"buildctl debug histories on {self.name}: {proc.stderr}")
        records = [json.loads(line).get("record", {}) for line in proc.stdout.splitlines() if line.strip()]
        return sorted(records, key=lambda r: (r.get("CreatedAt", {}).get("seconds", 0),
                                              r.get("CreatedAt", {}).get("nanos", 0)))


def exported_names(record):
    """The image names a build record's exporters pushed to."""
    names = []
    for exporter in record.get("Exporters") or []:
        names += (exporter.get("Attrs") or {}).get("name", "").split(",")
    return [n for n in names if n]


def result_digest(record):
    """The digest of what the build produced (an index for a multi-platform build)."""
    result = record.get("Result") or {}
    desc = result.get("ResultDeprecated") or next(iter((result.get("Results") or {}).values()), {})
    return desc.get("digest")


def buildx_nodes(builder, env=None):
    """The nodes of a builder as `docker buildx inspect` prints them:
    [{name, endpoint, status, options: {k: v}, platforms: [fixed ones]}]."""
    full_env = dict(os.environ, **(env or {}))
    proc = subprocess.run(["docker", "buildx", "inspect", builder], capture_output=True, text=True,
                          env=full_env, stdin=subprocess.DEVNULL, timeout=120)
    if proc.returncode != 0:
        return None
    nodes, in_nodes = [], False
    for line in proc.stdout.splitlines():
        if line.startswith("Nodes:"):
            in_nodes = True
            continue
        if not in_nodes or line.startswith((" ", "\t")) or ":" not in line:
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        if key == "Name":
            nodes.append({"name": value, "endpoint": "", "status": "", "options": {}, "platforms": []})
        elif key == "Endpoint":
            nodes[-1]["endpoint"] = value
        elif key == "Status":
            nodes[-1]["status"] = value
        elif key == "Driver Options":
            # key="value" pairs, Go-quoted
            i = 0
            while i < len(value):
                eq = value.index("=", i)
                k = value[i:eq]
                j, v = eq + 2, ""
                while value[j] != '"':
                    if value[j] == "\\":
                        j += 1
                    v += value[j]
                    j += 1
                nodes[-1]["options"][k] = v
                i = j + 2
        elif key == "Platforms":
            nodes[-1]["platforms"] = sorted(p.strip()[:-1] for p in value.split(",") if p.strip().endswith("*"))
    return nodes
