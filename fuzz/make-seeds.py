#!/usr/bin/env python3
"""Builds fuzzing seeds from the reference corpus (run from the repository root).

fuzz_render seeds: [link type index][option byte][extra wire length][packet], one per packet
of the tcpdump-crash captures and of the first packets of every other capture.
fuzz_pcap seeds: the corpus files of at most 64 KiB.
"""
import os, struct, sys

corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus"
out = sys.argv[2] if len(sys.argv) > 2 else "build-fuzz/seeds"
LINKS = [1, 113, 276, 0, 108, 101, 228, 229, 8, 231]
os.makedirs(f"{out}/render", exist_ok=True)
os.makedirs(f"{out}/pcap", exist_ok=True)

def packets(path):
    d = open(path, "rb").read()
    if len(d) < 24:
        return
    magic = struct.unpack("<I", d[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        e = "<"
    elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
        e = ">"
    else:
        return
    link = struct.unpack(e + "I", d[20:24])[0] & 0xFFFF
    off = 24
    while off + 16 <= len(d):
        cl = struct.unpack(e + "I", d[off + 8:off + 12])[0]
        if off + 16 + cl > len(d):
            return
        yield link, d[off + 16:off + 16 + cl]
        off += 16 + cl

n = 0
for root, _, files in os.walk(corpus):
    for f in sorted(files):
        if not f.endswith((".pcap", ".pcapng")):
            continue
        path = os.path.join(root, f)
        if os.path.getsize(path) <= 65536:
            with open(f"{out}/pcap/{f}", "wb") as w:
                w.write(open(path, "rb").read())
        limit = 1000 if "crash" in root else 20
        for i, (link, pkt) in enumerate(packets(path)):
            if i >= limit or link not in LINKS:
                break
            with open(f"{out}/render/{n:06d}", "wb") as w:
                w.write(bytes([LINKS.index(link), (n * 37) & 0xFF, 0]) + pkt)
            n += 1
print(f"{n} render seeds")
