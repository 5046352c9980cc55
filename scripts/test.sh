#!/usr/bin/env bash
# Installs dependencies, builds tcplens and runs every test (unit, golden over the corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
cd build
TZ=UTC ctest --output-on-failure -j1
