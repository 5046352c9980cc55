# lldp_packets.py OUT: LLDP frames (chassis, port, TTL, system name, end; without a name; a
# name with unprintable bytes; a TLV longer than the frame; cut short by the snapshot length).
import struct, sys

from pcap_out import write_pcap
def tlv(t, v): return struct.pack('!H', (t << 9) | len(v)) + v
def eth(p): return b'\x01\x80\xc2\x00\x00\x0e\x00\x11\x22\x33\x44\x55\x88\xcc' + p
base = tlv(1, b'\x04\x00\x11\x22\x33\x44\x55') + tlv(2, b'\x05eth0') + tlv(3, b'\x00\x78')
frames = [(eth(base + tlv(5, b'switch1') + tlv(0, b'')), None),
          (eth(base + tlv(0, b'')), None),
          (eth(base + tlv(5, b'sw\x01\xe9\x00x') + tlv(4, b'uplink') + tlv(0, b'')), None),
          (eth(base + struct.pack('!H', (5 << 9) | 40) + b'short'), None),
          (eth(base + tlv(5, b'switch1') + tlv(0, b'')), 14 + 20),
          (eth(base + tlv(5, b'switch1') + tlv(0, b'')), 14 + 1)]
write_pcap(sys.argv[1], frames)
