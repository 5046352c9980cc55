// Test helper: builds raw IPv4/TCP packets (LINKTYPE_RAW) from a few fields, so tests can
// speak in syn(client) / syn_ack(server) / data(client, 100) terms.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "tcplens/capture/link_type.hpp"
#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/wire/tcp.hpp"

namespace tcplens::test {

struct Host {
  std::uint8_t addr[4];
  std::uint16_t port;
};

inline const Host kClient{{10, 0, 0, 1}, 40000};
inline const Host kServer{{10, 0, 0, 2}, 80};

struct Segment {
  Host src = kClient;
  Host dst = kServer;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t flags = 0;
  std::uint16_t window = 64240;
  std::uint32_t payload = 0;
  std::vector<std::uint8_t> options;  // must be a multiple of 4 bytes
  std::uint16_t ip_id = 1;
};

inline void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
inline void put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}

// A segment from `src` to `dst`.
inline Segment segment_between(const Host& src, const Host& dst, std::uint32_t seq, std::uint32_t ack,
                               std::uint16_t flags, std::uint32_t payload = 0) {
  Segment s;
  s.src = src;
  s.dst = dst;
  s.seq = seq;
  s.ack = ack;
  s.flags = flags;
  s.payload = payload;
  return s;
}

// A segment from `from` to the other of kClient and kServer.
inline Segment segment(const Host& from, std::uint32_t seq, std::uint32_t ack, std::uint16_t flags,
                       std::uint32_t payload = 0) {
  return segment_between(from, from.port == kClient.port ? kServer : kClient, seq, ack, flags, payload);
}

// NOP, NOP, Timestamps: 12 bytes of TCP options.
inline std::vector<std::uint8_t> timestamp_option(std::uint32_t tsval, std::uint32_t tsecr) {
  std::vector<std::uint8_t> o = {1, 1, 8, 10};
  put32(o, tsval);
  put32(o, tsecr);
  return o;
}

// IPv4 header (20 bytes, protocol TCP) + TCP header + options + zero payload.
inline std::vector<std::uint8_t> build_ipv4_tcp(const Segment& s) {
  std::vector<std::uint8_t> b;
  const std::size_t tcp_len = 20 + s.options.size();
  const std::size_t total = 20 + tcp_len + s.payload;
  b.push_back(0x45);                              // version 4, IHL 5
  b.push_back(0);                                 // TOS
  put16(b, static_cast<std::uint16_t>(total));    // total length
  put16(b, s.ip_id);                               // identification
  put16(b, 0x4000);                               // DF
  b.push_back(64);                                // TTL
  b.push_back(6);                                 // protocol TCP
  put16(b, 0);                                    // checksum (not verified)
  b.insert(b.end(), s.src.addr, s.src.addr + 4);  // source
  b.insert(b.end(), s.dst.addr, s.dst.addr + 4);  // destination
  put16(b, s.src.port);                           // TCP source port
  put16(b, s.dst.port);                           // destination port
  put32(b, s.seq);                                // sequence number
  put32(b, s.ack);                                // acknowledgment number
  put16(b, static_cast<std::uint16_t>(((tcp_len / 4) << 12) | s.flags));  // offset, flags
  put16(b, s.window);                             // window
  put16(b, 0);                                    // checksum
  put16(b, 0);                                    // urgent pointer
  b.insert(b.end(), s.options.begin(), s.options.end());
  b.resize(total, 0);
  return b;
}

inline RawPacket raw_packet(const std::vector<std::uint8_t>& bytes, std::uint64_t number = 1,
                            std::int64_t sec = 0, std::uint32_t nsec = 0) {
  RawPacket p;
  p.ts = {sec, nsec};
  p.caplen = static_cast<std::uint32_t>(bytes.size());
  p.wirelen = p.caplen;
  p.linktype = linktype::kRaw;
  p.data = ByteView(bytes.data(), bytes.size());
  p.number = number;
  return p;
}

}  // namespace tcplens::test
