#!/usr/bin/env bash
# Prepares this machine for MultiArchImage's main job and test suite:
# packages, QEMU handlers, buildx, buildkitd, a local registry, a BuildKit
# image, an OCI runtime wrapper where privileged containers fail, a
# docker-container builder that works offline, and a native buildkitd with
# a remote builder of its own.  The suite's base images and cross -dev
# packages come from tests/env/setup-suite.sh (the main job needs none).
#
# Idempotent: every step first checks whether its result is already there
# (at the pinned version) and says "skip" if so.  A step that fails stops
# the script and names itself.
#
# Environment (all optional):
#   MULTIARCH_STATE_DIR   where registry data and build scratch live
#                         (default /var/lib/multiarch-test, outside the repo)
#   MULTIARCH_REGISTRY    host:port of the local registry (127.0.0.1:5000)
#   MULTIARCH_BUILDER     name of the docker-container builder (multiarch)
#   MULTIARCH_NATIVE_BUILDER  name of the remote builder of the native
#                         buildkitd (<MULTIARCH_BUILDER>-native)
set -euo pipefail

BUILDX_VERSION=v0.36.1
BUILDKIT_VERSION=v0.32.2
STATE_DIR=${MULTIARCH_STATE_DIR:-/var/lib/multiarch-test}
REGISTRY=${MULTIARCH_REGISTRY:-127.0.0.1:5000}
BUILDER=${MULTIARCH_BUILDER:-multiarch}
NATIVE_BUILDER=${MULTIARCH_NATIVE_BUILDER:-$BUILDER-native}
BUILDKIT_IMAGE=multiarch/buildkit:${BUILDKIT_VERSION}
# buildx goes to the user's plugin folder (inside DOCKER_CONFIG), so a test
# can run the docker CLI without it by pointing DOCKER_CONFIG elsewhere.
PLUGIN_DIR=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
export PATH=/usr/local/go/bin:/usr/local/bin:/usr/sbin:/sbin:$PATH
export DEBIAN_FRONTEND=noninteractive

