#!/usr/bin/env bash
# Golden tests of `tcplens explain`'s text: every row of tests/golden/explain-cases.tsv is run
# and compared with tests/golden/explain/NAME.txt (English and Chinese, Unicode and ASCII
# ladders, at 80 columns). With --update the baselines are rewritten instead (review the diff).
# Usage: explain_golden_test.sh TCPLENS CORPUS_DIR [--update]
. "$(dirname "$0")/common.sh"
UPDATE=${3:-}
HERE=$(cd "$(dirname "$0")/../golden" && pwd)
while IFS=$'\t' read -r name capture flags; do
  case $name in ''|'#'*) continue ;; esac
  # shellcheck disable=SC2086  # flags are words
  env -u LC_ALL -u LC_MESSAGES -u LANG -u LANGUAGE TZ=UTC COLUMNS=80 NO_COLOR=1 \
    "$TCPLENS" explain -r "$CORPUS/live/$capture" $flags >"$WORK/$name.txt" 2>"$WORK/$name.err"
  status=$?
  if [ "$UPDATE" = --update ]; then
    cp "$WORK/$name.txt" "$HERE/explain/$name.txt"
    ok "updated $name"
  elif [ $status -ne 0 ]; then
    bad "$name: exit status $status: $(head -c 300 "$WORK/$name.err")"
  elif diff -u "$HERE/explain/$name.txt" "$WORK/$name.txt" >"$WORK/$name.diff"; then
    ok "$name"
  else
    bad "$name"
    head -40 "$WORK/$name.diff"
  fi
done <"$HERE/explain-cases.tsv"
finish explain_golden
