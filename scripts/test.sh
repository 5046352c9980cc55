#!/usr/bin/env bash
# Installs dependencies, builds tcplens and runs every test: unit tests, golden tests over
# ../shared/corpus and end-to-end tests, first in the release build, then again in an
# AddressSanitizer + UndefinedBehaviorSanitizer build (any sanitizer report fails the run).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
(cd build && TZ=UTC ctest --output-on-failure)

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPLENS_SANITIZE=ON
cmake --build build-asan -j"$jobs"
(cd build-asan && TZ=UTC ctest --output-on-failure -LE flood)  # the flood runs in the release build

# Each fuzz target for a bounded time; a crash fails the run and is kept in fuzz/regressions.
./scripts/fuzz.sh "${TCPLENS_FUZZ_SECONDS:-60}"