STEP=""
trap 'rc=$?; if [ $rc -ne 0 ]; then echo "setup: step \"$STEP\" failed (exit $rc); see the output above" >&2; fi' EXIT
step() { STEP=$1; echo "== setup: $1"; }
skip() { echo "   skip: $*"; }
did()  { echo "   done: $*"; }
die()  { echo "setup: step \"$STEP\": $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || { STEP=preflight; die "must run as root (apt, binfmt_misc, registry)"; }
mkdir -p "$STATE_DIR"

# --- apt ---------------------------------------------------------------------
step "apt packages"
PKGS=(cmake ninja-build jq curl qemu-user-static binfmt-support docker-registry
      apache2-utils runc g++-aarch64-linux-gnu g++-arm-linux-gnueabihf
      debootstrap)  # debootstrap: bench/cross-vs-emulated's g++ base image
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  skip "all of ${PKGS[*]} installed"
else
  apt-get update -qq || die "apt-get update failed (is Debian's mirror reachable?)"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
  did "installed ${missing[*]}"
fi

# --- binfmt_misc / QEMU --------------------------------------------------------
step "binfmt_misc and QEMU handlers"
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc \
    || die "cannot mount binfmt_misc at /proc/sys/fs/binfmt_misc (needs a kernel with CONFIG_BINFMT_MISC and root)"
  did "mounted binfmt_misc"
fi
need_enable=0
for h in qemu-aarch64 qemu-arm; do
  f=/proc/sys/fs/binfmt_misc/$h
  if [ ! -e "$f" ] || ! grep -q '^enabled' "$f"; then need_enable=1; fi
done
if [ $need_enable = 1 ]; then
  update-binfmts --enable >/dev/null 2>&1 || true
  for h in qemu-aarch64 qemu-arm; do
    [ -e /proc/sys/fs/binfmt_misc/$h ] || update-binfmts --enable "$h" \
      || die "cannot register the $h handler (qemu-user-static installed?)"
    grep -q '^enabled' /proc/sys/fs/binfmt_misc/$h || echo 1 > /proc/sys/fs/binfmt_misc/$h
  done
  did "enabled QEMU handlers"
else
  skip "qemu-aarch64 and qemu-arm handlers enabled"
fi
for h in qemu-aarch64 qemu-arm; do
  grep -q '^flags:.*F' /proc/sys/fs/binfmt_misc/$h \
    || die "$h is registered without the F flag; containers cannot use it (reinstall qemu-user-static)"
done

# --- buildx ----------------------------------------------------------------------
step "buildx $BUILDX_VERSION"
# An earlier layout of this script installed it system-wide; that copy
# would stay visible to every docker configuration.
old=/usr/local/lib/docker/cli-plugins/docker-buildx
if [ -x "$old" ] && "$old" version 2>/dev/null | grep -q " $BUILDX_VERSION "; then
  mkdir -p "$PLUGIN_DIR"; [ -x "$PLUGIN_DIR/docker-buildx" ] || cp "$old" "$PLUGIN_DIR/docker-buildx"
  rm -f "$old"; echo "   moved $old to $PLUGIN_DIR"
fi
if "$PLUGIN_DIR/docker-buildx" version 2>/dev/null | grep -q " $BUILDX_VERSION "; then
  skip "$(docker buildx version)"
elif "$STATE_DIR/gobin/buildx" version 2>/dev/null | grep -q " $BUILDX_VERSION "; then
  install -D -m 0755 "$STATE_DIR/gobin/buildx" "$PLUGIN_DIR/docker-buildx"
  did "installed the buildx built earlier: $(docker buildx version)"
else
  GOBIN="$STATE_DIR/gobin" CGO_ENABLED=0 go install -trimpath \
    -ldflags "-s -w -X github.com/docker/buildx/version.Version=$BUILDX_VERSION" \
    "github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION" \
    || die "go install github.com/docker/buildx@$BUILDX_VERSION failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
  install -D -m 0755 "$STATE_DIR/gobin/buildx" "$PLUGIN_DIR/docker-buildx"
  did "$(docker buildx version)"
fi

# --- buildkitd / buildctl -------------------------------------------------------------
step "buildkitd and buildctl $BUILDKIT_VERSION"
if buildkitd --version 2>/dev/null | grep -q " $BUILDKIT_VERSION " \
   && buildctl --version 2>/dev/null | grep -q " $BUILDKIT_VERSION "; then
  skip "$(buildkitd --version)"
else
  dir=$(go mod download -json "github.com/moby/buildkit@$BUILDKIT_VERSION" | jq -r .Dir) \
    || die "go mod download github.com/moby/buildkit@$BUILDKIT_VERSION failed (Go module proxy reachable?)"
  src="$STATE_DIR/src/buildkit-$BUILDKIT_VERSION"
  rm -rf "$src"; mkdir -p "$(dirname "$src")"; cp -r "$dir" "$src"; chmod -R u+w "$src"
  for cmd in buildkitd buildctl; do
    (cd "$src" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
       -tags "osusergo netgo static_build seccomp" \
       -ldflags "-s -w -X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION" \
       -o "$STATE_DIR/gobin/$cmd" "./cmd/$cmd") || die "go build ./cmd/$cmd failed"
    install -m 0755 "$STATE_DIR/gobin/$cmd" "/usr/local/bin/$cmd"
  done
  did "$(buildkitd --version)"
fi

# --- registry -------------------------------------------------------------------------
step "registry on $REGISTRY"
registry_up() { curl -fs -o /dev/null --max-time 2 "http://$REGISTRY/v2/"; }
if registry_up; then
  skip "a registry answers at http://$REGISTRY/v2/"
else
  mkdir -p "$STATE_DIR/registry/data"
  cat > "$STATE_DIR/registry/config.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry/data
  delete:
    enabled: true
http:
  addr: $REGISTRY
YML
  setsid nohup docker-registry serve "$STATE_DIR/registry/config.yml" \
    >"$STATE_DIR/registry/registry.log" 2>&1 < /dev/null &
  for _ in $(seq 50); do registry_up && break; sleep 0.2; done
  registry_up || die "docker-registry did not answer at http://$REGISTRY/v2/; see $STATE_DIR/registry/registry.log"
  did "started docker-registry (data in $STATE_DIR/registry/data, log in $STATE_DIR/registry/registry.log)"
fi

# A name for the local registry that is not loopback to BuildKit's eyes
# (it resolves to 127.0.0.1, but BuildKit decides by the name): the tests
# use it for a registry that answers plain HTTP and so needs an opt-in.
step "host name multiarch-plain-http.test"
if grep -qE '^127\.0\.0\.1[[:space:]].*multiarch-plain-http\.test' /etc/hosts; then
  skip "in /etc/hosts"
else
  echo "127.0.0.1 multiarch-plain-http.test" >> /etc/hosts || die "cannot write /etc/hosts"
  did "added to /etc/hosts"
fi

# --- BuildKit image for the docker-container driver ----------------------------------------
step "local BuildKit image $BUILDKIT_IMAGE"
if docker image inspect "$BUILDKIT_IMAGE" >/dev/null 2>&1; then
  skip "image $BUILDKIT_IMAGE present"
else
  ctx="$STATE_DIR/buildkit-image"
  rm -rf "$ctx"; mkdir -p "$ctx/root/usr/bin" "$ctx/root/etc" "$ctx/root/tmp" "$ctx/root/var/lib/buildkit"
  cp /usr/local/bin/buildkitd /usr/local/bin/buildctl "$(command -v runc)" "$ctx/root/usr/bin/"
  # runc links dynamically (libseccomp, libc): copy what ldd names.
  for lib in $(ldd "$(command -v runc)" | grep -o '/[^ ]*'); do
    mkdir -p "$ctx/root$(dirname "$lib")"; cp -L "$lib" "$ctx/root$lib"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$ctx/root/etc/passwd"
  echo 'root:x:0:' > "$ctx/root/etc/group"
  cat > "$ctx/Dockerfile" <<'DF'
FROM scratch
COPY root/ /
ENV PATH=/usr/bin:/bin
VOLUME /var/lib/buildkit
ENTRYPOINT ["buildkitd"]
DF
  DOCKER_BUILDKIT=0 docker build -q -t "$BUILDKIT_IMAGE" "$ctx" >/dev/null \
    || die "docker build of $BUILDKIT_IMAGE failed"
  did "built $BUILDKIT_IMAGE"
fi

# --- privileged containers ----------------------------------------------------------------
# The docker-container driver starts BuildKit as a privileged container.
# Docker 20.10 gives such a container every capability it knows; where the
# capability bounding set of the engine lacks some (e.g. CAP_SYS_RESOURCE in
# a sandbox), runc fails with "unable to apply caps: operation not
# permitted".  An OCI runtime wrapper that drops the capabilities the
# bounding set lacks, made the engine's default runtime, fixes that; it is
# installed only where a privileged container fails.
step "privileged containers (docker-container driver)"
RUNTIME_NAME=multiarch-runc
RUNTIME_WRAPPER=/usr/local/lib/multiarch/multiarch-runc
DAEMON_JSON=/etc/docker/daemon.json
privileged_ok() {
  docker run --rm --privileged --network none --entrypoint buildctl "$BUILDKIT_IMAGE" --version >/dev/null 2>&1
}
PRIVILEGED=1
if privileged_ok; then
  skip "the engine starts privileged containers (default runtime $(docker info --format '{{.DefaultRuntime}}'))"
else
  runc_path=$(command -v runc) || die "runc not found (apt package runc)"
  jq_path=$(command -v jq) || die "jq not found"
  mkdir -p "$(dirname "$RUNTIME_WRAPPER")"
  cat > "$RUNTIME_WRAPPER.tmp" <<WRAPPER
#!/bin/bash
# OCI runtime wrapper installed by MultiArchImage's tests/env/setup.sh: takes
# the capabilities this machine's capability bounding set lacks out of the
# container's process (config.json of --bundle, or the --process file of an
# exec), so that runc can start a privileged container; then runs runc.
RUNC=$runc_path
JQ=$jq_path
WRAPPER
  cat >> "$RUNTIME_WRAPPER.tmp" <<'WRAPPER'
names=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
  LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER
  SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE
  SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP
  MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF
  CHECKPOINT_RESTORE)
