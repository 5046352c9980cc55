#!/bin/sh
# Writes NAME.tcpdump-ne.txt (tcpdump -n -e -r NAME.pcap, TZ=UTC) beside each capture given:
# the -e oracle that ../../shared/corpus/make-oracles.sh does not make, read by
# tests/golden/encap-cases.tsv.
export TZ=UTC LC_ALL=C.UTF-8
for cap in "$@"; do
  dir=$(dirname -- "$cap"); file=$(basename -- "$cap"); name=${file%.pcap}
  (cd -- "$dir" && tcpdump -n -e -r "$file" >"$name.tcpdump-ne.txt" 2>/dev/null)
done
