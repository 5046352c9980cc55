#!/usr/bin/env python3
"""Builds the IEEE 802.11 captures of tests/data/wlan/ (see tests/data/README).

Frames are built by hand after IEEE 802.11-2020 (section 9.3, frame formats) and the
radiotap header after radiotap.org's field list, laid out as Linux mac80211 monitor
interfaces write it. Each capture exists for link type 105 (bare 802.11) and 127
(radiotap in front); the -trunc captures cut every frame at several lengths.

    python3 make_captures.py OUTDIR

Deterministic: the same script gives the same bytes.
"""
import random
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


class Radiotap:
    """A radiotap header (radiotap.org): fields appended in bit order, each aligned to its
    natural size from the start of the header, as the Linux kernel writes them."""

    def __init__(self):
        self.words = []   # presence words
        self.body = b""

    def word(self, bits, ext=False, radiotap_ns=False, vendor_ns=False):
        w = 0
        for b in bits:
            w |= 1 << b
        if radiotap_ns:
            w |= 1 << 29
        if vendor_ns:
            w |= 1 << 30
        if ext:
            w |= 1 << 31
        self.words.append(w)
        return self

    def field(self, align, data):
        off = 4 + 4 * len(self.words) + len(self.body)
        self.body += b"\0" * ((-off) % align) + data
        return self

    def build(self, it_len=None):
        hdr_len = 4 + 4 * len(self.words) + len(self.body)
        return struct.pack("<BBH", 0, 0, hdr_len if it_len is None else it_len) + \
            b"".join(struct.pack("<I", w) for w in self.words) + self.body


def s8(v):
    return struct.pack("<b", v)


def rt_mac80211_legacy(tsft, rate, freq, chflags, sig, chains, flags=0):
    """mac80211 on a legacy (non-HT) frame: TSFT, flags, rate, channel, dBm signal, RX flags,
    then one radiotap-namespace word per chain with its signal and antenna."""
    r = Radiotap().word([0, 1, 2, 3, 5, 14], ext=bool(chains), radiotap_ns=bool(chains))
    for i in range(len(chains)):
        r.word([5, 11], ext=i + 1 < len(chains), radiotap_ns=i + 1 < len(chains))
    r.field(8, struct.pack("<Q", tsft)).field(1, bytes([flags])).field(1, bytes([rate]))
    r.field(2, struct.pack("<HH", freq, chflags)).field(1, s8(sig)).field(2, struct.pack("<H", 0))
    for i, c in enumerate(chains):
        r.field(1, s8(c)).field(1, bytes([i]))
    return r.build()


def rt_iwlwifi_ht(tsft, freq, sig, mcs_known, mcs_flags, mcs, ampdu_ref, flags=0x10):
    """iwlwifi on an HT frame: TSFT, flags (FCS at end), channel, dBm signal, RX flags, MCS,
    A-MPDU status; two chains in extended words."""
    r = Radiotap().word([0, 1, 3, 5, 14, 19, 20], ext=True, radiotap_ns=True)
    r.word([5, 11], ext=True, radiotap_ns=True).word([5, 11])
    r.field(8, struct.pack("<Q", tsft)).field(1, bytes([flags]))
    r.field(2, struct.pack("<HH", freq, 0x00c0 if freq < 3000 else 0x0140)).field(1, s8(sig))
    r.field(2, struct.pack("<H", 0)).field(1, bytes([mcs_known, mcs_flags, mcs]))
    r.field(4, struct.pack("<IHBB", ampdu_ref, 0x0004, 0, 0))
    r.field(1, s8(sig - 1)).field(1, b"\0").field(1, s8(sig + 1)).field(1, b"\1")
    return r.build()


def rt_vht(tsft, freq, sig, known, vflags, bw, mcs_nss, coding):
    """A VHT frame: TSFT, flags, channel, dBm signal, RX flags, A-MPDU status, VHT."""
    r = Radiotap().word([0, 1, 3, 5, 14, 20, 21])
    r.field(8, struct.pack("<Q", tsft)).field(1, b"\0").field(2, struct.pack("<HH", freq, 0x0140))
    r.field(1, s8(sig)).field(2, struct.pack("<H", 0)).field(4, struct.pack("<IHBB", 7, 0, 0, 0))
    r.field(2, struct.pack("<HBB", known, vflags, bw) + bytes(mcs_nss) + bytes([coding, 0]) +
            struct.pack("<H", 0))
    return r.build()


