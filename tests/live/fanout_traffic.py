#!/usr/bin/python3
"""Traffic for the fanout test: `fanout_traffic.py serve ADDR PORT` accepts connections
(for 120 s at most), reads each to its end and answers with 2000 bytes; `fanout_traffic.py
fetch ADDR PORT N` opens N connections, 16 at a time, each sending 1500 bytes. Closes every
inherited descriptor first, so that a server left behind holds nothing of its parent's.
"""
import os
import socket
import sys
import threading
import time

os.closerange(3, 65536)
mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

if mode == "serve":
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(128)
    srv.settimeout(1)
    end = time.monotonic() + 120

    def answer(c):
        with c:
            while c.recv(65536):
                pass
            c.sendall(b"r" * 2000)

    while time.monotonic() < end:
        try:
            c, _ = srv.accept()
        except socket.timeout:
            continue
        threading.Thread(target=answer, args=(c,), daemon=True).start()
else:
    count = int(sys.argv[4])
    sem = threading.Semaphore(16)
    failures = []

    def one():
        try:
            with socket.create_connection((addr, port), timeout=10) as c:
                c.sendall(b"q" * 1500)
                c.shutdown(socket.SHUT_WR)
                while c.recv(65536):
                    pass
        except OSError as e:
            failures.append(e)
        finally:
            sem.release()

    threads = []
    for _ in range(count):
        sem.acquire()
        t = threading.Thread(target=one)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    sys.exit(1 if failures else 0)
