# What the packet generators of these tests share: the RFC 1071 checksum and a classic pcap
# writer (Ethernet, microsecond, one second between packets).
import struct

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return (~s) & 0xffff

def write_pcap(path, frames):
    """frames: (frame bytes, bytes captured or None for all of them)."""
    with open(path, 'wb') as out:
        out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, (frame, cut) in enumerate(frames):
            kept = frame if cut is None else frame[:cut]
            out.write(struct.pack('<IIII', 1700000000 + i, 0, len(kept), len(frame)) + kept)
