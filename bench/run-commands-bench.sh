#!/bin/bash
# Every command against the libpcap read loop, in one run: the table of issue 11.
#
# For each capture (default: $BENCH_DATA/real.pcap and $BENCH_DATA/big.pcap), runs the libpcap
# `pcap_next_ex` loop (build/bench/pcap_loop: the floor), `TZ=UTC tcpdump -n` and every tcplens
# command, alternating them round by round (ROUNDS each, page cache warm), and prints per
# command the median wall time, ns/packet, the ratio to the loop's median (target: 3), peak
# RSS (target: 100 MB) and, for `print -n`, the ratio to tcpdump's median (target: 0.1).
#
# Usage: bench/run-commands-bench.sh [CAPTURE...]
#   TCPLENS (default build/tcplens), PCAP_LOOP (default build/bench/pcap_loop: configure with
#   -DTCPLENS_BUILD_BENCH=ON), ROUNDS (default 3), THREADS (--threads, default: one per
#   processor), ONLY (a regular expression: the commands to run, by name), TCPDUMP=0 skips tcpdump.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/bench/common.sh"
ONLY=${ONLY:-.}
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$BENCH_DATA/real.pcap" "$BENCH_DATA/big.pcap")

die() { echo "run-commands-bench: $*" >&2; exit 1; }
[ -x "$TCPLENS" ] || die "$TCPLENS not built"
[ -x "$PCAP_LOOP" ] || die "$PCAP_LOOP not built (cmake -DTCPLENS_BUILD_BENCH=ON)"


# name|command (FILE is replaced by the capture)
commands=(
  "libpcap loop|$PCAP_LOOP FILE"
  "tcpdump -n|env TZ=UTC tcpdump -n -r FILE"
  "print -n|env TZ=UTC $TCPLENS print -n -r FILE --threads $THREADS"
  "print --style wireshark|$TCPLENS print --style wireshark -r FILE --threads $THREADS"
  "analyze --per-packet|$TCPLENS analyze --per-packet --format tsv -r FILE --threads $THREADS"
  "conns (table)|$TCPLENS conns -r FILE --threads $THREADS"
  "conns --format json|$TCPLENS conns --format json -r FILE --threads $THREADS"
  "conns --format csv|$TCPLENS conns --format csv -r FILE --threads $THREADS"
  "conns --format zeek|$TCPLENS conns --format zeek -r FILE --threads $THREADS"
  "conns -Y (display filter)|$TCPLENS conns -r FILE --threads $THREADS -Y tcp.port==80&&tcp.len>0"
  "detect --format json|$TCPLENS detect --format json -r FILE"
  "explain --format json|$TCPLENS explain --format json -r FILE --threads $THREADS"
)
[ -n "${EXTRA_COMMANDS:-}" ] && while IFS= read -r line; do [ -n "$line" ] && commands+=("$line"); done <<<"$EXTRA_COMMANDS"

for file in "${files[@]}"; do
  [ -s "$file" ] || die "$file missing (../shared/bench/make-bench-pcaps.sh makes it)"
  packets=$("$PCAP_LOOP" "$file" | awk '{print $1}')
  echo "== $file ($packets packets, $ROUNDS rounds, --threads $THREADS, $(nproc) processors)"
  declare -A walls=() rsss=() codes=()
  for ((r = 1; r <= ROUNDS; r++)); do
    for entry in "${commands[@]}"; do
      name=${entry%%|*}
      cmd=${entry#*|}
      [[ "$name" =~ $ONLY || "$name" == "libpcap loop" ]] || continue
      [ "${TCPDUMP:-1}" = 0 ] && [ "$name" = "tcpdump -n" ] && continue
      read -r wall _cpu rss code < <(measure ${cmd//FILE/$file})
      walls[$name]+="$wall "
      rsss[$name]+="$rss "
      codes[$name]=$code
    done
  done
  loop=$(echo ${walls["libpcap loop"]} | tr ' ' '\n' | median)
  dump=""
  [ -n "${walls["tcpdump -n"]:-}" ] && dump=$(echo ${walls["tcpdump -n"]} | tr ' ' '\n' | median)
  printf '%-26s %9s %10s %9s %10s %s\n' command wall_s ns/packet "x loop" peak_MiB note
  for entry in "${commands[@]}"; do
    name=${entry%%|*}
    [ -n "${walls[$name]:-}" ] || continue
    w=$(echo ${walls[$name]} | tr ' ' '\n' | median)
    m=$(echo ${rsss[$name]} | tr ' ' '\n' | sort -n | tail -1)
    note=""
    [ "${codes[$name]}" = 0 ] || note="exit ${codes[$name]}"
    if [ "$name" = "print -n" ] && [ -n "$dump" ]; then
      note="$note $(awk -v a="$w" -v b="$dump" 'BEGIN {printf "%.3f of tcpdump", a / b}')"
    fi
    awk -v n="$name" -v w="$w" -v l="$loop" -v p="$packets" -v m="$m" -v note="$note" \
      'BEGIN {printf "%-26s %9.3f %10.1f %9.2f %10.1f %s\n", n, w, w * 1e9 / p, w / l, m / 1024, note}'
  done
  unset walls rsss codes
done
