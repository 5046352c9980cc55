#!/usr/bin/env bash
# End-to-end tests of `tcplens print` against the installed tcpdump (the reference):
# options, filters, -w files, standard input, time zones and damaged input.
# Usage: print_cli_test.sh TCPLENS CORPUS_DIR
. "$(dirname "$0")/common.sh"

if ! command -v tcpdump >/dev/null; then
  echo "tcpdump is not installed: scripts/install-deps.sh installs it" >&2
  exit 1
fi
HTTP=$CORPUS/live/http-get/get-http-server.pcap
VLAN=$CORPUS/external/arkime/twovlan.pcap

same_output() {  # same stdout as tcpdump for the given arguments
  diff <(TZ=${TZ:-UTC} "$TCPLENS" print "$@" 2>/dev/null) <(TZ=${TZ:-UTC} tcpdump "$@" 2>/dev/null) >/dev/null
}

# Filters, in libpcap's syntax, select the same packets as tcpdump's.
for f in 'host 10.200.1.2' 'tcp port 8000 and tcp[tcpflags] & tcp-syn != 0' 'src port 8000 and greater 1000' \
         'tcp[tcpflags] & (tcp-fin|tcp-rst) != 0' 'not tcp'; do
  check "filter: $f" same_output -n -r "$HTTP" "$f"
done
check "filter: vlan and ip" same_output -n -r "$VLAN" vlan and ip
check "option -c 3" same_output -n -c 3 -r "$HTTP"
check "option --count" same_output -n --count -r "$HTTP"
check "option --count with -c and a filter" same_output -n --count -c 5 -r "$HTTP" tcp port 8000
check "options -N -u -O -H -b accepted" same_output -n -N -u -O -H -b -v -r "$HTTP"
check "option -c with filter" same_output -n -c 2 -r "$HTTP" 'tcp[tcpflags] & tcp-fin != 0'
check "options -q -t" same_output -n -q -t -r "$HTTP"
check "options -tt" same_output -n -tt -r "$HTTP"
check "options -ttt" same_output -n -ttt -r "$HTTP"
check "options -ttttt" same_output -n -ttttt -r "$HTTP"
check "options -e" same_output -n -e -r "$HTTP"
# -K: the loopback capture's offloaded checksums are "incorrect" with -v, unchecked with -K.
LO=$CORPUS/live/seed-nc/nc-openbsd-server-first.pcap
check "options -vv -K" same_output -n -vv -K -r "$LO"
check "(-vv without -K reports incorrect checksums there)" grep -q incorrect <(TZ=UTC "$TCPLENS" print -n -vv -r "$LO")
check "options -x" same_output -n -x -r "$HTTP"
check "options -xx" same_output -n -xx -r "$HTTP"
check "options -XX" same_output -n -XX -r "$HTTP"
check "options -A" same_output -n -A -r "$HTTP"
check "options -vv" same_output -n -vv -r "$HTTP"
check "nanosecond precision" same_output -n --time-stamp-precision=nano -r "$HTTP"
check "packet numbers -#" same_output -n -# -r "$HTTP"
for tz in Asia/Tokyo America/New_York Australia/Adelaide Europe/London; do
  TZ=$tz check "local time in $tz" same_output -n -r "$HTTP"
done

# Local time across a daylight-saving change in zones with :30 and :45 offsets (the capture:
# one SYN an hour, ten minutes and a second around Adelaide's DST start, 2026-10-03 16:30 UTC).
# It fails with an offset cached per hour.
DST=$(dirname "$0")/../data/time/adelaide-dst-start.pcap
for tz in Australia/Adelaide Australia/Lord_Howe Pacific/Chatham America/St_Johns Europe/Berlin; do
  TZ=$tz check "DST change in $tz" same_output -n -r "$DST"
  TZ=$tz check "DST change in $tz, -tttt" same_output -n -tttt -r "$DST"
done

