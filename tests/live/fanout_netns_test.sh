#!/usr/bin/env bash
# `-i IFACE --fanout N` (docs/scale-out.md) loses no connection: two network namespaces of
# the test's own joined by a veth pair; 300 connections from one to the other, captured at
# once by `tcplens conns -i VETH --fanout 3` (three capture workers sharing the veth with
# PACKET_FANOUT_HASH), by one `tcplens conns -i VETH` and by tcpdump; the fanout's records
# are every connection the single capture and tcpdump saw, with the same packets, and its
# shards are flow-complete (`split -i --fanout`); `split -i` without fanout places each
# connection as `split -r` does. Needs root (exit 77 without it).
# Usage: fanout_netns_test.sh TCPLENS CORPUS_DIR (the corpus is not used)
. "$(dirname "$0")/../cli/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
for tool in ip tcpdump; do command -v "$tool" >/dev/null || { echo "SKIP: no $tool"; exit 77; }; done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: network namespaces need root"; exit 77; }

NSA=tlf-a-$$ NSB=tlf-b-$$ VA=tlfa$$ VB=tlfb$$
A=10.198.0.1 B=10.198.0.2 PORT=8100
PIDS=() CAPS=()
# Everything the test started, by pid, then its namespaces (the veth goes with them).
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; for ns in "$NSA" "$NSB"; do ip netns del "$ns" 2>/dev/null; done; [ -n "${KEEP_WORK:-}" ] && echo "kept $WORK" || rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
ip netns add "$NSA" && ip netns add "$NSB" &&
  ip link add "$VA" netns "$NSA" type veth peer name "$VB" netns "$NSB" || { echo "FAIL namespaces"; exit 1; }
for ns in "$NSA" "$NSB"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
done
ip -n "$NSA" addr add $A/24 dev "$VA" && ip -n "$NSA" link set "$VA" up &&
  ip -n "$NSB" addr add $B/24 dev "$VB" && ip -n "$NSB" link set "$VB" up || { echo "FAIL veth"; exit 1; }
ip netns exec "$NSA" /usr/bin/python3 "$HERE/fanout_traffic.py" serve $A $PORT &
PIDS+=($!)

start() {  # OUT ERR CMD...: a capture in the server's namespace, once it listens
  local out=$1 err=$2; shift 2
  ip netns exec "$NSA" "$@" >"$out" 2>"$err" &
  PIDS+=($!)
  CAPS+=($!)
  for _ in $(seq 100); do grep -qs "listening on" "$err" && return 0; sleep 0.05; done
  cat "$err"; return 1
}
start "$WORK/fan.json" "$WORK/fan.err" "$TCPLENS" conns -i "$VA" --fanout 3 --format json --nano || exit 1
start "$WORK/one.json" "$WORK/one.err" "$TCPLENS" conns -i "$VA" --format json --nano -Z root || exit 1
start /dev/null "$WORK/split.err" "$TCPLENS" split -i "$VA" --fanout 3 -n 3 -o "$WORK/shards" --nano || exit 1
start /dev/null "$WORK/live-split.err" "$TCPLENS" split -i "$VA" -n 3 -o "$WORK/live-shards" || exit 1
start /dev/null "$WORK/tcpdump.err" tcpdump -i "$VA" -n -w "$WORK/tcpdump.pcap" -Z root || exit 1
sleep 0.5
ip netns exec "$NSB" /usr/bin/python3 "$HERE/fanout_traffic.py" fetch $A $PORT 300
check "300 connections made" test $? -eq 0
sleep 1.5
for p in "${CAPS[@]}"; do kill -INT "$p"; done
for p in "${CAPS[@]}"; do wait "$p"; done

# Per connection: client, server, packets and bytes each way, handshake, teardown.
summary() {
  /usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    c = json.loads(line)
    print(c["client"]["ip"], c["client"]["port"], c["server"]["ip"], c["server"]["port"],
          c["client_to_server"]["packets"], c["server_to_client"]["packets"],
          c["handshake"]["result"], c["teardown"]["kind"])
' "$1" | sort
}
summary "$WORK/fan.json" >"$WORK/fan.sum"
summary "$WORK/one.json" >"$WORK/one.sum"
"$TCPLENS" conns -r "$WORK/tcpdump.pcap" --format json >"$WORK/tcpdump.json" 2>/dev/null
summary "$WORK/tcpdump.json" >"$WORK/tcpdump.sum"
check "fanout: 300 connections to the server" test "$(grep -c " $A $PORT " "$WORK/fan.sum")" -eq 300
check "fanout: every connection of one capture, same packets" cmp -s "$WORK/fan.sum" "$WORK/one.sum"
check "fanout: every connection tcpdump saw, same packets" cmp -s "$WORK/fan.sum" "$WORK/tcpdump.sum"
check "fanout: no packet dropped" grep -q "^0 packets dropped by kernel" "$WORK/fan.err"
check "fanout: stream numbers 0..299 once each" test \
  "$(/usr/bin/python3 -c 'import json,sys; print(sorted(json.loads(l)["stream"] for l in open(sys.argv[1])) == list(range(300)))' "$WORK/fan.json")" = True
if cmp -s "$WORK/fan.json" "$WORK/one.json"; then echo "     (and byte for byte the single capture's records)"; fi
# split -i --fanout: three shards, each connection in one of them, every packet once.
for k in 0 1 2; do "$TCPLENS" conns -r "$WORK/shards/shard-$k.pcap" --format csv 2>/dev/null | tail -n +2 | cut -d, -f2-5; done |
  sort >"$WORK/split.pairs"
check "split --fanout: 300 connections, each in one shard" test "$(grep -c "$A,$PORT" "$WORK/split.pairs")" -eq 300 -a \
  "$(uniq -d "$WORK/split.pairs" | wc -l)" -eq 0
check "split --fanout: every shard has some" test "$(for k in 0 1 2; do "$TCPLENS" conns -r "$WORK/shards/shard-$k.pcap" --format csv | tail -n +2 | wc -l; done | grep -c '^0$')" -eq 0
m=()
for k in 0 1 2; do
  "$TCPLENS" conns --format json -r "$WORK/shards/shard-$k.pcap" --shard-index "$WORK/shards/shard-$k.idx" >"$WORK/$k.items"
  m+=("$WORK/$k.items")
done
"$TCPLENS" conns --format json --merge "${m[@]}" >"$WORK/split.json"
summary "$WORK/split.json" >"$WORK/split.sum"
check "split --fanout, merged: every connection tcpdump saw" cmp -s "$WORK/split.sum" "$WORK/tcpdump.sum"
# split -i (one capture, tcplens's own hash): the same shards as split -r of tcpdump's file.
"$TCPLENS" split -r "$WORK/tcpdump.pcap" -o "$WORK/file-shards" -n 3 2>/dev/null
for k in 0 1 2; do
  check "split -i: shard $k holds what split -r gives it" \
    test "$("$TCPLENS" conns -r "$WORK/live-shards/shard-$k.pcap" --format csv | cut -d, -f2-5 | sort | md5sum)" = \
         "$("$TCPLENS" conns -r "$WORK/file-shards/shard-$k.pcap" --format csv | cut -d, -f2-5 | sort | md5sum)"
done
finish fanout_netns
