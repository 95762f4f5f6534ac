#!/usr/bin/env bash
# The main job: installs MultiArchImage, builds the example image
# (examples/hello) for linux/amd64, linux/arm64 and linux/arm/v7, pushes it
# to the local registry, starts every variant with ctest -L multiarch and
# promotes it.  Sets up what is missing first (tests/env/setup.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tests/env/setup.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DBUILD_TESTING=OFF
cmake --install "$root/build" --prefix "$root/build/_install"
cmake -S "$root/examples/hello" -B "$root/build/example-hello" -G Ninja \
  -DCMAKE_PREFIX_PATH="$root/build/_install" -DMULTIARCH_BUILDER=multiarch
cmake --build "$root/build/example-hello" --target image
ctest --test-dir "$root/build/example-hello" -L multiarch -j 3 --output-on-failure
cmake --build "$root/build/example-hello" --target image-promote
echo "main job: 127.0.0.1:5000/examples/hello built, pushed, tested on every platform and promoted:"
cat "$root/build/example-hello/hello-image.image.json"
