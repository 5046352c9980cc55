#!/usr/bin/env bash
# The README's tutorial, end to end (as root, in a network namespace of its own; label
# "netns", exit 77, a skip, without root or nc): `tcplens explain -i lo port 8888` while
# `nc -l 8888` and `nc 127.0.0.1 8888` talk on the namespace's loopback, then
# `tcplens trace --explain -- curl http://HOST:PORT/` against a server on this host.
# Usage: explain_tutorial_test.sh TCPLENS CORPUS_DIR
. "$(dirname "$0")/common.sh"
for tool in ip nc curl python3; do
  if ! command -v "$tool" >/dev/null; then echo "SKIP: $tool is not installed"; exit 77; fi
done
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: network namespaces need root"; exit 77; fi

NS=tle-$$
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  ip netns del "$NS" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$NS" && ip -n "$NS" link set lo up || { echo "FAIL namespace"; exit 1; }

# (a) explain -i lo while two nc talk. `ip netns exec` execs its command: $! is its pid.
export LC_ALL= LANG= COLUMNS=80 NO_COLOR=1
ip netns exec "$NS" "$TCPLENS" explain -i lo port 8888 >"$WORK/lo.out" 2>"$WORK/lo.err" &
EXPLAIN=$!
PIDS+=($EXPLAIN)
for _ in $(seq 50); do grep -q "listening" "$WORK/lo.err" 2>/dev/null && break; sleep 0.1; done
ip netns exec "$NS" nc -l 8888 >"$WORK/nc.got" &
PIDS+=($!)
sleep 0.3
printf 'hello from the tutorial\n' | ip netns exec "$NS" nc -N 127.0.0.1 8888
sleep 0.5
kill -INT $EXPLAIN
for _ in $(seq 100); do kill -0 $EXPLAIN 2>/dev/null || break; sleep 0.05; done
wait $EXPLAIN
check "explain -i lo: exit status 0 after SIGINT" test $? -eq 0
check "nc carried the line" grep -q "hello from the tutorial" "$WORK/nc.got"
says() { grep -qF -- "$1" "$WORK/lo.out" || { echo "--- missing: $1"; cat "$WORK/lo.out" "$WORK/lo.err"; false; }; }
check "the summary: one connection, closed normally" says "1 TCP connection(s): 1 opened and closed normally"
check "the ladder's endpoints" says "server 127.0.0.1:8888"
check "the handshake told" says "Three-way handshake: the client sent a SYN"
check "the data told" says "Client to server: 24 bytes of data in 1 segment(s)."
check "loopback checksums said once, as offload" test "$(grep -c "checksum offload" "$WORK/lo.out")" -eq 1
check "a TIME_WAIT sentence" says "TIME_WAIT for 2MSL"

# (b) trace --explain -- curl, against a server on this host's own (non-loopback) address.
HOST=$(ip -4 -o addr show scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
if [ -z "$HOST" ]; then
  echo "skip trace: this host has no global IPv4 address"
else
  mkdir -p "$WORK/www" && echo "tutorial page" >"$WORK/www/index.html"
  HPORT=$((20000 + $$ % 20000))
  python3 -m http.server $HPORT --bind "$HOST" --directory "$WORK/www" >/dev/null 2>&1 &
  PIDS+=($!)
  for _ in $(seq 50); do curl -s -o /dev/null "http://$HOST:$HPORT/" && break; sleep 0.1; done
  "$TCPLENS" trace -q --explain -- curl -s -o /dev/null "http://$HOST:$HPORT/" >"$WORK/trace.out" 2>"$WORK/trace.err"
  check "trace --explain: curl's exit status (0)" test $? -eq 0
  says() { grep -qF -- "$1" "$WORK/trace.out" || { echo "--- missing: $1"; cat "$WORK/trace.out" "$WORK/trace.err"; false; }; }
  check "trace --explain: the summary" says "Capture summary:"
  check "trace --explain: the ladder" says "server $HOST:$HPORT"
  check "trace --explain: the GET" says "HTTP request: GET /."
  check "trace --explain: the answer" says "HTTP response: 200 OK."
fi
finish explain_tutorial
