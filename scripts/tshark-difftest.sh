#!/bin/sh
# Differential test of `tcplens analyze --per-packet` against the local tshark on random
# scenarios: scripts/tshark-difftest.sh [FIRST_SEED [COUNT [BUILD_DIR]]]
# Needs python3, tshark 4.0.x and tcpdump (make-oracles.sh runs both). Prints the per-column
# table of golden_tshark; a differing capture stays in the temporary folder for --show.
set -eu
first=${1:-1}
count=${2:-50}
build=${3:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dir=$(mktemp -d /tmp/tcplens-difftest.XXXXXX)
i=$first
while [ "$i" -lt $((first + count)) ]; do
    python3 "$here/gen_tcp_scenarios.py" "$i" "$dir/gen$i.pcap"
    (cd "$dir" && bash "$root/../shared/corpus/make-oracles.sh" "gen$i.pcap" >/dev/null 2>&1)
    i=$((i + 1))
done
"$root/$build/tests/golden_tshark" --tool "$root/$build/tcplens" --corpus "$dir" --per-capture
echo "scenarios and oracles in $dir"
