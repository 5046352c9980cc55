#!/usr/bin/env python3
"""Builds the IEEE 802.11 captures of tests/data/wlan/ (see tests/data/README).

Frames are built by hand after IEEE 802.11-2020 (section 9.3, frame formats) and the
radiotap header after radiotap.org's field list, laid out as Linux mac80211 monitor
interfaces write it. Each capture exists for link type 105 (bare 802.11) and 127
(radiotap in front); the -trunc captures cut every frame at several lengths.

    python3 make_captures.py OUTDIR

Deterministic: the same script gives the same bytes.
"""
import struct
import sys

AP = bytes.fromhex("020000000a01")
STA = bytes.fromhex("020000000b02")
STA2 = bytes.fromhex("020000000c03")
BCAST = b"\xff" * 6


def write_pcap(path, linktype, packets):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for sec, usec, frame, caplen in packets:
            f.write(struct.pack("<IIII", sec, usec, caplen, len(frame)))
            f.write(frame[:caplen])


def fc(ftype, subtype, flags=0):
    return struct.pack("<BB", (subtype << 4) | (ftype << 2), flags)


def ctrl(subtype, dur, *addrs, tail=b"", flags=0):
    return fc(1, subtype, flags) + struct.pack("<H", dur) + b"".join(addrs) + tail


def control_frames():
    return [
        ctrl(11, 314, AP, STA),                                   # RTS
        ctrl(12, 270, STA),                                       # CTS
        ctrl(13, 0, STA),                                         # ACK
        fc(1, 10, 0x10) + struct.pack("<H", 0xC001) + AP + STA,   # PS-Poll, AID 1
        ctrl(14, 0, BCAST, AP),                                   # CF-End
        ctrl(15, 0, BCAST, AP),                                   # CF-End + CF-Ack
        ctrl(8, 60, AP, STA, tail=struct.pack("<HH", 0x0004, 0x1230)),  # BAR
        ctrl(9, 0, STA, AP, tail=struct.pack("<HH", 0x0005, 0x1230) + b"\xff" * 8),  # BA
        ctrl(7, 0, STA, tail=struct.pack("<H", 0x00b4) + b"\0\0\0\0" + struct.pack("<H", 0) + AP),  # wrapper
        ctrl(4, 0, STA, AP),                                      # beamforming report poll
        ctrl(5, 0, STA, AP),                                      # VHT NDP announcement
        ctrl(3, 0, STA),                                          # reserved
        ctrl(13, 0, STA, flags=0x08),                             # ACK, retry
    ]


def radiotap_mac80211(frame, i):
    # it_present: TSFT, flags, rate, channel, dBm signal, RX flags, then (ext) a second
    # word for antenna 0 signal and antenna, as mac80211 writes with two chains.
    present = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 14) | (1 << 29) | (1 << 31)
    present2 = (1 << 5) | (1 << 11)
    hdr = struct.pack("<II", present, present2)
    body = struct.pack("<Q", 1000000 + i)           # TSFT (offset 12 -> align 8 = 16)
    body += bytes([0x00, 0x02])                      # flags, rate 1 Mb/s
    body += struct.pack("<HH", 2437, 0x00a0)         # channel 6, 2 GHz CCK
    body += bytes([(256 - 40) & 0xff, 0])            # dBm signal, pad
    body += struct.pack("<H", 0)                     # RX flags
    body += bytes([(256 - 41) & 0xff, 0])            # antenna signal, antenna 0
    it = struct.pack("<BBH", 0, 0, 4 + 8 + 4 + len(body)) + hdr + b"\0\0\0\0" + body
    return it + frame


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    base = 1767225600  # 2026-01-01
    frames = control_frames()
    full = [(base, i * 1000, f, len(f)) for i, f in enumerate(frames)]
    write_pcap(out + "/control.pcap", 105, full)
    trunc = []
    for i, f in enumerate(frames):
        for cut in range(1, len(f)):
            trunc.append((base + i, cut, f, cut))
    write_pcap(out + "/control-trunc.pcap", 105, trunc)


if __name__ == "__main__":
    main()
