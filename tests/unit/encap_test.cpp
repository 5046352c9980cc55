// Encapsulations (wire/encap.hpp, PacketDecoder): the innermost TCP is found behind GRE with
// a key, PPTP, MPLS, PPPoE, LLC/SNAP, Cisco HDLC and VXLAN-GPE; the tunnel chain is named;
// every truncation point stops cleanly; contradictory lengths are Malformed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "packet_builder.hpp"
#include "tcplens/capture/link_type.hpp"
#include "tcplens/decode/packet_decoder.hpp"

namespace tcplens {
namespace {

using test::put16;
using test::put32;

std::vector<std::uint8_t> inner_syn() {
  return test::build_ipv4_tcp(test::segment(test::kClient, 1000, 0, tcpflag::kSyn));
}

std::vector<std::uint8_t> ethernet(std::uint16_t type, const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> b = {0x02, 0, 0, 0, 0, 0x0b,   // destination
                                 0x02, 0, 0, 0, 0, 0x0a};  // source
  put16(b, type);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// An outer IPv4 header, 192.0.2.1 -> 192.0.2.2, around `payload`.
std::vector<std::uint8_t> outer_ipv4(std::uint8_t proto, const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> b = {0x45, 0};
  put16(b, static_cast<std::uint16_t>(20 + payload.size()));  // total length
  put32(b, 0x00014000);                                        // id 1, DF
  b.push_back(64);                                             // TTL
  b.push_back(proto);                                          // protocol
  put16(b, 0);                                                 // checksum (not verified)
  put32(b, 0xc0000201);                                        // 192.0.2.1
  put32(b, 0xc0000202);                                        // 192.0.2.2
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

std::vector<std::uint8_t> gre_with_key(std::uint32_t key, const std::vector<std::uint8_t>& ip) {
  std::vector<std::uint8_t> b;
  put16(b, 0x2000);  // K, version 0
  put16(b, 0x0800);  // IPv4
  put32(b, key);
  b.insert(b.end(), ip.begin(), ip.end());
  return b;
}

RawPacket packet(const std::vector<std::uint8_t>& bytes, std::uint32_t linktype, std::size_t caplen) {
  RawPacket p;
  p.caplen = static_cast<std::uint32_t>(caplen);
  p.wirelen = static_cast<std::uint32_t>(bytes.size());
  p.linktype = linktype;
  p.data = ByteView(bytes.data(), caplen);
  return p;
}

std::string chain(const DecodedPacket& p) {
  char text[128];
  return std::string(text, format_encap(p.encap, text, sizeof text));
}

void expect_inner_syn(const DecodedPacket& p) {
  EXPECT_EQ(p.status, DecodeStatus::Ok);
  ASSERT_TRUE(p.has_tcp());
  EXPECT_EQ(p.tcp.src_port, test::kClient.port);
  EXPECT_EQ(p.tcp.seq, 1000u);
  EXPECT_EQ(p.ip.src.bytes[0], 10);  // the inner 10.0.0.1, not the tunnel's 192.0.2.1
}

TEST(Encap, GreKeyThenMpls) {
  std::vector<std::uint8_t> mpls;
  put32(mpls, (3000u << 12) | 64);             // label 3000, not bottom of stack
  put32(mpls, (17u << 12) | 0x100 | 64);       // label 17, bottom
  auto ip = inner_syn();
  mpls.insert(mpls.end(), ip.begin(), ip.end());
  std::vector<std::uint8_t> gre;
  put16(gre, 0x2000);
  put16(gre, 0x8847);
  put32(gre, 7);
  gre.insert(gre.end(), mpls.begin(), mpls.end());
  auto frame = ethernet(0x0800, outer_ipv4(47, gre));
  PacketDecoder d;
  const DecodedPacket& p = d.decode(packet(frame, linktype::kEthernet, frame.size()));
  expect_inner_syn(p);
  EXPECT_EQ(p.ip_depth, 2);
  EXPECT_EQ(chain(p), "gre key 0x7 > mpls label 3000");
}

TEST(Encap, PptpCarriesPpp) {
  std::vector<std::uint8_t> ppp = {0xff, 0x03, 0x00, 0x21};  // address, control, IPv4
  auto ip = inner_syn();
  ppp.insert(ppp.end(), ip.begin(), ip.end());
  std::vector<std::uint8_t> gre;
  put16(gre, 0x3001);                                   // K, S, version 1
  put16(gre, 0x880b);                                   // PPP
  put16(gre, static_cast<std::uint16_t>(ppp.size()));  // payload length
  put16(gre, 16384);                                    // call id
  put32(gre, 5);                                        // sequence number
  gre.insert(gre.end(), ppp.begin(), ppp.end());
  auto frame = ethernet(0x0800, outer_ipv4(47, gre));
  PacketDecoder d;
  const DecodedPacket& p = d.decode(packet(frame, linktype::kEthernet, frame.size()));
  expect_inner_syn(p);
  EXPECT_EQ(chain(p), "pptp call 16384");
}

TEST(Encap, PppoeSessionAndLlcSnapAndChdlc) {
  auto ip = inner_syn();
  PacketDecoder d;
  {
    std::vector<std::uint8_t> s = {0x11, 0x00, 0x00, 0x11};  // version/type, code 0, session 0x11
    put16(s, static_cast<std::uint16_t>(2 + ip.size()));     // payload length
    put16(s, 0x0021);                                       // PPP: IPv4
    s.insert(s.end(), ip.begin(), ip.end());
    auto frame = ethernet(0x8864, s);
    const DecodedPacket& p = d.decode(packet(frame, linktype::kEthernet, frame.size()));
    expect_inner_syn(p);
    EXPECT_EQ(chain(p), "pppoe session 0x11");
  }
  {
    std::vector<std::uint8_t> llc = {0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00};  // SNAP, IPv4
    llc.insert(llc.end(), ip.begin(), ip.end());
    auto frame = ethernet(static_cast<std::uint16_t>(llc.size()), llc);  // 802.3 length
    frame.insert(frame.end(), 4, 0);                                     // padding
    const DecodedPacket& p = d.decode(packet(frame, linktype::kEthernet, frame.size()));
    expect_inner_syn(p);
    EXPECT_TRUE(p.has(Layer::Llc));
    EXPECT_EQ(chain(p), "");  // a link layer, not a tunnel
  }
  {
    std::vector<std::uint8_t> hdlc = {0x0f, 0x00, 0x08, 0x00};  // unicast, IPv4
    hdlc.insert(hdlc.end(), ip.begin(), ip.end());
    const DecodedPacket& p = d.decode(packet(hdlc, linktype::kChdlc, hdlc.size()));
    expect_inner_syn(p);
    EXPECT_TRUE(p.has(Layer::Chdlc));
  }
}

TEST(Encap, VxlanGpeOnEitherPort) {
  std::vector<std::uint8_t> gpe = {0x0c, 0, 0, 0x01, 0, 0, 77, 0};  // I, P; IPv4; VNI 77
  auto ip = inner_syn();
  gpe.insert(gpe.end(), ip.begin(), ip.end());
  for (bool to_port : {true, false}) {
    std::vector<std::uint8_t> udp;
    put16(udp, to_port ? 50000 : 4790);
    put16(udp, to_port ? 4790 : 50000);
    put16(udp, static_cast<std::uint16_t>(8 + gpe.size()));
    put16(udp, 0);
    udp.insert(udp.end(), gpe.begin(), gpe.end());
    auto frame = ethernet(0x0800, outer_ipv4(17, udp));
    PacketDecoder d;
    const DecodedPacket& p = d.decode(packet(frame, linktype::kEthernet, frame.size()));
    expect_inner_syn(p);
    EXPECT_EQ(chain(p), "vxlan-gpe vni 77");
  }
}

// Cut anywhere, a tunnelled packet stops Truncated (never Ok, never out of bounds: ASan),
// and the inner TCP's fixed fields appear only once they were captured.
TEST(Encap, TruncatedAtEveryOffset) {
  auto frame = ethernet(0x0800, outer_ipv4(47, gre_with_key(9, inner_syn())));
  const std::size_t inner_tcp = 14 + 20 + 8 + 20;
  PacketDecoder d;
  for (std::size_t n = 0; n < frame.size(); ++n) {
    std::vector<std::uint8_t> copy(frame.begin(), frame.begin() + static_cast<long>(n));
    RawPacket p = packet(frame, linktype::kEthernet, n);
    p.data = ByteView(copy.data(), copy.size());
    const DecodedPacket& r = d.decode(p);
    EXPECT_EQ(r.status, DecodeStatus::Truncated) << "caplen " << n;
    EXPECT_EQ(r.has_tcp(), n >= inner_tcp + 16) << "caplen " << n;
  }
}

TEST(Encap, ContradictoryLengthsAreMalformed) {
  PacketDecoder d;
  {
    // PPTP without its key (call id): RFC 2637 requires K.
    std::vector<std::uint8_t> gre = {0x10, 0x01, 0x88, 0x0b, 0, 0, 0, 1};
    auto frame = ethernet(0x0800, outer_ipv4(47, gre));
    const DecodedPacket& p = d.decode(packet(frame, linktype::kEthernet, frame.size()));
    EXPECT_EQ(p.status, DecodeStatus::Malformed);
    EXPECT_EQ(p.stop_layer, Layer::Gre);
  }
  {
    // Radiotap whose length is shorter than its own fixed header.
    std::vector<std::uint8_t> rt = {0, 0, 4, 0, 0, 0, 0, 0, 0, 0};
    const DecodedPacket& p = d.decode(packet(rt, linktype::kIeee80211Radiotap, rt.size()));
    EXPECT_EQ(p.status, DecodeStatus::Malformed);
    EXPECT_EQ(p.stop_layer, Layer::Radiotap);
  }
}

}  // namespace
}  // namespace tcplens
