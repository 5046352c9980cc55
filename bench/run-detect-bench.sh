#!/bin/bash
# detect's speed: `DETECT -r big.pcap --format json` against a plain libpcap read loop
# (build/bench/pcap_loop, the floor), alternating the runs (ROUNDS each), with medians,
# ns/packet, peak RSS and the ratio (issue 16's target: 3); and detect must find nothing on
# big.pcap (ordinary traffic).
#
# Usage: bench/run-detect-bench.sh [BIG.pcap]
#   default: $BENCH_DATA/big.pcap (see run-print-bench.sh)
#   DETECT (default: build/tcplens detect, else build/tests/detect_runner), PCAP_LOOP
#   (default build/bench/pcap_loop: configure with -DTCPLENS_BUILD_BENCH=ON), ROUNDS (3).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DATA=${BENCH_DATA:-$(cd "$REPO/.." && pwd)/bench-data}
BIG=${1:-$BENCH_DATA/big.pcap}
PCAP_LOOP=${PCAP_LOOP:-$REPO/build/bench/pcap_loop}
ROUNDS=${ROUNDS:-3}
if [ -n "${DETECT:-}" ]; then
  read -r -a detect <<<"$DETECT"
elif "$REPO/build/tcplens" --help 2>/dev/null | grep -q '^ *detect '; then
  detect=("$REPO/build/tcplens" detect)
else
  detect=("$REPO/build/tests/detect_runner")
fi

die() { echo "run-detect-bench: $*" >&2; exit 1; }
[ -x "$PCAP_LOOP" ] || die "$PCAP_LOOP not built (cmake -DTCPLENS_BUILD_BENCH=ON)"
[ -s "$BIG" ] || die "$BIG missing (bench/run-print-bench.sh makes it)"

. "$REPO/bench/common.sh"

packets=$("$PCAP_LOOP" "$BIG" | awk '{print $1}')
echo "file:    $BIG ($packets packets)"
echo "detect:  ${detect[*]}"
findings=$("${detect[@]}" -r "$BIG" --format json | wc -l)
echo "findings on it: $findings (ordinary traffic: must be 0)"
loop="" det="" rss=0
printf '%-6s %-8s %9s %9s %12s\n' round tool wall_s cpu_s maxrss_KiB
for r in $(seq "$ROUNDS"); do
  read -r w c m e < <(measure "$PCAP_LOOP" "$BIG")
  printf '%-6s %-8s %9s %9s %12s\n' "$r" libpcap "$w" "$c" "$m"
  loop+="$w "
  read -r w c m e < <(measure "${detect[@]}" -r "$BIG" --format json)
  [ "$e" = 0 ] || die "detect exited with $e"
  printf '%-6s %-8s %9s %9s %12s\n' "$r" detect "$w" "$c" "$m"
  det+="$w "
  rss=$(( rss > m ? rss : m ))
done
ml=$(echo "$loop" | tr ' ' '\n' | grep . | median)
md=$(echo "$det" | tr ' ' '\n' | grep . | median)
printf 'libpcap loop median %.3f s (%.1f ns/packet); detect median %.3f s (%.1f ns/packet), peak RSS %.1f MiB\n' \
  "$ml" "$(echo "$ml * 1000000000 / $packets" | bc -l)" "$md" "$(echo "$md * 1000000000 / $packets" | bc -l)" \
  "$(echo "$rss / 1024" | bc -l)"
printf 'detect / libpcap loop = %.2f (target <= 3)\n' "$(echo "$md / $ml" | bc -l)"
[ "$findings" = 0 ] || die "detect raised $findings findings on ordinary traffic"
