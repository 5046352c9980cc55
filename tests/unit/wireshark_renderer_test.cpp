// WiresharkRenderer: the Info column of hand-made segments, checked against what
// tshark 4.0.17 prints for the same packets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "packet_builder.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/render/wireshark_renderer.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens {
namespace {

using test::kClient;
using test::kServer;
using test::Segment;

// Feeds segments through decoder, tracker and renderer, one frame a millisecond apart.
class Wire {
 public:
  explicit Wire(const WiresharkOptions& options = {}) : renderer_(options) {}
  const WiresharkColumns& send(Segment s, std::string_view payload = {}) {
    if (!payload.empty()) s.payload = static_cast<std::uint32_t>(payload.size());
    bytes_.push_back(test::build_ipv4_tcp(s));
    auto& b = bytes_.back();
    std::copy(payload.begin(), payload.end(), b.end() - static_cast<std::ptrdiff_t>(payload.size()));
    ++frame_;
    RawPacket raw = test::raw_packet(b, frame_, 100, static_cast<std::uint32_t>(frame_ * 1000000));
    const DecodedPacket& pkt = decoder_.decode(raw);
    const TcpPacketAnalysis& a = tracker_.on_packet(pkt, raw.number, raw.ts);
    return renderer_.on_packet(raw, pkt, a, tracker_);
  }

 private:
  std::vector<std::vector<std::uint8_t>> bytes_;
  std::uint64_t frame_ = 0;
  PacketDecoder decoder_;
  StreamTracker tracker_;
  WiresharkRenderer renderer_;

 public:
  const WiresharkRenderer& renderer() const { return renderer_; }
};

Segment client(std::uint32_t seq, std::uint32_t ack, std::uint16_t flags) {
  Segment s;
  s.seq = seq;
  s.ack = ack;
  s.flags = flags;
  return s;
}

Segment server(std::uint32_t seq, std::uint32_t ack, std::uint16_t flags) {
  Segment s;
  s.src = kServer;
  s.dst = kClient;
  s.seq = seq;
  s.ack = ack;
  s.flags = flags;
  return s;
}

constexpr std::uint16_t kSyn = tcpflag::kSyn;
constexpr std::uint16_t kAck = tcpflag::kAck;
constexpr std::uint16_t kPsh = tcpflag::kPsh;

// MSS 1460, SACK permitted, timestamps 100/0, NOP, window scale 7: Linux's SYN layout.
const std::vector<std::uint8_t> kSynOptions = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 100,
                                               0, 0, 0, 0, 1, 3, 3, 7};

TEST(WiresharkInfo, SynShowsOptionsInHeaderOrder) {
  Wire w;
  Segment syn = client(1000, 0, kSyn);
  syn.options = kSynOptions;
  const auto& c = w.send(syn);
  EXPECT_EQ(c.protocol, "TCP");
  EXPECT_EQ(c.source, "10.0.0.1");
  EXPECT_EQ(c.destination, "10.0.0.2");
  EXPECT_EQ(c.time, "0.000000");
  EXPECT_EQ(c.info,
            "40000 \xe2\x86\x92 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=100 "
            "TSecr=0 WS=128");
}

TEST(WiresharkInfo, HandshakeRelativeNumbersAndScaledWindow) {
  Wire w;
  Segment syn = client(1000, 0, kSyn);
  syn.options = kSynOptions;
  w.send(syn);
  Segment synack = server(5000, 1001, kSyn | kAck);
  synack.options = kSynOptions;
  EXPECT_EQ(w.send(synack).info,
            "80 \xe2\x86\x92 40000 [SYN, ACK] Seq=0 Ack=1 Win=64240 Len=0 MSS=1460 SACK_PERM "
            "TSval=100 TSecr=0 WS=128");
  Segment ack = client(1001, 5001, kAck);
  ack.window = 502;
  const auto& c = w.send(ack);
  EXPECT_EQ(c.time, "0.002000");
  EXPECT_EQ(c.info, "40000 \xe2\x86\x92 80 [ACK] Seq=1 Ack=1 Win=64256 Len=0");
}

TEST(WiresharkInfo, DuplicateAckAndRetransmissionPrefixes) {
  Wire w;
  w.send(client(1000, 0, kSyn));
  w.send(server(5000, 1001, kSyn | kAck));
  w.send(client(1001, 5001, kAck));
  Segment d1 = client(1001, 5001, kAck | kPsh);
  d1.payload = 100;
  w.send(d1);
  Segment lost = client(1201, 5001, kAck | kPsh);  // 1101..1201 never seen
  lost.payload = 100;
  EXPECT_EQ(w.send(lost).info.rfind("[TCP Previous segment not captured] 40000", 0), 0u);
  w.send(server(5001, 1101, kAck));  // frame 6
  EXPECT_EQ(w.send(server(5001, 1101, kAck)).info,
            "[TCP Dup ACK 6#1] 80 \xe2\x86\x92 40000 [ACK] Seq=1 Ack=101 Win=64240 Len=0");
  Segment again = client(1001, 5001, kAck | kPsh);
  again.payload = 100;
  EXPECT_EQ(w.send(again).info.substr(0, 34), "[TCP Spurious Retransmission] 4000");  // already ACKed
}

