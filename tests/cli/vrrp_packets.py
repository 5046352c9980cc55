# vrrp_packets.py OUT: VRRP v2 (no, simple and AH authentication, one and two addresses,
# good and bad checksums, TTL 255 and not) and v3 over IPv4 and IPv6, other versions and
# types, cut short by the snapshot length.
import struct, sys

from pcap_out import csum, write_pcap
SRC4, DST4 = bytes([10, 0, 0, 1]), bytes([224, 0, 0, 18])
SRC6, DST6 = b'\xfe\x80' + bytes(13) + b'\x01', b'\xff\x02' + bytes(13) + b'\x12'
def ip4(pl, ttl=255): return struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(pl), 1, 0, ttl, 112, 0, SRC4, DST4) + pl
def ip6(pl, hl=255): return struct.pack('!IHBB', 0x60000000, len(pl), 112, hl) + SRC6 + DST6 + pl
def eth(p, t=b'\x08\x00'): return b'\x01\x00\x5e\x00\x00\x12\x00\x00\x5e\x00\x01\x01' + t + p
def v2(auth, addrs, good=True, typ=1, ver=2):
    m = struct.pack('!BBBBBBH', ver << 4 | typ, 7, 100, len(addrs), auth, 1, 0) + b''.join(addrs) + (b'secret\0\0' if auth == 1 else bytes(8))
    if good: m = m[:6] + struct.pack('!H', csum(m)) + m[8:]
    return m
def v3(addrs, v6=False, good=True):
    m = struct.pack('!BBBBHH', 0x31, 9, 200, len(addrs), 100, 0) + b''.join(addrs)
    if good:
        if v6: pseudo = SRC6 + DST6 + struct.pack('!IxxxB', len(m), 112)
        else: pseudo = SRC4 + DST4 + struct.pack('!BBH', 0, 112, len(m))
        m = m[:6] + struct.pack('!H', csum(pseudo + m)) + m[8:]
    return m
a4 = [bytes([10, 0, 0, 254]), bytes([10, 0, 0, 253])]
frames = [(eth(ip4(v2(0, a4[:1]))), None), (eth(ip4(v2(1, a4))), None), (eth(ip4(v2(2, a4[:1]), ttl=64)), None),
          (eth(ip4(v2(7, a4[:1], good=False))), None), (eth(ip4(v2(0, a4[:1], typ=3))), None),
          (eth(ip4(v2(0, a4[:1], ver=1))), None), (eth(ip4(v3(a4))), None), (eth(ip4(v3(a4, good=False))), None),
          (eth(ip6(v3([b'\xfe\x80' + bytes(13) + b'\x01'], v6=True)), b'\x86\xdd'), None),
          (eth(ip4(v2(1, a4))), 14 + 20 + 2), (eth(ip4(v2(1, a4))), 14 + 20 + 10), (eth(ip4(v2(1, a4))), 14 + 20 + 18)]
write_pcap(sys.argv[1], frames)
