#!/bin/bash
# Captures udp-services.pcap: syslog messages sent by logger(1) between two network
# namespaces over a veth (real kernel UDP), for tcpdump's syslog printer.
#     bash capture_udp_services.sh OUT.pcap
set -e
. "$(dirname "$0")/netns_pair.sh"
netns_pair udpsvc
ip -n $A addr add 10.77.0.1/24 dev vea; ip -n $B addr add 10.77.0.2/24 dev veb
capture "$1" 'udp port 514'
ip netns exec $A logger -n 10.77.0.2 -P 514 -d -p kern.notice -t tcplens "kernel notice from tcplens"
ip netns exec $A logger -n 10.77.0.2 -P 514 -d -p local3.err --rfc3164 "rfc3164 error"
ip netns exec $A logger -n 10.77.0.2 -P 514 -d -p user.debug --rfc5424 "rfc5424 debug"
stop_all
