#!/usr/bin/env bash
# Installs what building and testing tcplens needs on Debian 12 (run as root): nftables for
# `tcplens trace` (its NAT), curl for the live tests.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then echo "install-deps.sh: run as root" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
pkgs=(build-essential cmake pkg-config libpcap-dev libpcre2-dev libcli11-dev libgtest-dev googletest
      libbenchmark-dev nlohmann-json3-dev tcpdump iproute2 clang libclang-rt-14-dev xz-utils
      hping3 nmap python3 nftables curl)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
