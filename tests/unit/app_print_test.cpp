// Application printers (DNS, text protocols, SSH, RESP, SNMP, RIP, NTP, BOOTP/DHCP, DHCPv6,
// L2TP control messages, PPP's control and authentication protocols, IEEE 802.11 frames)
// through the tcpdump renderer.
// Expected lines are what tcpdump 4.99.3 prints for the same bytes (`tcpdump -n -t`, -v).
#include <gtest/gtest.h>

#include "tcpdump_line.hpp"

#include <string>
#include <vector>

#include "tcplens/capture/link_type.hpp"
#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"

namespace tcplens {
namespace {

std::vector<std::uint8_t> from_hex(std::string_view hex) {
  std::vector<std::uint8_t> v;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    v.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  return v;
}

// Renders one packet (raw IP unless told), captured up to `caplen` bytes (0: all), without
// a timestamp.
std::string render(std::string_view hex, int verbose = 0, std::uint32_t caplen = 0,
                   std::uint32_t link = linktype::kRaw, bool link_header = false) {
  return test::tcpdump_line(link, from_hex(hex), verbose, caplen, link_header);
}

// UDP 10.0.0.1.1234 > 10.0.0.2.53, query www.example.com A, recursion desired.
constexpr std::string_view kQuery =
    "4500003d00010000401166ad0a0000010a00000204d2003500298a0212340100000100000000000003777777"
    "076578616d706c6503636f6d0000010001";

// Response: www.example.com CNAME cdn.<ptr example.com>, then cdn.example.com (a pointer to
// the CNAME's rdata) A 1.2.3.4.
constexpr std::string_view kCompressed =
    "4500005f000100004011668b0a0000010a000002003504d2004b7c8d1234818000010002000000000377777707"
    "6578616d706c6503636f6d0000010001c00c000500010000012c00060363646ec010c02d000100010000012c00"
    "0401020304";

TEST(DnsPrint, Query) {
  EXPECT_EQ(render(kQuery), "IP 10.0.0.1.1234 > 10.0.0.2.53: 4660+ A? www.example.com. (33)\n");
  EXPECT_EQ(render(kQuery, 1),
            "IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], proto UDP (17), length 61)\n"
            "    10.0.0.1.1234 > 10.0.0.2.53: 4660+ A? www.example.com. (33)\n");
}

TEST(DnsPrint, CompressedNames) {
  EXPECT_EQ(render(kCompressed),
            "IP 10.0.0.1.53 > 10.0.0.2.1234: 4660 2/0/0 CNAME cdn.example.com., A 1.2.3.4 (67)\n");
  EXPECT_EQ(render(kCompressed, 1),
            "IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], proto UDP (17), length 95)\n"
            "    10.0.0.1.53 > 10.0.0.2.1234: 4660 2/0/0 www.example.com. CNAME cdn.example.com.,"
            " cdn.example.com. A 1.2.3.4 (67)\n");
}

TEST(DnsPrint, PointerLoopIsRefused) {
  // Name "a" followed by a pointer back to its own start: printed once, then <BAD PTR>.
  constexpr std::string_view kLoop =
      "4500003000010000401166ba0a0000010a00000204d20035001c24350007010000010000000000000161c00c"
      "00010001";
  EXPECT_EQ(render(kLoop), "IP 10.0.0.1.1234 > 10.0.0.2.53: 7+ A? a.<BAD PTR> [|domain]\n");
}

TEST(DnsPrint, Truncated) {
  // Cut inside the question name: the name cannot be skipped, so nothing of it is printed.
  EXPECT_EQ(render(kQuery, 0, 47), "IP 10.0.0.1.1234 > 10.0.0.2.53: 4660+ [|domain]\n");
  // Cut inside the CNAME rdata: the type is printed, then the marker.
  EXPECT_EQ(render(kCompressed, 0, 75),
            "IP 10.0.0.1.53 > 10.0.0.2.1234: 4660 2/0/0 CNAME [|domain]\n");
  EXPECT_EQ(render(kCompressed, 1, 75),
            "IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], proto UDP (17), length 95)\n"
            "    10.0.0.1.53 > 10.0.0.2.1234: 4660 2/0/0 www.example.com. CNAME [|domain]\n");
  // The second answer's fixed part is missing: tcpdump stops quietly and prints the length.
  EXPECT_EQ(render(kCompressed, 0, 83),
            "IP 10.0.0.1.53 > 10.0.0.2.1234: 4660 2/0/0 CNAME cdn.example.com., (67)\n");
}

TEST(DnsPrint, OverTcpSkipsLengthPrefix) {
  constexpr std::string_view kTcpDns =
      "4500004700010000400666ae0a0000010a0000029c400035000003e8000007d0501803e856370000001dab"
      "cd01000001000000000000076578616d706c65036f726700001c0001";
  EXPECT_EQ(render(kTcpDns),
            "IP 10.0.0.1.40000 > 10.0.0.2.53: Flags [P.], seq 1000:1031, ack 2000, win 1000, "
            "length 31 43981+ AAAA? example.org. (29)\n");
}

constexpr std::string_view kHttpGet =
    "45000057000100004006669e0a0000010a0000029c400050000003e8000007d0501803e8c3a90000474554202f"
    "696e6465782e68746d6c20485454502f312e310d0a486f73743a206578616d706c652e636f6d0d0a0d0a";

TEST(TxtprotoPrint, HttpRequestLine) {
  EXPECT_EQ(render(kHttpGet),
            "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1000:1047, ack 2000, win 1000, "
            "length 47: HTTP: GET /index.html HTTP/1.1\n");
}

TEST(TxtprotoPrint, HttpVerbosePrintsEveryLine) {
  EXPECT_EQ(render(kHttpGet, 1),
            "IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], proto TCP (6), length 87)\n"
            "    10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], cksum 0xc3a9 (correct), seq 1000:1047, "
            "ack 2000, win 1000, length 47: HTTP, length: 47\n"
            "\tGET /index.html HTTP/1.1\n\tHost: example.com\n\t\n");
}

TEST(TxtprotoPrint, HttpTruncated) {
  EXPECT_EQ(render(kHttpGet, 0, 60),
            "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1000:1047, ack 2000, win 1000, "
            "length 47: HTTP [|http]\n");
}

TEST(TxtprotoPrint, FtpReply) {
  constexpr std::string_view kFtp =
      "4500003500010000400666c00a0000010a00000200159c40000003e8000007d0501803e8eb310000323230"
      "2057656c636f6d650d0a";
  EXPECT_EQ(render(kFtp),
            "IP 10.0.0.1.21 > 10.0.0.2.40000: Flags [P.], seq 1000:1013, ack 2000, win 1000, "
            "length 13: FTP: 220 Welcome\n");
  EXPECT_EQ(render(kFtp, 1),
            "IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], proto TCP (6), length 53)\n"
            "    10.0.0.1.21 > 10.0.0.2.40000: Flags [P.], cksum 0xeb31 (correct), seq 1000:1013, "
            "ack 2000, win 1000, length 13: FTP, length: 13\n\t220 Welcome\n");
}

TEST(SshPrint, Banner) {
  constexpr std::string_view kSsh =
      "4500003d00010000400666b80a0000010a00000200169c40000003e8000007d0501803e8281600005353482d"
      "322e302d4f70656e5353485f392e360d0a";
  EXPECT_EQ(render(kSsh),
            "IP 10.0.0.1.22 > 10.0.0.2.40000: Flags [P.], seq 1000:1021, ack 2000, win 1000, "
            "length 21: SSH: SSH-2.0-OpenSSH_9.6\n");
}

TEST(RespPrint, Array) {
  constexpr std::string_view kResp =
      "4500003e00010000400666b70a0000010a0000029c4018eb000003e8000007d0501803e818fd00002a320d0a"
      "24330d0a4745540d0a24330d0a6b65790d0a";
  EXPECT_EQ(render(kResp),
            "IP 10.0.0.1.40000 > 10.0.0.2.6379: Flags [P.], seq 1000:1022, ack 2000, win 1000, "
            "length 22: RESP \"GET\" \"key\"\n");
}

// SNMP (print_snmp.cpp). UDP 10.0.0.1.1234 > 10.0.0.2.161, SNMPv2c community "public",
// GetRequest id 7 for sysName.0 (.1.3.6.1.2.1.1.5.0).
constexpr std::string_view kSnmpGet =
    "4500004400014000401126a60a0000010a00000204d200a10030acd9302602010104067075626c6963a0190201"
    "07020100020100300e300c06082b060102010105000500";

TEST(SnmpPrint, GetRequest) {
  EXPECT_EQ(render(kSnmpGet), "IP 10.0.0.1.1234 > 10.0.0.2.161:  GetRequest(25)  .1.3.6.1.2.1.1.5.0\n");
  EXPECT_EQ(render(kSnmpGet, 1),
            "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto UDP (17), length 68)\n"
            "    10.0.0.1.1234 > 10.0.0.2.161:  { SNMPv2c { GetRequest(25) R=7  .1.3.6.1.2.1.1.5.0 } } \n");
}

TEST(SnmpPrint, ResponseWithValues) {
  // Community "ops": sysName.0 = "gw", sysUpTime.0 = TimeTicks 100.
  constexpr std::string_view kResp =
      "4500005200014000401126980a0000010a00000200a104d2003eb8a1303402010104036f7073a22a02010702"
      "0100020100301f300e06082b0601020101050004026777300d06082b06010201010300430164";
  EXPECT_EQ(render(kResp), "IP 10.0.0.1.161 > 10.0.0.2.1234:  C=\"ops\" GetResponse(42)  "
                           ".1.3.6.1.2.1.1.5.0=\"gw\" .1.3.6.1.2.1.1.3.0=100\n");
}

TEST(SnmpPrint, V1Trap) {
  // Enterprise .1.3.6.1.4.1.9, agent 10.0.0.1, enterpriseSpecific 3, time 55, no bindings.
  constexpr std::string_view kTrap =
      "4500004400014000401126a60a0000010a00000204d200a20030f90b302602010004067075626c6963a41906"
      "062b060104010940040a0000010201060201034301373000";
  EXPECT_EQ(render(kTrap),
            "IP 10.0.0.1.1234 > 10.0.0.2.162:  Trap(25)  .1.3.6.1.4.1.9 10.0.0.1 enterpriseSpecific s=3 55\n");
}

TEST(SnmpPrint, GarbledBer) {
  // The last value claims 4 bytes where none are left.
  EXPECT_EQ(render("4500004400014000401126a60a0000010a00000204d200a10030acd5302602010104067075626c6963"
                   "a019020107020100020100300e300c06082b060102010105000504"),
            "IP 10.0.0.1.1234 > 10.0.0.2.161:  GetRequest(25)  .1.3.6.1.2.1.1.5.0[len0<asnlen4]\n");
  // Version 9.
  EXPECT_EQ(render("4500002100014000401126c90a0000010a00000204d200a1000dab5a3003020109"),
            "IP 10.0.0.1.1234 > 10.0.0.2.161:  SNMP [version = 9]\n");
  // A high tag number (extended form, 129) in the context class.
  EXPECT_EQ(render("4500002000014000401126ca0a0000010a00000204d200a1000ca5df3f810100"),
            "IP 10.0.0.1.1234 > 10.0.0.2.161:  [id?C/x/129]\n");
  // A five-octet length (wraps to 0, as in tcpdump), then nothing.
  EXPECT_EQ(render("4500002400014000401126c60a0000010a00000204d200a10010b4d33085010000000000"),
            "IP 10.0.0.1.1234 > 10.0.0.2.161:  [1 extra after iSEQ][nothing to parse]\n");
}

TEST(SnmpPrint, TruncatedAtEveryLength) {
  // Inside the UDP header: [|udp]; anywhere in the message: tcpdump checks the whole outer
  // SEQUENCE against the capture first, so nothing of it is printed.
  const std::size_t full = kSnmpGet.size() / 2;
  for (std::uint32_t cap = 20; cap < full; ++cap) {
    const std::string got = render(kSnmpGet, 0, cap);
    if (cap < 28)
      EXPECT_EQ(got.substr(got.size() - 7), "[|udp]\n") << "caplen " << cap;
    else
      EXPECT_EQ(got, "IP 10.0.0.1.1234 > 10.0.0.2.161:   [|snmp]\n") << "caplen " << cap;
    EXPECT_EQ(render(kSnmpGet, 1, cap).back(), '\n');
  }
}

// For every capture length from the end of the UDP header on: the line is the whole packet's
// output up to some point, then `mark` ("[|l2tp]"), as tcpdump prints while it reads.
void expect_prefix_then_mark(std::string_view hex, int verbose, std::string_view mark) {
  const std::string whole = render(hex, verbose);
  const std::string tail = std::string(mark) + "\n";
  for (std::uint32_t cap = 28; cap < hex.size() / 2; ++cap) {
    const std::string got = render(hex, verbose, cap);
    const std::size_t cut = got.rfind(tail);
    ASSERT_NE(cut, std::string::npos) << "caplen " << cap << ": " << got;
    EXPECT_EQ(cut + tail.size(), got.size()) << "caplen " << cap;
    EXPECT_EQ(whole.compare(0, cut, got, 0, cut), 0) << "caplen " << cap << ": " << got;
  }
}

// L2TPv2 control message (print_tunnel.cpp): UDP 1701, SCCRQ with Protocol Version 1.0,
// Host Name "lac" and a non-mandatory Assigned Tunnel ID 5.
constexpr std::string_view kL2tpSccrq =
    "4500004900014000401126a10a0000010a00000206a506a50035af81c802002d00000000000000008008000000"
    "00000180080000000201008009000000076c61630008000000090005";

TEST(L2tpPrint, ControlMessageAvps) {
  EXPECT_EQ(render(kL2tpSccrq), "IP 10.0.0.1.1701 > 10.0.0.2.1701:  l2tp:[TLS](0/0)Ns=0,Nr=0 "
                                "*MSGTYPE(SCCRQ) *PROTO_VER(1.0) *HOST_NAME(lac) ASSND_TUN_ID(5)\n");
  // An empty Message Type AVP, then an AVP whose length (3) is below its own header.
  EXPECT_EQ(render("4500003200014000401126b80a0000010a00000206a506a5001e1645c80200140000000000000000"
                   "80060000000080030000"),
            "IP 10.0.0.1.1701 > 10.0.0.2.1701:  l2tp:[TLS](0/0)Ns=0,Nr=0 *MSGTYPE(AVP too short)  [|l2tp]\n");
  // A control message without the length field RFC 2661 requires.
  EXPECT_EQ(render("4500002600014000401126c40a0000010a00000206a506a50012567388020005000000010002"),
            "IP 10.0.0.1.1701 > 10.0.0.2.1701:  l2tp:[TS](5/0)Ns=1,Nr=2 No length\n");
}

TEST(L2tpPrint, TruncatedAtEveryLength) {
  // tcpdump prints as it reads: whatever is cut, the line is the whole line's beginning up to
  // the last field read, then " [|l2tp]".
  expect_prefix_then_mark(kL2tpSccrq, 0, " [|l2tp]");
  // Cut in the middle of the Host Name AVP: the AVPs before it are printed.
  EXPECT_EQ(render(kL2tpSccrq, 0, 60),
            "IP 10.0.0.1.1701 > 10.0.0.2.1701:  l2tp:[TLS](0/0)Ns=0,Nr=0 *MSGTYPE(SCCRQ) "
            "*PROTO_VER(1.0)  [|l2tp]\n");
}

// PPP (link type PPP) control protocols with -v (print_ppp_control.cpp): LCP Configure-Request
// with MRU 1492, CHAP with MD5, a magic number.
constexpr std::string_view kLcpConfReq = "ff03c02101010013010405d40305c2230505063a9c51e2";
constexpr std::string_view kLcpHeader = "LCP, Conf-Request (0x01), id 1, length 21\n"
                                        "\tencoded length 19 (=Option(s) length 15)";

TEST(PppControlPrint, Options) {
  EXPECT_EQ(render(kLcpConfReq, 0, 0, linktype::kPpp), "LCP, Conf-Request (0x01), id 1, length 21\n");
  EXPECT_EQ(render(kLcpConfReq, 1, 0, linktype::kPpp),
            std::string(kLcpHeader) +
                "\n\t  MRU Option (0x01), length 4: 1492"
                "\n\t  Auth-Prot Option (0x03), length 5: CHAP, MD5"
                "\n\t  Magic-Num Option (0x05), length 6: 0x3a9c51e2\n");
  // IPCP Configure-Nak: the address and primary DNS server the peer is to use.
  EXPECT_EQ(render("ff0380210302001003060a4d00018106c0000235", 1, 0, linktype::kPpp),
            "IPCP, Conf-Nack (0x03), id 2, length 18\n"
            "\tencoded length 16 (=Option(s) length 12)\n"
            "\t  IP-Addr Option (0x03), length 6: 10.77.0.1\n"
            "\t  Pri-DNS Option (0x81), length 6: 192.0.2.53\n");
}

TEST(PppControlPrint, Authentication) {
  EXPECT_EQ(render("ff03c2230101000c04010203046c6e73", 0, 0, linktype::kPpp),
            "CHAP, Challenge (0x01), id 1, Value 01020304, Name lns\n");
  EXPECT_EQ(render("ff03c0230107000d05616c696365027077", 0, 0, linktype::kPpp),
            "PAP, Auth-Req (0x01), id 7, Peer alice, Name pw\n");
}

TEST(PppControlPrint, TruncatedAtEveryLength) {
  // As tcpdump: an option whose contents are cut prints its header then " [|ppp]" (a read
  // past the capture); the option list's own checks print "[|lcp]".
  const std::string h(kLcpHeader);
  const std::string mru = "\n\t  MRU Option (0x01), length 4", ap = "\n\t  Auth-Prot Option (0x03), length 5";
  const std::string mn = "\n\t  Magic-Num Option (0x05), length 6";
  const std::string want[] = {
      "LCP, [|LCP]", "LCP, [|LCP]",                                       // 4, 5
      "LCP, Conf-Request (0x01), id 1, length 21 [|ppp]",                  // 6
      "LCP, Conf-Request (0x01), id 1, length 21 [|ppp]",                  // 7
      h + "[|lcp]", h + "[|lcp]",                                          // 8, 9
      h + mru + " [|ppp]", h + mru + " [|ppp]",                            // 10, 11
      h + mru + ": 1492[|lcp]", h + mru + ": 1492[|lcp]",                  // 12, 13
      h + mru + ": 1492" + ap + " [|ppp]", h + mru + ": 1492" + ap + " [|ppp]",
      h + mru + ": 1492" + ap + ": CHAP [|ppp]",                           // 16
      h + mru + ": 1492" + ap + ": CHAP, MD5[|lcp]", h + mru + ": 1492" + ap + ": CHAP, MD5[|lcp]",
  };
  for (std::uint32_t cap = 4; cap < 4 + std::size(want); ++cap)
    EXPECT_EQ(render(kLcpConfReq, 1, cap, linktype::kPpp), want[cap - 4] + "\n") << "caplen " << cap;
  const std::size_t full = kLcpConfReq.size() / 2;
  for (std::uint32_t cap = 4 + std::size(want); cap < full; ++cap)
    EXPECT_EQ(render(kLcpConfReq, 1, cap, linktype::kPpp),
              h + mru + ": 1492" + ap + ": CHAP, MD5" + mn + " [|ppp]\n") << "caplen " << cap;
}

// RIPv2 response (print_udp_apps.cpp): 10.1.0.0/16 metric 1, 192.168.1.0/24 tag 7 metric 2
// via 10.0.0.9.
constexpr std::string_view kRipResponse =
    "45000048000140004011509a0a000001e00000090208020800343aa802020000000200000a010000ffff0000"
    "000000000000000100020007c0a80100ffffff000a00000900000002";
constexpr std::string_view kRipV = "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto UDP (17), length 72)\n"
                                   "    10.0.0.1.520 > 224.0.0.9.520: \n"
                                   "\tRIPv2, Response, length: 44, routes: 2 or less";
constexpr std::string_view kRipRoute1 = "\n\t  AFI IPv4,        10.1.0.0/16, tag 0x0000, metric: 1, next-hop: self";

TEST(RipPrint, Response) {
  EXPECT_EQ(render(kRipResponse), "IP 10.0.0.1.520 > 224.0.0.9.520: RIPv2, Response, length: 44\n");
  EXPECT_EQ(render(kRipResponse, 1),
            std::string(kRipV) + std::string(kRipRoute1) +
                "\n\t  AFI IPv4,     192.168.1.0/24, tag 0x0007, metric: 2, next-hop: 10.0.0.9\n");
}

TEST(RipPrint, TruncatedAtEveryLength) {
  // The header must be captured; then each entry that is not whole ends the list with [|rip].
  const std::size_t full = kRipResponse.size() / 2;
  for (std::uint32_t cap = 28; cap < full; ++cap) {
    std::string want;
    if (cap < 32)
      want = "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto UDP (17), length 72)\n"
             "    10.0.0.1.520 > 224.0.0.9.520:  [|rip]";
    else if (cap == 32)
      want = std::string(kRipV);
    else if (cap < 52)
      want = std::string(kRipV) + " [|rip]";
    else if (cap == 52)
      want = std::string(kRipV) + std::string(kRipRoute1);
    else
      want = std::string(kRipV) + std::string(kRipRoute1) + " [|rip]";
    EXPECT_EQ(render(kRipResponse, 1, cap), want + "\n") << "caplen " << cap;
    EXPECT_EQ(render(kRipResponse, 0, cap).find("RIPv2") != std::string::npos, cap >= 32) << "caplen " << cap;
  }
}

// NTPv4 server reply (print_udp_apps.cpp): stratum 2, reference 198.51.100.7, four timestamps.
constexpr std::string_view kNtpReply =
    "4500004c000140004011269e0a0000020a000001007b007b00385b40240206e800000a3d00001f52c6336407ed"
    "2b4a0012345678ed2b4b2c80000000ed2b4b2c81234567ed2b4b2c81240000";

TEST(NtpPrint, VerboseTimeMessage) {
  EXPECT_EQ(render(kNtpReply), "IP 10.0.0.2.123 > 10.0.0.1.123: NTPv4, Server, length 48\n");
  EXPECT_EQ(render(kNtpReply, 1),
            "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto UDP (17), length 76)\n"
            "    10.0.0.2.123 > 10.0.0.1.123: NTPv4, Server, length 48\n"
            "\tLeap indicator:  (0), Stratum 2 (secondary reference), poll 6 (64s), precision -24\n"
            "\tRoot Delay: 0.039993, Root dispersion: 0.122344, Reference-ID: 0xc6336407\n"
            "\t  Reference Timestamp:  3979037184.071111110 (2026-02-02T16:06:24Z)\n"
            "\t  Originator Timestamp: 3979037484.500000000 (2026-02-02T16:11:24Z)\n"
            "\t  Receive Timestamp:    3979037484.504444444 (2026-02-02T16:11:24Z)\n"
            "\t  Transmit Timestamp:   3979037484.504455566 (2026-02-02T16:11:24Z)\n"
            "\t    Originator - Receive Timestamp:  +0.004444444\n"
            "\t    Originator - Transmit Timestamp: +0.004455566\n");
}

TEST(NtpPrint, TruncatedAtEveryLength) {
  // Each part is checked before its label: a cut line is the whole output's beginning, up to
  // the last part captured, then " [|ntp]".
  expect_prefix_then_mark(kNtpReply, 1, " [|ntp]");
  EXPECT_EQ(render(kNtpReply, 1, 56).substr(render(kNtpReply, 1, 56).rfind('\t')),
            "\t  Reference Timestamp:  3979037184.071111110 (2026-02-02T16:06:24Z) [|ntp]\n");
}

// DHCP DISCOVER (print_dhcp.cpp): Client-ID, Hostname, Parameter-Request, Client FQDN, END;
// the 300-byte BOOTP header mostly zeros.
constexpr std::string_view kDhcpDiscover =
    "4500013000014000401139bd00000000ffffffff00440043011ca012010106006d1e9a210003800000000000"
    "0000000000000000000000005254001234ab0000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "638253633501013d07015254001234ab0c0664656269616e37050103060f775107010000686f7374";
constexpr std::string_view kDhcpDiscoverV =
    "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto UDP (17), length 304)\n"
    "    0.0.0.0.68 > 255.255.255.255.67: BOOTP/DHCP, Request from 52:54:00:12:34:ab, length 276, "
    "xid 0x6d1e9a21, secs 3, Flags [Broadcast]\n"
    "\t  Client-Ethernet-Address 52:54:00:12:34:ab\n"
    "\t  Vendor-rfc1048 Extensions\n"
    "\t    Magic Cookie 0x63825363\n"
    "\t    DHCP-Message (53), length 1: Discover\n"
    "\t    Client-ID (61), length 7: ether 52:54:00:12:34:ab\n"
    "\t    Hostname (12), length 6: \"debian\"\n"
    "\t    Parameter-Request (55), length 5: \n"
    "\t      Subnet-Mask (1), Default-Gateway (3), Domain-Name-Server (6), Domain-Name (15)\n"
    "\t      Unknown (119)\n"
    "\t    FQDN (81), length 7: [S] \"host\"\n";

// DHCPv6 SOLICIT: client-ID (DUID-LL), IA_NA holding an IA_ADDR, elapsed time.
constexpr std::string_view kDhcp6Solicit =
    "60000000004c1140fe800000000000000000000000000001ff02000000000000000000000001000202220223"
    "004c2736015a1c3e0001000a000300015254001234ab00030028000000070000000000000000000500182001"
    "0db80000000000000000000000050000012c00000258000800020000";

TEST(DhcpPrint, DiscoverOptions) {
  EXPECT_EQ(render(kDhcpDiscover), "IP 0.0.0.0.68 > 255.255.255.255.67: BOOTP/DHCP, Request from "
                                   "52:54:00:12:34:ab, length 276\n");
  EXPECT_EQ(render(kDhcpDiscover, 1), kDhcpDiscoverV);
  // -vv adds the flags' value.
  const std::string vv = render(kDhcpDiscover, 2);
  EXPECT_NE(vv.find("Flags [Broadcast] (0x8000)\n"), std::string::npos) << vv;
}

// A cut packet prints the beginning of the whole output: tcpdump reads each field before it
// prints it. Cut inside a field, the line ends in `mark` (after which DHCPv6 closes the
// parentheses still open); cut between two options, the list just ends there.
void expect_dhcp_prefix(std::string_view hex, int verbose, std::string_view from_word,
                        std::string_view mark, std::uint32_t first_cap) {
  const std::string whole = render(hex, verbose);
  const std::size_t from = whole.find(from_word);
  for (std::uint32_t cap = first_cap; cap < hex.size() / 2; ++cap) {
    std::string got = render(hex, verbose, cap);
    const std::size_t start = got.find(from_word);
    if (start == std::string::npos) {  // cut before the payload
      EXPECT_NE(got.find(mark), std::string::npos) << "caplen " << cap << ": " << got;
      continue;
    }
    got.pop_back();  // '\n'
    const std::size_t cut = got.rfind(mark);
    if (cut != std::string::npos) {
      EXPECT_EQ(got.find_first_not_of(')', cut + mark.size()), std::string::npos) << got;
      got.resize(cut);
    } else {
      while (!got.empty() && got.back() == ')') got.pop_back();
    }
    EXPECT_EQ(whole.compare(from, got.size() - start, got, start), 0)
        << "-v " << verbose << " caplen " << cap << ": " << got;
  }
}

TEST(DhcpPrint, TruncatedAtEveryLength) {
  for (int verbose = 0; verbose <= 3; ++verbose)
    expect_dhcp_prefix(kDhcpDiscover, verbose, "BOOTP/DHCP", " [|bootp]", 28);
  // Cut after an option: the list ends without a mark (RFC 1048's loop while a tag is there).
  const std::string before_hostname(kDhcpDiscoverV.substr(0, kDhcpDiscoverV.find("\t    Hostname")));
  EXPECT_EQ(render(kDhcpDiscover, 1, 280), before_hostname);
  // Cut inside the hostname's value.
  EXPECT_EQ(render(kDhcpDiscover, 1, 284),
            before_hostname + "\t    Hostname (12), length 6:  [|bootp]\n");
}

TEST(Dhcp6Print, SolicitOptions) {
  EXPECT_EQ(render(kDhcp6Solicit), "IP6 fe80::1.546 > ff02::1:2.547: dhcp6 solicit\n");
  EXPECT_EQ(render(kDhcp6Solicit, 1),
            "IP6 (hlim 64, next-header UDP (17) payload length: 76) fe80::1.546 > ff02::1:2.547: "
            "[udp sum ok] dhcp6 solicit (xid=5a1c3e (client-ID hwaddr type 1 5254001234ab) "
            "(IA_NA IAID:7 T1:0 T2:0 (IA_ADDR 2001:db8::5 pltime:300 vltime:600)) "
            "(elapsed-time 0))\n");
}

TEST(Dhcp6Print, TruncatedAtEveryLength) {
  for (int verbose = 0; verbose <= 2; ++verbose)
    expect_dhcp_prefix(kDhcp6Solicit, verbose, "dhcp6", " [|dhcp6]", 48);
  // Cut inside IA_ADDR: IA_NA as a whole runs past the capture, so the message's list ends
  // before it and the message closes.
  EXPECT_EQ(render(kDhcp6Solicit, 1, 100),
            "IP6 (hlim 64, next-header UDP (17) payload length: 76) fe80::1.546 > ff02::1:2.547: "
            "dhcp6 solicit (xid=5a1c3e (client-ID hwaddr type 1 5254001234ab) [|dhcp6])\n");
}

// Cisco HDLC SLARP (print_ppp.cpp): tcpdump's -vv dump of a keepalive starts after its uptime
// (the trailing bytes only); one shorter than its fixed part is truncated.
TEST(SlarpPrint, KeepaliveDumpAndShortPacket) {
  constexpr std::string_view kKeepalive = "8f0080350000000200000001000000020003000000106a756e6b";
  EXPECT_EQ(render(kKeepalive, 2, 0, linktype::kChdlc),
            "SLARP (length: 22), keepalive: mineseen=0x00000001, yourseen=0x00000002, "
            "reliability=0x0003, link uptime=0d0h0m0s, (trailing junk: 4 bytes)\n"
            "\t0x0000:  6a75 6e6b\n");
  EXPECT_EQ(render("8f00803500000000000000000000", 0, 0, linktype::kChdlc),
            "SLARP (length: 10),  [|chdlc_slarp]\n");
}

// IEEE 802.11 control frames (print_wlan.cpp, link type 105), each with what tcpdump prints
// without -e, with -e and with -e -v; every shorter capture of one prints " [|802.11]"
// (tcpdump checks the whole fixed part before printing anything).
struct CtrlCase {
  std::string_view hex, plain, e, ev;
};
constexpr CtrlCase kCtrlCases[] = {
    // RTS: FC b4 00, duration 314, RA (the AP), TA (the station).
    {"b4003a01020000000a01020000000b02", "Request-To-Send TA:02:00:00:00:0b:02 \n",
     "RA:02:00:00:00:0a:01 TA:02:00:00:00:0b:02 Request-To-Send\n",
     "314us RA:02:00:00:00:0a:01 TA:02:00:00:00:0b:02 Request-To-Send\n"},
    // CTS, duration 270, RA.
    {"c4000e01020000000b02", "Clear-To-Send RA:02:00:00:00:0b:02 \n",
     "RA:02:00:00:00:0b:02 Clear-To-Send\n", "270us RA:02:00:00:00:0b:02 Clear-To-Send\n"},
    // ACK with Retry set.
    {"d4080000020000000b02", "Acknowledgment RA:02:00:00:00:0b:02 \n",
     "RA:02:00:00:00:0b:02 Acknowledgment\n", "Retry 0us RA:02:00:00:00:0b:02 Acknowledgment\n"},
    // PS-Poll with Pwr Mgmt: AID c001 where others have a duration, BSSID, TA.
    {"a41001c0020000000a01020000000b02", "Power Save-Poll AID(c001)\n",
     "BSSID:02:00:00:00:0a:01 TA:02:00:00:00:0b:02 Power Save-Poll AID(c001)\n",
     "Pwr Mgmt BSSID:02:00:00:00:0a:01 TA:02:00:00:00:0b:02 Power Save-Poll AID(c001)\n"},
    // CF-End+CF-Ack: RA broadcast, BSSID.
    {"f4000000ffffffffffff020000000a01", "CF-End+CF-Ack RA:ff:ff:ff:ff:ff:ff \n",
     "RA:ff:ff:ff:ff:ff:ff BSSID:02:00:00:00:0a:01 CF-End+CF-Ack\n",
     "0us RA:ff:ff:ff:ff:ff:ff BSSID:02:00:00:00:0a:01 CF-End+CF-Ack\n"},
    // BAR: duration 60, RA, TA, BAR control 4, starting sequence 0x1230.
    {"84003c00020000000a01020000000b0204003012",
     "BAR RA:02:00:00:00:0a:01 TA:02:00:00:00:0b:02 CTL(4) SEQ(4656) \n",
     " RA:02:00:00:00:0a:01 TA:02:00:00:00:0b:02 CTL(4) SEQ(4656) BAR\n",
     "60us  RA:02:00:00:00:0a:01 TA:02:00:00:00:0b:02 CTL(4) SEQ(4656) BAR\n"},
    // BA: tcpdump reads FC, duration and RA only; TA, control, sequence and bitmap follow.
    {"94000000020000000b02020000000a0105003012ffffffffffffffff", "BA RA:02:00:00:00:0b:02 \n",
     "RA:02:00:00:00:0b:02 BA\n", "0us RA:02:00:00:00:0b:02 BA\n"},
    // Control Wrapper: address 1, carried FC (an ACK), HT control; no addresses printed.
    {"74000000020000000b02d40000000000", "Control Wrapper\n", "Control Wrapper\n",
     "0us Control Wrapper\n"},
};

TEST(WlanPrint, ControlFrames) {
  for (const CtrlCase& c : kCtrlCases) {
    EXPECT_EQ(render(c.hex, 0, 0, linktype::kIeee80211), c.plain) << c.hex;
    EXPECT_EQ(render(c.hex, 0, 0, linktype::kIeee80211, true), c.e) << c.hex;
    EXPECT_EQ(render(c.hex, 1, 0, linktype::kIeee80211, true), c.ev) << c.hex;
    const auto full = static_cast<std::uint32_t>(c.hex.size() / 2);
    const std::uint32_t fixed = c.hex.substr(0, 2) == "94" ? 10 : full;  // BA: 10 read
    for (std::uint32_t cap = 1; cap < full; ++cap)
      EXPECT_EQ(render(c.hex, 0, cap, linktype::kIeee80211),
                cap < fixed ? " [|802.11]\n" : std::string(c.plain))
          << c.hex << " caplen " << cap;
  }
}

// Subtypes tcpdump does not decode (reserved 3, beamforming report poll 4, VHT NDP
// announcement 5): named, nothing else, not even with -e; one byte is truncated.
TEST(WlanPrint, UnknownControlSubtype) {
  constexpr std::string_view kPoll = "44000000020000000b02020000000a01";
  for (std::uint32_t cap = 2; cap <= 16; ++cap)
    EXPECT_EQ(render(kPoll, 0, cap, linktype::kIeee80211, true),
              "unknown 802.11 ctrl frame subtype (4)\n");
  EXPECT_EQ(render("34000000020000000b02", 1, 0, linktype::kIeee80211),
            "unknown 802.11 ctrl frame subtype (3)\n");
  EXPECT_EQ(render(kPoll, 0, 1, linktype::kIeee80211), " [|802.11]\n");
}

// A frame cut at every length prints stage by stage: `stages` lists, from the shortest, the
// first capture length that prints each line (tcpdump checks a fixed part or an element
// whole before printing it); the last stage is the whole frame.
struct Stage {
  std::uint32_t from;
  std::string_view line;
};
void expect_stages(std::string_view hex, std::initializer_list<Stage> stages, bool e = false,
                   std::uint32_t link = linktype::kIeee80211) {
  const auto full = static_cast<std::uint32_t>(hex.size() / 2);
  for (std::uint32_t cap = 1; cap <= full; ++cap) {
    std::string_view want = " [|802.11]\n";
    for (const Stage& s : stages)
      if (cap >= s.from) want = s.line;
    EXPECT_EQ(render(hex, 0, cap, link, e), want) << hex << " caplen " << cap;
  }
}

// Management frames (print_wlan_mgmt.cpp): header FC, duration 314, DA, SA, BSSID, sequence.
constexpr std::string_view kMgmtToSta = "3a01020000000b02020000000a01020000000a010000";
constexpr std::string_view kMgmtToAp = "3a01020000000a01020000000b02020000000a010000";

// A beacon: timestamp, interval 100, capability ESS+PRIVACY; SSID "ab", rates 1 and 2 Mb/s
// (basic), DS parameter set channel 6.
TEST(WlanPrint, BeaconAtEveryLength) {
  const std::string hex = "8000" + std::string(kMgmtToSta) + "01000000000000006400" + "1100" +
                          "00026162" + "01028284" + "030106";
  expect_stages(hex, {{24, "Beacon [|802.11]\n"},
                      {36, "Beacon ESS, PRIVACY [|802.11]\n"},
                      {40, "Beacon (ab) ESS, PRIVACY [|802.11]\n"},
                      {44, "Beacon (ab) [1.0* 2.0* Mbit] ESS, PRIVACY [|802.11]\n"},
                      {47, "Beacon (ab) [1.0* 2.0* Mbit] ESS CH: 6, PRIVACY\n"}});
  EXPECT_EQ(render(hex, 0, 0, linktype::kIeee80211, true),
            "BSSID:02:00:00:00:0a:01 DA:02:00:00:00:0b:02 SA:02:00:00:00:0a:01 "
            "Beacon (ab) [1.0* 2.0* Mbit] ESS CH: 6, PRIVACY\n");
}

// Elements tcpdump refuses (an SSID over 32 bytes, 17 rates) end the walk as a truncation;
// a second SSID, empty rates and a two-byte DS set are passed over; an SSID stops at a NUL
// and is escaped.
TEST(WlanPrint, BeaconElementsTcpdumpRefusesOrSkips) {
  const std::string fixed = "8000" + std::string(kMgmtToSta) + "01000000000000006400" + "0100";
  EXPECT_EQ(render(fixed + "0021" + std::string(66, '7'), 0, 0, linktype::kIeee80211),
            "Beacon ESS [|802.11]\n");
  EXPECT_EQ(render(fixed + "0111" + std::string(34, '8'), 0, 0, linktype::kIeee80211),
            "Beacon ESS [|802.11]\n");
  EXPECT_EQ(render(fixed + "0100" + "03020607" + "0001ff" + "03010b", 0, 0,
                   linktype::kIeee80211),
            "Beacon (M-^?) ESS CH: 11\n");
  EXPECT_EQ(render(fixed + "000461006263", 0, 0, linktype::kIeee80211), "Beacon (a) ESS\n");
}

// Deauthentication names its sender without -e; reason 3, then a reserved one.
TEST(WlanPrint, DeauthAndDisassocAtEveryLength) {
  const std::string deauth = "c000" + std::string(kMgmtToSta) + "0300";
  expect_stages(deauth,
                {{24, "DeAuthentication [|802.11]\n"},
                 {26, "DeAuthentication (02:00:00:00:0a:01): Deauthenticated because sending "
                      "STA is leaving (or has left) IBSS or ESS\n"}});
  EXPECT_EQ(render("c000" + std::string(kMgmtToSta) + "c800", 0, 0, linktype::kIeee80211, true),
            "BSSID:02:00:00:00:0a:01 DA:02:00:00:00:0b:02 SA:02:00:00:00:0a:01 "
            "DeAuthentication: Reserved\n");
  expect_stages("a000" + std::string(kMgmtToAp) + "0800",
                {{24, "Disassociation [|802.11]\n"},
                 {26, "Disassociation: Disassociated because sending STA is leaving (or has "
                      "left) BSS\n"}});
}

// Authentication: open system from the station (status printed on odd sequence numbers),
// shared key with a challenge; association response with its AID and status.
TEST(WlanPrint, AuthAndAssocResponseAtEveryLength) {
  expect_stages("b000" + std::string(kMgmtToAp) + "000001000000",
                {{24, "Authentication [|802.11]\n"},
                 {30, "Authentication (Open System)-1: Successful\n"}});
  expect_stages("b000" + std::string(kMgmtToSta) + "010002000000" + "1003616263",
                {{24, "Authentication [|802.11]\n"},
                 {30, "Authentication (Shared Key)-2 [Challenge Text]  [|802.11]\n"},
                 {35, "Authentication (Shared Key)-2 [Challenge Text] \n"}});
  expect_stages("1000" + std::string(kMgmtToSta) + "1104" + "0000" + "01c0" + "01028284",
                {{24, "Assoc Response [|802.11]\n"},
                 {30, "Assoc Response AID(1) : PRIVACY : Successful [|802.11]\n"},
                 {34, "Assoc Response AID(1) : PRIVACY : Successful\n"}});
}

// Action frames: category and action names; a protected frame prints its IV instead.
TEST(WlanPrint, ActionAndProtectedManagement) {
  expect_stages("d000" + std::string(kMgmtToAp) + "0300",
                {{24, "Action [|802.11]\n"},
                 {26, "Action (02:00:00:00:0b:02): BA ADDBA Request\n"}});
  EXPECT_EQ(render("d000" + std::string(kMgmtToAp) + "0f01", 0, 0, linktype::kIeee80211, true),
            "BSSID:02:00:00:00:0a:01 DA:02:00:00:00:0a:01 SA:02:00:00:00:0b:02 Action: "
            "SelfprotectAction Peering Open\n");
  expect_stages("b040" + std::string(kMgmtToAp) + "01000300" + "aabbccdd",
                {{24, "Authentication [|802.11]\n"},
                 {28, "Authentication IV:30001 Pad 0 KeyID 0\n"}});
  EXPECT_EQ(render("6000" + std::string(kMgmtToSta) + "0000", 0, 0, linktype::kIeee80211),
            "Unhandled Management subtype(6)\n");
}

// A CCMP-protected data frame (from DS): "Data", then the first four bytes of the CCMP
// header read as WEP's IV (PN0, PN1, reserved, ExtIV | key id 1).
TEST(WlanPrint, ProtectedDataAtEveryLength) {
  expect_stages("0842" + std::string(kMgmtToSta) + "07000060" + "00000000" + "00112233",
                {{24, "Data [|802.11]\n"}, {28, "Data IV:  7 Pad 20 KeyID 1\n"}});
}

// Radiotap (print_radiotap.cpp) before an ACK: nothing but " [|802.11_radio]" until the
// whole header is captured, then the fields and the frame's own truncation.
constexpr std::string_view kAck = "d4000000020000000b02";

// iwlwifi on an HT frame: TSFT, flags (FCS at the end), channel, dBm signal, RX flags, MCS
// (all known: 40 MHz, short GI, LDPC, one STBC stream), A-MPDU status; two more presence
// words in the radiotap namespace, one per chain. The FCS comes off only where captured.
TEST(RadiotapPrint, HtFieldsAndExtendedBitmapsAtEveryLength) {
  const std::string hex =
      "000034002b4018a0200800a02008000082841e0000000000100050144001d00000003f350f00000002000000"
      "04000000cf00d101" + std::string(kAck) + "deadbeef";
  const std::string_view fields =
      "2000002us tsft 5200 MHz 11n -48dBm signal 300.0 Mb/s MCS 15 40 MHz short GI mixed LDPC "
      "FEC RX-STBC1 -49dBm signal antenna 0 -47dBm signal antenna 1 ";
  const std::string trunc = std::string(fields) + " [|802.11]\n";
  const std::string whole = std::string(fields) + "Acknowledgment RA:02:00:00:00:0b:02 \n";
  expect_stages(hex, {{1, " [|802.11_radio]\n"}, {52, trunc}, {62, whole}}, false,
                linktype::kIeee80211Radiotap);
}

// A vendor namespace (OUI 00:11:22, 6 bytes of its data skipped) between radiotap words.
TEST(RadiotapPrint, VendorNamespaceSkipped) {
  const std::string hex =
      "000023000a0000c0030000a02000000000006c09a00000112201060076656e646f72df" + std::string(kAck);
  expect_stages(hex, {{1, " [|802.11_radio]\n"},
                      {35, "2412 MHz 11b -33dBm signal  [|802.11]\n"},
                      {45, "2412 MHz 11b -33dBm signal Acknowledgment RA:02:00:00:00:0b:02 \n"}},
                false, linktype::kIeee80211Radiotap);
}

// VHT: 80 MHz, short GI, one user with two streams at MCS 9 and LDPC.
TEST(RadiotapPrint, VhtAtEveryLength) {
  const std::string hex =
      "000030002b403000c1c62d000000000000003c144001cc00000000000700000000000000440004049100000001"
      "000000" + std::string(kAck);
  const std::string_view fields =
      "3000001us tsft 5180 MHz 11a -52dBm signal User 0 MCS 9 LDPC FEC 80 MHz short GI ";
  expect_stages(hex, {{1, " [|802.11_radio]\n"},
                      {48, std::string(fields) + " [|802.11]\n"},
                      {58, std::string(fields) + "Acknowledgment RA:02:00:00:00:0b:02 \n"}},
                false, linktype::kIeee80211Radiotap);
}

// Fields past it_len print " [|802.11_radio]" and the frame after it_len still prints; an
// unknown field ends the list with its bit number; dB TX attenuation is read as tcpdump
// reads it (one signed byte).
TEST(RadiotapPrint, DamagedAndUnknownFields) {
  // TSFT and flags present, it_len 12: the TSFT does not fit.
  EXPECT_EQ(render("00000c0003000000" "00000000" + std::string(kAck), 0, 0,
                   linktype::kIeee80211Radiotap),
            " [|802.11_radio]Acknowledgment RA:02:00:00:00:0b:02 \n");
  // Presence word with the extension bit and no room for the next one.
  EXPECT_EQ(render("0000080002000080" + std::string(kAck), 0, 0, linktype::kIeee80211Radiotap),
            " [|802.11_radio]\n");
  // TX flags (bit 15): tcpdump does not know it.
  EXPECT_EQ(render("00000c000280000000000800" + std::string(kAck), 0, 0,
                   linktype::kIeee80211Radiotap),
            "[bit 15] Acknowledgment RA:02:00:00:00:0b:02 \n");
  // dB TX attenuation 0xf0 then dBm TX power -1.
  EXPECT_EQ(render("00000a000006" "0000f0ff" + std::string(kAck), 0, 0,
                   linktype::kIeee80211Radiotap),
            "16dB tx attenuation -1dBm tx power Acknowledgment RA:02:00:00:00:0b:02 \n");
}

// The reserved frame type 3 is named, nothing else; a QoS data frame with Order set has no
// HT control field for tcpdump 4.99 (its LLC header follows the QoS control).
TEST(WlanPrint, ReservedTypeAndOrderBit) {
  EXPECT_EQ(render("0c00" + std::string(kMgmtToSta), 0, 0, linktype::kIeee80211, true),
            "unknown 802.11 frame type (3)\n");
  EXPECT_EQ(render("0c", 0, 0, linktype::kIeee80211), " [|802.11]\n");
  const std::string qos_order = "8881" + std::string(kMgmtToSta) + "0000" +
                                "aaaa030000000806" + "0001080006040001";
  EXPECT_EQ(render(qos_order, 0, 0, linktype::kIeee80211),
            " [|arp]\n");
}

}  // namespace
}  // namespace tcplens
