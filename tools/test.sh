#!/usr/bin/env bash
# Runs every test of the solution, then the C firmware's CTest suite (tools/firmware.sh test: cmake, then ctest in a
# plain and a sanitizer build), and ends with one line
# "N passed, N failed" counted from both.
set -uo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh || exit 1

results=artifacts/test-results
rm -rf "$results"
dotnet test AimcHil.sln -c Release --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed before any result was written: count that as a failure, visibly.
  failed=1
fi

# The firmware's counts come from its own last line, "firmware: N passed, N failed".
firmware_log=$(mktemp)
tools/firmware.sh test | tee "$firmware_log"
firmware_status=${PIPESTATUS[0]}
firmware_line=$(tail -n 1 "$firmware_log")
rm -f "$firmware_log"
fp=$(echo "$firmware_line" | sed -n 's/^firmware: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
ff=$(echo "$firmware_line" | sed -n 's/^firmware: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$fp" ] || { [ "$firmware_status" -ne 0 ] && [ "${ff:-0}" -eq 0 ]; }; then
  fp=${fp:-0}
  ff=1
fi
passed=$((passed + fp))
failed=$((failed + ff))

echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$firmware_status" -eq 0 ] && [ "$failed" -eq 0 ]
