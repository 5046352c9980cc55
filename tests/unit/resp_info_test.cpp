// The Info column tshark 4.0 shows for RESP (Redis, print --style wireshark).
#include "render/wireshark/resp_info.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace tcplens::wireshark {
namespace {

struct Side {
  RespStream s;
  std::string protocol, info;
  RespVerdict send(bool response, std::string_view text, const std::string& prefix = "") {
    return resp_info(s, ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), response,
                     prefix, protocol, info);
  }
};

TEST(RespInfo, CommandsAndReplies) {
  Side t;
  t.send(false, "*2\r\n$3\r\nGET\r\n$12\r\nsanity_check\r\n");
  EXPECT_EQ(t.protocol, "RESP");
  EXPECT_EQ(t.info, "Request: GET sanity_check");
  t.send(true, "$12\r\nyou_are_sane\r\n");
  EXPECT_EQ(t.info, "Response: you_are_sane");
  t.send(true, ":69\r\n:70\r\n+PONG\r\n-ERR unknown command '$0'\r\n");
  EXPECT_EQ(t.info, "Response: 69 70 PONG Error: ERR unknown command '$0'");
  t.send(true, "*3\r\n$9\r\nsubscribe\r\n$3\r\nFoo\r\n:1\r\n");
  EXPECT_EQ(t.info, "Response: Array(3)");
  t.send(false, "PING\r\nPING\r\n", "[TCP Retransmission] ");
  EXPECT_EQ(t.info, "[TCP Retransmission] Request: [fragment] [fragment]");
  t.send(false, "$0\r\n\r\n");
  EXPECT_EQ(t.info, "Request: BulkString(0)");
}

TEST(RespInfo, SplitArrayWaitsForTheNextSegment) {
  Side t;
  t.send(false, "*2\r\n$3\r\nGET\r\n$5\r\nab");
  EXPECT_EQ(t.protocol, "TCP");
  EXPECT_EQ(t.info, "Request: GET [continuation] [TCP segment of a reassembled PDU]");
  t.send(false, "cde\r\n");
  EXPECT_EQ(t.protocol, "RESP");
  EXPECT_EQ(t.info, "Request: GET abcde");
}

TEST(RespInfo, SplitBulkStringCountsBytes) {
  Side t;
  t.send(true, "+OK\r\n$10\r\n0123");
  EXPECT_EQ(t.protocol, "RESP");
  EXPECT_EQ(t.info, "Response: OK [continuation]");
  EXPECT_EQ(t.send(true, "45"), RespVerdict::TcpSegment);
  EXPECT_EQ(t.send(true, "6789\r\n"), RespVerdict::Summary);
  EXPECT_EQ(t.info, "Response: 0123456789");
}

TEST(RespInfo, GarbageAndTruncationStaySafe) {
  Side t;
  t.send(false, "*999999999999999999999\r\n");
  t.send(false, "$-20\r\n*-1\r\n*0\r\n");
  EXPECT_EQ(t.info, "Request:");
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "*1\r\n";
  deep += ":1\r\n";
  t.send(true, deep);
  // Below depth 30 an array is skipped unread, so the rest of the nesting starts again at
  // the top level: 32 lines per top-level array.
  EXPECT_EQ(t.info, "Response: Array(1) Array(1) Array(1) Array(1) Array(1) Array(1) Array(1)");
  Side u;
  u.send(false, "$2147483647\r\nx");
  for (int i = 0; i < 100; ++i) u.send(false, std::string(4096, 'y'));
  Side v;
  for (std::string_view junk : {"\r", "\n", "*", "$", "\xff\xfe\r\n", "+\r", ":\r\n\r\n"}) v.send(true, junk);
  SUCCEED();
}

}  // namespace
}  // namespace tcplens::wireshark
