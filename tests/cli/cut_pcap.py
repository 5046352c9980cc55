# cut_pcap.py IN OUT N: IN (classic pcap) with every packet cut to its first N bytes, as a
# capture with a short snapshot length keeps it (the lengths on the wire stay).
import struct, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
b = open(src, 'rb').read()
if len(b) < 24: sys.exit(1)
magic = b[:4]
if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'): e = '<'
elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'): e = '>'
else: sys.exit(2)  # pcapng: skip
out = bytearray(b[:24])
# snaplen field stays
off = 24
while off + 16 <= len(b):
    ts, tu, cap, wire = struct.unpack(e + 'IIII', b[off:off+16])
    data = b[off+16:off+16+cap]
    off += 16 + cap
    c = min(cap, n)
    out += struct.pack(e + 'IIII', ts, tu, c, wire) + data[:c]
open(dst, 'wb').write(out)
