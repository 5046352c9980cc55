#!/usr/bin/env bash
# Makes websocket.pcap: websocket_pair.py's session between two netns over a veth (MTU 1200,
# offloads off, so long frames span segments) on port 12345, which HTTP finds by its first
# line; then ../../../../shared/corpus/make-oracles.sh on it. Run as root.
set -euo pipefail
cd "$(dirname "$0")"
. ../encap/netns_pair.sh
small_mtu_pair ws 10.78.0
capture websocket.pcap "tcp port 12345"
ip netns exec $B /usr/bin/python3 websocket_pair.py serve 10.78.0.2 12345 &
srv=$!; sleep 0.5
ip netns exec $A /usr/bin/python3 websocket_pair.py connect 10.78.0.2 12345
wait $srv || true
sleep 0.5; kill $TD; wait $TD 2>/dev/null || true
../../../../shared/corpus/make-oracles.sh websocket.pcap
