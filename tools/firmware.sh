#!/usr/bin/env bash
# The C reference bridge firmware (firmware-protocol/firmware/, issue 14): configures and builds it out of the source
# tree and runs its CTest suite twice: a plain Release build (firmware-protocol/firmware/build, which also holds the
# core to its stack limit) and one with AddressSanitizer and UndefinedBehaviorSanitizer (build-sanitize); both gitignored.
#   tools/firmware.sh test     both builds, every CTest test in each; the last line is "firmware: N passed, N failed"
#   tools/firmware.sh cortex-m3
#                              the bare-metal image for QEMU's mps2-an385 board (build-cortex-m3), with and without
#                              the soft chip, and with the tc1 back-end instead, and their flash and RAM
#                              (arm-none-eabi-size); fails when the tc1 image exceeds 64 KB of flash or 20 KB of RAM;
#                              `test` builds it as well
#   tools/firmware.sh fuzz [SECONDS-PER-TARGET]
#                              libFuzzer (clang, ASan+UBSan) on the frame decoder and on the whole session, seeded with
#                              the golden frames, default 30 s each (the CI run); a long run is e.g. `fuzz 3600`.
#                              Corpus and any crash inputs stay in firmware-protocol/firmware/build-fuzz/.
# Exits 0 only when the build succeeds and every test passes (every fuzz target ran with no finding).
set -uo pipefail
cd "$(dirname "$0")/.."
source=firmware-protocol/firmware
build=$source/build

usage() {
  echo "usage: tools/firmware.sh test | cortex-m3 | fuzz [SECONDS-PER-TARGET]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
command=$1
shift

install() {
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "firmware: installing $*" >&2
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

fuzz() {
  local seconds=${1:-30} dir=$source/build-fuzz status=0
  if ! command -v clang >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    install clang libclang-rt-14-dev || exit 1
  fi
  cmake -S "$source" -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAIMC_FUZZ=ON \
    -DAIMC_STACK_LIMIT_BYTES=0 >/dev/null || exit 1
  cmake --build "$dir" -j 2 --target frame_fuzz session_fuzz || exit 1
  rm -rf "$dir/seeds"
  python3 "$source/fuzz/seeds.py" firmware-protocol/vectors/frames.json "$dir/seeds" || exit 1
  for target in frame_fuzz session_fuzz; do
    mkdir -p "$dir/corpus-$target" "$dir/findings-$target"
    # session_fuzz's cost per input grows with its length; 1536 bytes still hold a whole bulk transfer (fuzz/seeds.py's
    # is 413) and keep a long run from slowing as its corpus fills with long inputs; frame_fuzz keeps the default.
    local limits=()
    [ "$target" = session_fuzz ] && limits=(-max_len=1536)
    echo "firmware: fuzzing $target for $seconds s" >&2
    if ! "$dir/$target" -max_total_time="$seconds" "${limits[@]}" -print_final_stats=1 \
      -artifact_prefix="$dir/findings-$target/" "$dir/corpus-$target" "$dir/seeds" 2>"$dir/$target.log"; then
      status=1
      tail -n 40 "$dir/$target.log" >&2
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/$target.log")
    echo "firmware: $target: ${runs:-0} executions, $(find "$dir/findings-$target" -type f | wc -l) findings"
  done
  exit "$status"
}

# Both commands build with cmake; .ci/run runs `fuzz` first, so on a fresh machine this also installs what the
# firmware interoperability tests of the dotnet suite build with.
if ! command -v cmake >/dev/null || ! command -v cc >/dev/null || ! command -v python3 >/dev/null; then
  install cmake gcc python3 || { echo "firmware: 0 passed, 1 failed"; exit 1; }
fi
# The cortex-m3 target's cross compiler, C library and QEMU (about 1.5 minutes); the QEMU interoperability tests
# of the dotnet suite skip without them, so every command installs them.
if ! command -v arm-none-eabi-gcc >/dev/null || ! command -v qemu-system-arm >/dev/null ||
  [ ! -e /usr/lib/arm-none-eabi/newlib/thumb/v7-m/nofp/libc_nano.a ]; then
  install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm || { echo "firmware: 0 passed, 1 failed"; exit 1; }
fi

# Issue 14's footprint criterion: the tc1 image (no soft) fits a part of 64 KB flash and 20 KB RAM. Flash is text +
# data, RAM data + bss (which holds the stack and heap the linker script reserves).
FLASH_LIMIT_BYTES=65536
RAM_LIMIT_BYTES=20480

# Builds the cortex-m3 images and prints their sizes; fails when the build does, or when the tc1 image does not fit.
cortex_m3() {
  local dir=$source/build-cortex-m3 text data bss
  cmake -S "$source/cortex-m3" -B "$dir" >/dev/null && cmake --build "$dir" -j 2 >/dev/null || return 1
  (cd "$dir" && arm-none-eabi-size aimc-firmware-cm3-core.elf aimc-firmware-cm3.elf aimc-firmware-cm3-tc1.elf) || return 1
  read -r text data bss _ < <(arm-none-eabi-size "$dir/aimc-firmware-cm3-tc1.elf" | tail -n 1)
  local flash=$((text + data)) ram=$((data + bss))
  if [ "$flash" -gt "$FLASH_LIMIT_BYTES" ] || [ "$ram" -gt "$RAM_LIMIT_BYTES" ]; then
    echo "firmware: error: the tc1 image needs $flash bytes of flash and $ram of RAM, over a part's $FLASH_LIMIT_BYTES and $RAM_LIMIT_BYTES" >&2
    return 1
  fi
  echo "firmware: the tc1 image fits: $flash bytes of flash (of $FLASH_LIMIT_BYTES), $ram of RAM (of $RAM_LIMIT_BYTES)"
}

case $command in
  test) [ $# -eq 0 ] || usage ;;
  cortex-m3) [ $# -eq 0 ] || usage; cortex_m3; exit $? ;;
  fuzz) [ $# -le 1 ] || usage; fuzz "$@" ;;
  *) usage ;;
esac

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
# The cortex-m3 image counts as one test: it builds (its behaviour is tested over QEMU by the dotnet suite).
if cortex_m3; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
echo "firmware: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
