// The Info column tshark 4.0 shows for WebSocket frames (print --style wireshark).
#include "render/wireshark/websocket_info.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tcplens::wireshark {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes frame(std::uint8_t opcode, std::size_t length, bool fin = true, bool masked = false) {
  Bytes b{static_cast<std::uint8_t>((fin ? 0x80 : 0) | opcode)};
  const std::uint8_t m = masked ? 0x80 : 0;
  if (length < 126) {
    b.push_back(static_cast<std::uint8_t>(m | length));
  } else if (length < 65536) {
    b.push_back(m | 126);
    b.push_back(static_cast<std::uint8_t>(length >> 8));
    b.push_back(static_cast<std::uint8_t>(length));
  } else {
    b.push_back(m | 127);
    for (int i = 7; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(std::uint64_t{length} >> (8 * i)));
  }
  if (masked) b.insert(b.end(), {1, 2, 3, 4});
  b.insert(b.end(), length, 'x');
  return b;
}

struct Result {
  WebSocketVerdict verdict;
  std::string info;
};

Result send(WebSocketDirection& d, const Bytes& data) {
  Result r;
  r.verdict = websocket_info(d, ByteView(data.data(), data.size()), r.info);
  return r;
}

TEST(WebSocketInfo, NamesOpcodeFinAndMaskAsTsharkDoes) {
  WebSocketDirection d;
  EXPECT_EQ(send(d, frame(1, 5)).info, "WebSocket Text [FIN] ");
  EXPECT_EQ(send(d, frame(1, 5, true, true)).info, "WebSocket Text [FIN] [MASKED]");
  EXPECT_EQ(send(d, frame(1, 5, false)).info, "WebSocket Text[FRAGMENT]  ");
  EXPECT_EQ(send(d, frame(0, 5)).info, "WebSocket Continuation [FIN] ");
  EXPECT_EQ(send(d, frame(8, 2, true, true)).info, "WebSocket Connection Close [FIN] [MASKED]");
  EXPECT_EQ(send(d, frame(9, 0)).info, "WebSocket Ping [FIN] ");
  EXPECT_EQ(send(d, frame(10, 0)).info, "WebSocket Pong [FIN] ");
  EXPECT_EQ(send(d, frame(5, 0)).info, "WebSocket Unknown Opcode [FIN] ");
}

TEST(WebSocketInfo, TheLastFrameASegmentCompletesNamesIt) {
  WebSocketDirection d;
  Bytes two = frame(1, 1);
  const Bytes binary = frame(2, 1);
  two.insert(two.end(), binary.begin(), binary.end());
  EXPECT_EQ(send(d, two).info, "WebSocket Binary [FIN] ");
}

TEST(WebSocketInfo, AFrameLongerThanTheSegmentIsNamedWhereItEnds) {
  WebSocketDirection d;
  const Bytes big = frame(2, 70000);  // a 64-bit length
  const Bytes a(big.begin(), big.begin() + 1000), b(big.begin() + 1000, big.begin() + 50000),
      c(big.begin() + 50000, big.end());
  EXPECT_EQ(send(d, a).verdict, WebSocketVerdict::TcpSegment);
  EXPECT_EQ(send(d, b).verdict, WebSocketVerdict::TcpSegment);
  Bytes end = c;
  const Bytes next = frame(1, 3);
  end.insert(end.end(), next.begin(), next.begin() + 1);  // and one byte of the next header
  Result r = send(d, end);
  EXPECT_EQ(r.verdict, WebSocketVerdict::Frames);
  EXPECT_EQ(r.info, "WebSocket Binary [FIN] ");
  r = send(d, Bytes(next.begin() + 1, next.end()));
  EXPECT_EQ(r.info, "WebSocket Text [FIN] ");
}

TEST(WebSocketInfo, UpgradeHeader) {
  EXPECT_TRUE(names_websocket("WebSocket"));
  EXPECT_TRUE(names_websocket("websocket"));
  EXPECT_FALSE(names_websocket("h2c"));
  EXPECT_FALSE(names_websocket("websock"));
}

}  // namespace
}  // namespace tcplens::wireshark
