# igmp_packets.py OUT: IGMP of every kind tcpdump prints (v1, v2 and v3 queries with their
# response times, groups and sources; v1, v2 and v3 reports; leaves; mtrace; unknown types),
# with wrong checksums, odd lengths and cut short by the snapshot length. (DVMRP and PIMv1
# inside IGMP are left out: not reproduced, docs/differences.md.)
import struct, sys, random

from pcap_out import csum, write_pcap
out = sys.argv[1]; R = random.Random(7); frames = []
def frame(igmp, good=True, cut=None, dst=(224,0,0,22)):
    if good and len(igmp) >= 4:
        igmp = igmp[:2] + b'\0\0' + igmp[4:]; igmp = igmp[:2] + struct.pack('!H', csum(igmp)) + igmp[4:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x46, 0xc0, 24 + len(igmp), 1, 0, 1, 2, 0, bytes([10,0,0,1]), bytes(dst)) + b'\x94\x04\0\0'
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    f = b'\x01\x00\x5e\x00\x00\x16\x00\x11\x22\x33\x44\x55\x08\x00' + ip + igmp
    return (f, None if cut is None else 14 + 24 + cut)
g = bytes([239,1,2,3])
for t, mx in ((0x11, 0), (0x11, 100), (0x11, 50), (0x12, 0), (0x16, 0), (0x17, 0), (0x1e, 0), (0x1f, 0), (0x99, 0)):
    for l in (8, 9, 4):
        b = struct.pack('!BBH4s', t, mx, 0, g) + bytes(max(0, l - 8))
        frames.append(frame(b[:l]))
    frames.append(frame(struct.pack('!BBH4s', t, mx, 0, g), good=False))
    frames.append(frame(struct.pack('!BBH4s', t, mx, 0, g), cut=6))
    frames.append(frame(struct.pack('!BBH4s', t, mx, 0, g), cut=1))
frames.append(frame(struct.pack('!BBH', 0x13, 0, 0)))  # DVMRP shorter than 8: its length only
# v3 queries
for mrc in (100, 10, 127, 128, 200, 255):
    for ns in (0, 1, 3):
        q = struct.pack('!BBH4sBBH', 0x11, mrc, 0, g if ns or mrc != 10 else bytes(4), 2, 125, ns) + b''.join(bytes([10,1,0,i]) for i in range(ns))
        frames.append(frame(q))
frames.append(frame(struct.pack('!BBH4sBBH', 0x11, 100, 0, g, 2, 125, 9)))  # invalid number of sources
frames.append(frame(struct.pack('!BBH4sBBH', 0x11, 100, 0, g, 2, 125, 0) + b'\0\0'))  # len 14
# v3 reports
for ng in (0, 1, 2):
    recs = b''
    for k in range(ng):
        ns = k + 1
        recs += struct.pack('!BBH4s', R.choice([1,2,3,4,5,6,9]), 0, ns, bytes([239,0,0,k])) + b''.join(bytes([10,2,0,i]) for i in range(ns))
    frames.append(frame(struct.pack('!BBHHH', 0x22, 0, 0, 0, ng) + recs, dst=(224,0,0,22)))
frames.append(frame(struct.pack('!BBHHH', 0x22, 0, 0, 0, 3) + struct.pack('!BBH4s', 1, 0, 0, g)))  # too few
frames.append(frame(struct.pack('!BBHHH', 0x22, 0, 0, 0, 1)))  # len 8 invalid
# mtrace with class-D response address
frames.append(frame(struct.pack('!BBH4s', 0x1f, 0, 0, g) + bytes([10,0,0,1, 10,0,0,2, 224,0,1,32, 64, 0, 1, 2]) ))
frames.append(frame(struct.pack('!BBH4s', 0x1e, 0, 0, g) + bytes([10,0,0,1, 10,0,0,2, 10,0,1,32, 64, 0, 1, 2]) + bytes(28)))
write_pcap(out, frames)
