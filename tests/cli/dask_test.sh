#!/usr/bin/env bash
# tcplens_dask (python/tcplens_dask, docs/scale-out.md) on a local cluster of 2 workers and on
# a `dask scheduler` with two `dask worker` processes on 127.0.0.1: the merged output of
# conns (json, zeek), analyze --per-packet and detect (table, json: every shard's detector
# input replayed into one detector) equals one tcplens run over the whole file, byte for byte; from a capture file (split by the client) and from a split directory; with
# shared storage and with the shards scattered to the workers. Skipped (77) without Dask.
# Usage: dask_test.sh TCPLENS CORPUS_DIR PYTHON_DIR
. "$(dirname "$0")/common.sh"
PYDIR=$(cd "$3" && pwd)
PY=/usr/bin/python3
$PY -c 'import dask.distributed' 2>/dev/null || { echo "no python3-distributed: skipped"; exit 77; }
TCPLENS=$(cd "$(dirname "$TCPLENS")" && pwd)/$(basename "$TCPLENS")
FILES=("$CORPUS/live/detect/benign-busy.pcap" "$CORPUS/live/data-transfer/bulk-loss-nft.pcap")
ATTACKS=("$CORPUS/live/detect/flood-hping3-randsrc.pcap" "$CORPUS/live/syn-flood-scan/scan-syn.pcap")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

# equal SCHEDULER FILE_OR_DIR WHOLE_FILE [tcplens_dask options --] COMMAND ARGS...
equal() {
  local scheduler=$1 input=$2 whole=$3; shift 3
  local extra=()
  while [ "$1" != -- ]; do extra+=("$1"); shift; done; shift
  "$TCPLENS" "$@" -r "$whole" >"$WORK/whole" 2>/dev/null
  PYTHONPATH=$PYDIR timeout 300 $PY -m tcplens_dask --scheduler "$scheduler" --tcplens "$TCPLENS" "${extra[@]}" "$@" -r "$input" \
    >"$WORK/dask" 2>"$WORK/dask.err" || { cat "$WORK/dask.err"; return 1; }
  cmp -s "$WORK/whole" "$WORK/dask"
}

for file in "${FILES[@]}"; do
  name=$(basename "$file")
  check "local:2 $name conns json" equal local:2 "$file" "$file" -- conns --format json
  check "local:2 $name conns zeek" equal local:2 "$file" "$file" -- conns --format zeek
  check "local:2 $name analyze" equal local:2 "$file" "$file" -- analyze --per-packet --format tsv
done
for file in "${ATTACKS[@]}"; do
  name=$(basename "$file")
  check "local:2 $name detect" equal local:2 "$file" "$file" -- detect
  check "local:2 $name detect json --live" equal local:2 "$file" "$file" -- detect --format json --live
done
FILE=${FILES[0]}
"$TCPLENS" split -r "${ATTACKS[0]}" -o "$WORK/split-flood" -n 3
check "local:2 detect from a split directory (3 shards), --scatter" equal local:2 "$WORK/split-flood" "${ATTACKS[0]}" \
  --scatter -- detect --format json
"$TCPLENS" split -r "$FILE" -o "$WORK/split" -n 4
check "local:2 from a split directory (4 shards)" equal local:2 "$WORK/split" "$FILE" -- conns --format json
check "local:2 --scatter" equal local:2 "$FILE" "$FILE" --scatter -- conns --format json

# A scheduler and two workers talking over 127.0.0.1. The workers are not given the package
# (the tasks travel by value), as on a machine that has only Dask and tcplens.
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cd "$WORK" || exit 1
# (Descriptors 3-9 closed: a process left behind must not hold its parent's files, such as
# the shared build lock ctest may run under.)
dask scheduler --host 127.0.0.1 --port "$PORT" --no-dashboard >"$WORK/scheduler.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
pids+=($!)
for w in 1 2; do
  dask worker "tcp://127.0.0.1:$PORT" --host 127.0.0.1 --nthreads 1 --no-dashboard \
    --local-directory "$WORK/worker$w" >"$WORK/worker$w.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  pids+=($!)
done
$PY - "$PORT" <<'PYEOF' || { bad "scheduler with two workers did not come up"; cat "$WORK"/*.log; finish dask; }
import sys
from dask.distributed import Client
c = Client(f"tcp://127.0.0.1:{sys.argv[1]}", timeout=60)
c.wait_for_workers(2, timeout=60)
PYEOF
SCHED=tcp://127.0.0.1:$PORT
for file in "${FILES[@]}"; do
  name=$(basename "$file")
  check "scheduler+2 workers $name conns json" equal "$SCHED" "$file" "$file" -- conns --format json
  check "scheduler+2 workers $name conns zeek" equal "$SCHED" "$file" "$file" -- conns --format zeek
  check "scheduler+2 workers $name analyze" equal "$SCHED" "$file" "$file" -- analyze --per-packet --format tsv
done
for file in "${ATTACKS[@]}"; do
  check "scheduler+2 workers $(basename "$file") detect json" equal "$SCHED" "$file" "$file" -- detect --format json
done
check "scheduler+2 workers --scatter, 5 shards" equal "$SCHED" "$FILE" "$FILE" --scatter --shards 5 -- conns --format csv
# A failing shard run fails the whole run, with tcplens's message.
PYTHONPATH=$PYDIR $PY -m tcplens_dask --scheduler "$SCHED" --tcplens "$TCPLENS" conns --format nope -r "$FILE" >/dev/null 2>"$WORK/err"
check "a bad option: non-zero exit" test $? -ne 0
finish dask
