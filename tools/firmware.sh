#!/usr/bin/env bash
# The C reference bridge firmware (firmware-protocol/firmware/, issue 14): configures and builds it out of the source
# tree (firmware-protocol/firmware/build, gitignored) and runs its CTest suite.
#   tools/firmware.sh test     build, run every CTest test; the last line is "firmware: N passed, N failed"
# Exits 0 only when the build succeeds and every test passes.
set -uo pipefail
cd "$(dirname "$0")/.."
source=firmware-protocol/firmware
build=$source/build

usage() {
  echo "usage: tools/firmware.sh test" >&2
  exit 2
}
[ $# -eq 1 ] && [ "$1" = test ] || usage

if ! command -v cmake >/dev/null || ! command -v cc >/dev/null || ! command -v python3 >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "firmware: installing cmake, gcc, python3" >&2
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq cmake gcc python3 >/dev/null; } \
    || { echo "firmware: 0 passed, 1 failed"; exit 1; }
fi

if ! cmake -S "$source" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null || ! cmake --build "$build" -j 2; then
  # A build that fails counts as one failure, visibly, as in tools/test.sh.
  echo "firmware: 0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
(cd "$build" && ctest --output-on-failure) | tee "$log"
# ctest's summary: "100% tests passed, 0 tests failed out of 4"
summary=$(grep -E '[0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1)
rm -f "$log"
failed=$(echo "$summary" | sed -n 's/.* \([0-9]*\) tests failed out of \([0-9]*\).*/\1/p')
total=$(echo "$summary" | sed -n 's/.* \([0-9]*\) tests failed out of \([0-9]*\).*/\2/p')
if [ -z "$total" ] || [ "$total" -eq 0 ]; then
  echo "firmware: 0 passed, 1 failed"
  exit 1
fi
echo "firmware: $((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
