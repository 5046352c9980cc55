# Sourced by the bench scripts (after setting REPO): measure runs "$@" with stdout and stderr
# discarded and prints "wall_s cpu_s maxrss_kib exit" (bench/measure.py, from wait4());
# median reads numbers, one a line, and prints their median.
measure() { python3 "$REPO/bench/measure.py" "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
