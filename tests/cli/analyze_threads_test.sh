#!/usr/bin/env bash
# `tcplens analyze` on several threads (each with a share of the connections) prints exactly
# what it prints on one: every corpus capture, both flag modes, stdout, stderr and exit
# status; one long connection; a write error ends it (no worker left waiting); a pipe is read
# in one pass.
# Usage: analyze_threads_test.sh TCPLENS CORPUS_DIR
. "$(dirname "$0")/common.sh"

run() {  # run OUT_PREFIX ARGS...: stdout, stderr and exit status into files
  local out=$1; shift
  "$TCPLENS" analyze "$@" >"$out.stdout" 2>"$out.stderr.raw"
  echo $? >"$out.status"
  # The peak of tracked connections is the sum of the workers' peaks (at most the real peak
  # times the workers); all else must be equal.
  sed 's/ (peak [0-9]* tracked)//' "$out.stderr.raw" >"$out.stderr"
}

while IFS= read -r file; do
  for compat in none tshark; do
    run "$WORK/one" -r "$file" --per-packet --format tsv --compat "$compat" --threads 1
    for threads in 2 3; do
      run "$WORK/many" -r "$file" --per-packet --format tsv --compat "$compat" --threads "$threads"
      if cmp -s "$WORK/one.stdout" "$WORK/many.stdout" && cmp -s "$WORK/one.stderr" "$WORK/many.stderr" &&
         cmp -s "$WORK/one.status" "$WORK/many.status"; then
        pass
      else
        bad "${file#"$CORPUS"/} --compat $compat --threads $threads differs from --threads 1"
      fi
    done
  done
done < <(find "$CORPUS" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort)

# One connection only (one worker owns every packet, the others none), far longer than the
# batches in flight: nobody waits for ever, and the output is still the same.
BULK=$CORPUS/live/data-transfer/bulk-clean.pcap
head -c 24 "$BULK" >"$WORK/one-flow.pcap"
for _ in $(seq 30); do tail -c +25 "$BULK" >>"$WORK/one-flow.pcap"; done
run "$WORK/one" -r "$WORK/one-flow.pcap" --per-packet --threads 1
for threads in 2 3; do
  timeout 120 "$TCPLENS" analyze -r "$WORK/one-flow.pcap" --per-packet --threads "$threads" >"$WORK/many.stdout"
  status=$?
  if [ "$status" = 0 ] && cmp -s "$WORK/one.stdout" "$WORK/many.stdout"; then
    pass
  else
    bad "one connection on $threads threads: exit $status or output differs"
  fi
done

# Many connections in a file several times the size of the ring the workers read it through
# (SharedCaptureFile): the workers drift apart and wait for one another there.
LIVE=$CORPUS/live
head -c 24 "$LIVE/many-connections/many-sequential-500.pcap" >"$WORK/mixed.pcap"
for part in many-connections/many-sequential-500 data-transfer/bulk-loss-nft many-connections/many-sequential-500 \
            data-transfer/bulk-reorder-rx tfo-ecn/ecn-ce-marks ipv6/veth-v6 data-transfer/bulk-clean many-connections/many-sequential-500; do
  tail -c +25 "$LIVE/$part.pcap" >>"$WORK/mixed.pcap"
done
run "$WORK/one" -r "$WORK/mixed.pcap" --per-packet --format tsv --threads 1
for threads in 2 3; do
  timeout 120 "$TCPLENS" analyze -r "$WORK/mixed.pcap" --per-packet --format tsv --threads "$threads" >"$WORK/many.stdout" 2>/dev/null
  status=$?
  if [ "$status" = 0 ] && cmp -s "$WORK/one.stdout" "$WORK/many.stdout" && [ "$(wc -l <"$WORK/many.stdout")" -gt 20000 ]; then
    pass
  else
    bad "many connections through the ring on $threads threads: exit $status or output differs"
  fi
done

# Records ended together (a second's sweep, the end of input) in batches cut after every
# record (TCPLENS_TEST_CUT_BATCHES: a busy capture's batches are cut after every 256 once they
# hold 256 KiB): the merge puts the workers' pieces of one group in the order of one thread.
# (explain's JSON holds conns' record and the findings: one command covers both.)
for file in "$LIVE"/*/*.pcap; do
  for command in "explain --format json"; do
    # shellcheck disable=SC2086
    "$TCPLENS" $command -r "$file" --threads 1 >"$WORK/one.stdout" 2>/dev/null
    # shellcheck disable=SC2086
    TCPLENS_TEST_CUT_BATCHES=1 timeout 60 "$TCPLENS" $command -r "$file" --threads 2 >"$WORK/many.stdout" 2>/dev/null
    if cmp -s "$WORK/one.stdout" "$WORK/many.stdout"; then
      pass
    else
      bad "${file#"$CORPUS"/}: $command in cut batches on 2 threads differs from --threads 1"
    fi
  done
done

# A pipe can be read only once: one pass, as from standard input (it printed no rows when a
# first pass had read it all).
HTTP=$CORPUS/live/http-get/get-http-server.pcap
"$TCPLENS" analyze -r "$HTTP" --per-packet --single-pass >"$WORK/one.stdout"
if "$TCPLENS" analyze -r <(cat "$HTTP") --per-packet >"$WORK/many.stdout" &&
   cmp -s "$WORK/one.stdout" "$WORK/many.stdout" && [ "$(wc -l <"$WORK/many.stdout")" -gt 30 ]; then
  pass
else
  bad "a pipe given to -r is not read as one pass"
fi

# A full disk: exit status 1, promptly.
if [ -w /dev/full ]; then
  timeout 60 "$TCPLENS" analyze -r "$HTTP" --per-packet \
    --threads 2 >/dev/full 2>/dev/null
  status=$?
  if [ "$status" = 1 ]; then pass; else bad "/dev/full: exit $status"; fi
fi

finish "analyze threads"
