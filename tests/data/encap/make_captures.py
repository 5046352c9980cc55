#!/usr/bin/env python3
"""Builds the encapsulation captures of tests/data/encap/ (see README there).

Real kernel TCP (real-tcp.pcap: one IPv4 and one IPv6 HTTP exchange between two network
namespaces over a veth, captured with tcpdump) is wrapped packet by packet in each
encapsulation, headers built from the RFCs with struct. Frames that have no TCP to carry
(PPPoE discovery, SLARP, an L2TP control message, an ARP request) are built by hand.

    python3 make_captures.py real-tcp.pcap OUTDIR

Deterministic: the same input gives the same bytes.
"""
import struct
import sys

MAC_A = bytes.fromhex("02000000000a")
MAC_B = bytes.fromhex("02000000000b")
MAC_C = bytes.fromhex("02000000000c")
MAC_D = bytes.fromhex("02000000000d")


def read_pcap(path):
    data = open(path, "rb").read()
    magic, = struct.unpack("<I", data[:4])
    assert magic == 0xA1B2C3D4, "little-endian microsecond pcap expected"
    off = 24
    out = []
    while off + 16 <= len(data):
        sec, usec, caplen, wirelen = struct.unpack("<IIII", data[off:off + 16])
        out.append((sec, usec, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return out


def write_pcap(path, linktype, packets):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for sec, usec, frame in packets:
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
            f.write(frame)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ident=0x1234, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, ttl, proto, 0,
                      bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def ip6addr(a):
    import ipaddress
    return ipaddress.IPv6Address(a).packed


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, hlim) + ip6addr(src) + ip6addr(dst) + payload


def udp(sport, dport, payload, src=None, dst=None, v6=False):
    length = 8 + len(payload)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    if src is None:
        return hdr + payload
    if v6:
        pseudo = ip6addr(src) + ip6addr(dst) + struct.pack("!IxxxB", length, 17)
    else:
        pseudo = bytes(map(int, src.split("."))) + bytes(map(int, dst.split("."))) + struct.pack("!xBH", 17, length)
    c = csum(pseudo + hdr + payload) or 0xFFFF
    return hdr[:6] + struct.pack("!H", c) + payload


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


OUT_A, OUT_B = "192.0.2.1", "192.0.2.2"  # outer (tunnel) endpoints: documentation range
OUT6_A, OUT6_B = "2001:db8::1", "2001:db8::2"


def inner_packets(path):
    """(sec, usec, ethernet frame, ip datagram, ethertype, from_client) of the real capture."""
    res = []
    first_src = {}
    for sec, usec, frame in read_pcap(path):
        etype, = struct.unpack("!H", frame[12:14])
        ip = frame[14:]
        if etype == 0x0800:
            ip = ip[:struct.unpack("!H", ip[2:4])[0]]
            src = ip[12:16]
        else:
            ip = ip[:40 + struct.unpack("!H", ip[4:6])[0]]
            src = ip[8:24]
        sport, = struct.unpack("!H", ip[(20 if etype == 0x0800 else 40):][:2])
        fwd = sport != 8080
        res.append((sec, usec, frame, ip, etype, fwd))
    return res


def outer4(fwd, proto, payload, ident):
    a, b = (OUT_A, OUT_B) if fwd else (OUT_B, OUT_A)
    return ipv4(a, b, proto, payload, ident)


def outer6(fwd, nh, payload):
    a, b = (OUT6_A, OUT6_B) if fwd else (OUT6_B, OUT6_A)
    return ipv6(a, b, nh, payload)


def eth_out(fwd, etype, payload):
    return eth(MAC_B, MAC_A, etype, payload) if fwd else eth(MAC_A, MAC_B, etype, payload)


def gre_hdr(proto, csum_on=False, key=None, seq=None, body=b""):
    flags = (0x8000 if csum_on else 0) | (0x2000 if key is not None else 0) | (0x1000 if seq is not None else 0)
    h = struct.pack("!HH", flags, proto)
    if csum_on:
        h += b"\0\0\0\0"
    if key is not None:
        h += struct.pack("!I", key)
    if seq is not None:
        h += struct.pack("!I", seq)
    if csum_on:
        c = csum(h + body)
        h = h[:4] + struct.pack("!H", c) + h[6:]
    return h + body


def mpls(labels, payload, ttl=64):
    out = b""
    for i, lab in enumerate(labels):
        bos = 1 if i == len(labels) - 1 else 0
        out += struct.pack("!I", (lab << 12) | (0 << 9) | (bos << 8) | ttl)
    return out + payload


# BER (X.690) for the SNMP messages: definite lengths, short or long form.
def ber(tag, body):
    n = len(body)
    if n < 128:
        ln = bytes([n])
    elif n < 256:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 255])
    return bytes([tag]) + ln + body


