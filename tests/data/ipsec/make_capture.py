#!/usr/bin/env python3
"""Writes ah.pcap: TCP connections protected by IPsec AH (RFC 4302) over IPv4 (protocol 51)
and IPv6 (next header 51), with a 12-byte ICV as HMAC-SHA1-96 sends, an AH with an empty
ICV, a non-zero reserved field, and AH headers cut short by the capture length. Headers
are built from RFCs 791, 8200, 9293 and 4302 (the ICV bytes are a fixed pattern, not a real
HMAC: no reference tool checks it). Oracles: ../../../../shared/corpus/make-oracles.sh and
../encap/make-oracles-e.sh (tests/data/README)."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "encap"))
from make_captures import csum, eth, ip6addr, ipv4, ipv6  # noqa: E402

A4, B4 = "192.0.2.1", "192.0.2.2"
A6, B6 = "2001:db8::1", "2001:db8::2"
MAC_A, MAC_B = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def tcp(src, dst, sport, dport, seq, ack, flags, payload, v6):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
    seg = hdr + payload
    if v6:
        pseudo = ip6addr(src) + ip6addr(dst) + struct.pack("!IxxxB", len(seg), 6)
    else:
        pseudo = bytes(map(int, src.split("."))) + bytes(map(int, dst.split("."))) + struct.pack("!xBH", 6, len(seg))
    return seg[:16] + struct.pack("!H", csum(pseudo + seg)) + seg[18:]


def ah(next_header, spi, seq, icv, reserved=0):
    assert len(icv) % 4 == 0
    return struct.pack("!BBHII", next_header, (12 + len(icv)) // 4 - 2, reserved, spi, seq) + icv


ICV = bytes(range(0xA0, 0xAC))  # 96 bits


def conversation(v6, spi_a, spi_b, icv=ICV, reserved=0, port=40000):
    """SYN, SYN-ACK, ACK, a request, its ACK, FIN/ACK both ways: (from_a, tcp args)."""
    req = b"GET / HTTP/1.0\r\n\r\n"
    steps = [
        (True, 1000, 0, SYN, b""), (False, 5000, 1001, SYN | ACK, b""), (True, 1001, 5001, ACK, b""),
        (True, 1001, 5001, PSH | ACK, req), (False, 5001, 1001 + len(req), ACK, b""),
        (True, 1001 + len(req), 5001, FIN | ACK, b""), (False, 5001, 1002 + len(req), FIN | ACK, b""),
        (True, 1002 + len(req), 5002, ACK, b""),
    ]
    frames = []
    seq = {True: 0, False: 0}
    for from_a, s, a, flags, payload in steps:
        seq[from_a] += 1
        src, dst = (A6, B6) if v6 else (A4, B4)
        sport, dport = port, 80
        if not from_a:
            src, dst, sport, dport = dst, src, dport, sport
        t = tcp(src, dst, sport, dport, s, a, flags, payload, v6)
        body = ah(6, spi_a if from_a else spi_b, seq[from_a], icv, reserved) + t
        macs = (MAC_B, MAC_A) if from_a else (MAC_A, MAC_B)
        if v6:
            frames.append(eth(*macs, 0x86DD, ipv6(src, dst, 51, body)))
        else:
            frames.append(eth(*macs, 0x0800, ipv4(src, dst, 51, body, 0x100 + len(frames))))
    return frames


def main(path):
    frames = conversation(False, 0x1000, 0x2000) + conversation(True, 0x3000, 0x4000)
    # An AH with no ICV and a reserved field that is not zero, over IPv4, carrying a SYN.
    frames += conversation(False, 0x5000, 0x6000, icv=b"", reserved=0x1234, port=40001)[:1]
    # AH cut by the capture length: inside the ICV, inside the SPI, after the next header.
    cut = [(f, n) for f, n in zip(conversation(False, 0x7000, 0x8000, port=40002)[:3], (14 + 20 + 16, 14 + 20 + 6, 14 + 20 + 1))]
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        t = 1767225600  # 2026-01-01 00:00:00 UTC
        for i, f in enumerate(frames):
            out.write(struct.pack("<IIII", t + i, 0, len(f), len(f)) + f)
        for i, (f, n) in enumerate(cut):
            out.write(struct.pack("<IIII", t + len(frames) + i, 0, n, len(f)) + f[:n])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "ah.pcap")
