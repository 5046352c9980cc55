#!/usr/bin/env bash
# The README's live-capture and trace examples, run as written (needs root: exit 77 without).
# Each example line must still be in the README, so that the README and this test move
# together. On loopback only, and on this host's own address for trace.
# Usage: readme_live_test.sh TCPLENS CORPUS_DIR README
. "$(dirname "$0")/common.sh"
README=$3
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root"; exit 77; }
for tool in nc curl python3; do
  command -v $tool >/dev/null || { echo "FAIL $tool is not installed (scripts/install-deps.sh)"; exit 1; }
done
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

in_readme() { grep -qF -- "$1" "$README"; }

# tcplens print -D: the interfaces, lo among them.
check "README has 'tcplens print -D'" in_readme "tcplens print -D"
check "print -D lists lo" sh -c "'$TCPLENS' print -D | grep -qE '^[0-9]+\.lo '"

# tcplens conns -i lo port 8888, while nc talks: the row is written when the connection ends
# (after the close linger), before Ctrl-C, and the capture ends cleanly on it.
check "README has 'tcplens conns -i lo port 8888'" in_readme "tcplens conns -i lo port 8888"
"$TCPLENS" conns -i lo port 8888 >"$WORK/conns.out" 2>"$WORK/conns.err" &
CONNS=$!
PIDS+=($CONNS)
for _ in $(seq 50); do grep -q "listening on lo" "$WORK/conns.err" && break; sleep 0.1; done
nc -l 127.0.0.1 8888 >"$WORK/nc.got" &
PIDS+=($!)
sleep 0.3
echo "hello from the client" | nc -N 127.0.0.1 8888
row_written() { grep -qE "^0 +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:8888 +complete" "$WORK/conns.out"; }
for _ in $(seq 150); do row_written && break; sleep 0.1; done
check "conns -i: the connection's row is written when it ends, before Ctrl-C" row_written
check "conns -i: the header came first" sh -c "head -1 '$WORK/conns.out' | grep -q '^stream '"
kill -INT $CONNS
wait $CONNS
check "conns -i: exit status 0 after Ctrl-C" test $? -eq 0
check "conns -i: tcpdump's counts at the end" grep -q "packets captured" "$WORK/conns.err"
check "conns -i: one connection" test "$(grep -c ':8888 ' "$WORK/conns.out")" -eq 1

# A connection still open at Ctrl-C is written then, as open.
"$TCPLENS" conns -i lo port 8888 >"$WORK/open.out" 2>"$WORK/open.err" &
CONNS=$!
PIDS+=($CONNS)
for _ in $(seq 50); do grep -q "listening on lo" "$WORK/open.err" && break; sleep 0.1; done
nc -l 127.0.0.1 8888 >/dev/null &
PIDS+=($!)
sleep 0.3
(echo "still talking"; sleep 5) | nc 127.0.0.1 8888 &
PIDS+=($!)
sleep 1
kill -INT $CONNS
wait $CONNS
check "conns -i: an open connection is written at Ctrl-C" grep -qE ":8888 +complete +open " "$WORK/open.out"

# tcplens trace -- curl -s http://192.0.2.2:8765/, with this host's own address for 192.0.2.2.
check "README has the trace example" in_readme "tcplens trace -- curl -s http://192.0.2.2:8765/"
HOST=$(ip -4 -o addr show scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
if [ -z "$HOST" ]; then
  echo "skip trace: this host has no global IPv4 address"
else
  mkdir -p "$WORK/www" && echo "hello" >"$WORK/www/index.html"
  python3 -m http.server 8765 --bind "$HOST" --directory "$WORK/www" >/dev/null 2>&1 &
  PIDS+=($!)
  for _ in $(seq 50); do curl -s -o /dev/null "http://$HOST:8765/" && break; sleep 0.1; done
  "$TCPLENS" trace -- curl -s "http://$HOST:8765/" >"$WORK/trace.out" 2>"$WORK/trace.err"
  check "trace: exit status of curl (0)" test $? -eq 0
  check "trace: curl's output" grep -qx "hello" "$WORK/trace.out"
  check "trace: the packet lines" grep -qE "IP [0-9.]+\.[0-9]+ > $HOST\.8765: Flags \[S\]" "$WORK/trace.out"
  check "trace: the connection's row" grep -qE "$HOST:8765 +complete" "$WORK/trace.out"
fi
finish readme_live