def ber_int(v):
    return ber(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def ber_str(v):
    return ber(0x04, v)


def ber_oid(text):
    arcs = [int(x) for x in text.split(".")]
    out = bytes([arcs[0] * 40 + arcs[1]])
    for a in arcs[2:]:
        enc = [a & 0x7F]
        a >>= 7
        while a:
            enc.append(0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(reversed(enc))
    return ber(0x06, out)


def ber_seq(*items):
    return ber(0x30, b"".join(items))


def ber_app(tag, v):  # IpAddress 0 (bytes), Counter32 1, Gauge32 2, TimeTicks 3, Counter64 6
    return ber(0x40 | tag, v if isinstance(v, bytes) else v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big"))


def snmp_packets(t0):
    """A manager (192.0.2.10) polling an agent (192.0.2.20) with SNMPv1, v2c and v3 (RFC 3416
    PDUs, RFC 3412/3414 header and USM), and the agent's traps and informs to port 162; the
    last three frames are damaged: cut short by the snap length, a length past the message,
    an unknown version."""
    mgr, agent = "192.0.2.10", "192.0.2.20"
    null = b"\x05\x00"
    sys_ = "1.3.6.1.2.1.1"
    if_ = "1.3.6.1.2.1.2.2.1"

    def vb(name, value=null):
        return ber_seq(ber_oid(name), value)

    def pdu(tag, reqid, binds, status=0, index=0):
        return ber(0xA0 | tag, ber_int(reqid) + ber_int(status) + ber_int(index) + ber_seq(*binds))

    def msg(version, community, body):
        return ber_seq(ber_int(version), ber_str(community), body)

    def frame(fwd, body, sport=41161, dport=161, cut=None):
        a, b = (mgr, agent) if fwd else (agent, mgr)
        sp, dp = (sport, dport) if fwd else (dport, sport)
        fr = eth_out(fwd, 0x0800, ipv4(a, b, 17, udp(sp, dp, body, a, b), 0x5000 + len(out)))
        return fr[:cut] if cut else fr

    engine = bytes.fromhex("80001f8880e1d2c3b4a5968778")
    usm_empty = ber_seq(ber_str(b""), ber_int(0), ber_int(0), ber_str(b""), ber_str(b""), ber_str(b""))
    usm_agent = ber_seq(ber_str(engine), ber_int(4), ber_int(86400), ber_str(b""), ber_str(b""), ber_str(b""))
    usm_user = ber_seq(ber_str(engine), ber_int(4), ber_int(86401), ber_str(b"monitor"), ber_str(b""), ber_str(b""))

    def v3(msgid, flags, usm, ctx_engine, body):
        hdr = ber_seq(ber_int(msgid), ber_int(65507), ber_str(bytes([flags])), ber_int(3))
        return ber_seq(ber_int(3), hdr, ber_str(usm), ber_seq(ber_str(ctx_engine), ber_str(b""), body))

    trap_v1 = ber(0xA4, ber_oid("1.3.6.1.4.1.8072.3.2.10") + ber_app(0, bytes([192, 0, 2, 20])) +
                  ber_int(2) + ber_int(0) + ber_app(3, 360012) + ber_seq(vb(if_ + ".1.2", ber_int(2))))
    out = []
    msgs = [
        (True, msg(0, b"public", pdu(0, 1001, [vb(sys_ + ".1.0"), vb(sys_ + ".3.0"), vb(sys_ + ".5.0")])), {}),
        (False, msg(0, b"public", pdu(2, 1001, [vb(sys_ + ".1.0", ber_str(b"Linux agent 6.18.0 x86_64")),
                                                 vb(sys_ + ".3.0", ber_app(3, 4242042)),
                                                 vb(sys_ + ".5.0", ber_str(b"agent"))])), {}),
        (True, msg(1, b"netops", pdu(1, 1002, [vb(if_ + ".10"), vb(if_ + ".16")])), {}),
        (False, msg(1, b"netops", pdu(2, 1002, [vb(if_ + ".10.1", ber_app(1, 3000000000)),
                                                 vb(if_ + ".16.1", ber_app(1, 123456))])), {}),
        (True, msg(1, b"netops", ber(0xA5, ber_int(1003) + ber_int(0) + ber_int(4) +
                                     ber_seq(vb("1.3.6.1.2.1.31.1.1.1.6")))), {}),
        (False, msg(1, b"netops", pdu(2, 1003, [vb("1.3.6.1.2.1.31.1.1.1.6.1", ber_app(6, 2 ** 40 + 17)),
                                                 vb("1.3.6.1.2.1.31.1.1.1.6.2", ber_app(6, 99)),
                                                 vb("1.3.6.1.2.1.4.20.1.1.192.0.2.20", ber_app(0, bytes([192, 0, 2, 20]))),
                                                 vb("1.3.6.1.2.1.31.1.1.1.6.3", b"\x82\x00")])), {}),
        (True, msg(1, b"private", pdu(3, 1004, [vb(sys_ + ".6.0", ber_str(b"rack 7")),
                                                 vb(sys_ + ".4.0", ber_str(b"\x00\x01ops"))])), {}),
        (False, msg(1, b"private", pdu(2, 1004, [vb(sys_ + ".6.0", ber_str(b"rack 7")),
                                                  vb(sys_ + ".4.0", ber_str(b"\x00\x01ops"))], status=17, index=2)), {}),
        (True, msg(1, b"netops", pdu(0, 1005, [vb(sys_ + ".9.0"), vb("1.3.6.1.2.1.99.1.0")])), {}),
        (False, msg(1, b"netops", pdu(2, 1005, [vb(sys_ + ".9.0", b"\x80\x00"), vb("1.3.6.1.2.1.99.1.0", b"\x81\x00")])), {}),
        # SNMPv3: discovery (noAuthNoPriv, reportable), the agent's report, a request as "monitor".
        (True, v3(7001, 0x04, usm_empty, b"", pdu(0, 2001, [])), {}),
        (False, v3(7001, 0x00, usm_agent, engine, ber(0xA8, ber_int(2001) + ber_int(0) + ber_int(0) +
                                                       ber_seq(vb("1.3.6.1.6.3.15.1.1.4.0", ber_app(1, 1))))), {}),
        (True, v3(7002, 0x04, usm_user, engine, pdu(0, 2002, [vb(sys_ + ".3.0")])), {}),
        (False, v3(7002, 0x00, usm_user, engine, pdu(2, 2002, [vb(sys_ + ".3.0", ber_app(3, 4242142))])), {}),
        # Notifications from the agent to the manager's port 162.
        (False, msg(0, b"public", trap_v1), {"sport": 162, "dport": 41162}),
        (False, msg(1, b"public", pdu(7, 3001, [vb(sys_ + ".3.0", ber_app(3, 4242242)),
                                                 vb("1.3.6.1.6.3.1.1.4.1.0", ber_oid("1.3.6.1.6.3.1.1.5.4")),
                                                 vb(if_ + ".1.2", ber_int(2))])), {"sport": 162, "dport": 41162}),
        (False, msg(1, b"public", pdu(6, 3002, [vb(sys_ + ".3.0", ber_app(3, 4242342)),
                                                 vb("1.3.6.1.6.3.1.1.4.1.0", ber_oid("1.3.6.1.6.3.1.1.5.3"))])), {"sport": 162, "dport": 41162}),
        (True, msg(1, b"public", pdu(2, 3002, [vb(sys_ + ".3.0", ber_app(3, 4242342)),
                                                vb("1.3.6.1.6.3.1.1.4.1.0", ber_oid("1.3.6.1.6.3.1.1.5.3"))])), {"sport": 162, "dport": 41162}),
        # Damaged: captured 60 bytes of a longer request; a request whose last length runs past
        # the message; version 5.
        (True, msg(1, b"netops", pdu(0, 1006, [vb(sys_ + ".1.0"), vb(sys_ + ".2.0")])), {"cut": 60}),
        (True, msg(1, b"netops", pdu(0, 1007, [vb(sys_ + ".1.0")]))[:-2] + b"\x05\x04", {}),
        (True, ber_seq(ber_int(5), ber_str(b"public")), {}),
    ]
    for i, (fwd, body, kw) in enumerate(msgs):
        out.append((t0 + i // 2, 1000 * (i % 2) + 250, frame(fwd, body, **kw)))
    return out


def l2tp_control_packets(t0):
    """An L2TPv2 control connection (RFC 2661 5.1, 5.2): the LAC (192.0.2.1) opens a tunnel
    (SCCRQ, SCCRP with a challenge, SCCCN with the response, a ZLB acknowledgment), an incoming
    call (ICRQ, ICRP, ICCN with proxy authentication), a HELLO, then the call and the tunnel
    are torn down (CDN, StopCCN). One vendor-specific and one hidden AVP; the last frame is cut
    short by the snap length inside an AVP."""
    def avp(attr, val, m=True, hidden=False, vendor=0):
        flags = (0x8000 if m else 0) | (0x4000 if hidden else 0)
        return struct.pack("!HHH", flags | (6 + len(val)), vendor, attr) + val

    def u16(v):
        return struct.pack("!H", v)

    def u32(v):
        return struct.pack("!I", v)

    def ctl(tunnel, session, ns, nr, avps):
        body = b"".join(avps)
        return struct.pack("!HHHHHH", 0xC802, 12 + len(body), tunnel, session, ns, nr) + body

    lac, lns = True, False
    msgs = [
        (lac, ctl(0, 0, 0, 0, [avp(0, u16(1)), avp(2, u16(0x0100)), avp(3, u32(3)), avp(4, u32(3)),
                               avp(5, bytes.fromhex("5a17c3e0019b44d2")), avp(6, u16(0x0690), m=False),
                               avp(7, b"lac1.example.net"), avp(8, b"tcplens", m=False), avp(9, u16(41)),
                               avp(10, u16(8))])),
        (lns, ctl(41, 0, 0, 1, [avp(0, u16(2)), avp(2, u16(0x0100)), avp(3, u32(1)), avp(7, b"lns"),
                                avp(9, u16(17)), avp(10, u16(4)),
                                avp(11, bytes.fromhex("8c3e91d2b6a04f1c")),
                                avp(13, bytes.fromhex("0f1e2d3c4b5a69788796a5b4c3d2e1f0")),
                                avp(1, u16(0x0102), m=False, vendor=9)])),
        (lac, ctl(17, 0, 1, 1, [avp(0, u16(3)), avp(13, bytes.fromhex("00112233445566778899aabbccddeeff"))])),
        (lns, ctl(41, 0, 1, 2, [])),
        (lac, ctl(17, 0, 2, 1, [avp(0, u16(10)), avp(14, u16(5)), avp(15, u32(3151)), avp(18, u32(2)),
                                avp(22, b"5550100"), avp(21, b"5550199")])),
        (lns, ctl(41, 5, 1, 3, [avp(0, u16(11)), avp(14, u16(9))])),
        (lac, ctl(17, 9, 3, 2, [avp(0, u16(12)), avp(24, u32(100000000)), avp(19, u32(1)),
                                avp(26, bytes.fromhex("0101000e0506a1b2c3d40304c023")),
                                avp(29, u16(2)), avp(30, b"alice"), avp(31, bytes.fromhex("42a1c3")),
                                avp(32, u16(1)), avp(33, bytes.fromhex("9f8e7d6c")), avp(38, u32(100000000)),
                                avp(39, b""), avp(30, b"alice@corp", hidden=True)])),
        (lns, ctl(41, 0, 2, 4, [])),
        (lac, ctl(17, 0, 4, 2, [avp(0, u16(6))])),
        (lns, ctl(41, 5, 2, 5, [avp(0, u16(14)), avp(1, u16(3) + u16(0) + b"idle timeout"), avp(14, u16(9)),
                                avp(46, u16(1) + u16(0xC021) + b"\x01" + b"peer closed"),
                                avp(12, u16(16) + b"\x00")])),
        (lac, ctl(17, 0, 5, 3, [avp(0, u16(4)), avp(1, u16(1)), avp(9, u16(41))])),
        (lns, ctl(41, 0, 3, 6, [])),
    ]
    out = []
    for i, (from_lac, body) in enumerate(msgs):
        a, b = (OUT_A, OUT_B) if from_lac else (OUT_B, OUT_A)
        fr = eth_out(from_lac, 0x0800, ipv4(a, b, 17, udp(1701, 1701, body, a, b), 0x6000 + i))
        out.append((t0 + i // 3, 20000 * (i % 3), fr))
    # A second HELLO, captured only up to the middle of its Message Type AVP.
    a, b = OUT_A, OUT_B
    hello = ctl(17, 0, 6, 3, [avp(0, u16(6))])
    out.append((t0 + 5, 0, eth_out(True, 0x0800, ipv4(a, b, 17, udp(1701, 1701, hello, a, b), 0x6100))[:14 + 20 + 8 + 12 + 4]))
    return out


PPP_PROTO = {0x0800: 0x0021, 0x86DD: 0x0057}


def ppp_cp(proto, code, ident, body):
    """A PPP control packet (RFC 1661 5) in HDLC-like framing: address, control, protocol."""
    return b"\xff\x03" + struct.pack("!HBBH", proto, code, ident, 4 + len(body)) + body


def ppp_opt(kind, value):
    return bytes([kind, 2 + len(value)]) + value


def ppp_session_packets(pk):
    """A PPP link as pppd brings it up (RFC 1661 3.2): LCP negotiation with a Nak, CHAP
    (RFC 1994), IPCP with the peer's address and DNS servers assigned by Nak (RFC 1332, 1877),
    IP6CP interface identifiers (RFC 5072), CCP refused with a Protocol-Reject; then the real
    TCP of real-tcp.pcap, an LCP echo, and the link taken down (Terminate)."""
    LCP, IPCP, IP6CP, CCP, CHAP = 0xC021, 0x8021, 0x8057, 0x80FD, 0xC223
    u16 = lambda v: struct.pack("!H", v)
    u32 = lambda v: struct.pack("!I", v)
    ip4 = lambda a: bytes(map(int, a.split(".")))
    magic_a, magic_b = 0x3A9C51E2, 0x7F04B6D1
    client = [
        ppp_cp(LCP, 1, 1, ppp_opt(1, u16(1500)) + ppp_opt(2, u32(0)) + ppp_opt(5, u32(magic_a)) + ppp_opt(7, b"") + ppp_opt(8, b"")),
        ppp_cp(LCP, 2, 1, ppp_opt(1, u16(1492)) + ppp_opt(3, u16(CHAP) + b"\x05") + ppp_opt(5, u32(magic_b))),
        ppp_cp(LCP, 1, 2, ppp_opt(1, u16(1492)) + ppp_opt(2, u32(0)) + ppp_opt(5, u32(magic_a)) + ppp_opt(7, b"") + ppp_opt(8, b"")),
        b"\xff\x03" + struct.pack("!HBBH", CHAP, 2, 1, 4 + 1 + 16 + 5) + b"\x10" + bytes.fromhex("6b1f0e9a2c3d4e5f60718293a4b5c6d7") + b"alice",
        ppp_cp(IPCP, 1, 1, ppp_opt(3, ip4("0.0.0.0")) + ppp_opt(129, ip4("0.0.0.0")) + ppp_opt(131, ip4("0.0.0.0"))),
        ppp_cp(IPCP, 1, 2, ppp_opt(3, ip4("10.77.0.1")) + ppp_opt(129, ip4("192.0.2.53")) + ppp_opt(131, ip4("192.0.2.54"))),
        ppp_cp(IPCP, 2, 1, ppp_opt(3, ip4("10.77.0.2"))),
        ppp_cp(IP6CP, 1, 1, ppp_opt(1, bytes.fromhex("0000000000000001"))),
        ppp_cp(IP6CP, 2, 1, ppp_opt(1, bytes.fromhex("0000000000000002"))),
        ppp_cp(CCP, 1, 1, ppp_opt(26, b"\x78\x00") + ppp_opt(21, b"\x2f")),
    ]
    server = [
        ppp_cp(LCP, 1, 1, ppp_opt(1, u16(1492)) + ppp_opt(3, u16(CHAP) + b"\x05") + ppp_opt(5, u32(magic_b))),
        ppp_cp(LCP, 3, 1, ppp_opt(1, u16(1492))),
        ppp_cp(LCP, 2, 2, ppp_opt(1, u16(1492)) + ppp_opt(2, u32(0)) + ppp_opt(5, u32(magic_a)) + ppp_opt(7, b"") + ppp_opt(8, b"")),
        b"\xff\x03" + struct.pack("!HBBH", CHAP, 1, 1, 4 + 1 + 16 + 3) + b"\x10" + bytes.fromhex("0c9a7d3e51f2086b4da1c37e92b05f18") + b"lns",
        b"\xff\x03" + struct.pack("!HBBH", CHAP, 3, 1, 4 + 16) + b"Access granted\r\n",
        ppp_cp(IPCP, 1, 1, ppp_opt(3, ip4("10.77.0.2"))),
        ppp_cp(IPCP, 3, 1, ppp_opt(3, ip4("10.77.0.1")) + ppp_opt(129, ip4("192.0.2.53")) + ppp_opt(131, ip4("192.0.2.54"))),
        ppp_cp(IPCP, 2, 2, ppp_opt(3, ip4("10.77.0.1")) + ppp_opt(129, ip4("192.0.2.53")) + ppp_opt(131, ip4("192.0.2.54"))),
        ppp_cp(LCP, 8, 3, u16(CCP) + ppp_cp(CCP, 1, 1, ppp_opt(26, b"\x78\x00"))[4:]),
    ]
    # Interleave as the two ends would send them: the server starts LCP, the client answers.
    order = [("s", 0), ("c", 0), ("c", 1), ("s", 1), ("c", 2), ("s", 2), ("s", 3), ("c", 3), ("s", 4),
             ("c", 4), ("s", 5), ("s", 6), ("c", 5), ("s", 7), ("c", 6), ("c", 7), ("c", 8), ("c", 9), ("s", 8)]
    s0, u0 = pk[0][0], pk[0][1]
    out = [(s0 - 1, u0 + 1000 * i, (client if who == "c" else server)[n]) for i, (who, n) in enumerate(order)]
    out += [(s, u, b"\xff\x03" + struct.pack("!H", PPP_PROTO[t]) + ip) for s, u, fr, ip, t, f in pk]
    s1 = pk[-1][0] + 1
    out += [
        (s1, 0, ppp_cp(LCP, 9, 4, u32(magic_b))),
        (s1, 500, ppp_cp(LCP, 10, 4, u32(magic_a))),
        (s1 + 1, 0, ppp_cp(LCP, 5, 5, b"User request")),
        (s1 + 1, 800, ppp_cp(LCP, 6, 5, b"")),
    ]
    return out


def ppp_multilink_packets(t0):
    """A multilink bundle (RFC 1990) on a second link: LCP with MRRU, short sequence numbers
    and an endpoint discriminator, PAP (RFC 1334), BACP (RFC 2125) with a favoured peer, a
    BAP call request, multilink fragments (begin, middle, end) and an LCP Identification."""
    LCP, PAP, BACP, BAP, MLPPP = 0xC021, 0xC023, 0xC02B, 0xC02D, 0x003D
    u16 = lambda v: struct.pack("!H", v)
    u32 = lambda v: struct.pack("!I", v)
    pap = lambda code, body: b"\xff\x03" + struct.pack("!HBBH", PAP, code, 7, 4 + len(body)) + body
    frames = [
        ppp_cp(LCP, 1, 1, ppp_opt(1, u16(1500)) + ppp_opt(3, u16(PAP)) + ppp_opt(5, u32(0x11C0FFEE)) +
               ppp_opt(17, u16(1524)) + ppp_opt(18, b"") + ppp_opt(19, b"\x03" + MAC_A)),
        ppp_cp(LCP, 4, 1, ppp_opt(18, b"")),
        ppp_cp(LCP, 1, 2, ppp_opt(1, u16(1500)) + ppp_opt(3, u16(PAP)) + ppp_opt(5, u32(0x11C0FFEE)) +
               ppp_opt(17, u16(1524)) + ppp_opt(19, b"\x02" + bytes([192, 0, 2, 1]))),
        ppp_cp(LCP, 2, 2, ppp_opt(1, u16(1500)) + ppp_opt(3, u16(PAP)) + ppp_opt(5, u32(0x11C0FFEE)) +
               ppp_opt(17, u16(1524)) + ppp_opt(19, b"\x02" + bytes([192, 0, 2, 1]))),
        pap(1, b"\x05alice\x08s3cr3t!!"),
        pap(2, b"\x0bLogin ok.\r\n"),
        ppp_cp(BACP, 1, 1, ppp_opt(1, u32(0x0BADCAFE))),
        ppp_cp(BACP, 2, 1, ppp_opt(1, u32(0x0BADCAFE))),
        b"\xff\x03" + u16(BAP) + bytes([1, 1]) + u16(12) + bytes([1, 6, 0, 64, 0, 1]) + bytes([5, 2]),
        ppp_cp(LCP, 12, 3, u32(0x11C0FFEE) + b"ppp-gw 2.4.9"),
        b"\xff\x03" + u16(MLPPP) + u16(0x8000 | 1) + b"\x00\x21" + bytes(20),
        b"\xff\x03" + u16(MLPPP) + u16(2) + bytes(24),
        b"\xff\x03" + u16(MLPPP) + u16(0x4000 | 3) + bytes(8),
        pap(3, b"\x0dNot accepted."),
    ]
    return [(t0 + i // 4, 250000 * (i % 4), fr) for i, fr in enumerate(frames)]


def rip_packets(t0):
    """RIP between two routers (RFC 1058, RFC 2453): a RIPv2 request for the whole table
    (RFC 2453 3.9.1), the multicast responses, one with simple password authentication and
    one with keyed MD5 (RFC 4822: authentication header and trailer), a RIPv1 broadcast
    response and a route withdrawn with metric 16; the last response cut by the snap length."""
    ip4 = lambda a: bytes(map(int, a.split(".")))
    r1, r2 = "192.0.2.1", "192.0.2.2"

    def v2(family, tag, dst, mask, nh, metric):
        return struct.pack("!HH", family, tag) + ip4(dst) + ip4(mask) + ip4(nh) + struct.pack("!I", metric)

    def v1(dst, metric):
        return struct.pack("!HH", 2, 0) + ip4(dst) + bytes(8) + struct.pack("!I", metric)

    routes = (v2(2, 0, "10.1.0.0", "255.255.0.0", "0.0.0.0", 1) + v2(2, 0, "10.2.0.0", "255.255.255.0", "192.0.2.3", 2) +
              v2(2, 0x00c8, "198.51.100.0", "255.255.255.128", "0.0.0.0", 3))
    md5_body = (struct.pack("!HH", 0xFFFF, 3) + struct.pack("!HBBI", 4 + 20 + 40, 1, 20, 1001) + bytes(8) +
                v2(2, 0, "10.1.0.0", "255.255.0.0", "0.0.0.0", 1) + v2(2, 0, "10.2.0.0", "255.255.255.0", "0.0.0.0", 2))
    msgs = [
        (r1, "224.0.0.9", b"\x01\x02\x00\x00" + v2(0, 0, "0.0.0.0", "0.0.0.0", "0.0.0.0", 16)),
        (r2, r1, b"\x02\x02\x00\x00" + routes),
        (r2, "224.0.0.9", b"\x02\x02\x00\x00" + struct.pack("!HH", 0xFFFF, 2) + b"rip-key\0\0\0\0\0\0\0\0\0" + routes),
        (r2, "224.0.0.9", b"\x02\x02\x00\x00" + md5_body + struct.pack("!HH", 0xFFFF, 1) +
         bytes.fromhex("a3f1c2d4e5b6978812345678deadbeef")),
        (r1, "192.0.2.255", b"\x02\x01\x00\x00" + v1("10.5.0.0", 1) + v1("10.6.0.0", 4)),
        (r2, "224.0.0.9", b"\x02\x02\x00\x00" + v2(2, 0, "10.2.0.0", "255.255.255.0", "0.0.0.0", 16)),
    ]
    out = []
    for i, (a, b, body) in enumerate(msgs):
        fwd = a == r1
        fr = eth_out(fwd, 0x0800, ipv4(a, b, 17, udp(520, 520, body, a, b), 0x7000 + i, ttl=1 if b != r1 else 64))
        out.append((t0 + i * 5, 1000 * i, fr))
    a, b = r2, "224.0.0.9"
    cut = eth_out(False, 0x0800, ipv4(a, b, 17, udp(520, 520, b"\x02\x02\x00\x00" + routes, a, b), 0x7010, ttl=1))
    out.append((t0 + 30, 0, cut[:14 + 20 + 8 + 4 + 20 + 12]))
    return out


def ntp_packets(t0):
    """NTP (RFC 5905): a client's request and the server's reply (stratum 2, reference an
    IPv4 server), a stratum 1 broadcast naming its clock (GPS), a symmetric peer's packet
    with a key id and SHA-1 digest (RFC 5905 7.3), an ntpq read-variables request and reply
    (mode 6, RFC 9327), and a reply cut short by the snap length."""
    cl, sv = "192.0.2.1", "192.0.2.2"

    def ts(sec, frac=0):
        return struct.pack("!II", sec, frac)

    def msg(li, mode, stratum, poll, prec, delay, disp, refid, ref, org, rec, xmt, extra=b""):
        return struct.pack("!BBbbII4s", (li << 6) | (4 << 3) | mode, stratum, poll, prec, delay, disp, refid) + ref + org + rec + xmt + extra

    now = 0xED2B4B2C  # 2026-02-02T16:11:24Z
    msgs = [
        (True, msg(0, 3, 0, 6, -20, 0, 0, b"\0\0\0\0", ts(0), ts(0), ts(0), ts(now, 0x80000000))),
        (False, msg(0, 4, 2, 6, -24, 0x0000_0A3D, 0x0000_1F52, bytes([198, 51, 100, 7]), ts(now - 300, 0x1234_5678),
                    ts(now, 0x80000000), ts(now, 0x8123_4567), ts(now, 0x8124_0000))),
        (False, msg(0, 5, 1, 4, -29, 0, 0x0000_0010, b"GPS\0", ts(now - 16), ts(0), ts(0), ts(now + 1, 0x00100000))),
        (True, msg(0, 1, 3, 10, -20, 0x0001_8000, 0x0000_4000, bytes([192, 0, 2, 2]), ts(now - 60), ts(now, 0x8124_0000),
                   ts(now + 2, 0x1000_0000), ts(now + 2, 0x1001_0000), struct.pack("!I", 17) + bytes.fromhex("5f2d8c3e91a7b4c0d1e2f30415263748596a7b8c"))),
        (True, struct.pack("!BBHHHHH", (4 << 3) | 6, 2, 1, 0, 0, 0, 0)),
        (False, struct.pack("!BBHHHHH", (4 << 3) | 6, 0x82, 1, 0x0615, 0, 0, 24) + b"version=\"ntpd 4.2.8p15\"\0\0"[:24]),
    ]
    out = []
    for i, (fwd, body) in enumerate(msgs):
        a, b = (cl, sv) if fwd else (sv, cl)
        sp, dp = (40123, 123) if fwd and i >= 4 else (123, 40123) if i >= 4 else (123, 123)
        out.append((t0 + i, 0, eth_out(fwd, 0x0800, ipv4(a, b, 17, udp(sp, dp, body, a, b), 0x7100 + i))))
    cut = eth_out(False, 0x0800, ipv4(sv, cl, 17, udp(123, 123, msgs[1][1], sv, cl), 0x7110))
    out.append((t0 + 8, 0, cut[:14 + 20 + 8 + 36]))
    return out


def ip4(a):
    return bytes(map(int, a.split(".")))


def dhcp_opt(tag, value):
    return bytes([tag, len(value)]) + value


def bootp_msg(op, xid, chaddr, opts, secs=0, flags=0, ciaddr="0.0.0.0", yiaddr="0.0.0.0",
              siaddr="0.0.0.0", giaddr="0.0.0.0", hops=0, htype=1, hlen=6, sname=b"", file=b"",
              vend=b"\x63\x82\x53\x63"):
    """A BOOTP message (RFC 951 3, RFC 2131 2); opts already encoded, END appended."""
    h = struct.pack("!BBBBIHH", op, htype, hlen, hops, xid, secs, flags)
    h += ip4(ciaddr) + ip4(yiaddr) + ip4(siaddr) + ip4(giaddr)
    h += chaddr.ljust(16, b"\0") + sname.ljust(64, b"\0") + file.ljust(128, b"\0")
    body = vend + opts
    if vend == b"\x63\x82\x53\x63":
        body += b"\xff"
    return h + body.ljust(64, b"\0")


def dhcp_packets(t0):
    """DHCP (RFC 2131, options RFC 2132 and later) as real clients and servers send it:
    dhclient's DISCOVER and dnsmasq's OFFER, systemd-networkd's REQUEST (RFC 4361 client
    identifier) and the ACK, a Windows REQUEST (client FQDN, vendor class "MSFT 5.0"), a NAK
    with a message, RELEASE, INFORM and its ACK, a DISCOVER and OFFER through a relay agent
    (giaddr, hops, option 82 with circuit, remote and vendor sub-options), an ACK with
    classless static routes, options of every printing kind and malformed lengths, a plain
    BOOTP reply with sname and file, a CMU vendor area, an unknown vendor magic, a
    token-ring client and an ACK of odd values."""
    mac_c = bytes.fromhex("5254001234ab")
    mac_w = bytes.fromhex("001dd8b71c02")
    srv, cl, bc, zero = "192.168.7.1", "192.168.7.50", "255.255.255.255", "0.0.0.0"
    o = dhcp_opt
    mt = lambda t: o(53, bytes([t]))
    u32 = lambda v: struct.pack("!I", v)
    dhclient_prl = bytes([1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42])
    networkd_cid = b"\xff" + bytes.fromhex("b3a1c2d4") + bytes.fromhex("0002000000ab11f3c2d41e5b7a")
    server_opts = (o(54, ip4(srv)) + o(51, u32(43200)) + o(58, u32(21600)) + o(59, u32(37800))
                   + o(1, ip4("255.255.255.0")) + o(28, ip4("192.168.7.255")) + o(3, ip4(srv))
                   + o(6, ip4(srv) + ip4("9.9.9.9")) + o(15, b"lan"))
    msgs = [
        # dhclient DISCOVER
        (True, zero, bc, bootp_msg(1, 0x6d1e9a21, mac_c, mt(1) + o(50, ip4(cl)) + o(12, b"debian")
                                   + o(55, dhclient_prl))),
        # dnsmasq OFFER
        (False, srv, cl, bootp_msg(2, 0x6d1e9a21, mac_c, mt(2) + server_opts, yiaddr=cl, siaddr=srv)),
        # systemd-networkd REQUEST: RFC 4361 client id (type 255, IAID, DUID-EN), MSZ
        (True, zero, bc, bootp_msg(1, 0x3f0b52c7, mac_c, mt(3) + o(61, networkd_cid) + o(57, struct.pack("!H", 1472))
                                   + o(50, ip4(cl)) + o(54, ip4(srv)) + o(12, b"nspawn-01")
                                   + o(55, bytes([1, 3, 6, 12, 15, 28, 42, 100, 101, 119, 121, 249, 252])),
                                   secs=3, flags=0x8000)),
        # dnsmasq ACK
        (False, srv, bc, bootp_msg(2, 0x3f0b52c7, mac_c, mt(5) + server_opts + o(42, ip4("192.168.7.1")),
                                   yiaddr=cl, flags=0x8000)),
        # Windows 10 REQUEST: client id type 1, FQDN (flags S, rcodes 0), vendor class
        (True, zero, bc, bootp_msg(1, 0x1c2d3e4f, mac_w, mt(3) + o(61, b"\x01" + mac_w) + o(50, ip4("192.168.7.61"))
                                   + o(54, ip4(srv)) + o(12, b"DESKTOP-7Q2B")
                                   + o(81, b"\x00\x00\x00DESKTOP-7Q2B.corp.example") + o(60, b"MSFT 5.0")
                                   + o(55, bytes([1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252])),
                                   secs=0)),
        # NAK with a message
        (False, srv, bc, bootp_msg(2, 0x1c2d3e4f, mac_w, mt(6) + o(54, ip4(srv)) + o(56, b"wrong network"))),
        # RELEASE from a bound client
        (True, "192.168.7.61", srv, bootp_msg(1, 0x77aa0012, mac_w, mt(7) + o(54, ip4(srv)) + o(61, b"\x01" + mac_w),
                                              ciaddr="192.168.7.61")),
        # INFORM and its ACK
        (True, cl, bc, bootp_msg(1, 0x0badcafe, mac_c, mt(8) + o(61, b"\x00printer-3") + o(60, b"HP LaserJet")
                                 + o(55, bytes([1, 15, 6, 44, 46, 47, 31, 33, 249, 43, 252])), ciaddr=cl)),
        (False, srv, cl, bootp_msg(2, 0x0badcafe, mac_c, mt(5) + o(54, ip4(srv)) + o(1, ip4("255.255.255.0"))
                                   + o(15, b"lan") + o(6, ip4(srv)) + o(44, ip4(srv)) + o(46, b"\x08")
                                   + o(252, b"http://wpad.lan/wpad.dat\n"), ciaddr=cl)),
        # Through a relay agent: giaddr, hops, option 82 (circuit, remote, a vendor sub-option)
        (True, "10.20.0.1", srv, bootp_msg(1, 0x5e5e0001, mac_c, mt(1) + o(55, bytes([1, 3, 6]))
                                           + o(82, b"\x01\x08eth0:100\x02\x06" + mac_c + b"\x09\x05\x00\x00\x0d\xe9\x00"),
                                           hops=1, giaddr="10.20.0.1")),
        (False, srv, "10.20.0.1", bootp_msg(2, 0x5e5e0001, mac_c, mt(2) + server_opts
                                            + o(82, b"\x01\x08eth0:100\x02\x06" + mac_c),
                                            yiaddr="10.20.0.77", giaddr="10.20.0.1", hops=1)),
        # An ACK with routes, times, booleans, pairs, user class, overload, FQDN flags, and bad lengths
        (False, srv, cl, bootp_msg(2, 0x42424242, mac_c, mt(5) + o(54, ip4(srv))
                                   + o(121, b"\x18\xc0\xa8\x08" + ip4("192.168.7.254") + b"\x00" + ip4(srv) + b"\x20" + ip4("10.1.2.3") + ip4(srv))
                                   + o(249, b"\x08\x0a" + ip4(srv)) + o(2, struct.pack("!i", -18000))
                                   + o(33, ip4("10.9.0.0") + ip4(srv)) + o(19, b"\x00") + o(31, b"\x01") + o(23, b"\x40")
                                   + o(26, struct.pack("!H", 1500)) + o(43, b"\x01\x04\x00\x00\x00\x01") + o(52, b"\x03")
                                   + o(77, b"\x05class\x03abc") + o(81, b"\x15\xff\x00host.example") + o(47, b"scope")
                                   + o(119, b"\x03lan\x00") + o(61, b"\x06\x01\x02\x03\x04\x05\x06") + o(53, b"\x09")
                                   + o(121, b"\x21\x01\x02\x03\x04\x05\x06\x07\x08") + o(50, b"\x01\x02")
                                   + o(224, b"\x01\x02\x03\x04") + o(225, b"\x01\x02") + o(77, b"\x00\x01")
                                   + o(82, b"\x01\x09ab") + o(81, b"\x01"), yiaddr=cl)),
        # Plain BOOTP (RFC 951): a reply with server name and boot file
        (False, srv, cl, bootp_msg(2, 0x00001234, mac_c, b"", yiaddr=cl, siaddr=srv, sname=b"tftp.lan",
                                   file=b"pxelinux.0", vend=b"\x63\x82\x53\x63" + o(1, ip4("255.255.255.0")))),
        # CMU vendor area (flags with SM set, gateway, mask, a name server)
        (False, srv, cl, bootp_msg(2, 0x00001235, mac_c, b"", yiaddr=cl,
                                   vend=b"CMU\0" + u32(0x01000000) + ip4("255.255.0.0") + ip4(srv) + ip4("9.9.9.9") + bytes(4) + bytes(24))),
        # An unknown vendor magic, and a token-ring (htype 6) client with hops
        (True, zero, bc, bootp_msg(1, 0x00001236, mac_c, b"", vend=b"\x01\x02\x03\x04")),
        (True, zero, bc, bootp_msg(1, 0x00001237, mac_c, mt(1), htype=6, hlen=6, hops=2)),
        # More odd values: an unknown hardware type in the client ID, a subscriber ID, a
        # zero-length user class instance, a route mask wider than 32, unnamed node and
        # overload values
        (False, srv, cl, bootp_msg(2, 0x00001238, mac_c, mt(5) + o(61, b"\x20\xaa\xbb") + o(82, b"\x06\x03sub")
                                   + o(77, b"\x00\x01") + o(121, b"\x28\x01\x02\x03\x04\x05\x06") + o(46, b"\x03")
                                   + o(52, b"\x09") + o(83, b"\x01\x02\x03"), yiaddr=cl)),
    ]
    out = []
    for i, (fwd, a, b, body) in enumerate(msgs):
        sp, dp = (68, 67) if fwd else (67, 68)
        if a == "10.20.0.1" or b == "10.20.0.1":
            sp, dp = 67, 67
        out.append((t0 + i, 0, eth_out(fwd, 0x0800, ipv4(a, b, 17, udp(sp, dp, body, a, b), 0x7200 + i))))
    return out


def dhcp6_opt(code, value):
    return struct.pack("!HH", code, len(value)) + value


def dhcp6_packets(t0):
    """DHCPv6 (RFC 8415): a SOLICIT with IA_NA and IA_PD as dhclient and systemd-networkd send
    it, dnsmasq's ADVERTISE, REQUEST, REPLY, RENEW, REBIND, RELEASE, DECLINE, CONFIRM, an
    INFORMATION-REQUEST and its REPLY, a RECONFIGURE with its key, a relay-forward and
    relay-reply carrying a SOLICIT and an ADVERTISE (interface and remote IDs), and options of
    every kind tcpdump knows (DUIDs of each type, authentication, NTP server, AFTR name, time
    zones, vendor options, leasequery, reconfigure keys) and malformed lengths."""
    o = dhcp6_opt
    u16 = lambda v: struct.pack("!H", v)
    u32 = lambda v: struct.pack("!I", v)
    hdr = lambda t, xid: struct.pack("!I", (t << 24) | xid)
    duid_llt = o(1, u16(1) + u16(1) + u32(0x2c3d4e5f) + bytes.fromhex("5254001234ab"))
    duid_ll = o(2, u16(3) + u16(1) + bytes.fromhex("525400aabbcc"))
    addr = ip6addr("2001:db8:7::1a2b")
    iaaddr = o(5, addr + u32(3600) + u32(7200))
    iaprefix = o(26, u32(3600) + u32(7200) + bytes([56]) + ip6addr("2001:db8:7700::"))
    ia_na = lambda extra=b"": o(3, u32(0x0a1b2c3d) + u32(0) + u32(0) + extra)
    ia_pd = lambda extra=b"": o(25, u32(1) + u32(0) + u32(0) + extra)
    oro = o(6, u16(23) + u16(24) + u16(56) + u16(31) + u16(64) + u16(82))
    dns = o(23, ip6addr("2001:db8:7::1") + ip6addr("2606:4700:4700::1111"))
    domains = o(24, b"\x03lan\x00\x07example\x03org\x00")
    st = lambda code, msg=b"": o(13, u16(code) + msg)
    cl, srv, mc = "fe80::5054:ff:fe12:34ab", "fe80::5054:ff:feaa:bbcc", "ff02::1:2"
    solicit = hdr(1, 0x5a1c3e) + duid_llt + o(8, u16(0)) + o(14, b"") + ia_na() + ia_pd(
        o(26, u32(0) + u32(0) + bytes([56]) + bytes(16))) + oro + o(39, b"\x01\x06debian\x00")
    advertise = hdr(2, 0x5a1c3e) + ia_na(iaaddr) + ia_pd(iaprefix) + duid_llt + duid_ll + o(7, b"\xff") + dns + domains
    msgs = [
        (True, cl, mc, solicit),
        (False, srv, cl, advertise),
        (True, cl, mc, hdr(3, 0x71aa02) + duid_llt + duid_ll + o(8, u16(100)) + ia_na(iaaddr) + oro
         + o(15, u16(5) + b"class" + u16(2) + b"ab") + o(16, u32(311) + u16(8) + b"MSFT 5.0")),
        (False, srv, cl, hdr(7, 0x71aa02) + ia_na(iaaddr) + ia_pd(iaprefix + st(0, b"all good")) + duid_llt + duid_ll
         + dns + domains + o(31, ip6addr("2001:db8:7::123")) + st(0, b"success")),
        (True, cl, mc, hdr(5, 0x0c0d0e) + duid_llt + duid_ll + o(8, u16(0)) + ia_na(iaaddr) + ia_pd(iaprefix) + oro),
        (True, cl, mc, hdr(6, 0x0c0d0f) + duid_llt + o(8, u16(3000)) + ia_na(iaaddr)),
        (True, cl, mc, hdr(8, 0x0c0d10) + duid_llt + duid_ll + ia_na(iaaddr)),
        (True, cl, mc, hdr(9, 0x0c0d11) + duid_llt + duid_ll + ia_na(iaaddr)),
        (True, cl, mc, hdr(4, 0x0c0d12) + duid_llt + ia_na(iaaddr)),
        # INFORMATION-REQUEST and REPLY (information refresh time, RFC 8415 21.23)
        (True, cl, mc, hdr(11, 0x33e1f0) + duid_llt + o(8, u16(0)) + oro),
        (False, srv, cl, hdr(7, 0x33e1f0) + duid_ll + duid_llt + dns + domains + o(32, u32(86400))
         + o(56, u16(1) + u16(16) + ip6addr("2001:db8:7::123") + u16(3) + u16(13) + b"\x03ntp\x03lan\x00\x00\x00\x00"[:13])
         + o(64, b"\x04aftr\x03lan\x00") + o(41, b"CET-1CEST") + o(42, b"Europe/Berlin") + o(112, b"https://mud.lan/x")),
        # RECONFIGURE (reconfigure key authentication, RFC 8415 20.4)
        (False, srv, cl, hdr(10, 0) + duid_ll + duid_llt + o(19, b"\x05")
         + o(11, b"\x03\x01\x00" + bytes.fromhex("0000000000000001") + b"\x02" + bytes(range(16)))),
        # relay-forward with the client's SOLICIT, relay-reply with the ADVERTISE
        (True, "2001:db8:20::1", "2001:db8:7::1", struct.pack("!BB", 12, 0) + ip6addr("2001:db8:20::1") + ip6addr(cl)
         + o(18, b"eth0.100") + o(37, u32(9) + bytes.fromhex("0102030405060708090a0b0c")) + o(9, solicit)),
        (False, "2001:db8:7::1", "2001:db8:20::1", struct.pack("!BB", 13, 0) + ip6addr("2001:db8:20::1") + ip6addr(cl)
         + o(18, b"eth0.100") + o(9, advertise)),
        # DUID-EN, DUID-UUID, an unknown DUID type, delayed authentication, vendor options,
        # leasequery, and lengths tcpdump calls "?"
        (False, srv, cl, hdr(7, 0x010203) + o(1, u16(2) + u32(43793) + bytes.fromhex("a1b2c3d4"))
         + o(2, u16(4) + bytes(range(16))) + o(1, u16(9) + b"zz") + o(2, b"\x00")
         + o(11, b"\x02\x01\x00" + bytes(8) + b"realm" + u32(0x1234) + bytes(16)) + o(11, b"\x09\x09\x09" + bytes(8))
         + o(17, u32(4491) + u16(1) + u16(3) + b"abc") + o(44, b"\x01" + addr + o(8, u16(1)))
         + o(45, o(46, u32(77))) + o(47, addr + b"peer") + o(48, addr) + o(7, b"\x01\x02") + o(8, b"\x01")
         + o(6, b"\x00\x17\x00") + o(3, bytes(4)) + o(4, u32(5) + iaaddr) + o(5, bytes(8)) + o(26, bytes(8))
         + o(19, b"\x07") + o(20, b"") + o(21, b"\x03sip\x03lan\x00") + o(22, addr) + o(38, bytes(range(12)))
         + o(23, bytes(5)) + o(32, bytes(2)) + o(13, b"\x01") + st(300) + st(2) + st(42) + o(64, b"\x05ab") + o(41, b"ab")
         + o(99, b"\x01\x02") + o(40, addr) + o(32, u32(0xffffffff)) + o(37, u32(0xfffffff0) + b"ab")
         + o(18, b"") + o(24, b"\x05ab")),
        # reconfigure authentication (HMAC-MD5 type, unknown type, bad length), leasequery of an
        # unknown type, an echo request option, NTP sub-options unknown and of bad length, an
        # AFTR label too long, a DUID too short for its type, a relayed message cut short
        (False, srv, cl, hdr(7, 0x040506) + o(11, b"\x03\x01\x00" + bytes(8) + b"\x02" + bytes(16))
         + o(11, b"\x03\x01\x00" + bytes(8) + b"\x07" + bytes(16)) + o(11, b"\x03\x01\x00" + bytes(8) + b"\x01")
         + o(44, b"\x07" + addr) + o(43, u16(23) + u16(16)) + o(19, b"\x0b")
         + o(56, u16(9) + u16(2) + b"ab" + u16(1) + u16(4) + bytes(4) + u16(2) + u16(16) + addr)
         + o(64, b"\x09aftr") + o(1, u16(1) + u16(1) + u32(5)[:2]) + o(2, u16(3) + b"\x00")
         + o(9, b"\x01\x00")),
    ]
    out = []
    for i, (fwd, a, b, body) in enumerate(msgs):
        sp, dp = (546, 547) if fwd else (547, 546)
        if i >= 12:
            sp, dp = 547, 547
        out.append((t0 + i, 0, eth_out(fwd, 0x86DD, ipv6(a, b, 17, udp(sp, dp, body, a, b, v6=True)))))
    return out


def cut_every_length(frames, start):
    """Each frame again, cut after every length from `start` bytes to one short of whole."""
    out = []
    for sec, usec, fr in frames:
        for n in range(start, len(fr)):
            out.append((sec, usec + n, fr[:n]))
    return out


def build(real, outdir):
    pk = inner_packets(real)
    caps = {}

    def add(name, linktype, frames):
        caps[name] = (linktype, frames)

    # GRE (RFC 2784): plain, over IPv4 and IPv6; with checksum, key and sequence (RFC 2890).
    add("gre-ipv4", 1, [(s, u, eth_out(f, 0x0800, outer4(f, 47, gre_hdr(t, body=ip), i)))
                        for i, (s, u, fr, ip, t, f) in enumerate(pk)])
    add("gre-ipv6-outer", 1, [(s, u, eth_out(f, 0x86DD, outer6(f, 47, gre_hdr(t, body=ip))))
                              for i, (s, u, fr, ip, t, f) in enumerate(pk)])
    add("gre-csum-key-seq", 1, [(s, u, eth_out(f, 0x0800, outer4(f, 47, gre_hdr(
        t, csum_on=(i % 2 == 0), key=0x1001 if f else 0x1002, seq=i, body=ip), i)))
        for i, (s, u, fr, ip, t, f) in enumerate(pk)])
    # Transparent Ethernet bridging (gretap): the whole inner frame, key 7.
    add("gretap", 1, [(s, u, eth_out(f, 0x0800, outer4(f, 47, gre_hdr(0x6558, key=7, body=fr), i)))
                      for i, (s, u, fr, ip, t, f) in enumerate(pk)])
    # ERSPAN type I (GRE 0x88BE, no sequence number, no ERSPAN header), type II (sequence
    # number, 8-byte header: ver 1, VLAN, COS/En/T, session; index) and type III (GRE 0x22EB,
    # 12-byte header, the second half with the platform sub-header flag set on odd packets).
    add("erspan1", 1, [(s, u, eth_out(f, 0x0800, outer4(f, 47, gre_hdr(0x88BE, body=fr), i)))
                       for i, (s, u, fr, ip, t, f) in enumerate(pk)])

    def erspan2(i, fr):
        h = struct.pack("!HHI", (1 << 12) | 100, (3 << 13) | (3 << 11) | 0x2A, 0x0000001F)
        return gre_hdr(0x88BE, seq=i, body=h + fr)

    add("erspan2", 1, [(s, u, eth_out(f, 0x0800, outer4(f, 47, erspan2(i, fr), i)))
                       for i, (s, u, fr, ip, t, f) in enumerate(pk)])

    def erspan3(i, fr):
        # word 0: ver 2, VLAN; COS, BSO, T, session id. word 1: timestamp. word 2: SGT; P,
        # FT, hardware id, D, granularity, O (a platform sub-header follows).
        o = i % 2
        h = struct.pack("!HHI", (2 << 12) | 100, 0x2B, 1000 + i)
        h += struct.pack("!HH", 0, (0x05 << 4) | o)
        if o:
            h += struct.pack("!II", (3 << 26) | 0x12, 0x34567890)  # platform id 3
        return gre_hdr(0x22EB, seq=i, body=h + fr)

    add("erspan3", 1, [(s, u, eth_out(f, 0x0800, outer4(f, 47, erspan3(i, fr), i)))
                       for i, (s, u, fr, ip, t, f) in enumerate(pk)])

    # PPTP's enhanced GRE (RFC 2637 4.1): version 1, key = payload length + call id,
    # sequence on data, acknowledgment on every other; PPP (address/control, protocol) inside.
    def pptp(i, f, ip, t):
        ppp = b"\xff\x03" + struct.pack("!H", PPP_PROTO[t]) + ip
        flags = 0x2001 | 0x1000 | (0x0080 if i % 2 else 0)
        h = struct.pack("!HHHH", flags, 0x880B, len(ppp), 0x4000 if f else 0x8000)
        h += struct.pack("!I", i)
        if i % 2:
            h += struct.pack("!I", i - 1)
        return h + ppp

    add("pptp", 1, [(s, u, eth_out(f, 0x0800, outer4(f, 47, pptp(i, f, ip, t), i)))
                    for i, (s, u, fr, ip, t, f) in enumerate(pk)])

    # IP in IP: 4in4 (proto 4), 6in4 (sit, proto 41), 4in6 and 6in6 (ip6tnl).
    add("ip-in-ip", 1, [(s, u, eth_out(f, 0x0800, outer4(f, 4 if t == 0x0800 else 41, ip, i)))
                        for i, (s, u, fr, ip, t, f) in enumerate(pk)])
    add("ip-in-ipv6", 1, [(s, u, eth_out(f, 0x86DD, outer6(f, 4 if t == 0x0800 else 41, ip)))
                          for i, (s, u, fr, ip, t, f) in enumerate(pk)])

    # Teredo (RFC 4380): IPv6 in UDP 3544; origin indication on the server's packets.
    def teredo(i, f, ip):
        pre = b"" if f else struct.pack("!HH4s", 0x0000, 0xFFFF ^ 3544, bytes([0xff ^ 192, 0xff ^ 0, 0xff ^ 2, 0xff ^ 2]))
        a, b = (OUT_A, OUT_B) if f else (OUT_B, OUT_A)
        sp, dp = (40000, 3544) if f else (3544, 40000)
        return eth_out(f, 0x0800, ipv4(a, b, 17, udp(sp, dp, pre + ip, a, b), i))

    add("teredo", 1, [(s, u, teredo(i, f, ip)) for i, (s, u, fr, ip, t, f) in enumerate(pk) if t == 0x86DD])

    # VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe): flags I and P, next protocol 1 IPv4, 2 IPv6,
    # 3 Ethernet. Packets alternate between an IP and an Ethernet payload.
    def gpe(i, f, fr, ip, t):
        if i % 3 == 2:
            np, body = 3, fr
        else:
            np, body = (1 if t == 0x0800 else 2), ip
        h = struct.pack("!BHB", 0x0C, 0, np) + struct.pack("!I", 77 << 8)
        a, b = (OUT_A, OUT_B) if f else (OUT_B, OUT_A)
        return eth_out(f, 0x0800, ipv4(a, b, 17, udp(50000 + (i % 2), 4790, h + body, a, b), i))

    add("vxlan-gpe", 1, [(s, u, gpe(i, f, fr, ip, t)) for i, (s, u, fr, ip, t, f) in enumerate(pk)])

    # MPLS (RFC 3032) over Ethernet: two labels, then IPv4 / IPv6; explicit null (label 0
    # for IPv4, 2 for IPv6) on the IPv6 connection's even packets.
    def mpls_eth(i, f, ip, t):
        if t == 0x86DD and i % 2 == 0:
            labels = [2]
        elif t == 0x0800 and i % 2 == 0:
            labels = [0]
        else:
            labels = [100 + i % 3, 16]
        return eth_out(f, 0x8847, mpls(labels, ip, 64 - i % 4))

    add("mpls", 1, [(s, u, mpls_eth(i, f, ip, t)) for i, (s, u, fr, ip, t, f) in enumerate(pk)])
    add("mpls-in-gre", 1, [(s, u, eth_out(f, 0x0800, outer4(f, 47, gre_hdr(0x8847, body=mpls([3000, 17], ip)), i)))
                           for i, (s, u, fr, ip, t, f) in enumerate(pk)])

    # PPP, link type PPP (9) with address/control, and PPP in HDLC-like framing (50).
    add("ppp", 9, [(s, u, b"\xff\x03" + struct.pack("!H", PPP_PROTO[t]) + ip) for s, u, fr, ip, t, f in pk])
    add("ppp-hdlc", 50, [(s, u, b"\xff\x03" + struct.pack("!H", PPP_PROTO[t]) + ip) for s, u, fr, ip, t, f in pk])

    # PPPoE (RFC 2516): discovery (PADI, PADO, PADR, PADS with tags), then a session.
    def tag(t, v):
        return struct.pack("!HH", t, len(v)) + v

    def pppoed(code, sess, tags, f):
        body = b"".join(tags)
        return eth_out(f, 0x8863, struct.pack("!BBHH", 0x11, code, sess, len(body)) + body)

    s0, u0 = pk[0][0], pk[0][1]
    disc = [
        (s0 - 1, u0, eth(b"\xff" * 6, MAC_A, 0x8863, struct.pack("!BBHH", 0x11, 0x09, 0, 8) + tag(0x0101, b"") + tag(0x0103, b"\x00\x01"))),
        (s0 - 1, u0 + 100, pppoed(0x07, 0, [tag(0x0101, b""), tag(0x0102, b"tcplens-ac"), tag(0x0103, b"\x00\x01"), tag(0x0104, b"cookie12")], False)),
        (s0 - 1, u0 + 200, pppoed(0x19, 0, [tag(0x0101, b""), tag(0x0103, b"\x00\x01"), tag(0x0104, b"cookie12")], True)),
        (s0 - 1, u0 + 300, pppoed(0x65, 0x0011, [tag(0x0101, b""), tag(0x0103, b"\x00\x01")], False)),
    ]
    sess = [(s, u, eth_out(f, 0x8864, struct.pack("!BBHH", 0x11, 0, 0x0011, 2 + len(ip)) + struct.pack("!H", PPP_PROTO[t]) + ip))
            for s, u, fr, ip, t, f in pk]
    padt = [(pk[-1][0] + 1, 0, pppoed(0xA7, 0x0011, [], True))]
    add("pppoe", 1, disc + sess + padt)

    # L2TPv2 over UDP 1701 (RFC 2661): data messages with PPP inside, the length and sequence
    # fields on alternate packets; one control message (SCCRQ) first.
    def l2tp2(i, f, ip, t):
        ppp = b"\xff\x03" + struct.pack("!H", PPP_PROTO[t]) + ip
        flags = 0x0002 | (0x4000 if i % 2 else 0) | (0x0800 if i % 3 == 0 else 0)
        h = struct.pack("!H", flags)
        rest = struct.pack("!HH", 5 if f else 9, 3 if f else 7)
        if flags & 0x0800:
            rest += struct.pack("!HH", i, i)
        if flags & 0x4000:
            h += struct.pack("!H", 4 + len(rest) + len(ppp))
        a, b = (OUT_A, OUT_B) if f else (OUT_B, OUT_A)
        return eth_out(f, 0x0800, ipv4(a, b, 17, udp(1701, 1701, h + rest + ppp, a, b), i))

    def avp(attr, val, m=True):
        return struct.pack("!HHH", (0x8000 if m else 0) | (6 + len(val)), 0, attr) + val

    sccrq = avp(0, b"\x00\x01") + avp(2, b"\x01\x00") + avp(7, b"lac") + avp(9, b"\x00\x05") + avp(10, b"\x00\x04")
    ctl = struct.pack("!HHHHHH", 0xC802, 12 + len(sccrq), 0, 0, 0, 0) + sccrq
    add("l2tpv2", 1, [(s0 - 1, u0, eth_out(True, 0x0800, ipv4(OUT_A, OUT_B, 17, udp(1701, 1701, ctl, OUT_A, OUT_B), 1)))] +
        [(s, u, l2tp2(i, f, ip, t)) for i, (s, u, fr, ip, t, f) in enumerate(pk)])

    # L2TPv3 over IP (RFC 3931, protocol 115): session id, no cookie, Ethernet pseudowire.
    add("l2tpv3-ip", 1, [(s, u, eth_out(f, 0x0800, outer4(f, 115, struct.pack("!I", 0x1000 if f else 0x2000) + fr, i)))
                         for i, (s, u, fr, ip, t, f) in enumerate(pk)])

    # GTP-U (3GPP TS 29.281) on UDP 2152: G-PDU, TEID per direction; sequence number on
    # every third packet.
    def gtpu(i, f, ip):
        if i % 3 == 0:
            h = struct.pack("!BBHI", 0x32, 0xFF, 4 + len(ip), 0x11 if f else 0x22) + struct.pack("!HBB", i, 0, 0)
        else:
            h = struct.pack("!BBHI", 0x30, 0xFF, len(ip), 0x11 if f else 0x22)
        a, b = (OUT_A, OUT_B) if f else (OUT_B, OUT_A)
        return eth_out(f, 0x0800, ipv4(a, b, 17, udp(2152, 2152, h + ip, a, b), i))

    add("gtpu", 1, [(s, u, gtpu(i, f, ip)) for i, (s, u, fr, ip, t, f) in enumerate(pk)])

    # 802.3 frames with LLC/SNAP (RFC 1042): length, AA AA 03, OUI 0, EtherType; one ARP.
    def snap(f, t, body):
        llc = b"\xaa\xaa\x03\x00\x00\x00" + struct.pack("!H", t) + body
        return (eth(MAC_B, MAC_A, len(llc), llc) if f else eth(MAC_A, MAC_B, len(llc), llc))

    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_A, bytes([10, 77, 0, 1]), b"\0" * 6, bytes([10, 77, 0, 2]))
    add("llc-snap", 1, [(s0 - 1, u0, snap(True, 0x0806, arp))] + [(s, u, snap(f, t, ip)) for s, u, fr, ip, t, f in pk])

    # Cisco HDLC (link type 104): address (0x0f unicast, 0x8f broadcast), control, protocol;
    # a SLARP keepalive first.
    slarp = b"\x8f\x00\x80\x35" + struct.pack("!IIIH", 2, 1, 0, 0xFFFF) + b"\0\0\0\0"
    add("chdlc", 104, [(s0 - 1, u0, slarp)] + [(s, u, b"\x0f\x00" + struct.pack("!H", t) + ip) for s, u, fr, ip, t, f in pk])

    # IEEE 802.11 data frames (link type 105): to-DS from the client, from-DS to it, QoS
    # data on the IPv6 connection, LLC/SNAP inside; and the same behind radiotap (127).
    def wlan(i, f, ip, t):
        qos = t == 0x86DD
        subtype = 0x88 if qos else 0x08
        fc = struct.pack("<BB", subtype, 0x01 if f else 0x02)
        bssid = MAC_C
        if f:
            addrs = bssid + MAC_A + MAC_B  # addr1 BSSID, addr2 SA, addr3 DA
        else:
            addrs = MAC_A + bssid + MAC_B  # addr1 DA, addr2 BSSID, addr3 SA
        h = fc + struct.pack("<H", 44) + addrs + struct.pack("<H", (i << 4) & 0xFFF0)
        if qos:
            h += struct.pack("<H", 0)
        return h + b"\xaa\xaa\x03\x00\x00\x00" + struct.pack("!H", t) + ip

    add("wlan", 105, [(s, u, wlan(i, f, ip, t)) for i, (s, u, fr, ip, t, f) in enumerate(pk)])

    def radiotap(i, f, ip, t):
        # present: flags (1), rate (2), channel (3), antenna signal (5); fields aligned.
        body = struct.pack("<BB", 0x00, 2) + struct.pack("<HH", 2437, 0x00A0) + struct.pack("<b", -40 - i % 5)
        hdr = struct.pack("<BBHI", 0, 0, 8 + len(body), 0x0000002E)
        return hdr + body + wlan(i, f, ip, t)

    add("radiotap", 127, [(s, u, radiotap(i, f, ip, t)) for i, (s, u, fr, ip, t, f) in enumerate(pk)])

    # SNMP (UDP 161, 162) beside the TCP: not a carrier, a service tcpdump decodes.
    add("snmp", 1, snmp_packets(s0 + 10))
    # An L2TPv2 control connection and call, beside the data messages of l2tpv2.pcap.
    add("l2tpv2-control", 1, l2tp_control_packets(s0 + 20))
    # PPP links brought up and taken down: the control and authentication protocols.
    add("ppp-session", 9, ppp_session_packets(pk))
    add("ppp-multilink", 9, ppp_multilink_packets(s0 + 30))
    # RIP v1 and v2 (UDP 520) between two routers.
    add("rip", 1, rip_packets(s0 + 40))
    # NTP time and control messages (UDP 123).
    add("ntp", 1, ntp_packets(s0 + 50))
    # DHCP (UDP 67, 68) and DHCPv6 (546, 547) exchanges, and five of their messages cut
    # after every length past the UDP header (a relayed DHCP OFFER, a BOOTP reply with sname
    # and file, a CMU vendor area, a DHCPv6 REPLY with IA_NA and IA_PD, a relay-reply).
    dhcp, dhcp6 = dhcp_packets(s0 + 60), dhcp6_packets(s0 + 80)
    add("dhcp", 1, dhcp)
    add("dhcp6", 1, dhcp6)
    add("dhcp-cut", 1, cut_every_length([dhcp[10], dhcp[12], dhcp[13], dhcp6[3], dhcp6[13]], 14 + 20 + 8))

    for name, (lt, frames) in caps.items():
        write_pcap("%s/%s.pcap" % (outdir, name), lt, frames)


if __name__ == "__main__":
    build(sys.argv[1], sys.argv[2])
