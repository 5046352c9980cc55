# ip_protocols.py OUT: IP payloads tcpdump's ip_demux_print decides on by the IP version and
# one header: IGMP in IPv6 and Ethernet (143) in IPv4 ("[X requires IPv4|6] (invalid)"),
# Ethernet in IPv6, IPComp (108) whole and cut short.
import struct, sys

from pcap_out import write_pcap
frames = []
def eth(p, t): return b'\xaa\xbb\xcc\xdd\xee\xff\x00\x11\x22\x33\x44\x55' + t + p
def ip4(proto, pl): return struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(pl), 1, 0, 64, proto, 0, bytes([10,0,0,1]), bytes([10,0,0,2])) + pl
def ip6(nh, pl): return struct.pack('!IHBB', 0x60000000, len(pl), nh, 64) + b'\x20\x01' + bytes(13) + b'\x01' + b'\x20\x01' + bytes(13) + b'\x02' + pl
inner = eth(ip4(17, struct.pack('!HHHH', 1000, 53, 8, 0)), b'\x08\x00')
igmp = struct.pack('!BBH4s', 0x16, 0, 0, bytes([239, 1, 2, 3]))
frames += [(eth(ip6(2, igmp), b'\x86\xdd'), None), (eth(ip4(143, inner), b'\x08\x00'), None),
           (eth(ip6(143, inner), b'\x86\xdd'), None), (eth(ip4(108, b'\x04\x00\xfb\xe0' + bytes(20)), b'\x08\x00'), None),
           (eth(ip4(108, b'\x04\x00\xfb\xe0' + bytes(20)), b'\x08\x00'), 14 + 20 + 3),
           (eth(ip6(108, b'\x04\x00\x00\x07' + bytes(8)), b'\x86\xdd'), None)]
write_pcap(sys.argv[1], frames)
