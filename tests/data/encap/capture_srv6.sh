#!/bin/bash
# Captures srv6-kernel.pcap: HTTP over IPv6 through real kernel SRv6 between two netns:
# seg6 encapsulation with a segment routing header (type 4) on the way out, End.DT6
# decapsulation (lookup in the local table) on the way in.
#     bash capture_srv6.sh OUT.pcap
set -e
. "$(dirname "$0")/netns_pair.sh"
netns_pair sr
for ns in $A $B; do
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.all.seg6_enabled=1 net.ipv6.conf.default.seg6_enabled=1
done
ip netns exec $A sysctl -qw net.ipv6.conf.vea.seg6_enabled=1; ip netns exec $B sysctl -qw net.ipv6.conf.veb.seg6_enabled=1
ip -n $A addr add fc00::1/64 dev vea nodad; ip -n $B addr add fc00::2/64 dev veb nodad
ip -n $A addr add fd00:a::1/128 dev lo; ip -n $B addr add fd00:b::1/128 dev lo
ip -n $A -6 route add fc00:b::/64 via fc00::2 dev vea
ip -n $B -6 route add fc00:a::/64 via fc00::1 dev veb
ip -n $A -6 route add fd00:b::1/128 encap seg6 mode encap segs fc00:b::100 dev vea src fd00:a::1
ip -n $B -6 route add fd00:a::1/128 encap seg6 mode encap segs fc00:a::100 dev veb src fd00:b::1
ip -n $A -6 route add fc00:a::100/128 encap seg6local action End.DT6 table 255 dev vea
ip -n $B -6 route add fc00:b::100/128 encap seg6local action End.DT6 table 255 dev veb
http_server
capture "$1" 'ip6 proto 43'
ip netns exec $A curl -s -m 3 -o /dev/null 'http://[fd00:b::1]:8080/index.html'
stop_all
