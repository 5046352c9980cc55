#!/usr/bin/python3
"""Facts of classic pcap files for the split tests: `pcap_facts.py FILE...` prints, per file,
its magic (micro/nano), link type, snapshot length and record count; with --records, one
line per record: timestamp, wire length and the record's bytes as hex (to compare shards
with the input); with --bytes, the same without the timestamp.
"""
import struct
import sys


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    magic = struct.unpack(order + "I", data[:4])[0]
    snaplen, linktype = struct.unpack(order + "II", data[16:24])
    out, at = [], 24
    while at + 16 <= len(data):
        sec, frac, caplen, wirelen = struct.unpack(order + "IIII", data[at:at + 16])
        out.append((sec, frac, wirelen, data[at + 16:at + 16 + caplen].hex()))
        at += 16 + caplen
    precision = "nano" if magic == 0xA1B23C4D else "micro"
    # The link type without the FCS-length bits above it (libpcap's LT_LINKTYPE), which
    # tcplens does not keep.
    return precision, linktype & 0x03FFFFFF, snaplen, out


def main(argv):
    with_records = "--records" in argv
    only_bytes = "--bytes" in argv
    for path in [a for a in argv if not a.startswith("--")]:
        precision, linktype, snaplen, recs = records(path)
        if with_records or only_bytes:
            for r in recs:
                print(*(r[2:] if only_bytes else r))
        else:
            print(precision, linktype, snaplen, len(recs))


main(sys.argv[1:])
