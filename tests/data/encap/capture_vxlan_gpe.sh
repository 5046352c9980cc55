#!/bin/bash
# Captures vxlan-gpe-kernel.pcap: HTTP over IPv4 and IPv6 through real kernel VXLAN-GPE
# devices (external mode, next protocol IPv4 and IPv6, VNI 77) between two netns.
#     bash capture_vxlan_gpe.sh OUT.pcap
set -e
. "$(dirname "$0")/netns_pair.sh"
netns_pair gpe
for ns in $A $B; do ip netns exec $ns sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0; done
ip -n $A addr add 192.0.2.1/24 dev vea; ip -n $B addr add 192.0.2.2/24 dev veb
for ns in $A $B; do
  ip -n $ns link add vxg0 type vxlan gpe external dstport 4790
  ip -n $ns link set vxg0 up
done
ip -n $A addr add 10.99.0.1/32 dev vxg0; ip -n $B addr add 10.99.0.2/32 dev vxg0
ip -n $A route add 10.99.0.2/32 encap ip id 77 dst 192.0.2.2 dev vxg0 src 10.99.0.1
ip -n $B route add 10.99.0.1/32 encap ip id 77 dst 192.0.2.1 dev vxg0 src 10.99.0.2
ip -n $A -6 addr add fd00:99::1/128 dev vxg0 nodad; ip -n $B -6 addr add fd00:99::2/128 dev vxg0 nodad
ip -n $A -6 route add fd00:99::2/128 encap ip id 77 dst 192.0.2.2 dev vxg0 src fd00:99::1
ip -n $B -6 route add fd00:99::1/128 encap ip id 77 dst 192.0.2.1 dev vxg0 src fd00:99::2
http_server
capture "$1" 'udp port 4790'
ip netns exec $A curl -s -m 3 -o /dev/null http://10.99.0.2:8080/index.html
ip netns exec $A curl -s -m 3 -o /dev/null 'http://[fd00:99::2]:8080/index.html'
stop_all
