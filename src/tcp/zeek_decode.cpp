#include "tcplens/tcp/zeek_decode.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"

namespace tcplens::zeek {

namespace {

// The ones' complement sum of `n` bytes read as 16-bit words in host order. RFC 1071: the sum
// does not depend on byte order, so it is swapped once at the end. Zeek verifies every
// segment, so this reads every payload byte of a capture: SSE2 (every x86-64) takes 32 bytes
// a step, widening the 16-bit words into 32-bit lanes that are added up at the end.
std::uint64_t sum_host_order(const std::uint8_t* p, std::size_t n) {
  std::uint64_t sum = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  while (n >= 32) {
    // Each step adds two words of at most 0xffff to a lane: 16384 steps stay below 2^31.
    const std::size_t steps = std::min<std::size_t>(n / 32, 16384);
    __m128i a = zero, b = zero;
    for (std::size_t i = 0; i < steps; ++i, p += 32) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
      a = _mm_add_epi32(a, _mm_add_epi32(_mm_unpacklo_epi16(x, zero), _mm_unpackhi_epi16(x, zero)));
      b = _mm_add_epi32(b, _mm_add_epi32(_mm_unpacklo_epi16(y, zero), _mm_unpackhi_epi16(y, zero)));
    }
    n -= steps * 32;
    alignas(16) std::uint32_t lanes[8];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), a);
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes + 4), b);
    for (std::uint32_t lane : lanes) sum += lane;
  }
#endif
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    sum += (w & 0xffffffffu) + (w >> 32);  // two 32-bit halves: no carry is lost
  }
  for (; n >= 2; p += 2, n -= 2) {
    std::uint16_t w;
    std::memcpy(&w, p, 2);
    sum += w;
  }
  if (n == 1) {  // the last byte is the high half of a word in network order
    const std::uint8_t last[2] = {p[0], 0};
    std::uint16_t w;
    std::memcpy(&w, last, 2);
    sum += w;
  }
  return sum;
}

std::uint16_t fold(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

}  // namespace

bool tcp_checksum_ok(const IpHeader& ip, ByteView seg) {
  std::uint64_t host = sum_host_order(ip.src.bytes.data(), ip.src.size()) +
                       sum_host_order(ip.dst.bytes.data(), ip.dst.size()) +
                       sum_host_order(seg.data(), seg.size());
  std::uint16_t h = fold(host);
  if constexpr (std::endian::native == std::endian::little) h = static_cast<std::uint16_t>(h << 8 | h >> 8);
  // The pseudo-header's protocol and length, in network order's value.
  return fold(std::uint64_t{h} + 6 + seg.size()) == 0xffff;
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

bool run_zeek_file(const std::string& path, bool verify_checksums, ZeekConnTable& table,
                   std::string& error) {
  auto src = PcapFileSource::open(path, error);
  if (!src) return false;
  PacketDecoder decoder;
  RawPacket raw;
  while (src->next(raw) == ReadStatus::Ok) {
    const DecodedPacket& d = decoder.decode(raw);
    FlowKey key;
    Direction dir;
    ZeekPacket p;
    if (to_zeek_packet(d, raw.ts, verify_checksums, key, dir, p)) table.on_packet(key, dir, p);
  }
  table.finish();
  return true;
}

}  // namespace tcplens::zeek
