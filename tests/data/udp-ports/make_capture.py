#!/usr/bin/env python3
"""Writes udp-ports.pcap: UDP datagrams with empty and short payloads to each port that
tcpdump 4.99's udp_print dispatches on (print-udp.c), over Ethernet + IPv4 and IPv6, with
correct checksums; a few payloads of known content (a Kerberos 5 tag, a NAT keep-alive,
version fields that tcpdump says it does not support, SIP request and response lines); and
port pairs where the order of tcpdump's port tests decides. Headers are built from the RFCs
(768, 791, 8200). The oracles beside it come from ../../../../shared/corpus/make-oracles.sh
and ../encap/make-oracles-e.sh (tests/data/README)."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "encap"))
from make_captures import eth, ipv4, ipv6, udp, write_pcap  # noqa: E402

A4, B4 = "192.0.2.1", "192.0.2.2"
A6, B6 = "2001:db8::1", "2001:db8::2"
MAC_A, MAC_B = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")


def frame(sport, dport, payload, ident, v6):
    if v6:
        return eth(MAC_B, MAC_A, 0x86DD, ipv6(A6, B6, 17, udp(sport, dport, payload, A6, B6, True)))
    return eth(MAC_B, MAC_A, 0x0800, ipv4(A4, B4, 17, udp(sport, dport, payload, A4, B4), ident))


EPH = 40000  # an ephemeral port no printer claims
# (port, payload lengths of zero bytes whose output tcplens reproduces)
PORTS = [
    (88, [0]), (750, [0]), (319, [0, 1, 33]), (320, [0, 20]), (496, [0, 7]),
    (500, [0, 27]), (7500, [0, 12]), (8500, [0]), (525, [0]), (646, [0, 10, 18]),
    (654, [0]), (698, [0, 3]), (701, [0, 7, 8]), (921, [0, 27]), (4500, [0, 3, 4, 31]),
    (3456, [0, 1, 2, 7]), (2103, [0]), (2104, [0]), (7000, [0, 27]), (7009, [0, 5]),
    (5359, [0]), (6696, [0, 3, 4]), (6697, [0]), (8231, [0]), (4567, [0, 11]),
    (1645, [0]), (1812, [0, 19]), (1646, [0]), (1813, [0, 4]), (1700, [0]), (3799, [0]),
    (1985, [0]), (3503, [0, 31]), (3784, [0, 23]), (3785, [0, 16]), (4784, [0]),
    (6784, [0]), (1589, [0, 7, 8]), (6343, [0, 27, 28]), (12223, [0, 11]),
    (12222, [0, 5]), (5060, [0, 4]), (8472, [0, 7]), (4342, [0, 15]), (4790, [0, 4, 8]),
    (17754, [0, 1, 2]), (6635, [0, 4, 8]), (30490, [0, 15]), (137, [0]), (138, [0]),
    (4789, [0]), (6081, [0]), (53, [0]), (5353, [0]), (67, [0]), (69, [0]), (123, [0]),
    (514, [0]), (521, [0]), (546, [0]), (1701, [0]),
]
# (sport, dport, payload): content that matters, and port pairs where the first test wins.
SPECIAL = [
    (EPH, 88, b"\x6a\x81"), (EPH, 750, b"\x01"), (EPH, 88, b"\x30"),
    (EPH, 4500, b"\xff"), (EPH, 701, b"\x20" + bytes(7)), (EPH, 1589, b"\x02" + bytes(7)),
    (EPH, 6343, struct.pack("!I", 4) + bytes(24)), (EPH, 3503, struct.pack("!H", 2) + bytes(30)),
    (EPH, 6696, b"\x2b\x02\x00\x00"), (EPH, 17754, b"EY"), (EPH, 17754, b"E"),
    (EPH, 5060, b"INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP a\r\n\r\n"),
    (5060, EPH, b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a\r\n\r\n"),
    (EPH, 5060, b"hello\r\n"),
    (12223, EPH, bytes(5)), (1985, EPH, b""), (EPH, 6081, b""), (6081, EPH, b""),
    (3456, EPH, b""), (4567, EPH, b""), (3785, EPH, b"\x00" * 4),
    (5353, 67, b""), (525, 88, b""), (698, 521, b""), (921, 5353, b""), (4500, 1701, b""),
    (7005, 4789, b""), (1812, 1589, b""), (17754, 30490, b""), (319, 30490, b""),
    (6635, 319, b""), (17754, 6635, b""), (4790, 17754, b""), (514, 8472, b""),
    (5060, 514, b""), (49152, EPH, b""), (12222, 5060, b""), (123, 88, b""),
    (654, 500, b""), (3785, 701, b""), (EPH, 17754, b"\0"), (EPH, 17754, b"EX"), (49152, EPH, b"\0\0\0"),
    # HSRP v0 hello, coup and resign, a version 1 message, an unknown opcode.
    (1985, 1985, bytes([0, 0, 16, 3, 10, 100, 1, 0]) + b"cisco\0\0\0" + bytes([192, 0, 2, 254])),
    (1985, 1985, bytes([0, 1, 8, 3, 10, 120, 2, 0]) + b"abcdefgh" + bytes([192, 0, 2, 253])),
    (1985, 1985, bytes([0, 2, 4, 3, 10, 120, 3, 0]) + bytes(8) + bytes([192, 0, 2, 253])),
    (1985, 1985, bytes([1, 3, 32, 3, 10, 120, 3, 0]) + bytes(12)),
    # RADIUS: an Access-Request with an attribute, a CoA-ACK, an unknown code, a length field
    # too small, a length field past the datagram.
    (EPH, 1812, struct.pack("!BBH", 1, 0x2a, 27) + bytes(range(16)) + b"\x01\x07alice"),
    (3799, EPH, struct.pack("!BBH", 44, 7, 20) + bytes(16)),
    (EPH, 1813, struct.pack("!BBH", 99, 1, 20) + bytes(16)),
    (EPH, 1645, struct.pack("!BBH", 1, 2, 10) + bytes(16)),
    (EPH, 1646, struct.pack("!BBH", 4, 3, 200) + bytes(16)),
    # sFlow v5 datagram headers (IPv4 and IPv6 agent, no samples) and OTV carrying a frame.
    (EPH, 6343, struct.pack("!II4sIIII", 5, 1, bytes([192, 0, 2, 9]), 3, 7, 1000, 0)),
    (EPH, 6343, struct.pack("!II16sIIII", 5, 2, bytes(range(16)), 3, 8, 2000, 0)),
    (EPH, 8472, bytes([0x08, 0x12, 0x34, 0x56, 0, 0, 7, 0]) + bytes.fromhex("020000000002020000000001") +
     b"\x08\x06" + bytes.fromhex("0001080006040001020000000001c0000201000000000000c0000202")),
]


def main(path):
    frames = []
    for port, lengths in PORTS:
        for n in lengths:
            frames.append((EPH, port, bytes(n), False))
        frames.append((EPH, port, b"", True))
    for sport, dport, payload in SPECIAL:
        frames.append((sport, dport, payload, False))
    frames.append((EPH, 698, bytes(2), True))
    t = 1767225600  # 2026-01-01 00:00:00 UTC
    write_pcap(path, 1, [(t + i, 0, frame(sport, dport, payload, i + 1, v6))
                         for i, (sport, dport, payload, v6) in enumerate(frames)])

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "udp-ports.pcap")
