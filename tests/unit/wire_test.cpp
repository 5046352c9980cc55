// Wire views and PacketDecoder: decode, every truncation point, impossible lengths.
#include <gtest/gtest.h>

#include <vector>

#include "packet_builder.hpp"
#include "tcplens/capture/link_type.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/wire/ethernet.hpp"
#include "tcplens/wire/ip.hpp"
#include "tcplens/tcp/stream_tracker.hpp"
#include "tcplens/wire/tcp.hpp"

namespace tcplens {
namespace {

// Ethernet + 802.1ad + 802.1Q + IPv4 + TCP SYN with options, no payload.
const std::vector<std::uint8_t> kQinQSyn = {
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55,  // Ethernet destination
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,  // Ethernet source
    0x88, 0xa8,                          // TPID 802.1ad
    0x00, 0x64, 0x81, 0x00,              // S-tag VID 100, TPID 802.1Q
    0x00, 0xc8, 0x08, 0x00,              // C-tag VID 200, EtherType IPv4
    0x45, 0x00, 0x00, 0x3c,              // IPv4: version/IHL, TOS, total length 60
    0x12, 0x34, 0x40, 0x00,              // identification, DF
    0x40, 0x06, 0x00, 0x00,              // TTL 64, protocol TCP, checksum
    0xc0, 0xa8, 0x00, 0x01,              // source 192.168.0.1
    0xc0, 0xa8, 0x00, 0x02,              // destination 192.168.0.2
    0xd4, 0x31, 0x00, 0x50,              // TCP: ports 54321 -> 80
    0x00, 0x00, 0x10, 0x00,              // seq 4096
    0x00, 0x00, 0x00, 0x00,              // ack 0
    0xa0, 0x02, 0xfa, 0xf0,              // data offset 10, SYN, window 64240
    0x00, 0x00, 0x00, 0x00,              // checksum, urgent pointer
    0x02, 0x04, 0x05, 0xb4,              // MSS 1460
    0x04, 0x02, 0x08, 0x0a,              // SACK permitted, timestamps...
    0x00, 0x00, 0x00, 0x01,              // TSval 1
    0x00, 0x00, 0x00, 0x00,              // TSecr 0
    0x01, 0x03, 0x03, 0x07,              // NOP, window scale 7
};
constexpr std::size_t kIpOffset = 22;
constexpr std::size_t kTcpOffset = 42;

RawPacket ether(const std::vector<std::uint8_t>& bytes, std::size_t caplen) {
  RawPacket p;
  p.caplen = static_cast<std::uint32_t>(caplen);
  p.wirelen = static_cast<std::uint32_t>(bytes.size());
  p.linktype = linktype::kEthernet;
  p.data = ByteView(bytes.data(), caplen);
  return p;
}

TEST(PacketDecoder, DecodesQinQSynWithOptions) {
  PacketDecoder d;
  const DecodedPacket& p = d.decode(ether(kQinQSyn, kQinQSyn.size()));
  EXPECT_EQ(p.status, DecodeStatus::Ok);
  EXPECT_EQ(p.vlan_count, 2);
  EXPECT_EQ(p.vlan_ids[0], 100);
  EXPECT_EQ(p.vlan_ids[1], 200);
  ASSERT_TRUE(p.has(Layer::Ipv4));
  EXPECT_EQ(p.ip.protocol, 6);
  EXPECT_EQ(p.ip.reported_len, 60u);
  ASSERT_TRUE(p.has_tcp());
  EXPECT_EQ(p.tcp.src_port, 54321);
  EXPECT_EQ(p.tcp.dst_port, 80);
  EXPECT_EQ(p.tcp.seq, 4096u);
  EXPECT_EQ(p.tcp.flags, tcpflag::kSyn);
  EXPECT_EQ(p.tcp.window, 64240);
  EXPECT_EQ(p.tcp.header_len, 40u);
  EXPECT_TRUE(p.tcp.have_seglen);
  EXPECT_EQ(p.tcp.payload_len, 0u);
  const TcpOptions& o = p.tcp.options;
  EXPECT_TRUE(o.has_mss);
  EXPECT_EQ(o.mss, 1460);
  EXPECT_TRUE(o.sack_permitted);
  EXPECT_TRUE(o.has_timestamps);
  EXPECT_EQ(o.ts_val, 1u);
  EXPECT_TRUE(o.has_window_scale);
  EXPECT_EQ(o.window_scale, 7);
  EXPECT_FALSE(o.malformed);
}

// Every capture length short of the whole packet: Truncated at the right layer, the fixed
// TCP fields kept once 16 bytes of TCP are there, never a read outside the view (ASan).
TEST(PacketDecoder, TruncatedAtEveryOffset) {
  PacketDecoder d;
  for (std::size_t n = 0; n < kQinQSyn.size(); ++n) {
    std::vector<std::uint8_t> copy(kQinQSyn.begin(), kQinQSyn.begin() + static_cast<long>(n));
    RawPacket p = ether(kQinQSyn, n);
    p.data = ByteView(copy.data(), copy.size());
    const DecodedPacket& r = d.decode(p);
    ASSERT_EQ(r.status, DecodeStatus::Truncated) << "caplen " << n;
    Layer want = n < 14 ? Layer::Link : n < kIpOffset ? Layer::Vlan : n < kTcpOffset ? Layer::Ipv4 : Layer::Tcp;
    EXPECT_EQ(r.stop_layer, want) << "caplen " << n;
    EXPECT_EQ(r.tcp.fixed_valid, n >= kTcpOffset + 16) << "caplen " << n;
    EXPECT_FALSE(r.tcp.header_valid);
    if (r.tcp.fixed_valid) {
      EXPECT_EQ(r.tcp.seq, 4096u);
      EXPECT_TRUE(r.tcp.have_seglen);  // the wire length still covers the header
    }
  }
}

TEST(PacketDecoder, ImpossibleLengthsAreMalformed) {
  PacketDecoder d;
  {
    auto b = kQinQSyn;
    b[kIpOffset] = 0x44;  // IHL 4
    EXPECT_EQ(d.decode(ether(b, b.size())).status, DecodeStatus::Malformed);
    EXPECT_EQ(d.decode(ether(b, b.size())).stop_layer, Layer::Ipv4);
  }
  {
    auto b = kQinQSyn;
    b[kIpOffset + 3] = 19;  // total length shorter than the header
    EXPECT_EQ(d.decode(ether(b, b.size())).status, DecodeStatus::Malformed);
  }
  {
    auto b = kQinQSyn;
    b[kTcpOffset + 12] = 0x40;  // data offset 4
    const DecodedPacket& r = d.decode(ether(b, b.size()));
    EXPECT_EQ(r.status, DecodeStatus::Malformed);
    EXPECT_EQ(r.stop_layer, Layer::Tcp);
    EXPECT_TRUE(r.tcp.fixed_valid);
    EXPECT_EQ(r.tcp.header_len, 16u);
  }
  {
    auto b = kQinQSyn;
    b[kIpOffset] = 0x65;  // version 6 in an IPv4 EtherType
    EXPECT_EQ(d.decode(ether(b, b.size())).status, DecodeStatus::Malformed);
  }
}

TEST(PacketDecoder, TrimsLinkPaddingAndUsesIpLength) {
  auto b = kQinQSyn;
  b.insert(b.end(), 6, 0);  // Ethernet padding after the datagram
  PacketDecoder d;
  const DecodedPacket& r = d.decode(ether(b, b.size()));
  ASSERT_TRUE(r.has_tcp());
  EXPECT_EQ(r.tcp.payload_len, 0u);
  EXPECT_TRUE(r.tcp.payload.empty());
}

TEST(TcpOptions, SackBlocksTfoAndBadLengths) {
  const std::vector<std::uint8_t> opts = {
      0x01, 0x01,                                      // NOP NOP
      0x05, 0x22,                                      // SACK, 4 blocks (34 bytes)
      0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,  // blocks 1-2
      0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8,  // blocks 3-4
      0x22, 0x06, 0xaa, 0xbb, 0xcc, 0xdd,              // Fast Open cookie, 4 bytes
      0x03, 0x05, 0x01,                                // window scale with length 5: too long
  };
  TcpOptions o = parse_tcp_options(ByteView(opts.data(), opts.size()));
  EXPECT_EQ(o.sack_count, 4);
  EXPECT_EQ(o.sack[0].left, 1u);
  EXPECT_EQ(o.sack[3].right, 8u);
  EXPECT_TRUE(o.has_tfo_cookie);
  EXPECT_EQ(o.tfo_cookie_len, 4);
  EXPECT_TRUE(o.malformed);
  EXPECT_FALSE(o.has_window_scale);

  const std::vector<std::uint8_t> exp = {0xfe, 0x04, 0xf9, 0x89};  // experimental TFO request
  o = parse_tcp_options(ByteView(exp.data(), exp.size()));
  EXPECT_TRUE(o.tfo_cookie_request);
  EXPECT_FALSE(o.has_tfo_cookie);

  const std::vector<std::uint8_t> zero_len = {0x08, 0x00, 0x01};
  o = parse_tcp_options(ByteView(zero_len.data(), zero_len.size()));
  EXPECT_TRUE(o.malformed);
}

// NOP, NOP, timestamps (the usual 12 bytes, read on a shortcut) parse as they do anywhere else.
TEST(TcpOptions, UsualTimestampsAsAnyOtherLayout) {
  std::vector<std::uint8_t> usual = {0x01, 0x01, 0x08, 0x0a, 0, 0, 0x12, 0x34, 0xff, 0xff, 0xff, 0xfe};
  const TcpOptions a = parse_tcp_options(ByteView(usual.data(), usual.size()));
  usual.insert(usual.end(), {0x01, 0x01, 0x01, 0x00});  // padded to 16: the general loop
  const TcpOptions b = parse_tcp_options(ByteView(usual.data(), usual.size()));
  for (const TcpOptions* o : {&a, &b}) {
    EXPECT_TRUE(o->has_timestamps);
    EXPECT_EQ(o->ts_val, 0x1234u);
    EXPECT_EQ(o->ts_ecr, 0xfffffffeu);
    EXPECT_FALSE(o->malformed || o->has_mss || o->has_window_scale || o->sack_permitted || o->has_mptcp);
    EXPECT_EQ(o->sack_count, 0);
  }
  // Same first word, other length: not the shortcut.
  const std::vector<std::uint8_t> cut = {0x01, 0x01, 0x08, 0x0a, 0, 0, 0, 1};
  EXPECT_TRUE(parse_tcp_options(ByteView(cut.data(), cut.size())).malformed);
}

TEST(PacketDecoder, Ipv6ExtensionHeadersAndFragments) {
  std::vector<std::uint8_t> b = {
      0x60, 0x00, 0x00, 0x00,  // version 6
      0x00, 0x1c, 0x00, 0x40,  // payload length 28, next header hop-by-hop, hop limit 64
  };
  for (int i = 0; i < 32; ++i) b.push_back(static_cast<std::uint8_t>(i < 16 ? 0x20 : 0x30));
  const std::vector<std::uint8_t> rest = {
      0x06, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,  // hop-by-hop: next TCP, PadN
      0x00, 0x50, 0x01, 0xbb, 0x00, 0x00, 0x00, 0x01,  // TCP ports 80 -> 443, seq 1
      0x00, 0x00, 0x00, 0x00, 0x50, 0x10, 0x00, 0x10,  // ack 0, offset 5, ACK, window 16
      0x00, 0x00, 0x00, 0x00,                          // checksum, urgent pointer
  };
  b.insert(b.end(), rest.begin(), rest.end());
  PacketDecoder d;
  const DecodedPacket& r = d.decode_ip(ByteView(b.data(), b.size()), static_cast<std::uint32_t>(b.size()));
  EXPECT_EQ(r.status, DecodeStatus::Ok);
  EXPECT_TRUE(r.has(Layer::Ipv6Ext));
  EXPECT_EQ(r.ip.header_len, 48u);
  ASSERT_TRUE(r.has_tcp());
  EXPECT_EQ(r.tcp.dst_port, 443);
  for (std::size_t n = 0; n < b.size(); ++n) {
    std::vector<std::uint8_t> cut(b.begin(), b.begin() + static_cast<long>(n));
    const DecodedPacket& t = d.decode_ip(ByteView(cut.data(), cut.size()), static_cast<std::uint32_t>(b.size()));
    EXPECT_EQ(t.status, DecodeStatus::Truncated) << n;
  }
}

TEST(Views, CheckBeforeAccess) {
  const std::uint8_t tiny[3] = {0x45, 0, 0};
  EXPECT_EQ(Ipv4View::check(ByteView(tiny, 3)), DecodeStatus::Truncated);
  EXPECT_EQ(Ipv6View::check(ByteView(tiny, 0)), DecodeStatus::Truncated);
  EXPECT_EQ(TcpView::check(ByteView(tiny, 3)), DecodeStatus::Truncated);
  EXPECT_EQ(UdpView::check(ByteView(tiny, 3)), DecodeStatus::Truncated);
  EXPECT_EQ(EthernetView::check(ByteView(tiny, 3)), DecodeStatus::Truncated);
  const std::uint8_t null_be[4] = {0, 0, 0, 2}, null_le[4] = {2, 0, 0, 0};
  EXPECT_EQ(NullView(ByteView(null_be, 4)).family(), 2u);
  EXPECT_EQ(NullView(ByteView(null_le, 4)).family(), 2u);
}

}  // namespace
}  // namespace tcplens

