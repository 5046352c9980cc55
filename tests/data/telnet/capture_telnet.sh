#!/usr/bin/env bash
# Makes telnet.pcap: telnet_pair.py between two netns over a veth (MTU 1200), then
# ../../../../shared/corpus/make-oracles.sh on it. Run as root.
set -euo pipefail
cd "$(dirname "$0")"
. ../encap/netns_pair.sh
small_mtu_pair tn 10.79.0
capture telnet.pcap "tcp port 23"
ip netns exec $B /usr/bin/python3 telnet_pair.py serve 10.79.0.2 &
srv=$!; sleep 0.5
ip netns exec $A /usr/bin/python3 telnet_pair.py connect 10.79.0.2
wait $srv || true
sleep 0.5; kill $TD; wait $TD 2>/dev/null || true
../../../../shared/corpus/make-oracles.sh telnet.pcap
