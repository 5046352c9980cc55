#!/usr/bin/env bash
# End-to-end tests of `tcplens explain`: the ladder and story on a normal close, --stream,
# --lang and the language from the environment, --format json, a filter, --threads, usage
# errors.
# Usage: explain_cli_test.sh TCPLENS CORPUS_DIR
. "$(dirname "$0")/common.sh"

FOUR=$CORPUS/live/close/client-first-4way.pcap
MANY=$CORPUS/live/many-connections/many-sequential-500.pcap
REFUSED=$CORPUS/live/refused/closed-port.pcap

says() {  # the output of `explain ARGS...` (after --) contains TEXT
  local text=$1; shift
  LC_ALL= LANG= "$TCPLENS" explain "$@" 2>/dev/null | grep -qF -- "$text"
}
lines() {  # the output of `explain ARGS...` (after N) has exactly N lines matching PATTERN
  local n=$1 pattern=$2; shift 2
  test "$(LC_ALL= LANG= "$TCPLENS" explain "$@" 2>/dev/null | grep -c -- "$pattern")" -eq "$n"
}

check "ladder title" says "Stream 0: 10.200.3.1:59410 -> 10.200.3.2:7000" -r "$FOUR"
check "ladder: client TIME_WAIT, server CLOSED on the last ACK" \
  lines 1 'TIME_WAIT  *-- ACK seq=8 ack=8 len=0 -*> CLOSED$' -r "$FOUR"
check "story: four-way close" says "Four-way close: the client sent the first FIN" -r "$FOUR"
check "story: refused" says "Connection refused" -r "$REFUSED"
check "every connection, in stream order" \
  diff <(LANG= "$TCPLENS" explain -r "$MANY" | grep '^Stream' | cut -d: -f1) \
       <(seq 0 499 | sed 's/^/Stream /')
check "--stream 42 alone" lines 1 '^Stream' -r "$MANY" --stream 42
check "--stream 42 is stream 42" says "Stream 42:" -r "$MANY" --stream 42
check "--lang zh" says "四次挥手" -r "$FOUR" --lang zh
check "LANG=zh_CN.UTF-8" bash -c "LC_ALL= LANG=zh_CN.UTF-8 '$TCPLENS' explain -r '$FOUR' | grep -qF 四次挥手"
check "LC_ALL wins over LANG" bash -c "LC_ALL=C LANG=zh_CN.UTF-8 '$TCPLENS' explain -r '$FOUR' | grep -qF Four-way"
check "--lang en over LANG" bash -c "LANG=zh_CN.UTF-8 '$TCPLENS' explain --lang en -r '$FOUR' | grep -qF Four-way"
check "--format json: one object per connection" lines 500 '^{"stream":' -r "$MANY" --format json
check "--format json parses" bash -c "'$TCPLENS' explain -r '$FOUR' --format json | python3 -c 'import json,sys; o=json.loads(sys.stdin.read()); assert o[\"teardown\"]==\"four_way\" and o[\"story\"][0][\"code\"]==\"handshake_complete\"'"
check "filter selects connections" lines 1 '^Stream' -r "$MANY" 'port 58516'
check "filter matching nothing: no output" lines 0 '^Stream' -r "$MANY" 'port 1'

# The same output on every thread count (stream numbers patched at the merge, stream order).
for f in "$MANY" "$FOUR" "$CORPUS/live/close/half-close.pcap" "$CORPUS/live/syn-flood-scan/"*.pcap; do
  [ -f "$f" ] || continue
  for fmt in text json; do
    check "--threads 3 = --threads 1: $fmt $(basename "$f")" \
      diff <(LANG= "$TCPLENS" explain -r "$f" --format $fmt --threads 1) \
           <(LANG= "$TCPLENS" explain -r "$f" --format $fmt --threads 3)
  done
done

"$TCPLENS" explain -r "$FOUR" --lang fr >/dev/null 2>&1
check "--lang fr: usage error (2)" test $? -eq 2
"$TCPLENS" explain -r "$WORK/missing.pcap" >/dev/null 2>"$WORK/err"
check "missing file: exit status 1" test $? -eq 1

finish explain
