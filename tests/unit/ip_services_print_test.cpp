// tcpdump's UDP port dispatch (print_udp_ports.cpp), IPsec AH and the IPv6 mobility header
// through the tcpdump renderer, on whole, empty, short and truncated input. Expected lines
// are what tcpdump 4.99.3 prints for the same bytes (`tcpdump -n -t`, -v).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "tcplens/capture/link_type.hpp"
#include "tcpdump_line.hpp"

namespace tcplens {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put16(Bytes& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

// IPv4 10.0.0.1 > 10.0.0.2 carrying `proto` (the header checksum is not checked at -n).
Bytes ipv4(std::uint8_t proto, const Bytes& payload) {
  Bytes b = {0x45, 0};
  put16(b, static_cast<unsigned>(20 + payload.size()));
  b.insert(b.end(), {0, 1, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2});
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// IPv6 2001:db8::1 > 2001:db8::2 with next header `nh`.
Bytes ipv6(std::uint8_t nh, const Bytes& payload) {
  Bytes b = {0x60, 0, 0, 0};
  put16(b, static_cast<unsigned>(payload.size()));
  b.push_back(nh);
  b.push_back(64);
  for (int host = 1; host <= 2; ++host) {
    b.insert(b.end(), {0x20, 0x01, 0x0d, 0xb8});
    b.insert(b.end(), 11, 0);
    b.push_back(static_cast<std::uint8_t>(host));
  }
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes udp(unsigned sport, unsigned dport, const Bytes& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<unsigned>(8 + payload.size()));
  put16(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// Renders one raw-IP packet captured up to `caplen` bytes (0: all), without a timestamp.
std::string render(const Bytes& bytes, int verbose = 0, std::size_t caplen = 0) {
  return test::tcpdump_line(linktype::kRaw, bytes, verbose, caplen);
}

std::string udp4(unsigned sport, unsigned dport, const Bytes& payload, std::size_t caplen = 0) {
  return render(ipv4(17, udp(sport, dport, payload)), 0, caplen);
}

const std::string kPrefix = "IP 10.0.0.1.40000 > 10.0.0.2.";

TEST(UdpPortPrint, EmptyPayloadsPrintTheProtocolsMarker) {
  EXPECT_EQ(udp4(40000, 525, {}), kPrefix + "525:  [|timed]\n");
  EXPECT_EQ(udp4(40000, 921, {}), kPrefix + "921:  [|lwres]\n");
  EXPECT_EQ(udp4(40000, 319, {}), kPrefix + "319:  [length 0 < 34] (invalid)\n");
  EXPECT_EQ(udp4(40000, 646, {}), kPrefix + "646: \n");
  EXPECT_EQ(udp4(40000, 496, {}), kPrefix + "496:  [|cisco_autorp]\n");
  EXPECT_EQ(udp4(40000, 701, {}), kPrefix + "701:  [|lmp]\n");
  EXPECT_EQ(udp4(40000, 88, {}), kPrefix + "88:  [|krb]\n");
  EXPECT_EQ(udp4(40000, 500, {}), kPrefix + "500:  [|isakmp]\n");
  EXPECT_EQ(udp4(40000, 654, {}), kPrefix + "654:  [|aodv]\n");
  EXPECT_EQ(udp4(40000, 698, {}), kPrefix + "698: OLSRv4 [|olsr]\n");
  EXPECT_EQ(udp4(40000, 7003, {}), kPrefix + "7003:  [|rx] (0)\n");
  EXPECT_EQ(udp4(40000, 30490, {}), kPrefix + "30490: SOMEIP (invalid)\n");
  EXPECT_EQ(render(ipv6(17, udp(40000, 698, {}))),
            "IP6 2001:db8::1.40000 > 2001:db8::2.698: OLSRv6 [|olsr]\n");
}

TEST(UdpPortPrint, ShortPayloadsAndTheBytesThatDecide) {
  EXPECT_EQ(udp4(40000, 88, {0x6a, 0x81}), kPrefix + "88:  v5\n");
  EXPECT_EQ(udp4(40000, 750, {0x02}), kPrefix + "750:  v2\n");
  EXPECT_EQ(udp4(40000, 4500, {0xff}), kPrefix + "4500: isakmp-nat-keep-alive\n");
  EXPECT_EQ(udp4(40000, 4500, Bytes(8)), kPrefix + "4500: NONESP-encap:  [|isakmp]\n");
  EXPECT_EQ(udp4(40000, 701, Bytes(8)), kPrefix + "701: LMP version 0 packet not supported\n");
  EXPECT_EQ(udp4(40000, 6696, Bytes(4)), kPrefix + "6696: babel invalid header\n");
  EXPECT_EQ(udp4(40000, 17754, {0}), kPrefix + "17754: ZEP [Preamble Code: ^@ [|zep]\n");
  EXPECT_EQ(udp4(40000, 3456, Bytes(4)), kPrefix + "3456: udp/vat, length 4 < 8\n");
  EXPECT_EQ(udp4(40000, 3785, Bytes(16)), kPrefix + "3785: BFD, Echo, length: 16\n");
  EXPECT_EQ(udp4(40000, 3503, Bytes(8)), kPrefix + "3503: \n\t\t packet is too short\n");
}

TEST(UdpPortPrint, FixedHeaderLines) {
  // sFlow v5 with an IPv4 agent and no samples: -n stops at the agent ID, -v goes on.
  const Bytes sflow = {0, 0, 0, 5, 0, 0, 0, 1, 192, 0, 2, 9, 0, 0, 0, 3,
                       0, 0, 0, 7, 0, 0, 3, 0xe8, 0, 0, 0, 0};
  EXPECT_EQ(udp4(40000, 6343, sflow),
            kPrefix + "6343: sFlowv5, IPv4 agent 192.0.2.9, agent-id 3, length 28\n");
  const std::string verbose = render(ipv4(17, udp(40000, 6343, sflow)), 1);
  EXPECT_EQ(verbose.substr(verbose.find("6343: ")),
            "6343: sFlowv5, IPv4 agent 192.0.2.9, agent-id 3, seqnum 7, uptime 1000, samples 0, "
            "length 28\n");
  // OTV: flags (I), overlay and instance IDs, then the Ethernet frame (8 bytes of one here).
  EXPECT_EQ(udp4(40000, 8472, {0x08, 0x12, 0x34, 0x56, 0, 0, 7, 0, 2, 0, 0, 0, 0, 2, 2, 0}),
            kPrefix + "8472: OTV, flags [I] (0x08), overlay 1193046, instance 7\n [|ether]\n");
}

TEST(UdpPortPrint, Hsrp) {
  const Bytes hello = {0, 0, 16, 3, 10, 100, 1, 0, 'c', 'i', 's', 'c', 'o', 0, 0, 0, 10, 0, 0, 254};
  EXPECT_EQ(udp4(1985, 1985, hello),
            "IP 10.0.0.1.1985 > 10.0.0.2.1985: HSRPv0-hello 20: state=active group=1 "
            "addr=10.0.0.254\n");
  const std::string verbose = render(ipv4(17, udp(1985, 1985, hello)), 1);
  EXPECT_EQ(verbose.substr(verbose.find("HSRP")),
            "HSRPv0-hello 20: state=active group=1 addr=10.0.0.254 hellotime=3s holdtime=10s "
            "priority=100 auth=\"cisco\"\n");
  // Cut inside the virtual address: each field's trailing space comes with the field.
  EXPECT_EQ(udp4(1985, 1985, hello, 28 + 19),
            "IP 10.0.0.1.1985 > 10.0.0.2.1985: HSRPv0-hello 20: state=active group=1  [|hsrp]\n");
}

TEST(UdpPortPrint, RadiusHeader) {
  Bytes coa_ack = {44, 7, 0, 20};
  coa_ack.resize(20);
  EXPECT_EQ(udp4(3799, 40000, coa_ack),
            "IP 10.0.0.1.3799 > 10.0.0.2.40000: RADIUS, CoA-ACK (44), id: 0x07 length: 20\n");
  const std::string verbose = render(ipv4(17, udp(3799, 40000, coa_ack)), 1);
  EXPECT_EQ(verbose.substr(verbose.find("RADIUS")),
            "RADIUS, length: 20\n\tCoA-ACK (44), id: 0x07, Authenticator: "
            "00000000000000000000000000000000\n");
  // A length field under the header's 20 bytes ends the printer as a truncation does.
  coa_ack[3] = 10;
  EXPECT_EQ(udp4(3799, 40000, coa_ack), "IP 10.0.0.1.3799 > 10.0.0.2.40000:  [|radius]\n");
}

TEST(UdpPortPrint, LongerPayloadsGetTheGenericLine) {
  // A whole ISAKMP header: its decoder is not reproduced, nothing of it is printed.
  EXPECT_EQ(udp4(40000, 500, Bytes(28)), kPrefix + "500: UDP, length 28\n");
  EXPECT_EQ(udp4(40000, 319, Bytes(34)), kPrefix + "319: UDP, length 34\n");
}

TEST(UdpPortPrint, CapturedBytesDecide) {
  // 40 bytes of ISAKMP of which 10 were captured; 32 of LSP ping of which none.
  EXPECT_EQ(udp4(40000, 500, Bytes(40), 38), kPrefix + "500:  [|isakmp]\n");
  EXPECT_EQ(udp4(40000, 3503, Bytes(32), 28), kPrefix + "3503:  [|lspping]\n");
  EXPECT_EQ(udp4(40000, 8472, Bytes(7), 30), kPrefix + "8472: OTV, [length 7 < 8] (invalid) [|otv]\n");
}

TEST(UdpPortPrint, FirstPortTestWins) {
  // tcpdump tests mDNS before BOOTP, timed before Kerberos.
  EXPECT_EQ(render(ipv4(17, udp(5353, 67, {}))),
            "IP 10.0.0.1.5353 > 10.0.0.2.67: domain [length 0 < 12] (invalid)\n");
  EXPECT_EQ(render(ipv4(17, udp(525, 88, {}))), "IP 10.0.0.1.525 > 10.0.0.2.88:  [|timed]\n");
}

// AH: next header, length 4 (a 12-byte ICV), reserved, SPI, sequence number, ICV.
Bytes ah(std::uint8_t next, const Bytes& icv, unsigned reserved = 0) {
  Bytes b = {next, static_cast<std::uint8_t>((12 + icv.size()) / 4 - 2)};
  put16(b, reserved);
  b.insert(b.end(), {0, 0, 0x10, 0, 0, 0, 0, 7});
  b.insert(b.end(), icv.begin(), icv.end());
  return b;
}

Bytes with(Bytes head, const Bytes& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

TEST(AhPrint, HeaderThenWhatItProtects) {
  const Bytes icv = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};
  const Bytes pkt = ipv4(51, with(ah(17, icv), udp(40000, 525, {})));
  EXPECT_EQ(render(pkt),
            "IP 10.0.0.1 > 10.0.0.2: AH(spi=0x00001000,seq=0x7,icv=0xa0a1a2a3a4a5a6a7a8a9aaab): "
            "40000 > 525:  [|timed]\n");
  EXPECT_EQ(render(pkt, 1),
            "IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], proto AH (51), length 52, "
            "bad cksum 0 (->6694)!)\n"
            "    10.0.0.1 > 10.0.0.2: AH(length=4(24-bytes),spi=0x00001000,seq=0x7,"
            "icv=0xa0a1a2a3a4a5a6a7a8a9aaab): 40000 > 525:  [|timed]\n");
  // A reserved field that is not zero, an empty ICV, and IPv6 (AH is no extension header
  // of tcpdump's ip6_print: its payload printer handles it).
  EXPECT_EQ(render(ipv6(51, ah(59, {}, 0x3030))),
            "IP6 2001:db8::1 > 2001:db8::2: AH(reserved=0x3030[MustBeZero],spi=0x00001000,"
            "seq=0x7,icv=0x): no next header\n");
}

TEST(AhPrint, Truncated) {
  const Bytes icv(12, 0x30);
  const Bytes pkt = ipv4(51, with(ah(6, icv), Bytes(20)));
  EXPECT_EQ(render(pkt, 0, 20), "IP 10.0.0.1 > 10.0.0.2:  [|ah]\n");
  EXPECT_EQ(render(pkt, 0, 21), "IP 10.0.0.1 > 10.0.0.2: AH [|ah]\n");
  EXPECT_EQ(render(pkt, 0, 26), "IP 10.0.0.1 > 10.0.0.2: AH( [|ah]\n");
  EXPECT_EQ(render(pkt, 0, 34),
            "IP 10.0.0.1 > 10.0.0.2: AH(spi=0x00001000,seq=0x7,icv=0x3030 [|ah]\n");
  // Each AH that names AH as its next header is printed, until the capture ends.
  EXPECT_EQ(render(ipv4(51, with(ah(51, {}), ah(51, {}))), 0),
            "IP 10.0.0.1 > 10.0.0.2: AH(spi=0x00001000,seq=0x7,icv=0x): "
            "AH(spi=0x00001000,seq=0x7,icv=0x):  [|ah]\n");
}

// A mobility header: payload proto 59, length in 8-octet units after the first 8, type,
// reserved, checksum 0, then `data` (its first 2 bytes are the first 8's last two).
Bytes mobility(std::uint8_t type, const Bytes& data) {
  Bytes b(6 + data.size());
  b[0] = 59;
  b[1] = static_cast<std::uint8_t>(b.size() / 8 - 1);
  b[2] = type;
  std::copy(data.begin(), data.end(), b.begin() + 6);
  return b;
}

const std::string kMipPrefix = "IP6 2001:db8::1 > 2001:db8::2: ";

TEST(MobilityPrint, BindingUpdateAndItsOptions) {
  // seq 100, flags A H L K, lifetime 60 (x4 s); a Binding Refresh Advice of 150 (x4 s), PadN.
  const Bytes bu = mobility(5, {0, 100, 0xf0, 0, 0, 60, 2, 2, 0, 150, 1, 0});
  EXPECT_EQ(render(ipv6(135, bu)), kMipPrefix + "mobility: BU seq#=100 AHLK lifetime=240\n");
  // The header's length says 16 bytes: the PadN after them is not an option of it, but
  // tcpdump checks that the byte after each option was captured, and it was.
  EXPECT_EQ(render(ipv6(135, bu), 1),
            "IP6 (hlim 64, next-header Mobility (135) payload length: 18) 2001:db8::1 > "
            "2001:db8::2: mobility: BU seq#=100 AHLK lifetime=240(refresh: 600)\n");
  // Without that byte the option is not printed at all.
  const Bytes pkt = ipv6(135, bu);
  EXPECT_EQ(render(pkt, 1, pkt.size() - 2),
            "IP6 (hlim 64, next-header Mobility (135) payload length: 18) 2001:db8::1 > "
            "2001:db8::2: mobility: BU seq#=100 AHLK lifetime=240 [|mobility]\n");
}

TEST(MobilityPrint, ShortAndTruncated) {
  // A Binding Acknowledgement needs 12 bytes; this header says 8.
  EXPECT_EQ(render(ipv6(135, mobility(6, {0, 0}))),
            kMipPrefix + "(header length 8 is too small for type 6) [|mobility]\n");
  const Bytes ba = ipv6(135, mobility(6, {0, 0x80, 0, 7, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(render(ba), kMipPrefix + "mobility: BA status=0 K seq#=7 lifetime=4\n");
  EXPECT_EQ(render(ba, 0, 46), kMipPrefix + "mobility: BA [|mobility]\n");
  EXPECT_EQ(render(ba, 0, 49), kMipPrefix + "mobility: BA status=0 K [|mobility]\n");
  EXPECT_EQ(render(ba, 0, 41), kMipPrefix + " [|mobility]\n");
  EXPECT_EQ(render(ipv6(135, mobility(9, {0, 0}))), kMipPrefix + "mobility: type-#9 len=0\n");
}

}  // namespace
}  // namespace tcplens
