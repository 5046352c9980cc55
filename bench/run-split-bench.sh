#!/bin/bash
# `tcplens split` throughput against reading the file (`cat FILE > /dev/null`), copying it
# (`cat FILE > OUT/copy`: the disk's write speed, what split cannot beat) and the libpcap read
# loop, in one run (docs/scale-out.md, issue 17).
#
# For each capture (default: $BENCH_DATA/real.pcap and $BENCH_DATA/big.pcap) and each shard
# count (SHARDS, default "2 8"), alternates the commands round by round (ROUNDS each, page
# cache warm for the input), and prints per command the median wall time, MB/s of input, the
# ratio to the medians of `cat > /dev/null` and of the copy, CPU time and peak RSS. The shards
# and the copy go to OUT (default a directory beside the capture in $BENCH_DATA: the same
# disk), removed before every command.
#
# Usage: bench/run-split-bench.sh [CAPTURE...]
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/bench/common.sh"
SHARDS=${SHARDS:-"2 8"}
ROUNDS=${ROUNDS:-3}
TCPLENS=${TCPLENS:-$REPO/build/tcplens}
PCAP_LOOP=${PCAP_LOOP:-$REPO/build/bench/pcap_loop}
BENCH_DATA=${BENCH_DATA:-$(cd "$REPO/.." && pwd)/bench-data}
OUT=${OUT:-$BENCH_DATA/split-bench.$$}
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$BENCH_DATA/real.pcap" "$BENCH_DATA/big.pcap")
trap 'rm -rf "$OUT"' EXIT
[ -x "$TCPLENS" ] || { echo "run-split-bench: $TCPLENS not built" >&2; exit 1; }

for file in "${files[@]}"; do
  bytes=$(stat -c %s "$file")
  echo "== $file ($bytes bytes, $ROUNDS rounds, $(nproc) processors)"
  commands=("cat|sh -c 'cat \"\$0\" > /dev/null' FILE"
            "cat > copy|sh -c 'mkdir -p \"\$1\" && cat \"\$0\" > \"\$1/copy\"' FILE $OUT")
  [ -x "$PCAP_LOOP" ] && commands+=("libpcap loop|$PCAP_LOOP FILE")
  for n in $SHARDS; do commands+=("split -n $n|$TCPLENS split -r FILE -o $OUT -n $n"); done
  declare -A walls=() cpus=() rsss=()
  for ((r = 1; r <= ROUNDS; r++)); do
    for entry in "${commands[@]}"; do
      name=${entry%%|*}
      cmd=${entry#*|}
      rm -rf "$OUT"
      read -r wall cpu rss code < <(eval measure "${cmd//FILE/\"$file\"}")
      [ "$code" = 0 ] || { echo "run-split-bench: $name exited $code" >&2; exit 1; }
      walls[$name]+="$wall "
      cpus[$name]+="$cpu "
      rsss[$name]+="$rss "
    done
  done
  cat_wall=$(tr ' ' '\n' <<<"${walls[cat]}" | grep . | median)
  copy_wall=$(tr ' ' '\n' <<<"${walls[cat > copy]}" | grep . | median)
  printf '%-14s %9s %9s %9s %9s %9s %9s\n' command wall_s MB/s vs_cat vs_copy cpu_s rss_MiB
  for entry in "${commands[@]}"; do
    name=${entry%%|*}
    w=$(tr ' ' '\n' <<<"${walls[$name]}" | grep . | median)
    c=$(tr ' ' '\n' <<<"${cpus[$name]}" | grep . | median)
    m=$(tr ' ' '\n' <<<"${rsss[$name]}" | grep . | median)
    awk -v n="$name" -v w="$w" -v c="$c" -v m="$m" -v b="$bytes" -v cw="$cat_wall" -v pw="$copy_wall" \
      'BEGIN {printf "%-14s %9.3f %9.0f %9.2f %9.2f %9.3f %9.1f\n", n, w, b / w / 1e6, w / cw, w / pw, c, m / 1024}'
  done
  unset walls cpus rsss
done
