#!/usr/bin/env bash
# Coverage-guided fuzzing of the frame decoder, the device server, the rig-file reader and the .npy reader: builds the
# harness, instruments its AimcHil assemblies (and YamlDotNet, the rig-file parser) with sharpfuzz, and runs afl-fuzz
# on each target for a bounded time. Exits 1 when any input crashed or hung a target, printing the inputs' paths and
# what each threw.
#   tools/fuzz/run.sh [SECONDS-PER-TARGET] [TARGET...]    (default 15 s each; targets: frame session rigfile npy)
# The CI run is the default; a long run is e.g. `tools/fuzz/run.sh 3600`. Findings stay in artifacts/fuzz/.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frame session rigfile npy)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v afl-fuzz >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "fuzz: installing afl++" >&2
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq afl++ >/dev/null || exit 1
fi

out=artifacts/fuzz
plain=$out/plain
bin=$out/bin
rm -rf "$plain" "$bin" "$out/seeds"
# Instrumented code writes its coverage where afl-fuzz's fork server points it, and faults outside one: seeds and
# replays run on a plain copy, afl-fuzz on an instrumented one (sharpfuzz rewrites assemblies in place).
dotnet publish tools/fuzz/AimcHil.Fuzz -c Release -o "$plain" -v quiet -nologo || exit 1
dotnet "$plain/AimcHil.Fuzz.dll" seeds "$out/seeds" || exit 1
cp -r "$plain" "$bin"
(cd tools/fuzz && dotnet tool restore >/dev/null) || exit 1
for dll in "$bin"/AimcHil.*.dll "$bin"/YamlDotNet.dll; do
  [ "$(basename "$dll")" = AimcHil.Fuzz.dll ] && continue
  (cd tools/fuzz && dotnet sharpfuzz "$OLDPWD/$dll" >/dev/null) || { echo "fuzz: sharpfuzz could not instrument $dll" >&2; exit 1; }
done

# dotnet carries no AFL instrumentation of its own (sharpfuzz's is inside the assemblies); containers have no CPU
# frequency governor nor a core_pattern to set; the 2 cores are shared, so no pinning. A heap limit turns a memory
# blow-up into an OutOfMemoryException, which the harness lets crash.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
  AFL_FAST_CAL=1 AFL_QUIET=1 DOTNET_GCHeapHardLimit=0x40000000

dotnet=$(command -v dotnet)
mkdir -p "$out/findings"
found=0
for target in "${targets[@]}"; do
  findings=$out/findings/$target
  rm -rf "$findings"
  echo "fuzz: $target for ${seconds}s" >&2
  afl-fuzz -i "$out/seeds/$target" -o "$findings" -V "$seconds" -t 3000 -m none -- "$dotnet" "$bin/AimcHil.Fuzz.dll" "$target" \
    >"$out/$target.log" 2>&1
  status=$?
  stats=$findings/default/fuzzer_stats
  if [ -f "$stats" ]; then
    execs=$(sed -n 's/^execs_done *: //p' "$stats")
    paths=$(sed -n 's/^corpus_count *: //p' "$stats")
    echo "fuzz: $target: $execs runs, $paths inputs in the queue" >&2
  fi
  if [ "$status" -ne 0 ]; then
    echo "fuzz: afl-fuzz stopped early on $target (exit $status); the input it was running: $findings/default/.cur_input; the end of $out/$target.log:" >&2
    tail -n 6 "$out/$target.log" >&2
    found=1
  fi
  for kind in crashes hangs; do
    shown=0
    for input in "$findings"/default/$kind/id:*; do
      [ -e "$input" ] || continue
      found=1
      echo "fuzz: $target: $kind: $input"
      # What the first two threw (a hang replays until the 10 s limit), bounded so a run with many finds stays short.
      if [ "$shown" -lt 2 ]; then
        shown=$((shown + 1))
        timeout 10 dotnet "$plain/AimcHil.Fuzz.dll" replay "$target" "$input" 2>&1 | head -n 3 | cut -c1-400 | sed 's/^/    /'
      fi
    done
  done
done

[ "$found" -eq 0 ] && echo "fuzz: no crash and no hang in ${#targets[@]} target(s) × ${seconds}s" >&2
exit "$found"
