#!/usr/bin/env bash
# End-to-end tests of `tcplens report` without a browser (tests/browser/ has those): the file
# is written whole and replaced atomically, the samples' report is small, --detail and
# --stream choose the connection pages, a filter chooses the rows, errors and exit statuses,
# trace --report (as root).
# Usage: report_cli_test.sh TCPLENS CORPUS_DIR
. "$(dirname "$0")/common.sh"

SAMPLE=$(dirname "$0")/../../samples/loopback-http.pcap
MANY=$CORPUS/live/many-connections/many-sequential-500.pcap
LOSSY=$CORPUS/live/data-transfer/bulk-loss-nft.pcap

pages() { grep -o '<section class="conn" id="conn-[0-9]*"' "$1" | wc -l; }
rows() {  # the table's row count, from its data
  grep -o '<script type="application/json" id="table-data">{"rows":[0-9]*' "$1" | grep -o '[0-9]*$'
}

check "samples: exit 0" "$TCPLENS" report -r "$SAMPLE" -o "$WORK/sample.html"
check "samples: a whole page" bash -c "head -c 15 '$WORK/sample.html' | grep -q '<!DOCTYPE html>' && tail -c 8 '$WORK/sample.html' | grep -q '</html>'"
check "samples: under 1 MB" test "$(stat -c %s "$WORK/sample.html")" -lt 1000000
check "samples: uPlot and its licence inside" bash -c "grep -q 'The MIT License' '$WORK/sample.html' && grep -q 'uPlot' '$WORK/sample.html'"
check "samples: nothing fetched (no src= or href= off the page)" \
  bash -c "! grep -Eo '(src|href)=\"[^#\"][^\"]*\"' '$WORK/sample.html' | grep -q ."
check "no temporary file left" test "$(ls "$WORK" | grep -c 'sample.html.')" -eq 0

"$TCPLENS" report -r "$MANY" -o "$WORK/many.html" --detail 20
check "--detail 20: 20 pages" test "$(pages "$WORK/many.html")" -eq 20
check "every connection in the table" test "$(rows "$WORK/many.html")" -eq 500
# Connections chosen by their record alone (conn.* fields, none of their packets shown; their
# records wait for Zeek's view): their pages still draw their packets.
"$TCPLENS" report -r "$CORPUS/external/esnet/nmap_80_all.pcap" -Y 'conn.zeek.conn_state=="RSTO"' -o "$WORK/rsto.html" 2>/dev/null
check "-Y on conn.* fields: the chosen connections' ladders have their arrows" \
  test "$(pages "$WORK/rsto.html")" -ge 2 -a "$(grep -o '<g class="arrow"' "$WORK/rsto.html" | wc -l)" -ge "$((3 * $(pages "$WORK/rsto.html")))"
check "server-rendered rows: the first 100" test "$(grep -o '<tr data-row=' "$WORK/many.html" | wc -l)" -eq 100
"$TCPLENS" report -r "$MANY" -o "$WORK/many.html" --detail all
check "--detail all: 500 pages" test "$(pages "$WORK/many.html")" -eq 500
"$TCPLENS" report -r "$MANY" -o "$WORK/one.html" --stream 42
check "--stream 42: one row, its page" \
  bash -c "test \"\$(grep -o 'id=\"conn-[0-9]*\"' '$WORK/one.html')\" = 'id=\"conn-42\"' && grep -q '\"rows\":1,' '$WORK/one.html'"
