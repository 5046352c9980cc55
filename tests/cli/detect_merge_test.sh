#!/usr/bin/env bash
# `tcplens detect` over the shards of `tcplens split` (docs/scale-out.md): each shard run with
# --shard-index writes its state, `detect --merge` replays them into one detector and writes,
# byte for byte, what one run over the whole capture writes: the table, JSON lines and --live
# output, for 2 and 3 shards, on every capture of live/DETECT.tsv (floods, scans, weak ISNs
# and the benign ones) and on a few of the corpus's largest other captures; every other corpus
# capture once (3 shards, JSON, --live, --isn-report). Then the merge's
# refusals: other options, another filter, a missing or repeated shard, shards of two
# splits, a truncated, damaged or foreign file (each named, with its offset), -c.
# Usage: detect_merge_test.sh TCPLENS CORPUS_DIR
. "$(dirname "$0")/common.sh"

# states DIR ARGS...: each shard of DIR run with --shard-index into DIR/shard-K.state
states() {
  local dir=$1; shift
  for pcap in "$dir"/shard-*.pcap; do
    "$TCPLENS" detect "$@" -r "$pcap" --shard-index "${pcap%.pcap}.idx" >"${pcap%.pcap}.state" 2>>"$WORK/shard.err" ||
      return 1
  done
}

# same_as_whole FILE N ARGS...: the merge of FILE's N shards equals one run
same_as_whole() {
  local file=$1 n=$2; shift 2
  rm -rf "$WORK/s"
  "$TCPLENS" split -r "$file" -o "$WORK/s" -n "$n" >/dev/null 2>&1 || return 1
  "$TCPLENS" detect "$@" -r "$file" >"$WORK/whole" 2>/dev/null
  states "$WORK/s" "$@" || return 1
  # In an order of their own: the merge orders by frame, not by file.
  "$TCPLENS" detect "$@" --merge $(ls "$WORK"/s/shard-*.state | sort -r) >"$WORK/merged" 2>"$WORK/merge.err" || return 1
  cmp -s "$WORK/whole" "$WORK/merged"
}

files=() labelled=()
while IFS=$'\t' read -r capture kind _; do
  case $capture in ''|'#'*|capture) continue ;; esac
  files+=("$CORPUS/live/$capture")
  [ "$kind" = none ] || labelled+=("$capture")
