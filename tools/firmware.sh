#!/usr/bin/env bash
# The C reference bridge firmware (firmware-protocol/firmware/, issue 14): configures and builds it out of the source
# tree and runs its CTest suite twice: a plain Release build (firmware-protocol/firmware/build, which also holds the
# core to its stack limit) and one with AddressSanitizer and UndefinedBehaviorSanitizer (build-sanitize); both gitignored.
#   tools/firmware.sh test     both builds, every CTest test in each; the last line is "firmware: N passed, N failed"
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

passed=0
failed=0
# Runs one build's tests and adds its counts; a build that fails counts as one failure, visibly, as in tools/test.sh.
run_build() {
  local dir=$1
  shift
  if ! cmake -S "$source" -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null || ! cmake --build "$dir" -j 2; then
    failed=$((failed + 1))
    return
  fi
  local log summary f t
  log=$(mktemp)
  (cd "$dir" && ctest --output-on-failure) | tee "$log"
  # ctest's summary: "100% tests passed, 0 tests failed out of 7"
  summary=$(grep -E '[0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1)
  rm -f "$log"
  f=$(echo "$summary" | sed -n 's/.* \([0-9]*\) tests failed out of \([0-9]*\).*/\1/p')
  t=$(echo "$summary" | sed -n 's/.* \([0-9]*\) tests failed out of \([0-9]*\).*/\2/p')
  if [ -z "$t" ] || [ "$t" -eq 0 ]; then
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + t - f))
  failed=$((failed + f))
}

run_build "$build"
run_build "$source/build-sanitize" -DAIMC_SANITIZE=ON
echo "firmware: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
