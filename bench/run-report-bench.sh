#!/bin/bash
# tcplens report against the libpcap read loop and conns --format json, in one run: issue 15's
# targets (report of big.pcap under 50 MB, written within 3x the loop, opening in Chromium in
# under 3 s; the report of samples/ under 1 MB).
#
# For each capture (default: $BENCH_DATA/big.pcap), runs the loop, `conns --format json` and
# `report`, alternating them round by round (ROUNDS each, default 3), prints each one's median
# wall and CPU time and peak RSS, the report's size and its ratio to the loop, then the time the
# last report takes to open in headless Chromium (bench/report_open.mjs: until the table is
# decoded and drawn) and the size of the samples' report.
#
# Usage: bench/run-report-bench.sh [CAPTURE...]
#   TCPLENS (default build/tcplens), PCAP_LOOP (default build/bench/pcap_loop: configure with
#   -DTCPLENS_BUILD_BENCH=ON), ROUNDS, THREADS (--threads, default: one per processor).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/bench/common.sh"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$BENCH_DATA/big.pcap")
die() { echo "run-report-bench: $*" >&2; exit 1; }
[ -x "$TCPLENS" ] || die "$TCPLENS not built"
[ -x "$PCAP_LOOP" ] || die "$PCAP_LOOP not built (cmake -DTCPLENS_BUILD_BENCH=ON)"
out=$(mktemp -d /tmp/tcplens-report-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT

for file in "${files[@]}"; do
  [ -s "$file" ] || die "$file missing"
  echo "== $file ($ROUNDS rounds, --threads $THREADS, $(nproc) processors)"
  declare -A walls=() cpus=() rsss=()
  for ((r = 1; r <= ROUNDS; r++)); do
    for entry in "libpcap loop|$PCAP_LOOP $file" \
                 "conns --format json|$TCPLENS conns --format json -r $file --threads $THREADS" \
                 "report|$TCPLENS report -r $file -o $out/report.html --threads $THREADS"; do
      name=${entry%%|*}
      read -r wall cpu rss code < <(measure ${entry#*|})
      [ "$code" = 0 ] || die "$name exited $code"
      walls[$name]+="$wall " cpus[$name]+="$cpu " rsss[$name]+="$rss "
    done
  done
  loop=$(tr ' ' '\n' <<<"${walls[libpcap loop]}" | grep . | median)
  printf '%-22s %9s %9s %10s %7s\n' what "wall s" "cpu s" "RSS MiB" "x loop"
  for name in "libpcap loop" "conns --format json" "report"; do
    w=$(tr ' ' '\n' <<<"${walls[$name]}" | grep . | median)
    c=$(tr ' ' '\n' <<<"${cpus[$name]}" | grep . | median)
    m=$(tr ' ' '\n' <<<"${rsss[$name]}" | grep . | sort -n | tail -1)
    printf '%-22s %9.3f %9.3f %10.0f %7.2f\n' "$name" "$w" "$c" "$((m / 1024))" "$(awk -v w="$w" -v l="$loop" 'BEGIN { print w / l }')"
  done
  echo "report size: $(stat -c %s "$out/report.html") bytes (target: under 50 MB)"
  node "$REPO/bench/report_open.mjs" "$out/report.html"
done
"$TCPLENS" report -r "$REPO/samples/loopback-http.pcap" -o "$out/samples.html" --detail all
echo "samples/loopback-http.pcap report: $(stat -c %s "$out/samples.html") bytes (target: under 1 MB)"
