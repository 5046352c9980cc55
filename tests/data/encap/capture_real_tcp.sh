#!/bin/bash
# Captures real-tcp.pcap: one IPv4 and one IPv6 HTTP exchange between two network namespaces
# over a veth (real kernel TCP), which make_captures.py wraps in each encapsulation.
#     bash capture_real_tcp.sh OUT.pcap
set -e
. "$(dirname "$0")/netns_pair.sh"
netns_pair encap
ip -n $A addr add 10.77.0.1/24 dev vea; ip -n $B addr add 10.77.0.2/24 dev veb
ip -n $A addr add fd00:77::1/64 dev vea nodad; ip -n $B addr add fd00:77::2/64 dev veb nodad
http_server
capture "$1" 'tcp port 8080'
ip netns exec $A curl -s -o /dev/null http://10.77.0.2:8080/index.html
ip netns exec $A curl -s -o /dev/null 'http://[fd00:77::2]:8080/index.html'
stop_all
