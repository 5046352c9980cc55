// The Info text tshark shows for DNS (print --style wireshark).
#include "render/wireshark/dns_info.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tcplens::wireshark {
namespace {

using Bytes = std::vector<std::uint8_t>;

// example.com A query (id 0x6379) and its answer 93.184.216.34 with a compressed name.
const Bytes kQuery = {0x63, 0x79, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,  // id, RD, 1 question
                      7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,  // name
                      0, 1, 0, 1};                                                // A, IN
Bytes response() {
  Bytes b = kQuery;
  b[2] = 0x81;  // QR, RD
  b[3] = 0x80;  // RA
  b[7] = 1;     // 1 answer
  Bytes answer = {0xC0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 93, 184, 216, 34};
  b.insert(b.end(), answer.begin(), answer.end());
  return b;
}

TEST(DnsInfo, QueryAndResponse) {
  std::string info;
  ASSERT_TRUE(dns_info(ByteView(kQuery), false, info));
  EXPECT_EQ(info, "Standard query 0x6379 A example.com");
  Bytes r = response();
  ASSERT_TRUE(dns_info(ByteView(r), false, info));
  EXPECT_EQ(info, "Standard query response 0x6379 A example.com A 93.184.216.34");
}

TEST(DnsInfo, ErrorsAndMdnsQuestions) {
  Bytes r = response();
  r[3] = 0x83;  // NXDOMAIN
  r[7] = 0;     // no answer
  r.resize(kQuery.size());
  std::string info;
  ASSERT_TRUE(dns_info(ByteView(r), false, info));
  EXPECT_EQ(info, "Standard query response 0x6379 No such name A example.com");
  Bytes q = kQuery;
  q[q.size() - 2] = 0x80;  // class IN with the unicast-response bit
  ASSERT_TRUE(dns_info(ByteView(q), true, info));
  EXPECT_EQ(info, "Standard query 0x6379 A example.com, \"QU\" question");
}

TEST(DnsInfo, ShortOrLoopingNamesStop) {
  std::string info;
  EXPECT_FALSE(dns_info(ByteView(kQuery).first(8), false, info));
  Bytes loop = kQuery;
  loop[12] = 0xC0;  // a pointer to itself
  loop[13] = 12;
  ASSERT_TRUE(dns_info(ByteView(loop), false, info));
  EXPECT_EQ(info, "Standard query 0x6379");
}

}  // namespace
}  // namespace tcplens::wireshark
