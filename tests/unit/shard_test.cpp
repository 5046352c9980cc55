// Splitting connections between workers (flow/shard.hpp): peek_shard() on the raw bytes
// agrees with shard_of() on the decoded packet, both directions of a connection go to the
// same shard, and packets the peek cannot be sure of are left to the decoder.
#include <gtest/gtest.h>

#include <set>

#include "packet_builder.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/flow/shard.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens {
namespace {

std::vector<std::uint8_t> ethernet(std::uint16_t type, const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> b(12, 0x02);
  test::put16(b, type);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

RawPacket on_ethernet(const std::vector<std::uint8_t>& frame) {
  RawPacket raw = test::raw_packet(frame);
  raw.linktype = linktype::kEthernet;
  return raw;
}

// IPv6 + a 20-byte TCP header, no payload.
std::vector<std::uint8_t> ipv6_tcp(std::uint8_t src_last, std::uint8_t dst_last, std::uint16_t sport,
                                   std::uint16_t dport) {
  std::vector<std::uint8_t> b = {0x60, 0, 0, 0};
  test::put16(b, 20);  // payload length
  b.push_back(6);      // next header TCP
  b.push_back(64);
  for (std::uint8_t last : {src_last, dst_last}) {
    const std::uint8_t addr[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, last};
    b.insert(b.end(), addr, addr + 16);
  }
  test::put16(b, sport);
  test::put16(b, dport);
  test::put32(b, 1);
  test::put32(b, 0);
  test::put16(b, (5 << 12) | tcpflag::kSyn);
  test::put16(b, 1000);
  test::put32(b, 0);
  return b;
}

std::uint32_t decoded_shard(const RawPacket& raw, std::uint32_t shards) {
  PacketDecoder decoder;
  FlowKey key;
  EXPECT_TRUE(StreamTracker::tracked_key(decoder.decode(raw), key));
  return shard_of(key, shards);
}

TEST(Shard, PeekAgreesWithTheDecodedKeyBothWays) {
  std::set<std::uint32_t> seen;
  for (std::uint16_t port = 40000; port < 40064; ++port) {
    const test::Host client{{10, 1, static_cast<std::uint8_t>(port), 7}, port};
    const test::Host server{{192, 0, 2, 80}, 443};
    test::Segment out = test::segment(client, 1, 0, tcpflag::kSyn);
    out.dst = server;
    test::Segment back = test::segment(server, 9, 2, tcpflag::kSyn | tcpflag::kAck);
    back.dst = client;
    const auto a = ethernet(0x0800, test::build_ipv4_tcp(out));
    const auto b = ethernet(0x0800, test::build_ipv4_tcp(back));
    for (std::uint32_t shards : {2u, 3u, 8u}) {
      const std::uint32_t s = peek_shard(on_ethernet(a), shards);
      ASSERT_LT(s, shards);
      EXPECT_EQ(s, peek_shard(on_ethernet(b), shards));
      EXPECT_EQ(s, decoded_shard(on_ethernet(a), shards));
      EXPECT_EQ(s, decoded_shard(on_ethernet(b), shards));
      if (shards == 8) seen.insert(s);
    }
    const auto v6a = ethernet(0x86dd, ipv6_tcp(1, 2, port, 443));
    const auto v6b = ethernet(0x86dd, ipv6_tcp(2, 1, 443, port));
    const std::uint32_t s6 = peek_shard(on_ethernet(v6a), 3);
    ASSERT_LT(s6, 3u);
    EXPECT_EQ(s6, peek_shard(on_ethernet(v6b), 3));
    EXPECT_EQ(s6, decoded_shard(on_ethernet(v6a), 3));
  }
  EXPECT_GE(seen.size(), 6u);  // 64 connections spread over most of 8 shards
  EXPECT_EQ(peek_shard(on_ethernet(ethernet(0x0800, test::build_ipv4_tcp(test::segment(test::kClient, 1, 0, 0)))), 1), 0u);
}

TEST(Shard, LeavesUncertainPacketsToTheDecoder) {
  const auto plain = test::build_ipv4_tcp(test::segment(test::kClient, 1, 0, tcpflag::kAck));
  auto expect_unknown = [](std::vector<std::uint8_t> ip, const char* why) {
    EXPECT_EQ(peek_shard(on_ethernet(ethernet(0x0800, ip)), 2), kShardUnknown) << why;
  };
  auto ip = plain;
  ip[0] = 0x46;  // IPv4 options
  expect_unknown(ip, "options");
  ip = plain;
  ip[6] = 0x20;  // more fragments
  expect_unknown(ip, "fragment");
  ip = plain;
  ip[7] = 1;  // fragment offset
  expect_unknown(ip, "later fragment");
  ip = plain;
  ip[9] = 17;  // UDP
  expect_unknown(ip, "not TCP");
  ip = plain;
  ip[9] = 1;  // ICMP: may quote a TCP header
  expect_unknown(ip, "ICMP");
  ip = plain;
  ip[2] = 0, ip[3] = 30;  // total length shorter than a TCP header
  expect_unknown(ip, "short total length");
  ip = plain;
  ip.resize(30);  // cut off inside the TCP header
  expect_unknown(ip, "cut off");
  // VLAN tag, raw IP link type.
  std::vector<std::uint8_t> tag = {0, 5};
  test::put16(tag, 0x0800);
  tag.insert(tag.end(), plain.begin(), plain.end());
  EXPECT_EQ(peek_shard(on_ethernet(ethernet(0x8100, tag)), 2), kShardUnknown);
  EXPECT_EQ(peek_shard(test::raw_packet(plain), 2), kShardUnknown);
}

}  // namespace
}  // namespace tcplens
