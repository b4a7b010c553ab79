#!/usr/bin/env bash
# Installs the Debian packages that neardup needs to build and test, when
# they are missing (chromium: the report_browser test opens report.html
# in it). Idempotent: does nothing (and needs no network) when
# everything is there. Runs apt-get update first whenever it installs.
# `install_deps.sh fuzz` adds clang and libFuzzer (make fuzz).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libabsl-dev libxxhash-dev libutf8proc-dev
  libsimdjson-dev libzstd-dev zlib1g-dev libcli11-dev zstd
  libgtest-dev libgmock-dev libbenchmark-dev
  pybind11-dev python3-dev python3-pytest python3-numpy python3-hypothesis
  python3-dask python3-distributed
  chromium
)
if [ "${1:-}" = fuzz ]; then
  packages+=(clang libclang-rt-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install_deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || {
    echo "install_deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  }
  sudo=sudo
fi
echo "install_deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
  --no-install-recommends "${missing[@]}"
