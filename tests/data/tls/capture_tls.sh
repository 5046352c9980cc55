#!/usr/bin/env bash
# Makes tls12-443.pcap and tls13-8443.pcap: real TLS between two netns over a veth (MTU
# 1200, offloads off, so records span segments), openssl s_server and s_client with a
# throwaway RSA-4096 certificate (its chain outgrows one segment). TLS 1.2 on 443, the port
# Wireshark registers for TLS; TLS 1.3 on 8443, which only its heuristic recognises. The
# client writes a line, 20 kB in 5000-byte lines, and the server echoes each reversed.
# Then ../../../../shared/corpus/make-oracles.sh on both. Run as root.
set -euo pipefail
cd "$(dirname "$0")"
. ../encap/netns_pair.sh
small_mtu_pair tls 10.77.0
work=$(mktemp -d); trap 'rm -rf "$work"; ip netns del $A; ip netns del $B' EXIT
openssl req -x509 -newkey rsa:4096 -nodes -keyout "$work/k.pem" -out "$work/c.pem" -days 2 \
  -subj /CN=tls.tcplens.test 2>/dev/null
session() {  # FILE PORT VERSION-FLAG
  capture "$1" "tcp port $2"
  ip netns exec $B openssl s_server -accept "$2" -cert "$work/c.pem" -key "$work/k.pem" "$3" -quiet -rev \
    >/dev/null 2>&1 &
  local srv=$!; sleep 1
  (echo hello; sleep 0.3; head -c 15000 /dev/urandom | base64 -w 5000; sleep 1) |
    ip netns exec $A timeout 6 openssl s_client -connect 10.77.0.2:"$2" -servername tls.tcplens.test "$3" \
      -ign_eof -quiet >/dev/null 2>&1 || true
  sleep 0.5; kill $srv; sleep 0.5; kill $TD; wait $TD 2>/dev/null || true
}
session tls12-443.pcap 443 -tls1_2
session tls13-8443.pcap 8443 -tls1_3
../../../../shared/corpus/make-oracles.sh tls12-443.pcap tls13-8443.pcap
