#!/usr/bin/env bash
# An emulator session on every emulator preset in hil-rigs/ — program random weights, run MVMs, and print
# the error against the exact W·x, first with every non-ideality off (quantization only), then as the preset says.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh

dotnet build src/AimcHil.Cli -c Release -o artifacts/aimc -v quiet -nologo
aimc=artifacts/aimc/aimc

for rig in hil-rigs/*.yaml; do
  grep -q '^kind: emulator' "$rig" || continue   # link and direct rigs need a server or a board
  "$aimc" info --rig "$rig" | head -n 1
  "$aimc" mvm --rig "$rig" --ideal --random-inputs 256
  "$aimc" mvm --rig "$rig" --random-inputs 256
done