file="" key="" prev=""
for a in "$@"; do
  case "$prev" in
    --bundle) file="$a/config.json"; key=.process.capabilities ;;
    --process) file="$a"; key=.capabilities ;;
  esac
  case "$a" in
    --bundle=*) file="${a#--bundle=}/config.json"; key=.process.capabilities ;;
    --process=*) file="${a#--process=}"; key=.capabilities ;;
  esac
  prev=$a
done
if [ -n "$file" ] && [ -f "$file" ]; then
  read -r _ bnd < <(grep '^CapBnd:' /proc/self/status)
  drop=""
  for i in "${!names[@]}"; do
    if (( (0x$bnd >> i & 1) == 0 )); then drop+="${drop:+,}\"CAP_${names[$i]}\""; fi
  done
  if [ -n "$drop" ]; then
    "$JQ" --argjson drop "[$drop]" \
      "if $key then $key |= with_entries(.value |= ((. // []) - \$drop)) else . end" \
      "$file" > "$file.multiarch-tmp" && mv "$file.multiarch-tmp" "$file"
  fi
fi
exec "$RUNC" "$@"
WRAPPER
  chmod 0755 "$RUNTIME_WRAPPER.tmp"; mv "$RUNTIME_WRAPPER.tmp" "$RUNTIME_WRAPPER"
  # Keep every setting the daemon has; add the runtime and make it the default.
  [ -f "$DAEMON_JSON" ] || echo '{}' > "$DAEMON_JSON"
  [ -f "$DAEMON_JSON.before-multiarch" ] || cp "$DAEMON_JSON" "$DAEMON_JSON.before-multiarch"
  jq --arg name "$RUNTIME_NAME" --arg path "$RUNTIME_WRAPPER" \
    '.runtimes[$name] = {path: $path} | ."default-runtime" = $name' "$DAEMON_JSON" > "$DAEMON_JSON.tmp" \
    || die "cannot read $DAEMON_JSON as JSON"
  mv "$DAEMON_JSON.tmp" "$DAEMON_JSON"
  # Both keys are reloaded on SIGHUP: no restart, running containers stay.
  dockerd_pid=$(cat /var/run/docker.pid 2>/dev/null || pidof dockerd) || die "dockerd is not running"
  kill -HUP "$dockerd_pid" || die "cannot send SIGHUP to dockerd ($dockerd_pid)"
  for _ in $(seq 50); do
    [ "$(docker info --format '{{.DefaultRuntime}}' 2>/dev/null)" = "$RUNTIME_NAME" ] && break; sleep 0.2
  done
  [ "$(docker info --format '{{.DefaultRuntime}}')" = "$RUNTIME_NAME" ] \
    || die "dockerd did not take default-runtime $RUNTIME_NAME from $DAEMON_JSON after SIGHUP (docker info: $(docker info --format '{{.DefaultRuntime}}'))"
  if privileged_ok; then
    did "installed $RUNTIME_WRAPPER as default runtime $RUNTIME_NAME (in $DAEMON_JSON, applied with SIGHUP)"
  else
    PRIVILEGED=0
    echo "   warning: privileged containers still fail with runtime $RUNTIME_NAME:"
    docker run --rm --privileged --network none --entrypoint buildctl "$BUILDKIT_IMAGE" --version 2>&1 | sed 's/^/     /' || true
    echo "   builder $BUILDER falls back to the remote driver and the native buildkitd"
  fi
