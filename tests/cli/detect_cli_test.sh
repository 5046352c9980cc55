#!/usr/bin/env bash
# End-to-end tests of `tcplens detect`: what the command prints is what the library finds
# (detect_runner drives the same Detector without the engine), in both formats and
# languages, live, filtered, from standard input, with thresholds changed, and its exit
# statuses.
# Usage: detect_cli_test.sh TCPLENS CORPUS_DIR DETECT_RUNNER
. "$(dirname "$0")/common.sh"
RUNNER=$3
D=$CORPUS/live/detect
S=$CORPUS/live/syn-flood-scan

kinds() {  # "kind source target scan_type" per finding of JSON lines on stdin
  python3 -c '
import json, sys
for line in sys.stdin:
    f = json.loads(line)
    print(f["kind"], f["source"] or "-", f["target"], f["scan_type"] or "-", f["status"])'
}

# The command finds what the library finds, finding for finding, on every labelled capture.
same=1
while IFS=$'\t' read -r capture _; do
  case $capture in capture|\#*) continue ;; esac
  diff <("$TCPLENS" detect -r "$CORPUS/live/$capture" --format json) <("$RUNNER" -r "$CORPUS/live/$capture") \
    >/dev/null || { same=0; echo "  differs: $capture"; }
done <"$CORPUS/live/DETECT.tsv"
check "tcplens detect = the library on every capture of DETECT.tsv" test "$same" = 1

check "json: the ACK flood" test "$("$TCPLENS" detect -r "$D/flood-ack.pcap" --format json | kinds)" = \
  "ack_flood 10.200.10.1 10.200.10.2:7700 - final"
out=$("$TCPLENS" detect -r "$D/scan-fin.pcap" --format json --live | kinds)
check "--live: raised when crossed, then final" test "$out" = \
  "port_scan 10.200.10.1 10.200.10.2 fin raised
port_scan 10.200.10.1 10.200.10.2 fin final"
table=$("$TCPLENS" detect -r "$S/synflood-nocookies.pcap")
check "table: the flood, spoofed, explained" grep -q "SYN flood  spoofed  10.200.8.2:7500" <<<"$table"
check "table: what to do" grep -q "What to do: Enable SYN cookies" <<<"$table"
zh=$("$TCPLENS" detect -r "$S/synflood-nocookies.pcap" --lang zh)
check "--lang zh" grep -q "SYN 洪泛" <<<"$zh"
check "LANG=zh_CN.UTF-8" grep -q "端口扫描" <<<"$(LANG=zh_CN.UTF-8 LC_ALL= "$TCPLENS" detect -r "$S/scan-syn.pcap")"
check "LC_ALL=C: English" grep -q "port scan" <<<"$(LC_ALL=C "$TCPLENS" detect -r "$S/scan-syn.pcap")"
check "json explain in Chinese" grep -q '"lang":"zh","what":"10.200.8.1 对 10.200.8.2 进行了端口扫描' \
  <<<"$("$TCPLENS" detect -r "$S/scan-syn.pcap" --format json --lang zh)"
check "no finding: said so" test "$("$TCPLENS" detect -r "$D/benign-busy.pcap")" = "No finding."
check "no finding: no JSON" test -z "$("$TCPLENS" detect -r "$D/benign-busy.pcap" --format json)"
check "a filter: detect sees only what it shows" test -z \
  "$("$TCPLENS" detect -r "$D/flood-ack.pcap" --format json 'not port 7700')"
check "-F FILE" bash -c "echo 'not port 7700' >'$WORK/f' && test -z \"\$('$TCPLENS' detect -r '$D/flood-ack.pcap' --format json -F '$WORK/f')\""
check "-r - (standard input)" test "$("$TCPLENS" detect -r - --format json <"$D/flood-ack.pcap" | kinds)" = \
  "ack_flood 10.200.10.1 10.200.10.2:7700 - final"
check "--syn-rate: a higher threshold, no flood" test -z \
  "$("$TCPLENS" detect -r "$S/synflood-nocookies.pcap" --format json --syn-rate 100)"
check "--scan-ports: 30 ports needed, the 25-port scan is not one" test -z \
  "$("$TCPLENS" detect -r "$D/scan-slow.pcap" --format json --scan-ports 30)"
check "--isn-report: random ISNs listed, not alarmed" test "$("$TCPLENS" detect -r "$D/isn-random-control.pcap" \
  --format json --isn-report | kinds)" = "isn_quality - 10.200.10.2 - final"

"$TCPLENS" detect -r "$WORK/none.pcap" >/dev/null 2>"$WORK/err"
check "missing file: exit 1" test $? -eq 1
check "missing file: named" grep -q "none.pcap" "$WORK/err"
"$TCPLENS" detect -r "$D/scan-fin.pcap" 'port port' >/dev/null 2>"$WORK/err"
check "bad filter: exit 1" test $? -eq 1
"$TCPLENS" detect -r "$D/scan-fin.pcap" --format xml >/dev/null 2>&1
check "bad format: exit 2" test $? -eq 2
"$TCPLENS" detect -r "$D/scan-fin.pcap" --syn-halfopen-ratio 2 >/dev/null 2>&1
check "ratio above 1: exit 2" test $? -eq 2
head -c 100000 "$D/flood-ack.pcap" >"$WORK/cut.pcap"
"$TCPLENS" detect -r "$WORK/cut.pcap" --format json >"$WORK/out" 2>"$WORK/err"
check "damaged file: exit 1" test $? -eq 1
check "damaged file: what was read is judged" grep -q ack_flood "$WORK/out"
check "damaged file: the damage named" grep -q "cut.pcap: packet" "$WORK/err"
finish detect_cli
