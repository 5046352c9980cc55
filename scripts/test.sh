#!/usr/bin/env bash
# Installs dependencies, builds tcplens and runs every test: unit tests, golden tests over
# ../shared/corpus and end-to-end tests, first in the release build, then again in an
# AddressSanitizer + UndefinedBehaviorSanitizer build (any sanitizer report fails the run),
# then analyze's threads under ThreadSanitizer.
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

# ThreadSanitizer over analyze's two-thread pipeline: the tool and the golden tshark runner
# (a sanitizer report exits 66, which the runner counts as a crash).
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPLENS_TSAN=ON
cmake --build build-tsan -j"$jobs" --target tcplens golden_tshark
(cd build-tsan && TZ=UTC TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
  ./tests/golden_tshark --tool ./tcplens --corpus "${TCPLENS_CORPUS:-../../shared/corpus}" \
  --compat tshark --require-all 100 > tsan-golden.txt || { tail -40 tsan-golden.txt; exit 1; })

# Each fuzz target for a bounded time; a crash fails the run and is kept in fuzz/regressions.
./scripts/fuzz.sh "${TCPLENS_FUZZ_SECONDS:-60}"