namespace tcplens {
namespace {

// A SYN split into two IPv4 fragments: the TCP layer appears on the second frame only.
TEST(PacketDecoder, ReassemblesIpv4Fragments) {
  test::Segment s;
  s.flags = tcpflag::kSyn;
  s.seq = 77;
  s.payload = 12;
  std::vector<std::uint8_t> whole = test::build_ipv4_tcp(s);  // 20 IP + 20 TCP + 12
  auto fragment = [&](std::size_t off, std::size_t len, bool more) {
    std::vector<std::uint8_t> f(whole.begin(), whole.begin() + 20);
    f.insert(f.end(), whole.begin() + 20 + static_cast<long>(off), whole.begin() + 20 + static_cast<long>(off + len));
    f[2] = 0;
    f[3] = static_cast<std::uint8_t>(f.size());
    std::uint16_t ff = static_cast<std::uint16_t>((more ? 0x2000 : 0) | (off / 8));
    f[6] = static_cast<std::uint8_t>(ff >> 8);
    f[7] = static_cast<std::uint8_t>(ff);
    return f;
  };
  auto second = fragment(24, 8, false);
  auto first = fragment(0, 24, true);
  PacketDecoder d;
  // Out of order: the last fragment first.
  EXPECT_FALSE(d.decode(test::raw_packet(second)).has_tcp());
  const DecodedPacket& r = d.decode(test::raw_packet(first));
  ASSERT_TRUE(r.has_tcp());
  EXPECT_TRUE(r.reassembled);
  EXPECT_EQ(r.tcp.seq, 77u);
  EXPECT_EQ(r.tcp.payload_len, 12u);
  EXPECT_EQ(r.tcp.payload.size(), 12u);
  // A lone first fragment of another datagram carries no TCP.
  auto other = first;
  other[5] = 2;  // identification 2
  EXPECT_FALSE(d.decode(test::raw_packet(other)).has_tcp());
}

}  // namespace
}  // namespace tcplens

