#!/usr/bin/env bash
# The whole test suite on a machine of this project's kind: sets up what is
# missing (tests/env/setup.sh, idempotent), configures this repository in
# build/, and runs every test with CTest.  Extra arguments go to ctest,
# e.g. tests/run-all.sh -R build -V
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tests/env/setup.sh"
bash "$root/tests/env/setup-suite.sh"  # the suite's bases and cross -dev packages
cmake -S "$root" -B "$root/build" -G Ninja
cmake --build "$root/build"
cd "$root/build"
exec ctest --output-on-failure --timeout 1800 -j 3 "$@"
