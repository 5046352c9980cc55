#!/bin/bash
# End-to-end benchmark: `tcplens print -n -r BIG > /dev/null` against
# `TZ=UTC tcpdump -n -r BIG > /dev/null`, in one run, alternating the two (ROUNDS each),
# reporting median wall time, CPU time, ns/packet, the ratio of medians and peak RSS;
# then checks that the two outputs are byte-identical (and counts differing lines if not).
#
# Usage: bench/run-print-bench.sh [BIG.pcap]
#   BIG.pcap      default: $BENCH_DATA/big.pcap
#   BENCH_DATA    where the benchmark captures live (default: ../bench-data next to the repo).
#                 When big.pcap is missing it is made there, once, with
#                 ../shared/bench/make-bench-pcaps.sh (needs root, ~10 minutes).
#   TCPLENS       the binary (default: build/tcplens)
#   ROUNDS        runs of each tool (default 3)
#   COMPARE_LINES compare only the first N lines of output (default: all; 0 skips the check)
#   TCPDUMP       default: tcpdump
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DATA=${BENCH_DATA:-$(cd "$REPO/.." && pwd)/bench-data}
BIG=${1:-$BENCH_DATA/big.pcap}
TCPLENS=${TCPLENS:-$REPO/build/tcplens}
TCPDUMP=${TCPDUMP:-tcpdump}
ROUNDS=${ROUNDS:-3}
COMPARE_LINES=${COMPARE_LINES:-all}
MAKE_PCAPS=$REPO/../shared/bench/make-bench-pcaps.sh

die() { echo "run-print-bench: $*" >&2; exit 1; }

[ -x "$TCPLENS" ] || die "$TCPLENS not built (cmake --build build)"
command -v "$TCPDUMP" >/dev/null || die "tcpdump not found"

if [ ! -s "$BIG" ]; then
    [ $# -eq 0 ] || die "$BIG does not exist"
    [ -x "$MAKE_PCAPS" ] || die "$BIG is missing and $MAKE_PCAPS is not there to make it"
    [ "$(id -u)" = 0 ] || die "$BIG is missing; making it needs root (sudo $0)"
    echo "making the benchmark captures in $BENCH_DATA (about 10 minutes, once) ..." >&2
    mkdir -p "$BENCH_DATA"
    OUT=$BENCH_DATA nice -n 19 "$MAKE_PCAPS" >"$BENCH_DATA/make.log" 2>&1 ||
        die "make-bench-pcaps.sh failed; see $BENCH_DATA/make.log"
fi

# Runs "$@" > /dev/null with stderr discarded; prints "wall_s cpu_s maxrss_kib exit".
# wait4() gives the child's own peak RSS and CPU time (a tiny getrusage wrapper).
measure() { python3 "$REPO/bench/measure.py" "$@"; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

if command -v capinfos >/dev/null; then
    PACKETS=$(capinfos -c -M "$BIG" 2>/dev/null | awk -F': *' '/Number of packets/ {print $2}')
fi
if ! [[ ${PACKETS:-} =~ ^[0-9]+$ ]]; then
    PACKETS=$("$TCPLENS" print -n -r "$BIG" 2>/dev/null | wc -l)
fi

A=(env "$TCPLENS" print -n -r "$BIG")
B=(env TZ=UTC "$TCPDUMP" -n -r "$BIG")
echo "file:    $BIG ($(stat -c %s "$BIG") bytes, $PACKETS packets)"
echo "A:       ${A[*]:1} > /dev/null"
echo "B:       ${B[*]:1} > /dev/null"
echo "machine: $(nproc) CPUs, $(uname -r), tcpdump $("$TCPDUMP" --version 2>&1 | awk 'NR==1 {print $3}')"

cat "$BIG" > /dev/null  # page cache warm for both
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf '%-6s %-8s %9s %9s %11s\n' round tool wall_s cpu_s maxrss_KiB
for r in $(seq "$ROUNDS"); do
    for tool in A B; do
        if [ $tool = A ]; then cmd=("${A[@]}"); else cmd=("${B[@]}"); fi
        read -r wall cpu rss rc < <(measure "${cmd[@]}")
        [ "$rc" = 0 ] || die "$tool exited with status $rc"
        printf '%-6s %-8s %9s %9s %11s\n' "$r" "$([ $tool = A ] && echo tcplens || echo tcpdump)" \
            "$wall" "$cpu" "$rss"
        echo "$wall" >> "$TMP/$tool.wall"; echo "$cpu" >> "$TMP/$tool.cpu"
        echo "$rss" >> "$TMP/$tool.rss"
    done
done

summary() {  # tool name
    local w c rss
    w=$(median < "$TMP/$1.wall"); c=$(median < "$TMP/$1.cpu"); rss=$(sort -g "$TMP/$1.rss" | tail -1)
    awk -v n="$2" -v w="$w" -v c="$c" -v r="$rss" -v p="$PACKETS" 'BEGIN {
        printf "%-8s median wall %8.3f s  cpu %8.3f s  %7.1f ns/packet  peak RSS %7.1f MiB\n",
               n, w, c, w * 1e9 / p, r / 1024 }'
}
echo
summary A tcplens
summary B tcpdump
awk -v a="$(median < "$TMP/A.wall")" -v b="$(median < "$TMP/B.wall")" 'BEGIN {
    printf "ratio   tcplens/tcpdump = %.4f (tcpdump takes %.1fx as long; target <= 0.1)\n", a / b, b / a }'
awk -v a="$(median < "$TMP/A.cpu")" -v b="$(median < "$TMP/B.cpu")" 'BEGIN {
    printf "cpu     tcplens/tcpdump = %.4f (ratio of median user+sys times: less sensitive to other load)\n", a / b }'

# Output check: stream both outputs (TZ=UTC for both) and compare without storing them.
[ "$COMPARE_LINES" = 0 ] && exit 0
limit() { if [ "$COMPARE_LINES" = all ]; then cat; else head -n "$COMPARE_LINES"; fi; }
echo
echo "comparing outputs ($COMPARE_LINES lines) ..."
if cmp -s <(TZ=UTC "$TCPLENS" print -n -r "$BIG" 2>/dev/null | limit) \
          <(TZ=UTC "$TCPDUMP" -n -r "$BIG" 2>/dev/null | limit); then
    echo "output: byte-identical"
    exit 0
fi
# Different: count differing lines, line by line, and show the first few.
mkfifo "$TMP/a.fifo"
TZ=UTC "$TCPLENS" print -n -r "$BIG" 2>/dev/null | limit > "$TMP/a.fifo" &
TZ=UTC "$TCPDUMP" -n -r "$BIG" 2>/dev/null | limit | awk -v f="$TMP/a.fifo" '
    { total++; if ((getline l < f) <= 0) l = "<missing>";
      if (l != $0) {
          n++; if (n <= 5) printf "  line %d\n    tcpdump: %s\n    tcplens: %s\n", NR, $0, l
          # What tcpdump printed on the differing line (printers that are not finished yet).
          k = / ARP, / ? "ARP" : / ICMP6?,? / ? "ICMP/ICMP6" : /: HTTP/ ? "HTTP" : / IP6? / ? "other IP" : "other"
          kind[k]++ } }
    END { while ((getline l < f) > 0) { n++; total++; kind["extra tcplens lines"]++ }
          printf "output: %d of %d lines differ\n", n, total
          for (k in kind) printf "  %-20s %d\n", k, kind[k] }'
wait
exit 1
