# Sourced by the bench scripts (after setting REPO): measure runs "$@" with stdout and stderr
# discarded and prints "wall_s cpu_s maxrss_kib exit" (bench/measure.py, from wait4());
# median reads numbers, one a line, and prints their median.
measure() { python3 "$REPO/bench/measure.py" "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# The defaults of the scripts that race tcplens against the libpcap loop: the bench-data
# folder beside the repository, the binaries, ROUNDS and THREADS (0: one per processor).
BENCH_DATA=${BENCH_DATA:-$(cd "$REPO/.." && pwd)/bench-data}
TCPLENS=${TCPLENS:-$REPO/build/tcplens}
PCAP_LOOP=${PCAP_LOOP:-$REPO/build/bench/pcap_loop}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-0}
