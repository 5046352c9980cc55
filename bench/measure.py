#!/usr/bin/env python3
"""Runs a command with stdout and stderr discarded and prints
"wall_s cpu_s maxrss_kib exit": wait4() gives the child's own CPU time and peak RSS."""
import os, sys, time

t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
print(f"{time.perf_counter() - t0:.3f} {ru.ru_utime + ru.ru_stime:.3f} {ru.ru_maxrss} "
      f"{os.waitstatus_to_exitcode(status)}")
