#!/usr/bin/env bash
# `tcplens split` and the merge of its shards (docs/scale-out.md), without a cluster:
#  - split: every packet in exactly one shard, bytes and timestamps unchanged, in input
#    order; link type, snapshot length and precision kept; flow-complete (no connection in
#    two shards); IP fragments with their connection; no temporary file left; a damaged
#    input named with its packet, every packet before the damage still split;
#  - merge: `conns` (json, csv, zeek) and `analyze --per-packet` run on each shard with
#    --shard-index, then --merge, write byte for byte what one run over the whole file
#    writes, on every corpus capture, also with timers that free connections mid-capture
#    (the whole input's clock ticks, from the index).
# Usage: split_merge_test.sh TCPLENS CORPUS_DIR
. "$(dirname "$0")/common.sh"
HERE=$(cd "$(dirname "$0")/../scale" && pwd)
FACTS="/usr/bin/python3 $HERE/pcap_facts.py"

# merged NAME SHARD_DIR COMMAND ARGS...: the shards run one by one, then merged, into $WORK/merged
merged() {
  local dir=$1 cmd=$2; shift 2
  local items=()
  for pcap in "$dir"/shard-*.pcap; do
    "$TCPLENS" "$cmd" "$@" -r "$pcap" --shard-index "${pcap%.pcap}.idx" >"${pcap%.pcap}.items" 2>/dev/null
    items+=("${pcap%.pcap}.items")
  done
  "$TCPLENS" "$cmd" "$@" --merge "${items[@]}" >"$WORK/merged" 2>"$WORK/merge.err"
}

# same_as_whole FILE COMMAND ARGS...: the merge of FILE's shards equals the whole run
same_as_whole() {
  local file=$1; shift
  "$TCPLENS" "$@" -r "$file" --threads 1 >"$WORK/whole" 2>/dev/null
  merged "$WORK/shards" "$@"
  cmp -s "$WORK/whole" "$WORK/merged"
}

split_facts_ok() {  # FILE N: the shards' headers, and every record of FILE in one shard
  local file=$1 n=$2
  [ "$(ls "$WORK/shards" | grep -c partial)" -eq 0 ] || return 1
  local head; head=$($FACTS "$WORK/shards/shard-0.pcap" | cut -d' ' -f1-3)
  for k in $(seq 0 $((n - 1))); do
    [ "$($FACTS "$WORK/shards/shard-$k.pcap" | cut -d' ' -f1-3)" = "$head" ] || return 1
  done
  # A classic pcap's precision, link type and snapshot length are kept (a pcapng's are its
  # first interface's).
  if [ "$(head -c 4 "$file" | od -An -tx1 | tr -d ' ')" != 0a0d0d0a ]; then
    [ "$($FACTS "$file" | cut -d' ' -f1-3)" = "$head" ] || return 1
  fi
  # The records as tcplens reads them (a record longer than the snapshot length is cut to
  # it, as libpcap does), rewritten at the shards' precision: sorted, they are the shards'.
  local nano=; [ "${head%% *}" = nano ] && nano=--nano
  "$TCPLENS" print -r "$file" -w "$WORK/ref.pcap" $nano 2>/dev/null
  $FACTS --records "$WORK/ref.pcap" | sort >"$WORK/in.records"
  $FACTS --records "$WORK"/shards/shard-*.pcap | sort >"$WORK/out.records"
  cmp -s "$WORK/in.records" "$WORK/out.records"
}

flow_complete() {  # no client/server pair in two shards
  for pcap in "$WORK"/shards/shard-*.pcap; do
    "$TCPLENS" conns -r "$pcap" --format csv 2>/dev/null | tail -n +2 | cut -d, -f2-5 | sort -u
  done | sort | uniq -d | grep -q . && return 1
  return 0
}

