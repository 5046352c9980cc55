#include "tcplens/tcp/zeek_decode.hpp"

#include "tcplens/wire/checksum.hpp"

namespace tcplens::zeek {

bool tcp_checksum_ok(const IpHeader& ip, ByteView seg) {
  return tcp_checksum_verifies(ip.src, ip.dst, seg, ByteView());
}

bool to_zeek_packet(const DecodedPacket& d, const Timestamp& ts, bool verify_checksums,
                    FlowKey& key, Direction& dir, ZeekPacket& out) {
  if (!d.has_tcp() || d.in_icmp_error) return false;
  const TcpSegment& t = d.tcp;
  // BuildConnTuple needs the 20-byte fixed header; 16 captured bytes are not enough for Zeek.
  if (!t.header_valid && t.payload.size() == 0 && !t.fixed_valid) return false;
  key = FlowKey::make(d.ip.src, t.src_port, d.ip.dst, t.dst_port, 6, dir);
  out = ZeekPacket{};
  out.ts = static_cast<double>(ts.sec) + static_cast<double>(ts.nsec) / 1e9;
  out.flags = t.flags;
  out.seq = t.seq;
  out.ack = t.ack;
  out.payload_len = t.payload_len;
  out.captured_len = static_cast<std::uint32_t>(t.payload.size());
  out.window = t.window;
  out.header_ok = t.header_valid;
  out.checksum_ok = true;
  if (verify_checksums && t.header_valid && !d.reassembled &&
      out.captured_len >= out.payload_len && t.payload.data() != nullptr) {
    ByteView seg(t.payload.data() - t.header_len, t.header_len + t.payload_len);
    out.checksum_ok = tcp_checksum_ok(d.ip, seg);
  } else if (verify_checksums && t.header_valid && !d.reassembled && t.payload_len == 0 &&
             t.payload.data() == nullptr) {
    out.checksum_ok = true;  // no view to the header bytes: cannot verify
  }
  return true;
}

}  // namespace tcplens::zeek
