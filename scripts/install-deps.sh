#!/usr/bin/env bash
# Installs what building and testing tcplens needs on Debian 12 (run as root): the toolchain
# and libraries, then one line per feature that needs more.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then echo "install-deps.sh: run as root" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
pkgs=(build-essential cmake pkg-config libpcap-dev libpcre2-dev libcli11-dev libgtest-dev googletest
      libbenchmark-dev nlohmann-json3-dev tcpdump iproute2 clang libclang-rt-14-dev xz-utils
      hping3 nmap python3)
pkgs+=(nftables)              # tcplens trace: its NAT
pkgs+=(curl netcat-openbsd)   # the live tests and the README's examples
pkgs+=(zlib1g-dev chromium)   # tcplens report (its data deflated) and its browser test
pkgs+=(python3-dask python3-distributed)  # tcplens_dask (python/, docs/scale-out.md)
pkgs+=(gettext)               # msgfmt: explain's message catalogs (po/)
# Node and npm (report/'s pinned packages): Debian's, unless a node with its npm is there.
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
# report/: the exact versions of report/package-lock.json (from the npm cache when it has them).
(cd "$(dirname "$0")/../report" && npm ci --prefer-offline --no-audit --no-fund)