# SPLIT_MERGE_EVERY=K checks every K-th corpus capture only (the sanitizer build: the same
# code, at many times the cost); the release build checks them all.
every=${SPLIT_MERGE_EVERY:-1}
checked=0 seen=0
while IFS= read -r file; do
  name=${file#"$CORPUS"/}
  seen=$((seen + 1))
  [ $(((seen - 1) % every)) -eq 0 ] || continue
  rm -rf "$WORK/shards"
  "$TCPLENS" split -r "$file" -o "$WORK/shards" -n 3 2>"$WORK/split.err"
  split_status=$?
  "$TCPLENS" conns -r "$file" >/dev/null 2>&1
  whole_status=$?
  [ "$split_status" -eq "$whole_status" ] || { bad "$name: split exit $split_status, conns $whole_status"; continue; }
  [ "$split_status" -eq 0 ] && { split_facts_ok "$file" 3 || bad "$name: shards differ from the input"; }
  for args in "conns --format json" "conns --format zeek" "analyze --per-packet --format tsv" \
              "analyze --per-packet --format tsv --compat tshark --single-pass"; do
    # shellcheck disable=SC2086
    same_as_whole "$file" $args || bad "$name: merged $args differs from one run"
  done
  checked=$((checked + 1))
  pass
done < <(find "$CORPUS" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort)
ok "corpus captures ($checked of $seen): split, and merged conns/analyze equal one run"

# Longer captures, more shards, CSV, the table, a filter, and timers that end connections in the middle (their
# records come out at tick packets of other shards).
for file in "$CORPUS"/live/detect/benign-busy.pcap "$CORPUS"/live/many-connections/many-sequential-500.pcap \
            "$CORPUS"/live/data-transfer/bulk-loss-nft.pcap; do
  name=${file#"$CORPUS"/}
  for n in 1 2 5; do
    rm -rf "$WORK/shards"
    "$TCPLENS" split -r "$file" -o "$WORK/shards" -n $n 2>/dev/null
    check "$name: -n $n split" split_facts_ok "$file" $n
    check "$name: -n $n flow-complete" flow_complete
    check "$name: -n $n conns csv" same_as_whole "$file" conns --format csv
    check "$name: -n $n conns table (widths from every shard)" same_as_whole "$file" conns -C
    check "$name: -n $n conns json with a filter" same_as_whole "$file" conns --format json 'tcp[13] & 4 = 0 and port 7700' 
    check "$name: -n $n conns json, idle 1 s, linger 0" same_as_whole "$file" conns --format json --idle-timeout 1 --close-linger 0
    check "$name: -n $n zeek, idle 1 s" same_as_whole "$file" conns --format zeek --idle-timeout 1
    check "$name: -n $n analyze, idle 1 s" same_as_whole "$file" analyze --per-packet --idle-timeout 1
  done
done

# IP fragments: out of order, interleaved with other connections, one never completed.
/usr/bin/python3 "$HERE/make_fragments.py" "$WORK/frag.pcap"
for n in 2 3 4; do
  rm -rf "$WORK/shards"
  "$TCPLENS" split -r "$WORK/frag.pcap" -o "$WORK/shards" -n $n
  check "fragments -n $n: every packet once" split_facts_ok "$WORK/frag.pcap" $n
  check "fragments -n $n: flow-complete" flow_complete
  check "fragments -n $n: conns json equal" same_as_whole "$WORK/frag.pcap" conns --format json
  check "fragments -n $n: analyze equal" same_as_whole "$WORK/frag.pcap" analyze --per-packet
done
# Each connection's reassembled segment is in its shard: 8 connections with data both ways.
check "fragments: each connection's data segment reassembled in its shard" \
  test "$(for p in "$WORK"/shards/shard-*.pcap; do "$TCPLENS" conns -r "$p" --format csv; done |
          grep -c ',complete,')" -eq 8

# Link types and precision kept.
for file in $(awk -F'\t' '$3 != "EN10MB" && $3 != "linktype" {print $1}' "$CORPUS/MANIFEST.tsv"); do
  [ -f "$CORPUS/$file" ] || continue
  case $file in *.pcapng) continue ;; esac  # (a pcapng's first interface's type: checked above by the merge)
  rm -rf "$WORK/shards"
  "$TCPLENS" split -r "$CORPUS/$file" -o "$WORK/shards" -n 2 2>/dev/null && check "$file: link type kept" split_facts_ok "$CORPUS/$file" 2
