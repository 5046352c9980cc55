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


def mgmt(subtype, da, sa, bssid, body, seq=0, flags=0):
    return fc(0, subtype, flags) + struct.pack("<H", 314) + da + sa + bssid + struct.pack("<H", seq << 4) + body


def ie(eid, data):
    return bytes([eid, len(data)]) + data


# Elements an AP of today sends (IEEE 802.11-2020 9.4.2): SSID, supported rates (the
# basic ones with bit 7), DS parameter set, TIM, country, ERP, extended rates, RSN (CCMP,
# PSK), HT capabilities, a vendor (WMM) element.
RATES_BG = bytes([0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24])
EXT_RATES = bytes([0x30, 0x48, 0x60, 0x6c])
RSN = struct.pack("<H", 1) + b"\x00\x0f\xac\x04" + struct.pack("<H", 1) + b"\x00\x0f\xac\x04" + \
    struct.pack("<H", 1) + b"\x00\x0f\xac\x02" + struct.pack("<H", 0x000c)
HT_CAP = struct.pack("<HB", 0x01ef, 0x17) + bytes([0xff, 0xff]) + bytes(14) + bytes(2 + 4 + 1)
WMM = bytes.fromhex("0050f2020101000003a4000027a4000042435e0062322f00")


def ap_elements(ssid, channel):
    return (ie(0, ssid) + ie(1, RATES_BG) + ie(3, bytes([channel])) + ie(5, bytes([0, 1, 0, 0])) +
            ie(7, b"DE " + bytes([1, 13, 20])) + ie(42, b"\x00") + ie(50, EXT_RATES) + ie(48, RSN) +
            ie(45, HT_CAP) + ie(221, WMM))


def beacon_body(ssid, channel, cap=0x0411):
    return struct.pack("<QHH", 123456789, 100, cap) + ap_elements(ssid, channel)


def management_frames():
    probe_req = ie(0, b"") + ie(1, RATES_BG) + ie(50, EXT_RATES) + ie(45, HT_CAP)
    return [
        mgmt(8, BCAST, AP, AP, beacon_body(b"home-net", 6), seq=100),
        mgmt(8, BCAST, AP, AP, beacon_body(b"open cafe", 11, cap=0x0401), seq=101),
        mgmt(8, BCAST, STA2, STA2, beacon_body(b"adhoc", 1, cap=0x0002), seq=5),  # IBSS
        mgmt(8, BCAST, AP, AP, beacon_body(b"", 36), seq=102),                     # hidden SSID
        mgmt(8, BCAST, AP, AP, struct.pack("<QHH", 1, 100, 0x0011) + ie(0, b"caf\xc3\xa9\x07net") +
             ie(1, RATES_BG) + ie(3, b"\x06"), seq=103),                        # non-ASCII SSID
        mgmt(4, BCAST, STA, BCAST, probe_req, seq=7),
        mgmt(4, BCAST, STA, BCAST, ie(0, b"home-net") + ie(1, RATES_BG), seq=8),
        mgmt(5, STA, AP, AP, beacon_body(b"home-net", 6), seq=104),
        mgmt(11, AP, STA, AP, struct.pack("<HHH", 0, 1, 0), seq=9),                 # auth open, 1
        mgmt(11, STA, AP, AP, struct.pack("<HHH", 0, 2, 0), seq=105),               # auth open, 2
        mgmt(11, STA, AP, AP, struct.pack("<HHH", 1, 2, 0) + ie(16, bytes(range(128))), seq=106),
        mgmt(11, AP, STA, AP, struct.pack("<HHH", 1, 3, 0), seq=10, flags=0x40),    # shared key 3, protected
        mgmt(11, STA, AP, AP, struct.pack("<HHH", 3, 2, 1), seq=107),               # SAE, failure
        mgmt(0, AP, STA, AP, struct.pack("<HH", 0x0411, 10) + ie(0, b"home-net") + ie(1, RATES_BG) +
             ie(50, EXT_RATES) + ie(48, RSN) + ie(45, HT_CAP), seq=11),
        mgmt(1, STA, AP, AP, struct.pack("<HHH", 0x0411, 0, 0xc001) + ie(1, RATES_BG) + ie(50, EXT_RATES), seq=108),
        mgmt(1, STA, AP, AP, struct.pack("<HHH", 0x0401, 17, 0), seq=109),        # refused: full
        mgmt(2, AP, STA, AP, struct.pack("<HH", 0x0411, 10) + STA2 + ie(0, b"home-net") + ie(1, RATES_BG), seq=12),
        mgmt(3, STA, AP, AP, struct.pack("<HHH", 0x0411, 0, 0xc002) + ie(1, RATES_BG), seq=110),
        mgmt(9, STA2, STA, STA, b"", seq=13),                                       # ATIM
        mgmt(10, AP, STA, AP, struct.pack("<H", 8), seq=14),                        # disassoc
        mgmt(12, STA, AP, AP, struct.pack("<H", 3), seq=111),                       # deauth
        mgmt(12, BCAST, AP, AP, struct.pack("<H", 7), seq=112),
        mgmt(12, STA, AP, AP, struct.pack("<H", 200), seq=113),                     # reserved reason
        mgmt(13, AP, STA, AP, bytes([3, 0, 1, 0x02, 0x10, 0x00, 0x00]), seq=15),    # ADDBA request
        mgmt(13, STA, AP, AP, bytes([3, 2, 0, 0x10, 0x25, 0x00]), seq=114),         # DELBA
        mgmt(13, STA, AP, AP, bytes([127, 0x00, 0x50, 0xf2]), seq=115),            # vendor
        mgmt(13, STA, AP, AP, bytes([10, 1]), seq=116),                            # WNM (reserved to tcpdump)
        mgmt(6, STA, AP, AP, bytes(8), seq=117),                                   # timing advertisement
        mgmt(14, STA, AP, AP, bytes([7, 1, 0]), seq=118),                          # action no ack
        mgmt(8, BCAST, AP, AP, struct.pack("<QHH", 1, 100, 0x0011) + ie(0, b"x" * 33), seq=119),  # SSID too long
        mgmt(8, BCAST, AP, AP, struct.pack("<QHH", 1, 100, 0x0011) + ie(1, bytes(range(2, 12))), seq=120),  # 10 rates
        mgmt(8, BCAST, AP, AP, struct.pack("<QHH", 1, 100, 0x0011) + ie(0, b"ab") + ie(3, b"\x06\x07") +
             ie(1, b"") + ie(0, b"second") + ie(3, b"\x09"), seq=121),             # odd DS length, empty rates, two SSIDs
        mgmt(8, BCAST, AP, AP, struct.pack("<QHH", 1, 100, 0x0011) + ie(0, b"short") + b"\x01", seq=122),  # element cut by length
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
    frames = management_frames()
    write_pcap(out + "/management.pcap", 105, [(base, i * 1000, f, len(f)) for i, f in enumerate(frames)])
    trunc = []
    for i, f in enumerate(frames[:-4]):  # the last four are damaged already
        for cut in range(1, len(f)):
            trunc.append((base + i, cut, f, cut))
    write_pcap(out + "/management-trunc.pcap", 105, trunc)


if __name__ == "__main__":
    main()
