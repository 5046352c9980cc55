#!/usr/bin/env bash
# Installs dependencies, builds tcplens and runs every test: unit tests, golden tests over
# ../shared/corpus and end-to-end tests, first in the release build, then again in an
# AddressSanitizer + UndefinedBehaviorSanitizer build (any sanitizer report fails the run),
# then analyze's worker threads under ThreadSanitizer, then each fuzz target for 45 seconds
# (CI must stay under 45 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
# Two at a time: the netns and flood tests are RUN_SERIAL (real kernel traffic, alone on
# the machine), every other test works in a directory of its own.
(cd build && TZ=UTC ctest --output-on-failure -j"$jobs")

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPLENS_SANITIZE=ON
cmake --build build-asan -j"$jobs"
# The flood, netns, browser and Dask tests run in the release build only (the rest two at a
# time: each works in a directory of its own, on no network): they drive the same
# code as the CLI tests that ASan does run (report_cli, split_merge), at many times the cost.
(cd build-asan && TZ=UTC ctest --output-on-failure -j"$jobs" -LE 'flood|netns|browser|dask')

# ThreadSanitizer over analyze's worker threads: the corpus on 1, 2 and 3 threads must give
# the same output (a report changes stderr and the exit status).
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPLENS_TSAN=ON -DTCPLENS_BUILD_TESTS=OFF
cmake --build build-tsan -j"$jobs" --target tcplens
TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
  tests/cli/analyze_threads_test.sh build-tsan/tcplens "${TCPLENS_CORPUS:-../shared/corpus}"

# Each fuzz target for a bounded time; a crash fails the run and is kept in fuzz/regressions.
./scripts/fuzz.sh "${TCPLENS_FUZZ_SECONDS:-45}"
