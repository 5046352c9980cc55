# udp_short_length.py OUT: UDP datagrams whose UDP length (8: no payload) is shorter than
# the IP datagram (8 zero bytes follow), to ports whose printers read past it (aodv 654,
# lmp 701, isakmp 500 and 4500, babel 6696, vat 3456, wb 4567, lspping 3503): tcpdump's
# checks stop at the end of the IP datagram, not at the UDP length.
import struct, sys

from pcap_out import write_pcap
frames = []
for port in (654, 701, 500, 6696, 4500, 3456, 4567, 3503):
    payload = bytes(8)
    udp = struct.pack('!HHHH', 40000, port, 8, 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    frames.append(b'\xaa\xbb\xcc\xdd\xee\xff\x00\x11\x22\x33\x44\x55\x08\x00' + ip + udp)
write_pcap(sys.argv[1], [(f, None) for f in frames])
