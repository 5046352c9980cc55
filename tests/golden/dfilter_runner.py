#!/usr/bin/python3
"""Display filters against tshark 4.0.17 (shared/corpus/dfilter, its README says how the
oracle was made and how it is scored).

For every (capture, filter) row of EXPECTED.tsv, runs
`tcplens print --style wireshark -n -r NAME -Y FILTER` inside the capture's folder with
TZ=UTC and compares the frame numbers it prints (the first field of each line) with
tshark's. For every row of INVALID.tsv, tcplens must exit non-zero (not by a signal) and
say why on stderr, with tshark's message. Rows listed in --known (capture, filter id,
reason) may differ; one that then agrees is reported so that the list stays honest.

--oracle DIR reads FILTERS.tsv, CAPTURES.txt, EXPECTED.tsv and INVALID.tsv from DIR instead of
CORPUS/dfilter (captures stay relative to CORPUS): tests/golden/dfilter-extra holds more
filters, made by the same tshark command.

Usage: dfilter_runner.py --tool TCPLENS --corpus CORPUS [--oracle DIR] [--known FILE] [--extra ARGS]
"""
import argparse
import csv
import os
import subprocess
import sys


def read_tsv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def frames_of(stdout):
    out = []
    for line in stdout.splitlines():
        words = line.split()
        if words:
            out.append(words[0])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--oracle", default=None, help="the oracle's folder (default CORPUS/dfilter)")
    ap.add_argument("--known", default=None)
    ap.add_argument("--extra", default="", help="more tcplens options, space-separated")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    folder = args.oracle or os.path.join(args.corpus, "dfilter")
    filters = {r["id"]: r["filter"] for r in read_tsv(os.path.join(folder, "FILTERS.tsv"))}
    known = {}
    if args.known:
        for r in read_tsv(args.known):
            known[(r["capture"], r["filter_id"])] = r["reason"]
    env = dict(os.environ, TZ="UTC", LC_ALL="C.UTF-8")
    extra = args.extra.split()
    tool = os.path.abspath(args.tool)

    right = wrong = expected_wrong = 0
    fixed = []
    for row in read_tsv(os.path.join(folder, "EXPECTED.tsv")):
        cap, fid = row["capture"], row["filter_id"]
        want = [f for f in row["frames"].split(",") if f]
        path = os.path.join(args.corpus, cap)
        p = subprocess.run([tool, "print", "--style", "wireshark", "-n", "-r", os.path.basename(path),
                            "-Y", filters[fid]] + extra,
                           cwd=os.path.dirname(path), env=env, capture_output=True, text=True,
                           errors="replace", timeout=120)
        got = frames_of(p.stdout)
        ok = p.returncode == 0 and got == want
        key = (cap, fid)
        if ok:
            right += 1
            if key in known:
                fixed.append(key)
        elif key in known:
            expected_wrong += 1
        else:
            wrong += 1
            missing = [f for f in want if f not in set(got)]
            extra_frames = [f for f in got if f not in set(want)]
            print(f"DIFF {cap} {fid} {filters[fid]!r}: exit {p.returncode}, "
                  f"missing {','.join(missing[:20]) or '-'}, extra {','.join(extra_frames[:20]) or '-'}"
                  + (f" stderr: {p.stderr.strip()[:200]}" if p.returncode else ""))

    invalid_ok = invalid_bad = 0
    first = os.path.join(args.corpus, open(os.path.join(folder, "CAPTURES.txt")).readline().strip())
    for row in read_tsv(os.path.join(folder, "INVALID.tsv")):
        p = subprocess.run([tool, "print", "--style", "wireshark", "-n", "-r", first, "-Y", row["filter"]],
                           env=env, capture_output=True, text=True, errors="replace", timeout=60)
        message_ok = row["message"] in p.stderr
        marker_ok = True
        if row["at"]:
            at, length = int(row["at"]), int(row["len"])
            marker_ok = (" " * (4 + at) + "^" + "~" * (length - 1) + "\n") in p.stderr
        if p.returncode > 0 and p.stderr.strip() and message_ok and marker_ok:
            invalid_ok += 1
        else:
            invalid_bad += 1
            print(f"INVALID {row['filter']!r}: exit {p.returncode}, want {row['message']!r} at {row['at']}, "
                  f"got {p.stderr.strip()!r}")

    for key in fixed:
        print(f"FIXED {key[0]} {key[1]}: agrees now; remove it from the known differences")
    total = right + wrong + expected_wrong
    print(f"dfilter: {right}/{total} pairs agree with tshark ({expected_wrong} known differences, "
          f"{wrong} unexpected); {invalid_ok}/{invalid_ok + invalid_bad} invalid filters rejected as tshark")
    return 1 if wrong or invalid_bad or fixed else 0


if __name__ == "__main__":
    sys.exit(main())