def radiotap_headers():
    """Headers to put before frames: (name, bytes)."""
    hs = []
    hs.append(rt_mac80211_legacy(1000001, 0x02, 2412, 0x00a0, -42, [-43, -45]))        # 1 Mb/s CCK
    hs.append(rt_mac80211_legacy(1000002, 0x0c, 2437, 0x00c0, -60, [-61]))              # 6 Mb/s OFDM
    hs.append(rt_mac80211_legacy(1000003, 0x6c, 5180, 0x0140, -71, [], flags=0x02))     # 54 Mb/s 5 GHz
    hs.append(rt_mac80211_legacy(1000004, 0x85, 2462, 0x0480, -50, []))                 # MCS in rate, dyn
    hs.append(rt_iwlwifi_ht(2000001, 2437, -55, 0x1f, 0x00, 7, 1))                      # MCS 7 20 MHz long
    hs.append(rt_iwlwifi_ht(2000002, 5200, -48, 0x3f, 0x35, 15, 2))                     # 40, short GI, LDPC, STBC1
    hs.append(rt_iwlwifi_ht(2000003, 5745, -65, 0x07, 0x03, 3, 3))                      # 20U
    hs.append(rt_iwlwifi_ht(2000004, 2412, -66, 0x02, 0x00, 33, 4))                     # MCS only, 33
    hs.append(rt_iwlwifi_ht(2000005, 2412, -66, 0x03, 0x01, 77, 5))                     # out of range
    hs.append(rt_vht(3000001, 5180, -52, 0x0044, 0x04, 4, [0x91, 0, 0, 0], 0x01))      # 80 MHz, 2 ss MCS 9
    hs.append(rt_vht(3000002, 5500, -58, 0x0044, 0x00, 11, [0x51, 0x32, 0, 0], 0x02))  # 160, MU
    hs.append(rt_vht(3000003, 5500, -58, 0x0000, 0x00, 26, [0x11, 0, 0, 0x21], 0x08))  # nothing known
    # A vendor namespace between radiotap words: its data skipped by the given length.
    r = Radiotap().word([1, 3], ext=True, vendor_ns=True).word([0, 1], ext=True, radiotap_ns=True)
    r.word([5])
    r.field(1, b"\x00").field(2, struct.pack("<HH", 2412, 0x00a0))
    r.field(2, b"\x00\x11\x22\x01" + struct.pack("<H", 6)).field(1, b"vendor")
    r.field(1, s8(-33))
    hs.append(r.build())
    # The rarer fields: FHSS, dBm noise, lock quality, TX attenuation, dB TX attenuation,
    # dBm TX power, dB signal and noise.
    r = Radiotap().word([1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13])
    r.field(1, b"\x01").field(2, struct.pack("<HH", 2412, 0x0880)).field(1, b"\x03\x07")
    r.field(1, s8(-40)).field(1, s8(-95)).field(2, struct.pack("<H", 97)).field(2, struct.pack("<H", 3))
    r.field(2, struct.pack("<H", 2)).field(1, s8(17)).field(1, b"\x30").field(1, b"\x05")
    hs.append(r.build())
    # Fields tcpdump does not know (TX flags, RTS and data retries, XChannel) stop the list.
    for bits, data in (([1, 15], b"\0\0\x08\0"), ([1, 17], b"\0\x03"), ([2, 16, 5], b"\x02\x01\xd0"),
                       ([1, 18], b"\0" * 4 + struct.pack("<IHBB", 0x10140, 5180, 36, 20))):
        r = Radiotap().word(bits)
        r.body = data
        hs.append(r.build())
    # Bits for the frame: FCS at the end, padding after the header (Atheros), bad FCS.
    hs.append(Radiotap().word([1]).field(1, b"\x10").build())
    hs.append(Radiotap().word([1]).field(1, b"\x20").build())
    hs.append(Radiotap().word([1, 2]).field(1, b"\x51").field(1, b"\x16").build())
    # Damaged: a field past it_len, an extension word past it_len, it_len below 8.
    hs.append(Radiotap().word([0, 1]).field(8, bytes(8)).build(it_len=12))
    hs.append(Radiotap().word([1], ext=True).build())
    hs.append(Radiotap().word([1]).field(1, b"\0").build(it_len=6))
    return hs


