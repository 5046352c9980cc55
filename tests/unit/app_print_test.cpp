// Application printers (DNS, text protocols, SSH, RESP) through the tcpdump renderer.
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

// Renders one raw-IP packet, captured up to `caplen` bytes (0: all), without a timestamp.
std::string render(std::string_view hex, int verbose = 0, std::uint32_t caplen = 0) {
  return test::tcpdump_line(linktype::kRaw, from_hex(hex), verbose, caplen);
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

}  // namespace
}  // namespace tcplens