done <"$CORPUS/live/DETECT.tsv"
attacks=$(printf '%s\n' "${labelled[@]}" | sort -u | wc -l)
mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u)
# Larger captures of other kinds: many connections, several kinds of packet.
while IFS= read -r f; do files+=("$f"); done < <(find "$CORPUS" -name '*.pcap*' -size +300k | sort | head -n 4)
findings=0
for file in "${files[@]}"; do
  [ -f "$file" ] || { bad "${file#"$CORPUS"/}: missing"; continue; }
  name=${file#"$CORPUS"/}
  for n in 2 3; do
    for args in "" "--format json" "--format json --live" "--live --isn-report"; do
      # shellcheck disable=SC2086
      if same_as_whole "$file" "$n" $args; then pass; else bad "$name: $n shards, detect $args differs from one run"; fi
    done
  done
  "$TCPLENS" detect --format json -r "$file" 2>/dev/null | grep -q . && findings=$((findings + 1))
done
ok "${#files[@]} captures (${findings} with findings): merged = one run, 2 and 3 shards, table/json/--live"
check "findings in at least the $attacks captures of labelled attacks" test "$findings" -ge "$attacks"
[ -s "$WORK/shard.err" ] && { bad "shard runs wrote to stderr"; cat "$WORK/shard.err"; }

# Every other capture of the corpus once (3 shards, JSON with --live and --isn-report): IPv6,
# tunnels, fragments, ICMP errors quoting TCP, odd link types. A capture that split refuses
# (damaged, or a pcapng with several link types) is left out. DETECT_MERGE_EVERY=K checks
# every K-th of them only (the sanitizer build: the same code at many times the cost).
every=${DETECT_MERGE_EVERY:-1}
others=0 unsplit=0 seen=0 differ=()
while IFS= read -r file; do
  printf '%s\n' "${files[@]}" | grep -qxF "$file" && continue
  seen=$((seen + 1))
  [ $(((seen - 1) % every)) -eq 0 ] || continue
  rm -rf "$WORK/s"
  if ! "$TCPLENS" split -r "$file" -o "$WORK/s" -n 3 >/dev/null 2>&1; then
    unsplit=$((unsplit + 1))
    continue
  fi
  others=$((others + 1))
  args=(--format json --live --isn-report)
  "$TCPLENS" detect "${args[@]}" -r "$file" >"$WORK/whole" 2>/dev/null
  states "$WORK/s" "${args[@]}" 2>/dev/null
  "$TCPLENS" detect "${args[@]}" --merge "$WORK"/s/shard-*.state >"$WORK/merged" 2>"$WORK/merge.err" &&
    cmp -s "$WORK/whole" "$WORK/merged" || differ+=("${file#"$CORPUS"/}")
done < <(find "$CORPUS" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort)
check "$others other corpus captures merged = one run ($unsplit not split): ${differ[*]:-}" test "${#differ[@]}" -eq 0
check "most of the corpus was split" test "$others" -gt $((150 / every))
: >"$WORK/shard.err"

# A filter chooses the packets the detectors see, in the shards as in one run.
FILE=$CORPUS/live/syn-flood-scan/scan-syn.pcap
check "with a BPF filter" same_as_whole "$FILE" 3 --format json tcp port 7680 or tcp port 7601
check "with -Y" same_as_whole "$FILE" 2 --format json -Y "tcp.flags.syn == 1"

# Refusals: exit 1, nothing on stdout, a message naming the file.
rm -rf "$WORK/s"
"$TCPLENS" split -r "$FILE" -o "$WORK/s" -n 3 >/dev/null 2>&1
states "$WORK/s"
S0=$WORK/s/shard-0.state S1=$WORK/s/shard-1.state S2=$WORK/s/shard-2.state
refused() {  # PATTERN ARGS...: detect ARGS fails (1) with a message matching PATTERN
  local pattern=$1; shift
  "$TCPLENS" detect "$@" >"$WORK/out" 2>"$WORK/err"
  local status=$?
  [ "$status" -eq 1 ] && [ ! -s "$WORK/out" ] && grep -Eq "$pattern" "$WORK/err" ||
    { echo "  exit $status: $(cat "$WORK/err")"; return 1; }
}
merge_all() { "$TCPLENS" detect --merge "$S0" "$S1" "$S2" >/dev/null; }
check "all three merge" merge_all
check "a missing shard" refused "shard 1 of 3 is missing" --merge "$S0" "$S2"
check "a repeated shard" refused "shard-2.state: shard 2 of 3, as is .*shard-2.state" --merge "$S0" "$S1" "$S2" "$S2"
check "other thresholds" refused "shard-0.state: its shard run had other options than this merge \(shard run vs merge: --syn-rate 20 vs 5\)" \
  --syn-rate 5 --merge "$S0" "$S1" "$S2"
check "another filter" refused "other options .*filter '' vs 'tcp'" tcp --merge "$S0" "$S1" "$S2"
rm -rf "$WORK/t"
"$TCPLENS" split -r "$CORPUS/live/detect/scan-fin.pcap" -o "$WORK/t" -n 3 >/dev/null 2>&1
states "$WORK/t"
check "shards of two splits" refused "not one split" --merge "$S0" "$S1" "$WORK/t/shard-2.state"
size=$(stat -c %s "$S1")
head -c $((size - 30)) "$S1" >"$WORK/cut.state"
check "a truncated file" refused "cut.state: offset [0-9]+: cut short" --merge "$S0" "$WORK/cut.state" "$S2"
head -c 40 "$S1" >"$WORK/header.state"
check "cut in the header" refused "header.state: offset [0-9]+: " --merge "$S0" "$WORK/header.state" "$S2"
cp "$S1" "$WORK/damaged.state"
# A byte in the first block's events (the header is 164 bytes with an empty filter, the
# block's own 16).
printf '\xff' | dd of="$WORK/damaged.state" bs=1 seek=200 conv=notrunc status=none
check "a damaged byte" refused "damaged.state: offset 164: damaged block" --merge "$S0" "$WORK/damaged.state" "$S2"
check "not a state file" refused "shard-1.pcap: offset 0: not a tcplens detect state file" \
  --merge "$S0" "$WORK/s/shard-1.pcap" "$S2"
check "no such file" refused "nope.state: No such file" --merge "$S0" "$WORK/nope.state" "$S2"
"$TCPLENS" detect -c 10 --merge "$S0" "$S1" "$S2" >/dev/null 2>&1
check "-c with --merge: a usage error" test $? -eq 2
"$TCPLENS" detect -Y "tcp.stream < 5" -r "$WORK/s/shard-0.pcap" --shard-index "$WORK/s/shard-0.idx" >"$WORK/out" 2>"$WORK/err"
check "-Y on tcp.stream with --shard-index: a usage error" test $? -eq 2 -a ! -s "$WORK/out"
"$TCPLENS" detect -r "$WORK/s/shard-0.pcap" --shard-index "$WORK/nope.idx" >/dev/null 2>"$WORK/err"
check "a missing index" test $? -eq 1 -a -s "$WORK/err"
finish detect_merge
