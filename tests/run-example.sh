#!/usr/bin/env bash
# The main job: installs MultiArchImage, builds the example image
# (examples/hello) for linux/amd64, linux/arm64 and linux/arm/v7, pushes it
# to the local registry, starts every variant with ctest -L multiarch and
# promotes it.  Sets up what is missing first (tests/env/setup.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tests/env/setup.sh"
cmake -S "$root" -B "$root/build-main-job/package" -G Ninja -DBUILD_TESTING=OFF
cmake --build "$root/build-main-job/package"  # multiarch-audit, the portability checks' tool
cmake --install "$root/build-main-job/package" --prefix "$root/build-main-job/install"
cmake -S "$root/examples/hello" -B "$root/build-main-job/hello" -G Ninja \
  -DCMAKE_PREFIX_PATH="$root/build-main-job/install" -DMULTIARCH_BUILDER=multiarch
cmake --build "$root/build-main-job/hello" --target image
ctest --test-dir "$root/build-main-job/hello" -L multiarch -j 3 --output-on-failure
cmake --build "$root/build-main-job/hello" --target image-promote
echo "main job: 127.0.0.1:5000/examples/hello built, pushed, tested on every platform and promoted:"
cat "$root/build-main-job/hello/hello-image.image.json"