namespace tcplens {
namespace {

// Deterministic mutations of the fixture through every link type: the decoder and tracker
// must neither crash nor read outside the packet (run under ASan in the asan-ubsan preset).
TEST(PacketDecoder, RandomMutationsStayInBounds) {
  std::uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::uint32_t links[] = {linktype::kEthernet, linktype::kLinuxSll, linktype::kLinuxSll2,
                                 linktype::kNull, linktype::kLoop, linktype::kRaw,
                                 linktype::kIpv4, linktype::kIpv6};
  PacketDecoder d;
  StreamTracker t;
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::uint8_t> b = kQinQSyn;
    int flips = 1 + static_cast<int>(next() % 6);
    for (int k = 0; k < flips; ++k) b[next() % b.size()] = static_cast<std::uint8_t>(next());
    std::size_t len = next() % (b.size() + 1);
    std::vector<std::uint8_t> cut(b.begin(), b.begin() + static_cast<long>(len));
    RawPacket p;
    p.caplen = static_cast<std::uint32_t>(len);
    p.wirelen = static_cast<std::uint32_t>(b.size() + next() % 64);
    p.linktype = links[next() % (sizeof links / sizeof links[0])];
    p.data = ByteView(cut.data(), cut.size());
    p.number = static_cast<std::uint64_t>(i + 1);
    p.ts = {i, 0};
    const DecodedPacket& r = d.decode(p);
    t.on_packet(r, p.number, p.ts);
    if (r.tcp.header_valid) EXPECT_GE(r.tcp.header_len, 20u);
  }
}

}  // namespace
}  // namespace tcplens