fi

# --- native buildkitd ---------------------------------------------------------------------
# Always running: the multi-node, fault and builder tests point remote
# builders of their own at it, and it has a remote builder of its own name.
step "native buildkitd and remote builder $NATIVE_BUILDER"
BUILDKIT_SOCK=/run/multiarch-buildkit/buildkitd.sock
buildkitd_up() { buildctl --addr "unix://$BUILDKIT_SOCK" debug workers >/dev/null 2>&1; }
builder_ok() {  # <name> <driver> [<driver option>...]: runs, builds the three platforms
  local out; out=$(docker buildx inspect --bootstrap "$1" 2>/dev/null) || return 1
  grep -q "^Driver: *$2\$" <<<"$out" || return 1
  for p in linux/amd64 linux/arm64 linux/arm/v7; do
    grep -E '^Platforms:' <<<"$out" | grep -q "$p" || return 1
  done
  local opts; opts=$(grep -E '^Driver Options:' <<<"$out" || true)
  shift 2
  for o in "$@"; do grep -qF "${o%%=*}=\"${o#*=}\"" <<<"$opts" || return 1; done
}
if buildkitd_up; then
  skip "buildkitd answers on $BUILDKIT_SOCK"
else
  mkdir -p "$(dirname "$BUILDKIT_SOCK")" "$STATE_DIR/buildkitd"
  setsid nohup buildkitd --root "$STATE_DIR/buildkitd/root" --addr "unix://$BUILDKIT_SOCK" \
    --oci-worker=true --containerd-worker=false \
    --otel-socket-path "$STATE_DIR/buildkitd/otel.sock" \
    >"$STATE_DIR/buildkitd/buildkitd.log" 2>&1 </dev/null &
  for _ in $(seq 100); do buildkitd_up && break; sleep 0.2; done
  buildkitd_up || die "buildkitd did not start; see $STATE_DIR/buildkitd/buildkitd.log"
  did "started buildkitd on $BUILDKIT_SOCK (log $STATE_DIR/buildkitd/buildkitd.log)"
