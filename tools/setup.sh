#!/usr/bin/env bash
# Installs what a fresh Debian machine with the .NET SDK lacks: OpenBLAS (the emulator's matrix products) and the
# Fashion-MNIST dataset (training). Safe to run again: it only installs what is missing.
set -euo pipefail

packages=()
[ -e /usr/lib/x86_64-linux-gnu/libopenblas.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libopenblas.so.0 ] || packages+=(libopenblas0-pthread)
[ -d /usr/share/datasets/fashion-mnist ] || packages+=(dataset-fashion-mnist)

if [ ${#packages[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${packages[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
fi

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is needed (dotnet not on PATH)" >&2; exit 1; }