# -w writes exactly the file tcpdump writes.
"$TCPLENS" print -r "$HTTP" -w "$WORK/ours.pcap" 'tcp port 8000 and greater 100' 2>/dev/null
tcpdump -r "$HTTP" -w "$WORK/theirs.pcap" 'tcp port 8000 and greater 100' 2>/dev/null
check "-w file identical to tcpdump's" cmp -s "$WORK/ours.pcap" "$WORK/theirs.pcap"
check "-w leaves no temporary file" test ! -e "$WORK/ours.pcap.tcplens-partial"

# -w after SIGINT or SIGTERM while waiting for more input: a complete, valid file under the
# final name holding every packet read.
for sig in INT TERM; do
  rm -f "$WORK/fifo" "$WORK/sig.pcap"
  mkfifo "$WORK/fifo"
  ( cat "$HTTP"; sleep 5 ) > "$WORK/fifo" &
  feeder=$!
  "$TCPLENS" print -r "$WORK/fifo" -w "$WORK/sig.pcap" 2>/dev/null &
  reader=$!
  sleep 1
  kill -"$sig" "$reader"
  wait "$reader"; rc=$?
  kill "$feeder" 2>/dev/null; wait "$feeder" 2>/dev/null
  check "-w after SIG$sig: exit status 0" test "$rc" -eq 0
  check "-w after SIG$sig: every packet written" \
    diff <(tcpdump -n -r "$WORK/sig.pcap" 2>/dev/null) <(tcpdump -n -r "$HTTP" 2>/dev/null)
done

# -w when the disk fills (here: a file size limit): an error, and the file is cut back to
# its last complete packet, so it is still a valid capture.
BIG=$CORPUS/live/data-transfer/bulk-clean.pcap
msg=$( (ulimit -f 64; "$TCPLENS" print -r "$BIG" -w "$WORK/limited.pcap") 2>&1 >/dev/null); rc=$?
check "-w on a full disk: exit status 1" test "$rc" -eq 1
check "-w on a full disk: error names the file" grep -q "limited.pcap: File too large" <<<"$msg"
check "-w on a full disk: file holds only complete packets" \
  bash -c "tcpdump -r '$WORK/limited.pcap' >/dev/null 2>'$WORK/lim.err' && ! grep -q truncated '$WORK/lim.err'"

# Standard input.
check "-r - reads standard input" diff <("$TCPLENS" print -n -r - < "$HTTP" 2>/dev/null) <("$TCPLENS" print -n -r "$HTTP" 2>/dev/null)

# A bad filter: tcpdump's message and a non-zero exit.
msg=$("$TCPLENS" print -n -r "$HTTP" 'tcp port' 2>&1 >/dev/null); rc=$?
check "bad filter exits 1" test "$rc" -eq 1
check "bad filter message" grep -q "can't parse filter expression: syntax error" <<<"$msg"

# A file cut in the middle of a record: every packet before it is printed, the error names
# the file, the record and its offset, and the exit status is 1.
head -c 3000 "$HTTP" > "$WORK/cut.pcap"
"$TCPLENS" print -n -r "$WORK/cut.pcap" > "$WORK/cut.out" 2> "$WORK/cut.err"; rc=$?
tcpdump -n -r "$WORK/cut.pcap" > "$WORK/cut.ref" 2>/dev/null
check "cut file: packets before the damage printed" cmp -s "$WORK/cut.out" "$WORK/cut.ref"
check "cut file: exit status 1" test "$rc" -eq 1
check "cut file: error names file, packet and offset" \
  grep -q "cut.pcap: packet 10 (byte offset 2502): truncated dump file" "$WORK/cut.err"
# Every command reports the damage the same way.
while IFS= read -r command; do
  # shellcheck disable=SC2086
  "$TCPLENS" $command -r "$WORK/cut.pcap" > /dev/null 2> "$WORK/cut.err"; rc=$?
  check "cut file, $command: exit status 1" test "$rc" -eq 1
  check "cut file, $command: error names file, packet and offset" \
    grep -q "^tcplens: $WORK/cut.pcap: packet 10 (byte offset 2502): truncated dump file" "$WORK/cut.err"
