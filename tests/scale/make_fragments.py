#!/usr/bin/python3
"""Writes a capture where TCP segments travel as IPv4 fragments, interleaved with other
connections, one datagram's fragments out of order (the last before the first) and one
fragment that never completes: `make_fragments.py OUT.pcap`. For the split tests.
"""
import struct
import sys

packets = []
clock = [1700000000, 0]


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip_header(src, dst, ident, flags_off, payload_len, proto=6):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, flags_off, 64, proto, 0, src, dst)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


def tcp_segment(src, dst, sport, dport, seq, ack, flags, payload=b""):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(h) + len(payload))
    c = csum(pseudo + h + payload)
    return h[:16] + struct.pack("!H", c) + h[18:] + payload


def frame(ip_bytes):
    clock[1] += 1000
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
    packets.append((clock[0], clock[1], eth + ip_bytes))


def send(src, dst, sport, dport, seq, ack, flags, payload=b"", ident=1, fragment=None):
    seg = tcp_segment(src, dst, sport, dport, seq, ack, flags, payload)
    if fragment is None:
        frame(ip_header(src, dst, ident, 0x4000, len(seg)) + seg)
        return
    cut = fragment  # bytes in the first fragment (a multiple of 8)
    first = ip_header(src, dst, ident, 0x2000, cut) + seg[:cut]
    second = ip_header(src, dst, ident, cut // 8, len(seg) - cut) + seg[cut:]
    return first, second


def conn(a, b, sport, base_ident, frag_mode):
    """A handshake, one fragmented data segment, a close."""
    send(a, b, sport, 80, 100, 0, 0x02, ident=base_ident)
    send(b, a, 80, sport, 500, 101, 0x12, ident=base_ident + 1)
    send(a, b, sport, 80, 101, 501, 0x10, ident=base_ident + 2)
    first, second = send(a, b, sport, 80, 101, 501, 0x18, b"x" * 600, ident=base_ident + 3, fragment=304)
    return first, second


hosts = [(bytes([10, 0, 0, i]), bytes([10, 0, 1, i])) for i in range(1, 9)]
pending = []
for i, (a, b) in enumerate(hosts):
    pending.append((a, b, 40000 + i, conn(a, b, 40000 + i, 100 * i, i)))
# The fragments interleaved: every datagram's first fragment, then every second one; the
# third datagram's fragments the other way round.
for n, (a, b, sport, (first, second)) in enumerate(pending):
    frame(second if n == 2 else first)
for n, (a, b, sport, (first, second)) in enumerate(pending):
    frame(first if n == 2 else second)
for a, b, sport, _ in pending:
    send(b, a, 80, sport, 501, 701, 0x10, ident=7)
    send(a, b, sport, 80, 701, 501, 0x11, ident=8)
    send(b, a, 80, sport, 501, 702, 0x11, ident=9)
    send(a, b, sport, 80, 702, 502, 0x10, ident=10)
# A fragment whose datagram never completes.
a, b = hosts[0]
lone, _ = send(a, b, 1234, 80, 1, 0, 0x18, b"y" * 100, ident=999, fragment=64)
frame(lone)

with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for sec, usec, data in packets:
        f.write(struct.pack("<IIII", sec, usec, len(data), len(data)) + data)
