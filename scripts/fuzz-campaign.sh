#!/usr/bin/env bash
# A long fuzzing run of one target (the figures in fuzz/README.md come from these): builds the
# targets, runs fuzz_TARGET for SECONDS from its in-tree corpus (fuzz/corpus/TARGET.tar.xz)
# and the seeds made from ../shared/corpus, keeping what it finds in build-fuzz/campaign/TARGET,
# then merges that into a minimal set (same coverage) and writes it back to the archive.
# A crash or timeout is copied to fuzz/regressions/TARGET and fails the run.
#
# Usage: scripts/fuzz-campaign.sh TARGET SECONDS     (TARGET: render, pcap, decode, flow)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?target}
seconds=${2:?seconds}
corpus=${TCPLENS_CORPUS:-../shared/corpus}
cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "fuzz_$target" make_seeds
./build-fuzz/fuzz/make_seeds "$corpus" build-fuzz/seeds tests/data
case $target in decode) seeds=build-fuzz/seeds/render ;; *) seeds=build-fuzz/seeds/$target ;; esac
work=build-fuzz/campaign/$target
kept=build-fuzz/corpus/$target
mkdir -p "$work" "$kept" "$seeds" "build-fuzz/artifacts/$target" "fuzz/regressions/$target"
[ -f "fuzz/corpus/$target.tar.xz" ] && tar -C "$kept" -xJf "fuzz/corpus/$target.tar.xz"
./build-fuzz/fuzz/fuzz_$target "$work" "$kept" "$seeds" -max_total_time="$seconds" -max_len=65536 \
  -timeout=10 -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$target/" 2>&1 |
  grep -E "INITED|DONE|stat::|ERROR|SUMMARY" || true
if ls build-fuzz/artifacts/$target/crash-* build-fuzz/artifacts/$target/timeout-* >/dev/null 2>&1; then
  cp build-fuzz/artifacts/$target/* "fuzz/regressions/$target/"
  echo "fuzz_$target found a problem: inputs copied to fuzz/regressions/$target" >&2
  exit 1
fi
merged=$(mktemp -d)
./build-fuzz/fuzz/fuzz_$target -merge=1 "$merged" "$kept" "$work" -max_len=65536 2>&1 | grep -E "MERGE-OUTER: [0-9]+ new" || true
tar -C "$merged" -cf - . | xz -9 > "fuzz/corpus/$target.tar.xz"
rm -rf "$merged"
echo "fuzz/corpus/$target.tar.xz: $(tar -tJf "fuzz/corpus/$target.tar.xz" | grep -c -v '/$') inputs"
