#!/bin/bash
# Captures udp-services.pcap: real kernel UDP between two network namespaces over a veth,
# for tcpdump's UDP service printers: syslog from logger(1), then an NTP client request, a
# DHCP discover (BOOTP) and a DHCPv6 solicit, their payloads built by hand (RFC 5905,
# RFC 2131, RFC 8415) and sent with Python sockets.
#     bash capture_udp_services.sh OUT.pcap
set -e
. "$(dirname "$0")/netns_pair.sh"
netns_pair udpsvc
ip -n $A addr add 10.77.0.1/24 dev vea; ip -n $B addr add 10.77.0.2/24 dev veb
ip -n $A addr add fd00:77::1/64 dev vea nodad; ip -n $B addr add fd00:77::2/64 dev veb nodad
capture "$1" 'udp port 514 or udp port 123 or udp port 67 or udp port 547'
ip netns exec $A logger -n 10.77.0.2 -P 514 -d -p kern.notice -t tcplens "kernel notice from tcplens"
ip netns exec $A logger -n 10.77.0.2 -P 514 -d -p local3.err --rfc3164 "rfc3164 error"
ip netns exec $A logger -n 10.77.0.2 -P 514 -d -p user.debug --rfc5424 "rfc5424 debug"
ip netns exec $A /usr/bin/python3 - <<'PY'
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# NTP v4 client request: LI 0, VN 4, mode 3; transmit timestamp set.
s.sendto(bytes([0x23, 0, 6, 0xec]) + b"\0" * 36 + struct.pack("!II", 0xed2b4b2c, 0x80000000), ("10.77.0.2", 123))
# BOOTP/DHCP discover: op 1, htype 1, hlen 6, xid, chaddr; magic cookie, option 53 = 1, end.
mac = bytes.fromhex("02000000000a")
b = struct.pack("!BBBBIHH", 1, 1, 6, 0, 0x3903f326, 0, 0x8000) + b"\0" * 16 + mac + b"\0" * 10 + b"\0" * 192
b += bytes([0x63, 0x82, 0x53, 0x63, 53, 1, 1, 255])
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.bind(("10.77.0.1", 68))
c.sendto(b, ("10.77.0.2", 67))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.bind(("fd00:77::1", 546))
# DHCPv6 solicit: type 1, transaction id; client identifier (DUID-LL), elapsed time.
d = bytes([1, 0x12, 0x34, 0x56]) + struct.pack("!HH", 1, 10) + struct.pack("!HH", 3, 1) + mac
d += struct.pack("!HHH", 8, 2, 0)
s6.sendto(d, ("fd00:77::2", 547))
PY
stop_all
