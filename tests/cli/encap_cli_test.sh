#!/usr/bin/env bash
# Encapsulations end to end (tests/data/encap): conns names each connection's tunnel (JSON and
# CSV), analyze sees the inner TCP, and print matches the installed tcpdump with filters and
# -vv, which the golden oracles do not cover.
# Usage: encap_cli_test.sh TCPLENS ENCAP_DIR
. "$(dirname "$0")/common.sh"
ENCAP=$CORPUS

tunnels() {  # the distinct "tunnel" values of conns --format json, one a line
  "$TCPLENS" conns -r "$ENCAP/$1.pcap" --format json 2>/dev/null | grep -o '"tunnel":[^,}]*' | sort -u | tr '\n' ' '
}
expect_tunnels() {
  local got
  got=$(tunnels "$1")
  [ "$got" = "$2" ] || { echo "  $1: got [$got] want [$2]"; return 1; }
}
check "conns tunnel: gre key" expect_tunnels gre-csum-key-seq '"tunnel":"gre key 0x1001" '
check "conns tunnel: mpls in gre" expect_tunnels mpls-in-gre '"tunnel":"gre > mpls label 3000" '
check "conns tunnel: pptp" expect_tunnels pptp '"tunnel":"pptp call 16384" '
check "conns tunnel: pppoe" expect_tunnels pppoe '"tunnel":"pppoe session 0x11" '
check "conns tunnel: kernel vxlan-gpe" expect_tunnels vxlan-gpe-kernel '"tunnel":"vxlan-gpe vni 77" '
check "conns tunnel: kernel srv6" expect_tunnels srv6-kernel '"tunnel":"srv6" '
check "conns tunnel: 4in6 and 6in6" expect_tunnels ip-in-ipv6 '"tunnel":"4in6" "tunnel":"6in6" '
check "conns tunnel: l2tp" expect_tunnels l2tpv2 '"tunnel":"l2tp tunnel 5 session 3" '
check "conns tunnel: erspan III" expect_tunnels erspan3 '"tunnel":"gre > erspan session 43" '
check "conns tunnel: none" expect_tunnels real-tcp '"tunnel":null '
check "conns tunnel: 802.11 is a link, not a tunnel" expect_tunnels radiotap '"tunnel":null '
check "conns tunnel: a PPP link is not a tunnel" expect_tunnels ppp-session '"tunnel":null '

first_tcp_frame() {  # the first frame analyze reports a TCP row for
  "$TCPLENS" analyze -r "$ENCAP/$1.pcap" --per-packet --format tsv 2>/dev/null | awk -F'\t' 'NR == 2 {print $1}'
}
check "analyze ppp-session: TCP right after the 19 control frames" test "$(first_tcp_frame ppp-session)" = 20
check "analyze l2tpv2: TCP after the control message" test "$(first_tcp_frame l2tpv2)" = 2
check "analyze snmp, rip: no TCP" test "$(first_tcp_frame snmp)$(first_tcp_frame rip)" = ""

csv_tunnel() { "$TCPLENS" conns -r "$ENCAP/gtpu.pcap" --format csv 2>/dev/null | awk -F, 'NR == 1 {print $NF} NR == 2 {print $NF}' | tr '\n' ' '; }
check "conns csv: tunnel column" test "$(csv_tunnel)" = "tunnel gtp-u teid 0x11 "

# Every capture: two connections (one IPv4, one IPv6) found behind the tunnel, both closed;
# none behind L2TPv3 over IP, whose payload tshark does not decode by default either.
for f in "$ENCAP"/*.pcap; do
  name=$(basename "$f" .pcap)
  # (udp-services, snmp, rip, ntp, dhcp, l2tpv2-control, ppp-multilink: no TCP of their own)
  case $name in udp-services|snmp|rip|ntp|dhcp|dhcp6|dhcp-cut|l2tpv2-control|ppp-multilink) continue ;; srv6-kernel|teredo) want=1 ;; l2tpv3-ip) want=0 ;; *) want=2 ;; esac
  n=$("$TCPLENS" conns -r "$f" --format csv 2>/dev/null | grep -c ',four_way,\|,three_way,')
  check "conns $name: $want connections closed" test "$n" = "$want"
done

same_output() {  # same stdout as tcpdump for the given arguments
  diff <(TZ=UTC "$TCPLENS" print "$@" 2>/dev/null) <(TZ=UTC tcpdump "$@" 2>/dev/null) >/dev/null
}
if command -v tcpdump >/dev/null; then
  check "print -vv gre" same_output -n -vv -r "$ENCAP/gre-csum-key-seq.pcap"
  check "print -vv pptp" same_output -n -vv -r "$ENCAP/pptp.pcap"
  check "print -vv mpls" same_output -n -vv -r "$ENCAP/mpls.pcap"
  check "print -vv syslog" same_output -n -vv -r "$ENCAP/udp-services.pcap" udp port 514
  check "print ntp, bootp, dhcp6" same_output -n -r "$ENCAP/udp-services.pcap" not udp port 514
  check "print -vv pppoe" same_output -n -vv -r "$ENCAP/pppoe.pcap"
  check "print -vv ppp control protocols" same_output -n -vv -r "$ENCAP/ppp-session.pcap"
  check "print -vv -e multilink, pap, bap" same_output -n -vv -e -r "$ENCAP/ppp-multilink.pcap"
  check "print -vv rip" same_output -n -vv -r "$ENCAP/rip.pcap"
  check "print -vv ntp" same_output -n -vv -r "$ENCAP/ntp.pcap"
  check "print -vv l2tp control messages" same_output -n -vv -r "$ENCAP/l2tpv2-control.pcap"
  check "print -e l2tp with PPP inside" same_output -n -e -r "$ENCAP/l2tpv2.pcap"
  check "print -vv snmp" same_output -n -vv -r "$ENCAP/snmp.pcap"
  check "print snmp traps only" same_output -n -r "$ENCAP/snmp.pcap" udp port 162
  check "print -q radiotap" same_output -n -q -r "$ENCAP/radiotap.pcap"
  check "print filter on the outer header" same_output -n -r "$ENCAP/gretap.pcap" 'src host 192.0.2.2'
  check "print -c 5 -e chdlc" same_output -n -e -c 5 -r "$ENCAP/chdlc.pcap"
  check "print -vv chdlc (SLARP)" same_output -n -vv -r "$ENCAP/chdlc.pcap"
  check "print -e -v 802.11 (duration)" same_output -n -e -v -r "$ENCAP/wlan.pcap"
  check "print -e -v radiotap" same_output -n -e -v -r "$ENCAP/radiotap.pcap"
fi
finish encap_cli
