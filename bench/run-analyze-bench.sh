#!/bin/bash
# Analysis benchmark: `tcplens analyze --per-packet --format tsv` (and `--format none`, the
# analysis without printing) and `tcplens conns --format
# json` against a plain libpcap read loop (build/bench/pcap_loop, the floor), alternating the
# runs (ROUNDS each) and reporting medians, ns/packet, peak RSS and the ratios; then
# `tshark -T fields` with the tcp.analysis fields once, by default on the smaller capture
# (TSHARK_ON=BIG.pcap for the judged one: tshark needs about 8.5 GB and 4 minutes there).
#
# Usage: bench/run-analyze-bench.sh [BIG.pcap [SMALL.pcap]]
#   defaults: $BENCH_DATA/big.pcap and $BENCH_DATA/real.pcap (see run-print-bench.sh)
#   TCPLENS, PCAP_LOOP (default build/bench/pcap_loop: configure with -DTCPLENS_BUILD_BENCH=ON),
#   ROUNDS (default 3), TSHARK=0 skips the tshark run, TSHARK_ON=FILE (default SMALL.pcap).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DATA=${BENCH_DATA:-$(cd "$REPO/.." && pwd)/bench-data}
BIG=${1:-$BENCH_DATA/big.pcap}
SMALL=${2:-$BENCH_DATA/real.pcap}
TCPLENS=${TCPLENS:-$REPO/build/tcplens}
PCAP_LOOP=${PCAP_LOOP:-$REPO/build/bench/pcap_loop}
ROUNDS=${ROUNDS:-3}

die() { echo "run-analyze-bench: $*" >&2; exit 1; }
[ -x "$TCPLENS" ] || die "$TCPLENS not built"
[ -x "$PCAP_LOOP" ] || die "$PCAP_LOOP not built (cmake -DTCPLENS_BUILD_BENCH=ON)"
[ -s "$BIG" ] || die "$BIG missing (bench/run-print-bench.sh makes it)"

. "$REPO/bench/common.sh"

packets=$("$PCAP_LOOP" "$BIG" | awk '{print $1}')
echo "file:    $BIG ($packets packets)"
declare -A wall rss
names=(libpcap analyze analyze_none conns)
cmds_libpcap=("$PCAP_LOOP" "$BIG")
cmds_analyze=("$TCPLENS" analyze -r "$BIG" --per-packet --format tsv)
cmds_analyze_none=("$TCPLENS" analyze -r "$BIG" --per-packet --format none)
cmds_conns=("$TCPLENS" conns -r "$BIG" --format json)
printf '%-6s %-12s %9s %9s %12s\n' round tool wall_s cpu_s maxrss_KiB
for r in $(seq "$ROUNDS"); do
  for n in "${names[@]}"; do
    declare -n cmd="cmds_$n"
    read -r w c m e < <(measure "${cmd[@]}")
    [ "$e" = 0 ] || die "$n exited with $e"
    printf '%-6s %-12s %9s %9s %12s\n' "$r" "$n" "$w" "$c" "$m"
    wall[$n]+="$w "
    rss[$n]=$(( ${rss[$n]:-0} > m ? ${rss[$n]:-0} : m ))
  done
done
echo
for n in "${names[@]}"; do
  med=$(echo "${wall[$n]}" | tr ' ' '\n' | grep . | median)
  printf '%-12s median wall %8.3f s  %7.1f ns/packet  peak RSS %7.1f MiB\n' "$n" "$med" \
    "$(echo "$med * 1000000000 / $packets" | bc -l)" "$(echo "${rss[$n]} / 1024" | bc -l)"
  eval "med_$n=$med"
done
printf 'analyze / libpcap loop = %.2f (target <= 3)\n' "$(echo "$med_analyze / $med_libpcap" | bc -l)"
printf 'analyze --format none (analysis only, both passes) / libpcap loop = %.2f\n' \
  "$(echo "$med_analyze_none / $med_libpcap" | bc -l)"

# tshark runs once (it takes minutes); tcplens three times (median). TSHARK_ON=FILE picks the
# capture (default SMALL; big.pcap needs about 8.5 GB of memory and 4 minutes).
TSHARK_ON=${TSHARK_ON:-$SMALL}
if [ "${TSHARK:-1}" != 0 ] && command -v tshark >/dev/null && [ -s "$TSHARK_ON" ]; then
  small_packets=$("$PCAP_LOOP" "$TSHARK_ON" | awk '{print $1}')
  echo
  echo "tshark, once, on $TSHARK_ON ($small_packets packets):"
  # tcplens first: right after tshark gives back its gigabytes, runs are slower for a while.
  runs=""
  am=0
  for r in 1 2 3; do
    read -r w c m e < <(measure "$TCPLENS" analyze -r "$TSHARK_ON" --per-packet --format tsv)
    runs+="$w "
    am=$(( am > m ? am : m ))
  done
  read -r tw tc tm te < <(measure tshark -n -r "$TSHARK_ON" -T fields -e frame.number -e tcp.stream \
      -e tcp.analysis.flags -e tcp.analysis.ack_rtt -e tcp.analysis.bytes_in_flight)
  aw=$(echo "$runs" | tr ' ' '\n' | grep . | median)
  printf 'tshark   %8.3f s  %9.1f ns/packet  peak RSS %7.1f MiB\n' "$tw" \
    "$(echo "$tw * 1000000000 / $small_packets" | bc -l)" "$(echo "$tm / 1024" | bc -l)"
  printf 'tcplens  %8.3f s  %9.1f ns/packet  peak RSS %7.1f MiB (median of 3)\n' "$aw" \
    "$(echo "$aw * 1000000000 / $small_packets" | bc -l)" "$(echo "$am / 1024" | bc -l)"
  printf 'tshark / tcplens analyze = %.0fx (target >= 100x)\n' "$(echo "$tw / $aw" | bc -l)"
fi