def data_frames():
    ccmp = struct.pack("<BBBBI", 0x07, 0x00, 0, 0x60, 0)                 # PN 7, ExtIV, key 1
    tkip = struct.pack("<BBBBI", 0x00, 0x20, 0x05, 0x20 | 0x00, 0)        # TKIP IV, key 0
    wep = b"\x12\x34\x56\xc0"                                           # WEP IV, key 3
    qos_null = fc(2, 12, 0x01) + struct.pack("<H", 44) + AP + STA + AP + struct.pack("<HH", 0x10, 0)
    return [
        fc(2, 8, 0x42) + struct.pack("<H", 44) + STA + AP + AP + struct.pack("<HH", 0x20, 0) + ccmp +
        bytes(40) + bytes(8),                                            # QoS data, from DS, CCMP
        fc(2, 0, 0x41) + struct.pack("<H", 44) + AP + STA + AP + struct.pack("<H", 0x30) + tkip + bytes(30),
        fc(2, 0, 0x42) + struct.pack("<H", 0) + STA + AP + AP + struct.pack("<H", 0x40) + wep + bytes(12),
        qos_null,
    ]


def udp_data_frame():
    """A QoS data frame to the AP carrying IPv4/UDP through LLC/SNAP (RFC 1042)."""
    payload = b"hello"
    udp = struct.pack("!HHHH", 40000, 9, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0x4000, 64, 17, 0,
                     bytes([192, 168, 1, 20]), bytes([192, 168, 1, 1]))
    return (fc(2, 8, 0x01) + struct.pack("<H", 44) + AP + STA + AP + struct.pack("<HH", 0x50, 0),
            b"\xaa\xaa\x03\x00\x00\x00\x08\x00" + ip + udp)


def radiotap_frames():
    """Every radiotap header in front of a frame of each kind, in turn; with the FCS when
    the header's flags say it is there, with two bytes of padding after a 26-byte QoS
    header when they say the header is padded (Atheros)."""
    frames = control_frames()[:3] + management_frames()[:2] + data_frames()
    out = []
    for i, h in enumerate(radiotap_headers()):
        f = frames[i % len(frames)]
        words, off = [], 4
        while off + 4 <= len(h):
            words.append(struct.unpack("<I", h[off:off + 4])[0])
            off += 4
            if not words[-1] >> 31:
                break
        if words[0] & 1:  # TSFT first
            off = (off + 7) // 8 * 8 + 8
        flags = h[off] if words[0] & 2 and off < len(h) else 0
        if flags & 0x20:
            hdr, body = udp_data_frame()
            f = hdr + b"\0\0" + body
        if flags & 0x10:
            f = f + b"\xde\xad\xbe\xef"                                   # the FCS
        out.append(h + f)
    return out

def random_frames(linktype, count, seed):
    """Random bytes, each frame captured short of its length by up to 8 bytes; for radiotap
    a version 0 header whose it_len lies within the frame. Hostile input tcpdump prints
    without complaint: (frame, caplen) pairs."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        n = rng.randint(0, 120)
        b = bytearray(rng.getrandbits(8) for _ in range(n))
        if linktype == 127 and n >= 4:
            b[0], b[3] = 0, 0
            b[2] = rng.randint(0, min(n, 80))
        wire = bytes(b) + bytes(rng.randint(0, 8))
        out.append((wire, n))
    return out


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
    frames = data_frames()
    write_pcap(out + "/protected.pcap", 105, [(base, i * 1000, f, len(f)) for i, f in enumerate(frames)] +
               [(base + 1, cut, frames[0], cut) for cut in range(1, 40)])
    frames = radiotap_frames()
    write_pcap(out + "/radiotap.pcap", 127, [(base, i * 1000, f, len(f)) for i, f in enumerate(frames)])
    trunc = []
    for i, f in enumerate(frames[:-3]):
        hlen = struct.unpack("<H", f[2:4])[0]
        for cut in range(1, min(len(f), hlen + 30)):
            trunc.append((base + i, cut, f, cut))
    write_pcap(out + "/radiotap-trunc.pcap", 127, trunc)
    for name, lt, seed in (("random", 105, 105), ("random-radiotap", 127, 127)):
        write_pcap(out + "/" + name + ".pcap", lt,
                   [(base, i, f, cap) for i, (f, cap) in enumerate(random_frames(lt, 600, seed))])


if __name__ == "__main__":
    main()
