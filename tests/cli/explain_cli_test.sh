#!/usr/bin/env bash
# End-to-end tests of `tcplens explain`: the ladder and story on a normal close, --stream,
# --lang and the language from the environment (through the gettext catalog), --format json,
# a filter, --threads, colour, --ascii, -S, --full, --summary, the width, usage errors.
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
  lines 1 'TIME_WAIT │── ACK seq=8 ack=8 len=0 .*▶│ CLOSED$' -r "$FOUR"
check "story: four-way close" says "Four-way close: the client closed first with a FIN" -r "$FOUR"
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
check "--format json parses" bash -c "'$TCPLENS' explain -r '$FOUR' --format json | python3 -c 'import json,sys; o=json.loads(sys.stdin.read()); assert o[\"teardown\"][\"kind\"]==\"four_way\" and o[\"findings\"][0][\"code\"]==\"handshake.complete\"'"
check "--format json: conns' record plus findings" bash -c "diff <('$TCPLENS' conns --format json -r '$FOUR') <('$TCPLENS' explain --format json -r '$FOUR' | sed 's/,\"findings\":.*}\$/}/')"
check "--color=always: ANSI colours" bash -c "'$TCPLENS' explain -r '$FOUR' --color=always | grep -q \$'\\e\\['"
check "--color=auto: none into a pipe" bash -c "! '$TCPLENS' explain -r '$FOUR' | grep -q \$'\\e\\['"
check "--ascii: ASCII only" bash -c "! LC_ALL=C '$TCPLENS' explain -r '$FOUR' --ascii | LC_ALL=C grep -q '[^ -~]'"
check "-S: absolute numbers" says "SYN seq=2208919922 len=0" -r "$FOUR" -S
check "--full: no folded span" bash -c "! '$TCPLENS' explain -r '$CORPUS/live/data-transfer/bulk-loss-nft.pcap' --full | grep -q '⋯ #'"
check "folded span without --full" says "⋯ #8-#162 ⋯" -r "$CORPUS/live/data-transfer/bulk-loss-nft.pcap"
check "--summary: only the summary" lines 0 '^Stream' -r "$MANY" --summary
check "--summary: the counts" says "500 TCP connection(s): 500 opened and closed normally" -r "$MANY" --summary
check "COLUMNS=120 widens the ladder" bash -c "COLUMNS=120 '$TCPLENS' explain -r '$FOUR' | awk 'length > 100' | grep -q SYN_SENT"
check "--lang zh: the catalog beside the binary" says "三次握手" -r "$FOUR" --lang zh
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
check "--lang fr (no catalog): usage error (2)" test $? -eq 2
# A translator's new language is one .po file: compiled, it is used without any code change.
mkdir -p "$WORK/locale/eo/LC_MESSAGES"
printf 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgctxt "story.title"\nmsgid "What happened:"\nmsgstr "Kio okazis:"\n' >"$WORK/eo.po"
msgfmt -o "$WORK/locale/eo/LC_MESSAGES/tcplens.mo" "$WORK/eo.po"
check "a new catalog (eo) by --lang" bash -c "TCPLENS_LOCALEDIR='$WORK/locale' '$TCPLENS' explain -r '$FOUR' --lang eo | grep -q '^Kio okazis:'"
check "... and by LANG=eo.UTF-8 (untranslated messages stay English)" bash -c "TCPLENS_LOCALEDIR='$WORK/locale' LC_ALL= LANG=eo.UTF-8 '$TCPLENS' explain -r '$FOUR' | grep -q 'Four-way close'"
# A record that waits for Zeek's view of its connection (seconds after the stream ended)
# still finds the connection's packets: the reset's frame, the SYN-ACK, on one thread as on two.
NMAP=$CORPUS/external/esnet/nmap_80_all.pcap
for threads in 1 2; do
  check "a record that waited keeps its evidence (--threads $threads)" bash -c "'$TCPLENS' explain -r '$NMAP' --format json --threads $threads | python3 -c '
import json, sys
o = [r for r in map(json.loads, sys.stdin) if r[\"stream\"] == 1][0]
f = {x[\"code\"]: x[\"frames\"] for x in o[\"findings\"]}
assert f[\"reset.plain\"] == [5] and f[\"handshake.complete\"] == [2, 3, 4], f'"
done

"$TCPLENS" explain -r "$WORK/missing.pcap" >/dev/null 2>"$WORK/err"
check "missing file: exit status 1" test $? -eq 1

finish explain
