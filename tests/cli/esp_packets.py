# esp_packets.py OUT: IPsec ESP over IPv4, in UDP on port 4500 and over IPv6, with 0..30
# bytes after the IP or UDP header, and cut short by the snapshot length.
import struct, sys

from pcap_out import write_pcap
out = sys.argv[1]; frames = []
def ip4(proto, payload, tot=None):
    return struct.pack('!BBHHHBBH4s4s', 0x45, 0, tot if tot else 20 + len(payload), 1, 0, 64, proto, 0, bytes([10,0,0,1]), bytes([10,0,0,2])) + payload
def eth(p, t=b'\x08\x00'): return b'\xaa\xbb\xcc\xdd\xee\xff\x00\x11\x22\x33\x44\x55' + t + p
for n in (0, 3, 4, 7, 8, 9, 30):
    pl = bytes(range(1, n + 1))
    frames.append((eth(ip4(50, pl)), None))
    udp = struct.pack('!HHHH', 4500, 4500, 8 + n, 0) + pl
    frames.append((eth(ip4(17, udp)), None))
# cut: wire 30 bytes of ESP, captured 6
pl = bytes(range(1, 31))
f = eth(ip4(50, pl)); frames.append((f, 14 + 20 + 6))
f = eth(ip4(17, struct.pack('!HHHH', 4500, 4500, 38, 0) + pl)); frames.append((f, 14 + 28 + 6))
# IPv6 ESP
v6 = struct.pack('!IHBB', 0x60000000, 30, 50, 64) + b'\xfe\x80' + bytes(14) + b'\xfe\x80' + bytes(13) + b'\x02' + pl
frames.append((eth(v6, b'\x86\xdd'), None))
write_pcap(out, frames)