done <<'COMMANDS'
print --style wireshark
conns
analyze --per-packet --threads 1
analyze --per-packet --threads 2
analyze --per-packet --single-pass
COMMANDS

# IPv4 fragments of TCP datagrams in the middle of connections (gen_tcp_scenarios.py, seed 2):
# a first fragment is printed with its connection's relative numbers on every thread count
# (its worker was worker 0, whose table did not know the connection).
FRAGS=$WORK/fragments.pcap
python3 "$(dirname "$0")/../../scripts/gen_tcp_scenarios.py" 2 "$FRAGS"
TZ=UTC tcpdump -n -r "$FRAGS" > "$WORK/frags.tcpdump" 2>/dev/null
check "fragments: the capture has first fragments of TCP datagrams" grep -q "ip-proto-6" "$WORK/frags.tcpdump"
for t in 1 2 3; do
  TZ=UTC "$TCPLENS" print -n --threads "$t" -r "$FRAGS" > "$WORK/frags.ours" 2>/dev/null
  check "fragments: print -n --threads $t as tcpdump -n" cmp -s "$WORK/frags.ours" "$WORK/frags.tcpdump"
done

# Packets cut short by the snapshot length, where tcpdump's printers stop (the marker; and
# whether -x then dumps the link header, after a longjmp, or not).
cut() { python3 "$(dirname "$0")/cut_pcap.py" "$1" "$WORK/cut.pcap" "$2"; }
for spec in external/zeek/chksums-ip6-route0-tcp-good-chksum.pcap:54,62,90 \
            external/tcpdump-crash/ipv6-srh-tlv-pad1-padn-5-trunc.pcap:54,58 \
            external/zeek/ipv6-fragmented-dns.pcap:58 external/zeek/ipv6-http-atomic-frag.pcap:54,58 \
            external/esnet/udp_0_1000_20190821.pcap:54 external/tcpdump/vxlan.pcap:46; do
  file=${spec%%:*}
  for n in $(echo "${spec#*:}" | tr , ' '); do
    cut "$CORPUS/$file" "$n"
    for opts in "-n" "-n -v" "-n -x"; do
      check "cut to $n bytes, $opts: $(basename "$file")" same_output $opts -r "$WORK/cut.pcap"
    done
  done
done

# Generated packets of the protocols the corpus lacks, against tcpdump:
# "check label|generator (tests/cli/*.py)|options, comma-separated".
while IFS='|' read -r label script option_sets; do
  python3 "$(dirname "$0")/$script" "$WORK/generated.pcap"
  IFS=, read -ra sets <<<"$option_sets"
  for opts in "${sets[@]}"; do
    check "$label, $opts" same_output $opts -r "$WORK/generated.pcap"
  done
done <<'GENERATED'
UDP length shorter than the datagram|udp_short_length.py|-n,-n -v,-n -x
IPsec ESP (IPv4, UDP 4500, IPv6)|esp_packets.py|-n,-n -v,-n -x
IGMP|igmp_packets.py|-n,-n -v,-n -vv,-n -x,-n -q
IGMP over IPv6, Ethernet over IP, IPComp|ip_protocols.py|-n,-n -v,-n -x
LLDP|lldp_packets.py|-n,-n -e,-n -x,-n -q
VRRP|vrrp_packets.py|-n,-n -v,-n -vv,-n -x
GENERATED

for what in missing directory garbage empty; do
  case $what in
    missing) f=$WORK/nonexistent.pcap ;;
    directory) f=$WORK ;;
    garbage) f=$WORK/garbage.pcap; echo "not a capture" > "$f" ;;
    empty) f=$WORK/empty.pcap; : > "$f" ;;
  esac
  "$TCPLENS" print -n -r "$f" > /dev/null 2> "$WORK/err"; rc=$?
  check "$what file: exit status 1" test "$rc" -eq 1
  check "$what file: error names the file" grep -q "tcplens: $f: " "$WORK/err"
done

finish