TEST(WiresharkInfo, FlagsWithoutAnyBitShowNone) {
  Wire w;
  EXPECT_EQ(w.send(client(7, 0, 0)).info,
            "40000 \xe2\x86\x92 80 [<None>] Seq=1 Win=64240 Len=0");
}

TEST(WiresharkInfo, HttpRequestSplitOverTwoSegments) {
  Wire w;
  w.send(client(1000, 0, kSyn));
  w.send(server(5000, 1001, kSyn | kAck));
  w.send(client(1001, 5001, kAck));
  const auto& first = w.send(client(1001, 5001, kAck), "GET / HTTP/1.1\r\nHost: a\r\n");
  EXPECT_EQ(first.protocol, "TCP");
  EXPECT_EQ(first.info, "GET / HTTP/1.1  [TCP segment of a reassembled PDU]");
  const auto& second = w.send(client(1026, 5001, kAck | kPsh), "\r\n");
  EXPECT_EQ(second.protocol, "HTTP");
  EXPECT_EQ(second.info, "GET / HTTP/1.1 ");
  std::string body = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 4\r\n\r\n";
  const auto& head = w.send(server(5001, 1028, kAck), body);
  EXPECT_EQ(head.protocol, "TCP");
  EXPECT_EQ(head.info, "HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]");
  const auto& rest = w.send(server(5001 + static_cast<std::uint32_t>(body.size()), 1028, kAck | kPsh), "abcd");
  EXPECT_EQ(rest.protocol, "HTTP");
  EXPECT_EQ(rest.info, "HTTP/1.1 200 OK  (text/html)");
}

// A download of many segments, its last segment carrying the start of the next response:
// the same Info whether the body is kept (for a display filter) or only counted.
TEST(WiresharkInfo, LongBodyCountedOrKeptGivesTheSameInfo) {
  for (const bool keep : {false, true}) {
    SCOPED_TRACE(keep ? "body kept" : "body counted");
    WiresharkOptions options;
    options.keep_http_bodies = keep;
    Wire w(options);
    w.send(client(1000, 0, kSyn));
    w.send(server(5000, 1001, kSyn | kAck));
    w.send(client(1001, 5001, kAck));
    const std::string req = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n";
    EXPECT_EQ(w.send(client(1001, 5001, kAck | kPsh), req).info, "GET /a HTTP/1.1 ");
    const std::uint32_t ack = 1001 + static_cast<std::uint32_t>(req.size());
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3000\r\n\r\n";
    std::uint32_t seq = 5001;
    const auto& first = w.send(server(seq, ack, kAck), head + std::string(1000, 'x'));
    EXPECT_EQ(first.info, "HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]");
    seq += static_cast<std::uint32_t>(head.size() + 1000);
    const auto& middle = w.send(server(seq, ack, kAck), std::string(1000, 'y'));
    EXPECT_EQ(middle.protocol, "TCP");
    EXPECT_EQ(middle.info.find("[TCP segment of a reassembled PDU]") != std::string::npos, true);
    seq += 1000;
    // The body's last 1000 bytes, then the next response's headers in the same segment.
    const auto& last = w.send(server(seq, ack, kAck | kPsh),
                              std::string(999, 'z') + "!" + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(last.protocol, "HTTP");
    EXPECT_EQ(last.info, "HTTP/1.1 200 OK  (text/plain)");
    // The message's bytes: the whole of it when kept, the headers (and the body's start)
    // when counted.
    const std::string_view message = w.renderer().http_message();
    if (keep) {
      EXPECT_EQ(message.size(), head.size() + 3000);
      EXPECT_EQ(message.back(), '!');
    } else {
      EXPECT_EQ(message.substr(0, head.size()), head);
      EXPECT_LT(message.size(), head.size() + 3000);
    }
  }
}

TEST(WiresharkRender, LineLayoutMatchesTshark) {
  Wire w;
  Segment syn = client(1000, 0, kSyn);
  w.send(syn);
  // The renderer keeps the columns; print() aligns them as tshark.c print_columns().
  WiresharkRenderer r;
  PacketDecoder d;
  StreamTracker t;
  auto bytes = test::build_ipv4_tcp(syn);
  RawPacket raw = test::raw_packet(bytes, 1, 5, 0);
  const DecodedPacket& pkt = d.decode(raw);
  r.on_packet(raw, pkt, t.on_packet(pkt, 1, raw.ts), t);
  Output out(-1);
  r.print(out);
  EXPECT_EQ(out.text(),
            "    1   0.000000     10.0.0.1 \xe2\x86\x92 10.0.0.2     TCP 40 40000 \xe2\x86\x92 80 "
            "[SYN] Seq=0 Win=64240 Len=0\n");
}

}  // namespace
}  // namespace tcplens
