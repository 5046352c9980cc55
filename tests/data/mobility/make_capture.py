#!/usr/bin/env python3
"""Writes mobility.pcap: IPv6 mobility headers (RFC 6275, next header 135; one with the
drafts' 62) of each message type (BRR, HoTI, CoTI, HoT, CoT, BU, BA, BE, an unknown type),
with the mobility options (Pad1, PadN, Binding Refresh Advice, Alternate Care-of Address,
Nonce Indices, Binding Authorization Data, an unknown one, one that overruns the header), a
header too short for its type, and a Binding Update behind a destination options header.
Headers are built from RFCs 8200 and 6275 (the checksum is left zero: no reference tool
checks it). Oracles: ../../../../shared/corpus/make-oracles.sh and ../encap/make-oracles-e.sh."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "encap"))
from make_captures import eth, ip6addr, ipv6, write_pcap  # noqa: E402

MN, CN = "2001:db8:1::10", "2001:db8:2::20"
MAC_A, MAC_B = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")


def mh(mtype, data, options=b"", proto=59):
    """Mobility header: payload proto, length (8-octet units after the first 8), type,
    reserved, checksum, then the message data (whose first 2 bytes share the first 8)."""
    body = data + options
    total = 6 + len(body)
    pad = (-total) % 8
    if pad:
        body += b"\x00" if pad == 1 else bytes([1, pad - 2]) + bytes(pad - 2)
        total += pad
    return struct.pack("!BBBBH", proto, total // 8 - 1, mtype, 0, 0) + body


COOKIE = bytes.fromhex("0102030405060708")
TOKEN = bytes.fromhex("1112131415161718")
OPTS = (b"\x00" + bytes([1, 1, 0]) + bytes([2, 2]) + struct.pack("!H", 150) +
        bytes([4, 4]) + struct.pack("!HH", 0x1234, 0xabcd) + bytes([3, 16]) + ip6addr("2001:db8:3::30") +
        bytes([5, 10]) + bytes(10) + bytes([0x42, 2, 0, 0]))
MESSAGES = [
    mh(0, b"\x00\x00"),                                                    # BRR
    mh(1, b"\x00\x00" + COOKIE),                                           # HoTI
    mh(2, b"\x00\x00" + COOKIE),                                           # CoTI
    mh(3, struct.pack("!H", 0x2a) + COOKIE + TOKEN),                       # HoT
    mh(4, struct.pack("!H", 0x2b) + COOKIE + TOKEN),                       # CoT
    mh(5, struct.pack("!H", 100) + bytes([0xf0, 0]) + struct.pack("!H", 60), OPTS),  # BU, A H L K
    mh(5, struct.pack("!H", 101) + bytes([0x80, 0]) + struct.pack("!H", 0)),         # BU, A
    mh(6, bytes([0, 0x80]) + struct.pack("!HH", 100, 60), bytes([2, 2, 0, 30])),     # BA, K
    mh(6, bytes([129, 0]) + struct.pack("!HH", 7, 0)),                               # BA
    mh(7, bytes([1, 0]) + ip6addr(MN)),                                    # BE
    mh(9, b"\x00\x00"),                                                    # unknown type
    mh(5, struct.pack("!H", 102) + bytes([0x40, 0]) + struct.pack("!H", 1), bytes([0x42, 9, 0, 0])),  # overrun
    struct.pack("!BBBBH", 59, 0, 6, 0, 0) + bytes([0, 0]),                # BA in 8 bytes: too short
    struct.pack("!BBBBH", 59, 1, 1, 0, 0) + bytes(10),                    # HoTI, 16 bytes
]


def main(path):
    frames = [eth(MAC_B, MAC_A, 0x86DD, ipv6(MN, CN, 135, m)) for m in MESSAGES]
    frames.append(eth(MAC_B, MAC_A, 0x86DD, ipv6(MN, CN, 62, MESSAGES[5])))
    dstopt = bytes([135, 0, 1, 4, 0, 0, 0, 0])  # destination options: PadN, then mobility
    frames.append(eth(MAC_B, MAC_A, 0x86DD, ipv6(MN, CN, 60, dstopt + MESSAGES[6])))
    write_pcap(path, 1, [(1767225600 + i, 0, f) for i, f in enumerate(frames)])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "mobility.pcap")
