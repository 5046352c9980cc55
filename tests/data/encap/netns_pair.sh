# Sourced by the capture_*.sh scripts: two network namespaces $A and $B joined by a veth
# (vea in $A, veb in $B, fixed MACs, links up, checksum offload off so that captured
# checksums are real), removed on exit; and a small HTTP server in $B.
netns_pair() {
  A=${1}A$$; B=${1}B$$
  ip netns add $A; ip netns add $B
  trap 'ip netns del $A; ip netns del $B' EXIT
  ip link add vea netns $A type veth peer name veb netns $B
  ip -n $A link set vea address 02:00:00:00:00:0a
  ip -n $B link set veb address 02:00:00:00:00:0b
  for ns in $A $B; do ip -n $ns link set lo up; done
  ip -n $A link set vea up; ip -n $B link set veb up
  ip netns exec $A ethtool -K vea tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec $B ethtool -K veb tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
}

# http_server: python's http.server on port 8080 (all addresses) in $B, its pid in SRV.
http_server() {
  mkdir -p /tmp/encap_www; echo 'hello from tcplens encap test' > /tmp/encap_www/index.html
  ip netns exec $B /usr/bin/python3 -m http.server 8080 --bind :: -d /tmp/encap_www >/dev/null 2>&1 &
  SRV=$!
  sleep 1.5
}

# capture FILE FILTER: tcpdump on vea in $A, its pid in TD.
capture() {
  ip netns exec $A tcpdump -i vea -w "$1" -U "$2" 2>/dev/null &
  TD=$!
  sleep 1
}

stop_all() {
  sleep 1
  kill $TD; wait $TD || true
  [ -z "${SRV:-}" ] || { kill $SRV; wait $SRV 2>/dev/null || true; }
}

# small_mtu_pair NAME NET: netns_pair with NET.1 on vea and NET.2 on veb and a 1200-byte MTU,
# so that application messages span segments (tls/, websocket/).
small_mtu_pair() {
  netns_pair "$1"
  ip -n $A addr add "$2.1/24" dev vea; ip -n $B addr add "$2.2/24" dev veb
  ip -n $A link set vea mtu 1200; ip -n $B link set veb mtu 1200
}