done
"$TCPLENS" print -r "$CORPUS/live/detect/benign-busy.pcap" -w "$WORK/nano.pcap" --nano 2>/dev/null
check "(a nanosecond capture made)" test "$($FACTS "$WORK/nano.pcap" | cut -d' ' -f1)" = nano
rm -rf "$WORK/shards"; "$TCPLENS" split -r "$WORK/nano.pcap" -o "$WORK/shards" -n 2
check "nanosecond precision kept" split_facts_ok "$WORK/nano.pcap" 2
check "nanosecond: conns json equal" same_as_whole "$WORK/nano.pcap" conns --format json

# A damaged input: named with the packet, the packets before it split (exit 1).
BULK=$CORPUS/live/data-transfer/bulk-clean.pcap
head -c 500000 "$BULK" >"$WORK/cut.pcap"
rm -rf "$WORK/shards"
"$TCPLENS" split -r "$WORK/cut.pcap" -o "$WORK/shards" -n 2 2>"$WORK/split.err"
check "damaged: exit 1" test $? -eq 1
check "damaged: names the file and packet" grep -q "cut.pcap: packet [0-9]* (byte offset" "$WORK/split.err"
check "damaged: every whole packet split" test "$($FACTS "$WORK"/shards/shard-*.pcap | awk '{s += $4} END {print s}')" \
  -eq "$("$TCPLENS" print -r "$WORK/cut.pcap" -q 2>/dev/null | wc -l)"
# Usage errors and bad items.
"$TCPLENS" split -r "$BULK" -o "$WORK/shards" 2>/dev/null; check "split without -n: exit 2" test $? -eq 2
"$TCPLENS" conns --merge "$WORK/cut.pcap" >/dev/null 2>"$WORK/err"
check "merge of a non-items file: exit 1, named" grep -q "cut.pcap: not a tcplens items file" "$WORK/err"
rm -rf "$WORK/shards"; "$TCPLENS" split -r "$BULK" -o "$WORK/shards" -n 2
"$TCPLENS" conns -r "$WORK/shards/shard-0.pcap" --shard-index "$WORK/shards/shard-0.idx" >"$WORK/a.items"
"$TCPLENS" conns -r "$WORK/shards/shard-1.pcap" --shard-index "$WORK/shards/shard-1.idx" >"$WORK/b.items"
head -c $(($(stat -c %s "$WORK/b.items") - 10)) "$WORK/b.items" >"$WORK/cut.items"
"$TCPLENS" conns --merge "$WORK/a.items" "$WORK/cut.items" >/dev/null 2>"$WORK/err"
check "merge of a cut items file: exit 1, named" grep -q "cut.items: cut short" "$WORK/err"
"$TCPLENS" conns --merge "$WORK/a.items" >/dev/null 2>"$WORK/err"
check "merge of one shard of two: exit 1, said" grep -q "needs the items of every shard" "$WORK/err"
"$TCPLENS" conns --merge "$WORK/a.items" "$WORK/a.items" >/dev/null 2>"$WORK/err"
check "merge of a shard twice: exit 1, said" grep -q "(a split into 2): got shards 0, 0" "$WORK/err"
"$TCPLENS" conns -r "$WORK/shards/shard-0.pcap" --shard-index "$WORK/shards/shard-1.idx" >/dev/null 2>"$WORK/err"
check "shard with another shard's index: exit 1" test $? -eq 1
for cmd in conns analyze; do
  extra=(); [ "$cmd" = analyze ] && extra=(--per-packet)
  "$TCPLENS" "$cmd" "${extra[@]}" -Y "tcp.stream < 5" -r "$WORK/shards/shard-0.pcap" \
    --shard-index "$WORK/shards/shard-0.idx" >"$WORK/out" 2>"$WORK/err"
  check "$cmd: -Y on tcp.stream with --shard-index: a usage error" test $? -eq 2 -a ! -s "$WORK/out"
  "$TCPLENS" "$cmd" "${extra[@]}" -Y "tcp.port == 80" -r "$WORK/shards/shard-0.pcap" \
    --shard-index "$WORK/shards/shard-0.idx" >"$WORK/out" 2>"$WORK/err"
  check "$cmd: -Y on ports with --shard-index: allowed" test $? -eq 0
done
finish split_merge