fi
if builder_ok "$NATIVE_BUILDER" remote; then
  skip "builder $NATIVE_BUILDER (remote, unix://$BUILDKIT_SOCK) runs"
else
  docker buildx rm -f "$NATIVE_BUILDER" >/dev/null 2>&1 || true
  docker buildx create --name "$NATIVE_BUILDER" --driver remote "unix://$BUILDKIT_SOCK" --bootstrap >/dev/null \
    || die "docker buildx create --name $NATIVE_BUILDER --driver remote failed"
  builder_ok "$NATIVE_BUILDER" remote || die "builder $NATIVE_BUILDER cannot build linux/amd64, linux/arm64 and linux/arm/v7"
  did "created builder $NATIVE_BUILDER (remote, unix://$BUILDKIT_SOCK)"
fi

# --- builder ------------------------------------------------------------------------------
# As users create theirs: docker-container, with the local BuildKit image
# (offline: nothing to pull) and host networking (the registry listens on
# the host's loopback).  The remote driver only where privileged containers
# cannot start even with the wrapper above.
step "buildx builder $BUILDER"
if [ $PRIVILEGED = 1 ]; then
  driver=docker-container
  opts=("image=$BUILDKIT_IMAGE" network=host)
else
  driver=remote
  opts=()
fi
if builder_ok "$BUILDER" "$driver" "${opts[@]}"; then
  skip "builder $BUILDER ($driver${opts:+, ${opts[*]}}) runs and builds linux/amd64, linux/arm64, linux/arm/v7"
else
  # Removed and created in one go: other users of the builder see it gone
  # for a moment at most.
  create=(docker buildx create --name "$BUILDER" --driver "$driver" --bootstrap)
  for o in "${opts[@]}"; do create+=(--driver-opt "$o"); done
  [ $driver = remote ] && create+=("unix://$BUILDKIT_SOCK")
  docker buildx rm -f "$BUILDER" >/dev/null 2>&1 || true
  "${create[@]}" >/dev/null || die "${create[*]} failed"
  builder_ok "$BUILDER" "$driver" "${opts[@]}" \
    || die "builder $BUILDER cannot build linux/amd64, linux/arm64 and linux/arm/v7: $(docker buildx inspect "$BUILDER" | grep Platforms)"
  did "created builder $BUILDER ($driver${opts:+, ${opts[*]}})"
fi

STEP=""
echo "== setup: ready (registry http://$REGISTRY, builder $BUILDER)"
