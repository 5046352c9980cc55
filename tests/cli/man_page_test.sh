#!/usr/bin/env bash
# docs/tcplens.1: renders without a warning (groff, or man, when installed) and documents
# every subcommand `tcplens --help` lists.
# Usage: man_page_test.sh TCPLENS MAN_PAGE
. "$(dirname "$0")/common.sh"
PAGE=$2

renders_quietly() {  # no diagnostics, every warning enabled
  local err
  if command -v groff >/dev/null; then
    err=$(groff -man -Tutf8 -ww -z "$PAGE" 2>&1) || return 1
  else
    err=$(MANWIDTH=80 man -l "$PAGE" 2>&1 >/dev/null) || return 1
  fi
  [ -z "$err" ] || { echo "$err"; return 1; }
}
if command -v groff >/dev/null || command -v man >/dev/null; then
  check "man page renders without warnings" renders_quietly
else
  echo "skip rendering: neither groff nor man is installed"
fi

# The subcommands: the lines under "Subcommands:" in --help.
subcommands=$("$TCPLENS" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && /^  [a-z]/ { print $1 }')
check "--help lists subcommands" test -n "$subcommands"
for sub in $subcommands; do
  check "man page documents '$sub'" grep -qx "\.SS $sub" "$PAGE"
  check "man page synopsis has 'tcplens $sub'" grep -qx "\.B tcplens $sub" "$PAGE"
done
finish man_page
