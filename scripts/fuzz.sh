#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, makes seeds from ../shared/corpus and tests/data
# (a capture per protocol printer) and runs each
# target for SECONDS (default 60), starting from its in-tree corpus (fuzz/corpus/TARGET.tar.xz,
# what earlier long runs found: scripts/fuzz-campaign.sh) and the seeds. Findings go to build-fuzz/findings/TARGET; a crash input
# is copied to fuzz/regressions/ (to be replayed by the unit tests once fixed) and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
corpus=${TCPLENS_CORPUS:-../shared/corpus}
cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_render fuzz_pcap fuzz_decode fuzz_flow fuzz_filter make_seeds
./build-fuzz/fuzz/make_seeds "$corpus" build-fuzz/seeds tests/data
status=0
for target in render pcap decode flow filter; do
  # decode reads render's input format.
  case $target in decode) seeds=build-fuzz/seeds/render ;; flow) seeds=build-fuzz/seeds/flow ;; *) seeds=build-fuzz/seeds/$target ;; esac
  dict=()
  [ -f "fuzz/$target.dict" ] && dict=(-dict="fuzz/$target.dict")
  mkdir -p "build-fuzz/findings/$target" "build-fuzz/artifacts/$target" "$seeds" "fuzz/regressions/$target"
  kept=build-fuzz/corpus/$target
  mkdir -p "$kept"
  [ -f "fuzz/corpus/$target.tar.xz" ] && tar -C "$kept" -xJf "fuzz/corpus/$target.tar.xz"
  if ! ./build-fuzz/fuzz/fuzz_$target "build-fuzz/findings/$target" "$kept" "$seeds" \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -print_final_stats=1 "${dict[@]}" \
      -artifact_prefix="build-fuzz/artifacts/$target/" 2>&1 | grep -E "stat::|ERROR|SUMMARY|Test unit written"; then
    :
  fi
  if ls build-fuzz/artifacts/$target/crash-* build-fuzz/artifacts/$target/timeout-* >/dev/null 2>&1; then
    cp build-fuzz/artifacts/$target/* "fuzz/regressions/$target/"
    echo "fuzz_$target found a problem: inputs copied to fuzz/regressions/$target" >&2
    status=1
  fi
done
exit $status
