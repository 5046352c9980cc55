// ICMP and ICMPv6 lines as tcpdump 4.99.3 prints them (expected text taken from
// `tcpdump -n -t [-v] -r` on the same bytes), including packets cut short.
#include <gtest/gtest.h>

#include "tcpdump_line.hpp"

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "tcplens/capture/link_type.hpp"
#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"

namespace tcplens {
namespace {

std::vector<std::uint8_t> from_hex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  int hi = -1;
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) continue;
    int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10);
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

// Renders one packet of `bytes`, of which only the first `caplen` bytes were captured
// (0: all), with no timestamp (-t).
std::string render(std::uint32_t linktype, const std::vector<std::uint8_t>& bytes, int verbose,
                   std::size_t caplen = 0) {
  return test::tcpdump_line(linktype, bytes, verbose, caplen);
}

const std::vector<std::uint8_t> kEcho4 = from_hex(
    "45 00 00 20 00 01 00 00 40 01 66 da 0a 00 00 01 0a 00 00 02"  // IPv4, 32 bytes, ICMP
    "08 00 21 04 12 34 00 01"                                      // echo request id 0x1234 seq 1
    "61 62 63 64");                                                // data "abcd"

const std::vector<std::uint8_t> kPortUnreach4 = from_hex(
    "45 00 00 38 00 02 00 00 40 01 66 c1 0a 00 00 02 0a 00 00 01"  // IPv4, 56 bytes, ICMP
    "03 03 82 0b 00 00 00 00"                                      // unreachable, port
    "45 00 00 1c 00 07 00 00 40 11 00 00 0a 00 00 01 0a 00 00 02"  // quoted IPv4, UDP, cksum 0
    "c3 50 1e 61 00 08 00 00");                                    // quoted UDP 50000 > 7777

const std::vector<std::uint8_t> kNeighborSolicit6 = from_hex(
    "60 00 00 00 00 20 3a ff"                                // IPv6, payload 32, ICMPv6, hlim 255
    "fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01"        // src fe80::1
    "ff 02 00 00 00 00 00 00 00 00 00 01 ff 00 00 02"        // dst ff02::1:ff00:2
    "87 00 7a 97 00 00 00 00"                                // neighbor solicitation
    "fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 02"        // target fe80::2
    "01 01 02 00 00 00 00 01");                              // source link-address option

const std::vector<std::uint8_t> kEchoReply6 = from_hex(
    "60 00 00 00 00 0c 3a 40"                                // IPv6, payload 12, ICMPv6, hlim 64
    "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"        // src 2001:db8::1
    "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"        // dst 2001:db8::2
    "81 00 85 9c 00 07 00 03"                                // echo reply id 7 seq 3
    "de ad be ef");                                          // data

TEST(IcmpPrint, EchoRequest) {
  EXPECT_EQ(render(linktype::kIpv4, kEcho4, 0),
            "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 4660, seq 1, length 12\n");
}

TEST(IcmpPrint, EchoRequestCutInTheHeaderPrintsOnlyTheMarker) {
  // Type and code captured, id and seq not: tcpdump's description buffer is never printed.
  EXPECT_EQ(render(linktype::kIpv4, kEcho4, 0, 22), "IP 10.0.0.1 > 10.0.0.2:  [|icmp]\n");
}

TEST(IcmpPrint, PortUnreachableQuotesThePacketWithVerbose) {
  EXPECT_EQ(render(linktype::kIpv4, kPortUnreach4, 0),
            "IP 10.0.0.2 > 10.0.0.1: ICMP 10.0.0.2 udp port 7777 unreachable, length 36\n");
  EXPECT_EQ(render(linktype::kIpv4, kPortUnreach4, 1),
            "IP (tos 0x0, ttl 64, id 2, offset 0, flags [none], proto ICMP (1), length 56)\n"
            "    10.0.0.2 > 10.0.0.1: ICMP 10.0.0.2 udp port 7777 unreachable, length 36\n"
            "\tIP (tos 0x0, ttl 64, id 7, offset 0, flags [none], proto UDP (17), length 28, "
            "bad cksum 0 (->66c8)!)\n"
            "    10.0.0.1.50000 > 10.0.0.2.7777: UDP, length 0\n");
}

TEST(IcmpPrint, PortUnreachableWithoutTheQuotedPort) {
  EXPECT_EQ(render(linktype::kIpv4, kPortUnreach4, 0, 46), "IP 10.0.0.2 > 10.0.0.1:  [|icmp]\n");
}

TEST(Icmp6Print, EchoReply) {
  EXPECT_EQ(render(linktype::kIpv6, kEchoReply6, 0),
            "IP6 2001:db8::1 > 2001:db8::2: ICMP6, echo reply, id 7, seq 3, length 12\n");
  EXPECT_EQ(render(linktype::kIpv6, kEchoReply6, 1),
            "IP6 (hlim 64, next-header ICMPv6 (58) payload length: 12) 2001:db8::1 > "
            "2001:db8::2: [icmp6 sum ok] ICMP6, echo reply, id 7, seq 3\n");
}

TEST(Icmp6Print, NeighborSolicitationWithOptions) {
  EXPECT_EQ(render(linktype::kIpv6, kNeighborSolicit6, 0),
            "IP6 fe80::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation, who has fe80::2, "
            "length 32\n");
  EXPECT_EQ(render(linktype::kIpv6, kNeighborSolicit6, 1),
            "IP6 (hlim 255, next-header ICMPv6 (58) payload length: 32) fe80::1 > "
            "ff02::1:ff00:2: [icmp6 sum ok] ICMP6, neighbor solicitation, length 32, who has "
            "fe80::2\n"
            "\t  source link-address option (1), length 8 (1): 02:00:00:00:00:01\n");
}

TEST(Icmp6Print, NeighborSolicitationCutShort) {
  // Target cut: nothing of ", who has" is printed.
  EXPECT_EQ(render(linktype::kIpv6, kNeighborSolicit6, 0, 44),
            "IP6 fe80::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation [|icmp6]\n");
  // Option cut (-v): the option walk stops with the marker, and no checksum note.
  EXPECT_EQ(render(linktype::kIpv6, kNeighborSolicit6, 1, 70),
            "IP6 (hlim 255, next-header ICMPv6 (58) payload length: 32) fe80::1 > "
            "ff02::1:ff00:2: ICMP6, neighbor solicitation, length 32, who has fe80::2 "
            "[|icmp6]\n");
}

}  // namespace
}  // namespace tcplens
