#!/usr/bin/env bash
# detect on real traffic (ctest label "netns"): two network namespaces joined by a veth pair,
# floods and scans made with hping3, nmap and the kernel, captured with tcpdump, then
# `DETECT -r CAPTURE --format json` must report what was done and nothing else.
#
# Usage: detect_netns_test.sh PART DETECT...   (PART: scans | floods; DETECT: the detect
# command, e.g. `tcplens detect`). Needs root, ip, tcpdump, hping3, nmap, python3; exits 77
# (skipped) without them. Everything stays inside the namespaces det-a (attacker/client,
# 10.231.0.1) and det-s (server, 10.231.0.2 and 10.231.0.10-49; no default route, so SYN-ACKs
# to forged sources go nowhere); every tool is bounded by a count and by `timeout`; the
# namespaces and processes are removed on exit.
set -u
PART=$1
shift
DETECT=("$@")
for tool in ip tcpdump hping3 nmap python3; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }

NA=det-a NS=det-s A=10.231.0.1 S=10.231.0.2
WORK=$(mktemp -d /tmp/tcplens-netns.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.2
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  ip netns del $NA 2>/dev/null
  ip netns del $NS 2>/dev/null
  [ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }

ip netns del $NA 2>/dev/null; ip netns del $NS 2>/dev/null
ip netns add $NA && ip netns add $NS || { echo "skipped: cannot make namespaces"; exit 77; }
ip link add det-va netns $NA type veth peer name det-vs netns $NS
for ns in $NA $NS; do ip -n $ns link set lo up; done
ip -n $NA addr add $A/24 dev det-va
ip -n $NS addr add $S/24 dev det-vs
for h in $(seq 10 49); do ip -n $NS addr add 10.231.0.$h/32 dev det-vs; done
ip -n $NA link set det-va up
ip -n $NS link set det-vs up

# Listeners on 7601, 7650, 7699 and 22 (open ports for the scans; an echo for the clients).
cat > "$WORK/listen.py" <<'EOF'
import socket, threading, sys
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen(512)
    while True:
        c, _ = s.accept()
        try:
            c.settimeout(2); d = c.recv(100)
            if d: c.sendall(b"reply: " + d)
        except OSError: pass
        c.close()
for p in map(int, sys.argv[1:]): threading.Thread(target=serve, args=(p,), daemon=True).start()
threading.Event().wait(120)
EOF
ip netns exec $NS timeout 120 python3 "$WORK/listen.py" 7601 7650 7699 22 &
PIDS+=($!)
sleep 0.5

# capture NAME NS IFACE [tcpdump options]: starts tcpdump (headers only, immediate mode, a
# large buffer: nmap sends a hundred probes in a few milliseconds); stop_capture ends it.
capture() {
  local name=$1 ns=$2 ifc=$3; shift 3
  ip netns exec "$ns" timeout 60 tcpdump -i "$ifc" --immediate-mode -U -s 256 -B 16384 "$@" -w "$WORK/$name.pcap" 2>"$WORK/$name.tcpdump" &
  CAP=$! CAP_NAME=$name
  PIDS+=($CAP)
  for _ in $(seq 50); do grep -q listening "$WORK/$name.tcpdump" 2>/dev/null && break; sleep 0.1; done
}
stop_capture() {
  sleep 0.5
  kill -INT "$CAP" 2>/dev/null
  wait "$CAP" 2>/dev/null
  # A capture that lost packets would test nothing: say so.
  grep -q "^0 packets dropped by kernel" "$WORK/$CAP_NAME.tcpdump" || bad "$CAP_NAME: tcpdump dropped packets"
}

# expect NAME 'KIND SOURCE TARGET SCAN_TYPE' ...: detect's findings on NAME.pcap are exactly
# these (scan type '-' for none).
expect() {
  local name=$1; shift
  "${DETECT[@]}" -r "$WORK/$name.pcap" --format json >"$WORK/$name.json" 2>"$WORK/$name.err" || {
    bad "$name: detect failed: $(cat "$WORK/$name.err")"; return; }
  local got
  got=$(python3 - "$WORK/$name.json" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    f = json.loads(line)
    print(f["kind"], f["source"] or "-", f["target"], f["scan_type"] or "-")
EOF
)
  local want
  want=$(printf '%s\n' "$@")
  if [ "$(sort <<<"$got")" = "$(sort <<<"$want")" ]; then
    ok "$name: $(tr '\n' ';' <<<"$want")"
  else
    bad "$name: expected [$(tr '\n' ';' <<<"$want")] got [$(tr '\n' ';' <<<"$got")]"
  fi
}

scan() {  # scan NAME NMAP_OPTIONS...: nmap from det-a against the server, captured on its side
  local name=$1; shift
  capture "$name" $NS det-vs
  ip netns exec $NA timeout 30 nmap -Pn -n -T4 --max-retries 1 "$@" >"$WORK/$name.nmap" 2>&1
  stop_capture
}

if [ "$PART" = scans ]; then
  scan nmap-syn -sS -p 7600-7699 $S
  expect nmap-syn "port_scan $A $S syn"
  # Live: detect captures on the server's side itself while nmap scans, until SIGINT; each
  # finding is written when raised, then again, final.
  ip netns exec $NS timeout 60 "${DETECT[@]}" -i det-vs --immediate-mode -B 16384 --format json \
    >"$WORK/live.json" 2>"$WORK/live.err" &
  LIVE=$!
  PIDS+=($LIVE)
  for _ in $(seq 50); do grep -q listening "$WORK/live.err" 2>/dev/null && break; sleep 0.1; done
  ip netns exec $NA timeout 30 nmap -Pn -n -T4 --max-retries 1 -sS -p 7600-7699 $S >/dev/null 2>&1
  sleep 0.5
  kill -INT $LIVE
  wait $LIVE
  live_status=$?
  live_got=$(python3 -c 'import json,sys; [print(f["kind"], f["source"], f["target"], f["scan_type"]) for f in map(json.loads, open(sys.argv[1])) if f.get("status") != "raised"]' "$WORK/live.json")
  if [ $live_status -eq 0 ] && [ "$live_got" = "port_scan $A $S syn" ] && grep -q "packets captured" "$WORK/live.err"; then
    ok "live -i: port_scan $A $S syn"
  else
    bad "live -i: status $live_status, got [$live_got]: $(cat "$WORK/live.err")"
  fi
  scan nmap-connect -sT -p 7600-7699 $S
  expect nmap-connect "port_scan $A $S connect"
  for t in fin:-sF null:-sN xmas:-sX ack:-sA maimon:-sM; do
    scan "nmap-${t%%:*}" "${t#*:}" -p 7600-7699 $S
    expect "nmap-${t%%:*}" "port_scan $A $S ${t%%:*}"
  done
  scan nmap-horizontal -sS -p 22 10.231.0.10-49
  expect nmap-horizontal "port_scan $A 10.231.0.0/26:22 syn"
  capture hping3-scan $NS det-vs
  ip netns exec $NA timeout 30 hping3 -S --scan 7600-7699 -V $S >"$WORK/hping3-scan.out" 2>&1
  stop_capture
  expect hping3-scan "port_scan $A $S syn"
  # Benign: a client that makes 300 connections one after another, and one that retries a
  # closed port.
  capture clients $NS det-vs
  ip netns exec $NA timeout 30 python3 - $S <<'EOF'
import socket, sys, time
for i in range(300):
    c = socket.create_connection((sys.argv[1], 7601)); c.sendall(b"GET /%d" % i); c.recv(100); c.close()
for i in range(20):
    try: socket.create_connection((sys.argv[1], 7602), timeout=1)
    except OSError: time.sleep(0.05)
EOF
  stop_capture
  expect clients
elif [ "$PART" = floods ]; then
  capture syn-flood $NS det-vs
  ip netns exec $NA timeout 30 hping3 -S --rand-source -p 7601 -c 3000 -i u300 $S >/dev/null 2>&1
  stop_capture
  expect syn-flood "syn_flood spoofed $S:7601 -"
  capture ack-flood $NS det-vs
  ip netns exec $NA timeout 30 hping3 -A -p 7601 -c 2000 -i u300 $S >/dev/null 2>&1
  stop_capture
  expect ack-flood "ack_flood $A $S:7601 -"
  capture rst-flood $NS det-vs
  ip netns exec $NA timeout 30 hping3 -R --rand-source -p 7650 -c 2000 -i u300 $S >/dev/null 2>&1
  stop_capture
  expect rst-flood "rst_flood spoofed $S:7650 -"
  # Reflection: SYNs "from" det-a to the server's port, as an attacker forging det-a's
  # address would send them; captured inbound on det-a, where only the SYN-ACKs arrive.
  capture reflection $NA det-va -Q in
  ip netns exec $NA timeout 30 hping3 -S -p 7601 -c 1500 -i u500 $S >/dev/null 2>&1
  stop_capture
  expect reflection "synack_reflection spoofed $A -"
  # Benign: 2000 connections from 20 threads, as fast as they go.
  capture busy $NS det-vs
  ip netns exec $NA timeout 40 python3 - $S <<'EOF'
import socket, sys, threading
def client(n):
    for i in range(100):
        c = socket.create_connection((sys.argv[1], 7601)); c.sendall(b"GET /%d/%d" % (n, i)); c.recv(100); c.close()
ts = [threading.Thread(target=client, args=(n,)) for n in range(20)]
[t.start() for t in ts]; [t.join() for t in ts]
EOF
  stop_capture
  expect busy
else
  echo "usage: $0 scans|floods DETECT..." >&2
  exit 2
fi
echo "$PART: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
