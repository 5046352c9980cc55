#!/bin/sh
# Writes NAME.tcpdump-nvv.txt and NAME.tcpdump-nvvv.txt (tcpdump -n -vv, -n -vvv, TZ=UTC)
# beside each capture given: oracles that ../../shared/corpus/make-oracles.sh does not make,
# read by tests/golden/encap-cases.tsv (made for the captures whose printers print more with
# -vv and -vvv: DHCP, DHCPv6).
export TZ=UTC LC_ALL=C.UTF-8
for cap in "$@"; do
  dir=$(dirname -- "$cap"); file=$(basename -- "$cap"); name=${file%.pcap}
  (cd -- "$dir" && tcpdump -n -vv -r "$file" >"$name.tcpdump-nvv.txt" 2>/dev/null &&
     tcpdump -n -vvv -r "$file" >"$name.tcpdump-nvvv.txt" 2>/dev/null)
done