"$TCPLENS" report -r "$MANY" -o "$WORK/port.html" 'port 58516'
check "a filter chooses the rows" grep -q '"rows":1,' "$WORK/port.html"
"$TCPLENS" report -r "$LOSSY" -o "$WORK/lossy.html"
check "lossy: story and its Chinese" bash -c "grep -q 'The server retransmitted 26 segment(s) after a timeout' '$WORK/lossy.html' && grep -q '<ol class=\"story\" lang=\"zh\">' '$WORK/lossy.html'"
check "lossy: the ladder's folded packets" grep -q '1861 packets in 0.012 s' "$WORK/lossy.html"
# The ladder's packet rows and folded spans are explain's, frame for frame.
COLUMNS=300 "$TCPLENS" explain --ascii --stream 0 -r "$LOSSY" | sed '/^$/q' | grep -E '^ *[0-9]+\.[0-9]{6} +[0-9]+ ' |
  sed -E 's/^ *[0-9.]+ +([0-9]+) .*\.\.\. #([0-9]+)-#([0-9]+) \.\.\..*/span \2-\3/; s/^ *[0-9.]+ +([0-9]+) .*/row \1/' >"$WORK/explain-ladder"
grep -oE '<g class="(arrow[^"]*" data-frame="[0-9]+|span" data-first="[0-9]+" data-last="[0-9]+)' "$WORK/lossy.html" |
  sed -E 's/.*data-frame="([0-9]+)/row \1/; s/.*data-first="([0-9]+)" data-last="([0-9]+)/span \1-\2/' >"$WORK/report-ladder"
check "lossy: the ladder's rows and folded spans are explain's" \
  bash -c "grep -q '^row ' '$WORK/explain-ladder' && grep -q '^span ' '$WORK/explain-ladder' && cmp '$WORK/explain-ladder' '$WORK/report-ladder'"
check "same report on 1 and 2 threads" bash -c "'$TCPLENS' report -r '$MANY' -o '$WORK/t1.html' --threads 1 && '$TCPLENS' report -r '$MANY' -o '$WORK/t2.html' --threads 2 && cmp -s '$WORK/t1.html' '$WORK/t2.html'"

# A failed run keeps the previous report.
cp "$WORK/sample.html" "$WORK/keep.html"
check "missing input: exit 1" bash -c "! '$TCPLENS' report -r '$WORK/nope.pcap' -o '$WORK/keep.html' 2>/dev/null"
check "missing input: old report kept" cmp -s "$WORK/sample.html" "$WORK/keep.html"
check "unwritable directory: exit 1, named" \
  bash -c "'$TCPLENS' report -r '$SAMPLE' -o '$WORK/no/such/dir/r.html' 2>&1 >/dev/null | grep -q 'no/such/dir/r.html'; test \${PIPESTATUS[0]} -eq 1"
check "--detail bad: exit 2" bash -c "'$TCPLENS' report -r '$SAMPLE' -o '$WORK/x.html' --detail some 2>/dev/null; test \$? -eq 2"
check "no -o: exit 2" bash -c "'$TCPLENS' report -r '$SAMPLE' 2>/dev/null; test \$? -eq 2"
# A damaged file: what was read is still reported, exit 1.
head -c 3000 "$SAMPLE" > "$WORK/cut.pcap"
check "damaged input: exit 1 and a report" \
  bash -c "! '$TCPLENS' report -r '$WORK/cut.pcap' -o '$WORK/cut.html' 2>/dev/null && grep -q 'damaged input' '$WORK/cut.html'"

# trace --report: a command's refused connection to the host's end of trace's veth pair
# (traffic between the namespace trace makes and this host only). Needs root, ip and nft.
if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null && command -v nft >/dev/null; then
  "$TCPLENS" trace -q --report "$WORK/trace.html" -- \
    sh -c 'gw=$(ip route | awk "/default/ {print \$3}"); curl -s -m 2 "http://$gw:9/" >/dev/null; true' \
    >"$WORK/trace.out" 2>/dev/null
  check "trace --report: exit 0" test $? -eq 0
  check "trace --report: the one connection, refused" \
    bash -c "grep -q '\"rows\":1,' '$WORK/trace.html' && grep -q 'data-outcome=\"refused\"><title>refused: 1<' '$WORK/trace.html'"
  check "trace --report: drops shown (a live capture)" grep -q 'dropped by kernel' "$WORK/trace.html"
else
  echo "skip trace --report: needs root, ip and nft"
fi
finish report_cli
