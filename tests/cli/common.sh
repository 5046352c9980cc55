# Sourced by the end-to-end test scripts (Usage: SCRIPT TCPLENS CORPUS_DIR): the arguments,
# a scratch directory removed on exit, and the pass/fail counting.
set -u
TCPLENS=$1
CORPUS=$2
WORK=$(mktemp -d /tmp/tcplens-cli.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); }                  # a check that passed, quietly
ok() { pass; echo "ok   $1"; }                      # ... and named
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
# Prints the counts (after LABEL) and exits with the verdict.
finish() { echo "${1:+$1: }$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }
