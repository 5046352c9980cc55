#!/usr/bin/env bash
# Live capture on real traffic, against the installed tcpdump: two network namespaces of the
# test's own joined by a veth pair (10.199.0.1 serves HTTP, 10.199.0.2 fetches), captured
# inside the server's namespace by tcpdump and tcplens at once. Then `tcplens trace` against
# a server on this host's own address. No traffic leaves the namespaces, loopback or the
# host's own addresses. Needs root, iproute2, nftables, tcpdump, curl and python3 (ctest label
# "netns"; exit 77, a skip, without them).
# Usage: live_netns_test.sh TCPLENS CORPUS_DIR
. "$(dirname "$0")/common.sh"

for tool in ip nft tcpdump curl python3; do
  if ! command -v "$tool" >/dev/null; then echo "SKIP: $tool is not installed"; exit 77; fi
done
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: network namespaces need root"; exit 77; fi

NSA=tlt-a-$$ NSB=tlt-b-$$ VA=tlta$$ VB=tltb$$
A=10.199.0.1 B=10.199.0.2 PORT=8000
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  ip netns del "$NSA" 2>/dev/null
  ip netns del "$NSB" 2>/dev/null
  [ -n "${KEEP_WORK:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
chmod 755 "$WORK"  # the capture users (tcpdump, nobody) reach their files in it

ip netns add "$NSA" && ip netns add "$NSB" &&
  ip link add "$VA" netns "$NSA" type veth peer name "$VB" netns "$NSB" || { echo "FAIL namespaces"; exit 1; }
for ns in "$NSA" "$NSB"; do  # no IPv6: no router solicitations or MLD reports beside the test's traffic
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
done
ip -n "$NSA" addr add $A/24 dev "$VA" && ip -n "$NSA" link set "$VA" up &&
  ip -n "$NSB" addr add $B/24 dev "$VB" && ip -n "$NSB" link set "$VB" up || { echo "FAIL veth setup"; exit 1; }
inA() { ip netns exec "$NSA" "$@"; }
inB() { ip netns exec "$NSB" "$@"; }

mkdir -p "$WORK/www"
echo "hello from the test server" >"$WORK/www/small.txt"
head -c 3000000 /dev/urandom >"$WORK/www/big.bin"
ip netns exec "$NSA" python3 -m http.server $PORT --bind $A --directory "$WORK/www" >/dev/null 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do inB curl -s -o /dev/null "http://$A:$PORT/small.txt" && break; sleep 0.1; done
fetch() { inB curl -s -o /dev/null --max-time 20 "http://$A:$PORT/$1"; }

# Starts a capture in the server's namespace in the background (its pid in $CAP); waits
# until it reports that it listens. Usage: start_capture OUT ERR CMD ARGS...
start_capture() {
  local out=$1 err=$2
  shift 2
  ip netns exec "$NSA" "$@" >"$out" 2>"$err" &  # (ip execs CMD: $! is CMD's pid)
  CAP=$!
  PIDS+=($CAP)
  for _ in $(seq 100); do grep -qs "listening on" "$err" && return 0; sleep 0.05; done
  echo "capture did not start: $*" >&2
  cat "$err" >&2
  return 1
}
# SIGINT to captures (pids); the exit status of the last, 99 if one had to be killed.
stop() {
  local p status=0
  kill -INT "$@" 2>/dev/null
  for p in "$@"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$p" 2>/dev/null; then
      echo "pid $p ignored SIGINT" >&2
      kill -KILL "$p"
      wait "$p"
      status=99
    else
      wait "$p"
      status=$?
    fi
  done
  return $status
}
same_files() {  # (the first differing lines shown when they differ)
  cmp -s "$1" "$2" && return 0
  diff "$1" "$2" | head -6
  return 1
}
# Without --immediate-mode the kernel hands packets over in blocks, a block once full or a
# second old (libpcap's timeout, tcpdump's and tcplens's); at SIGINT both lose the block still
# open. So the captures wait that second out before they are stopped.
settle() { sleep 1.5; }
counts_shape() { sed -E 's/^[0-9]+ /N /' "$1" | grep -E '^N packets? (captured|received by filter|dropped by kernel)$' | sed 's/packets/packet/'; }

# (a) tcpdump and tcplens capture the same traffic: tcplens reads its file as tcpdump does,
# and both files hold the same TCP packets.
# (The buffers are large so that neither drops packets on a busy machine.)
start_capture "$WORK/ref.out" "$WORK/ref.err" tcpdump -n -B 32768 -i "$VA" -w "$WORK/ref.pcap" && REF=$CAP
start_capture "$WORK/ours.out" "$WORK/ours.err" "$TCPLENS" print -n -B 32768 -i "$VA" -w "$WORK/ours.pcap" && OURS=$CAP
fetch small.txt; fetch small.txt; fetch big.bin
settle
stop "$REF" "$OURS"
OURS_STATUS=$?
check "-w: exit status 0 after SIGINT" test "$OURS_STATUS" -eq 0
TZ=UTC "$TCPLENS" print -n -r "$WORK/ours.pcap" >"$WORK/ours.ours.txt" 2>/dev/null
TZ=UTC tcpdump -n -r "$WORK/ours.pcap" >"$WORK/ours.tcpdump.txt" 2>/dev/null
check "-w: print -r of our file equals tcpdump -r of it" same_files "$WORK/ours.ours.txt" "$WORK/ours.tcpdump.txt"
check "-w: our file holds the transfer" test "$(wc -l <"$WORK/ours.tcpdump.txt")" -gt 100
# Timestamps left out: each capture socket stamps a packet itself (measured: a few us apart).
# Sorted: two sockets can see a segment one way and an ACK the other way in either order
# (both directions of the veth run on both processors; measured: 2 runs in 7 had one pair
# swapped between tcpdump's file and ours).
tcpdump -t -n -r "$WORK/ours.pcap" tcp 2>/dev/null | sort >"$WORK/ours.tcp.txt"
tcpdump -t -n -r "$WORK/ref.pcap" tcp 2>/dev/null | sort >"$WORK/ref.tcp.txt"
no_drops() { local f; for f; do grep -qx "0 packets dropped by kernel" "$f" || return 1; done; }
check "-w: neither capture dropped packets" no_drops "$WORK/ours.err" "$WORK/ref.err"
check "-w: same TCP packets as tcpdump's capture" same_files "$WORK/ours.tcp.txt" "$WORK/ref.tcp.txt"

# (c) The counts at the end, in tcpdump's words; "captured" is what the file holds.
N=$(wc -l <"$WORK/ours.tcpdump.txt")
check "counts: \"$N packets captured\"" grep -qx "$N packets\? captured" "$WORK/ours.err"
check "counts: the lines tcpdump prints" same_files <(counts_shape "$WORK/ours.err") <(counts_shape "$WORK/ref.err")

# (b) -c 5 with a filter right after the interface (`-i IFACE tcp`, as tcpdump users write it):
# five lines, exit 0, the lines tcpdump prints for the same packets.
start_capture "$WORK/c5.ref" "$WORK/c5.ref.err" tcpdump -n -i "$VA" -c 5 tcp && REF=$CAP
start_capture "$WORK/c5.ours" "$WORK/c5.ours.err" timeout 30 "$TCPLENS" print -n -c 5 -i "$VA" tcp && OURS=$CAP
fetch small.txt
for _ in $(seq 100); do kill -0 "$OURS" 2>/dev/null || break; sleep 0.05; done
stop "$REF" "$OURS"  # (both are done by now, or stopped)
OURS_STATUS=$?
check "-c 5: exit status 0" test "$OURS_STATUS" -eq 0
check "-c 5: exactly 5 lines" test "$(wc -l <"$WORK/c5.ours")" -eq 5
check "-c 5: the lines tcpdump prints (timestamps aside)" same_files <(cut -d' ' -f2- "$WORK/c5.ours") <(cut -d' ' -f2- "$WORK/c5.ref")
check "-c 5: timestamps as tcpdump's" test "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} IP ' "$WORK/c5.ours")" -eq 5
check "-c 5: \"5 packets captured\"" grep -qx "5 packets captured" "$WORK/c5.ours.err"

# (d) -C 1 -W 2: a ring of two files named as tcpdump names them, each a readable capture.
# (After the first file the capture runs as tcpdump's user, so the directories are open to it.)
mkdir -m 1777 "$WORK/rot-ours" "$WORK/rot-ref"
start_capture "$WORK/rot.ref.out" "$WORK/rot.ref.err" tcpdump -n -i "$VA" -C 1 -W 2 -w "$WORK/rot-ref/file" && REF=$CAP
start_capture "$WORK/rot.out" "$WORK/rot.err" "$TCPLENS" print -n -i "$VA" -C 1 -W 2 -w "$WORK/rot-ours/file" && OURS=$CAP
fetch big.bin
settle
stop "$REF" "$OURS"
check "-C 1 -W 2: exit status 0" test $? -eq 0
check "-C 1 -W 2: files file0 file1" test "$(ls "$WORK/rot-ours" | tr '\n' ' ')" = "file0 file1 "
check "-C 1 -W 2: the names tcpdump gives" test "$(ls "$WORK/rot-ours")" = "$(ls "$WORK/rot-ref")"
for f in "$WORK"/rot-ours/*; do
  check "-C 1 -W 2: $(basename "$f") readable by tcpdump" tcpdump -n -r "$f" -c 1 -w /dev/null 2>/dev/null
  check "-C 1 -W 2: $(basename "$f") about 1 MB" test "$(stat -c %s "$f")" -le 1100000
done

# (e) -Z nobody: the file is handed to nobody and the capture runs as nobody.
start_capture "$WORK/z.out" "$WORK/z.err" "$TCPLENS" print -n -i "$VA" -Z nobody -w "$WORK/z.pcap" && OURS=$CAP
sleep 0.2  # (it gives up root just after saying it listens)
check "-Z nobody: the capture runs as nobody" grep -qE "^Uid:\s+65534\s" "/proc/$OURS/status"
fetch small.txt
settle
stop "$OURS"
check "-Z nobody: exit status 0" test $? -eq 0
check "-Z nobody: the file belongs to nobody" test "$(stat -c %U "$WORK/z.pcap")" = nobody
check "-Z nobody: the file holds the transfer" test "$(tcpdump -n -r "$WORK/z.pcap" tcp 2>/dev/null | wc -l)" -ge 10

# (g) conns -i on a live transfer stopped by SIGINT reports the connection.
# With -C, Zeek's view keeps the packets whose checksums veth leaves unfilled: SF.
start_capture "$WORK/conns.out" "$WORK/conns.err" "$TCPLENS" conns -i "$VA" && OURS=$CAP
start_capture "$WORK/connsC.out" "$WORK/connsC.err" "$TCPLENS" conns -C -i "$VA" && OURS_C=$CAP
fetch small.txt
settle
stop "$OURS_C" "$OURS"
check "conns -i: exit status 0 after SIGINT" test $? -eq 0
check "conns -i: the connection reported" grep -qE "$B:[0-9]+ +$A:$PORT +complete" "$WORK/conns.out"
check "conns -i: one connection" test "$(grep -c "$A:$PORT" "$WORK/conns.out")" -eq 1
check "conns -C -i: Zeek's SF" grep -qE "$B:[0-9]+ +$A:$PORT +complete .* SF " "$WORK/connsC.out"

# (f) trace, against a server on this host's own (non-loopback) address.
HOST=$(ip -4 -o addr show scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
# A trace's namespace and nft table (by the pid of its tcplens) are gone.
trace_gone() { ! ip netns list | grep -qw "tcplens-trace-$1" && ! nft list table ip "tcplens_trace_$1" >/dev/null 2>&1; }
if [ -z "$HOST" ]; then
  echo "skip trace against the host: this host has no global IPv4 address"
else
  HPORT=$((20000 + $$ % 20000))
  python3 -m http.server $HPORT --bind "$HOST" --directory "$WORK/www" >/dev/null 2>&1 &
  PIDS+=($!)
  for _ in $(seq 50); do curl -s -o /dev/null "http://$HOST:$HPORT/small.txt" && break; sleep 0.1; done
  # Another process fetches from the same server all through the trace (until told to
  # stop, so a slow machine cannot outlast it): its connections must not be in the
  # trace's table. It counts its fetches in other.count.
  : >"$WORK/other.count"
  (for _ in $(seq 600); do
     [ -e "$WORK/other.stop" ] && break
     curl -s -o /dev/null "http://$HOST:$HPORT/small.txt" && echo >>"$WORK/other.count"
     sleep 0.05
   done) &
  OTHER=$!
  sleep 0.2
  before=$(wc -l <"$WORK/other.count")
  "$TCPLENS" trace -q -- sh -c "sleep 0.5; curl -s -o /dev/null http://$HOST:$HPORT/small.txt; sleep 0.5" \
    >"$WORK/trace.out" 2>"$WORK/trace.err" &
  T=$!
  wait $T
  check "trace: exit status of curl (0)" test $? -eq 0
  after=$(wc -l <"$WORK/other.count")
  touch "$WORK/other.stop"
  wait "$OTHER"
  check "trace: the other process fetched while the trace ran" test "$after" -gt "$before"
  rows=$(grep -c "$HOST" "$WORK/trace.out")
  check "trace: exactly one connection (not the other process's)" test "$rows" -eq 1
  check "trace: the connection complete" grep -q "complete" "$WORK/trace.out"
  check "trace: Zeek's SF" grep -qw "SF" "$WORK/trace.out"
  check "trace: namespace and nft table removed" trace_gone $T
  # A port nobody listens on: curl fails with 7 and so does trace.
  "$TCPLENS" trace -q -- curl -s -o /dev/null "http://$HOST:$((HPORT + 1))/" >/dev/null 2>&1 &
  T=$!
  wait $T
  check "trace: exit status of a failed curl (7)" test $? -eq 7
  # -Y: only the reset is shown (every packet is still tracked: the table has the connection).
  "$TCPLENS" trace -n -Y 'tcp.flags.reset == 1' -- curl -s -o /dev/null "http://$HOST:$((HPORT + 1))/" \
    >"$WORK/trace-y.out" 2>/dev/null
  check "trace -Y: the reset shown" grep -q "Flags \[R" "$WORK/trace-y.out"
  check "trace -Y: the SYN not shown" bash -c "! grep -q 'Flags \[S\]' '$WORK/trace-y.out'"
  check "trace -Y: the rejected connection in the table" grep -q "rejected" "$WORK/trace-y.out"
fi
"$TCPLENS" trace -q -Y 'tcp.port ==' -- true >/dev/null 2>"$WORK/trace-bad-y.err"
check "trace -Y invalid: exit status 2" test $? -eq 2
check "trace -Y invalid: said as tshark says it" grep -q "Unexpected end of filter expression" "$WORK/trace-bad-y.err"
"$TCPLENS" trace -q -- sh -c 'exit 7' >/dev/null 2>&1 &
T=$!
wait $T
check "trace: sh -c 'exit 7' exits 7" test $? -eq 7
check "trace: namespace and nft table removed after exit 7" trace_gone $T

# (h) A capture stopped right after its last packets, without --immediate-mode, still takes
# them (the kernel's open block is read out after SIGINT).
start_capture "$WORK/quick.out" "$WORK/quick.err" "$TCPLENS" print -n -i "$VA" -w "$WORK/quick.pcap" tcp port $PORT
fetch small.txt
sleep 0.05
stop $CAP
quick_packets() { [ "$("$TCPLENS" print -n -r "$WORK/quick.pcap" 2>/dev/null | wc -l)" -ge 8 ]; }
check "SIGINT 0.05 s after the last packets: the open block is still taken" quick_packets

trace_full_fails() { ! "$TCPLENS" trace -q -- true >/dev/full 2>"$WORK/full.err" && grep -q "standard output" "$WORK/full.err"; }
check "trace: CMD succeeded but the table could not be written: exit 1, said" trace_full_fails
# A trace killed by SIGKILL leaves its namespace; the next trace removes it.
"$TCPLENS" trace -q -- sleep 30 >/dev/null 2>&1 &
T=$!
for _ in $(seq 100); do ip netns pids "tcplens-trace-$T" 2>/dev/null | grep -q . && break; sleep 0.05; done
kill -KILL $T
wait $T 2>/dev/null
inner=$(ip netns pids "tcplens-trace-$T" 2>/dev/null)
[ -n "$inner" ] && kill $inner  # its sleep, left behind
trace_left() { ! trace_gone "$1"; }
check "trace: SIGKILL leaves the namespace behind" trace_left $T
"$TCPLENS" trace -q -- true >/dev/null 2>&1
check "trace: the next trace removes it" trace_gone $T
check "trace: ... and its veth" test ! -e "/sys/class/net/tlh$((T % 1000000))"

finish live_netns
