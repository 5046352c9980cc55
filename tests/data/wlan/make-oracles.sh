#!/bin/sh
# Rebuilds the captures of tests/data/wlan and every oracle beside them: those of
# ../../../../shared/corpus/make-oracles.sh, NAME.tcpdump-ne.txt (../encap/make-oracles-e.sh)
# and NAME.tcpdump-nev.txt (tcpdump -n -e -v, where 802.11 adds flags and durations).
set -eu
cd -- "$(dirname -- "$0")"
python3 make_captures.py .
export TZ=UTC LC_ALL=C.UTF-8
caps=$(ls *.pcap)
bash ../../../../shared/corpus/make-oracles.sh $caps >/dev/null 2>&1 || true
sh ../encap/make-oracles-e.sh $caps
for cap in $caps; do
  tcpdump -n -e -v -r "$cap" >"${cap%.pcap}.tcpdump-nev.txt" 2>/dev/null || true
done
