// Ground truth for tcp.analysis flags (StreamTracker::set_ground_truth, SendHistory): where
// the sender's IPv4 ID and TCP timestamp prove tshark's timing heuristics wrong.
#include <gtest/gtest.h>

#include "packet_builder.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/tcp/connection.hpp"
#include "tcplens/tcp/send_history.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens {
namespace {

using test::Host;
using test::kClient;
using test::kServer;
using namespace tcpflag;

// --- SendHistory -----------------------------------------------------------------------

SendHistory::Sender by_ip_id(std::uint16_t id) {
  SendHistory::Sender s;
  s.has_ip_id = true;
  s.ip_id = id;
  return s;
}

TEST(SendHistory, InOrderDataIsNew) {
  SendHistory h;
  std::uint64_t seen = 0;
  EXPECT_EQ(h.add(1000, 100, by_ip_id(1), seen), SegmentOrigin::New);
  EXPECT_EQ(h.add(1100, 100, by_ip_id(2), seen), SegmentOrigin::New);
  EXPECT_EQ(seen, 0u);
}

TEST(SendHistory, ResentBytesWithNewerIpIdAreARetransmission) {
  SendHistory h;
  std::uint64_t seen = 0;
  h.add(1000, 100, by_ip_id(1), seen);
  h.add(1100, 100, by_ip_id(2), seen);
  EXPECT_EQ(h.add(1000, 100, by_ip_id(3), seen), SegmentOrigin::Retransmission);
  EXPECT_EQ(seen, 100u);
}

TEST(SendHistory, SameBytesNotSentLaterAreTheNetworksDuplicate) {
  SendHistory h;
  std::uint64_t seen = 0;
  h.add(1000, 100, by_ip_id(7), seen);
  EXPECT_EQ(h.add(1000, 100, by_ip_id(7), seen), SegmentOrigin::NetworkDuplicate);
}

TEST(SendHistory, HoleFilledByAnOlderPacketIsALateOriginal) {
  SendHistory h;
  std::uint64_t seen = 0;
  h.add(1000, 100, by_ip_id(1), seen);
  h.add(1200, 100, by_ip_id(3), seen);  // 1100..1200 not seen yet
  EXPECT_EQ(h.add(1100, 100, by_ip_id(2), seen), SegmentOrigin::LateOriginal);
  EXPECT_EQ(seen, 0u);
}

TEST(SendHistory, HoleFilledByANewerPacketIsARetransmission) {
  SendHistory h;
  std::uint64_t seen = 0;
  h.add(1000, 100, by_ip_id(1), seen);
  h.add(1200, 100, by_ip_id(3), seen);
  EXPECT_EQ(h.add(1100, 100, by_ip_id(4), seen), SegmentOrigin::Retransmission);
}

TEST(SendHistory, TimestampsDecideWithoutIpId) {
  SendHistory h;
  SendHistory::Sender s;
  s.has_tsval = true;
  std::uint64_t seen = 0;
  s.tsval = 10;
  h.add(1000, 100, s, seen);
  s.tsval = 12;
  h.add(1200, 100, s, seen);
  s.tsval = 11;
  EXPECT_EQ(h.add(1100, 100, s, seen), SegmentOrigin::LateOriginal);
  s.tsval = 20;
  EXPECT_EQ(h.add(1000, 100, s, seen), SegmentOrigin::Retransmission);
}

TEST(SendHistory, SequenceWrapAround) {
  SendHistory h;
  std::uint64_t seen = 0;
  h.add(0xffffff00u, 0x100, by_ip_id(1), seen);
  EXPECT_EQ(h.add(0, 100, by_ip_id(2), seen), SegmentOrigin::New);
  EXPECT_EQ(h.add(0xffffff80u, 0x80, by_ip_id(3), seen), SegmentOrigin::Retransmission);
}

TEST(SendHistory, ManyHolesStayBounded) {
  SendHistory h;
  std::uint64_t seen = 0;
  // 1000 disjoint segments: the oldest holes are merged away, the newest stay exact.
  for (std::uint32_t i = 0; i < 1000; ++i) h.add(i * 200, 100, by_ip_id(static_cast<std::uint16_t>(i + 1)), seen);
  EXPECT_EQ(h.add(999 * 200 - 100, 100, by_ip_id(2000), seen), SegmentOrigin::Retransmission);
  EXPECT_EQ(seen, 0u);  // a recent hole is still known as one
  EXPECT_EQ(h.add(0, 100, by_ip_id(2001), seen), SegmentOrigin::Retransmission);
  EXPECT_EQ(seen, 100u);
}

// --- StreamTracker in ground-truth and tshark modes ---------------------------------------

class Truth : public ::testing::TestWithParam<bool> {
 protected:
  Truth() { tracker_.set_ground_truth(GetParam()); }
  bool truth() const { return GetParam(); }

  // One segment with an IPv4 ID and a TCP timestamp, `gap_us` after the previous one.
  const TcpPacketAnalysis& send(const Host& from, std::uint32_t seq, std::uint32_t ack, std::uint16_t flags,
                                std::uint32_t payload, std::uint16_t ip_id, std::uint32_t tsval,
                                std::uint16_t window = 64240, std::int64_t gap_us = 100) {
    test::Segment s = test::segment(from, seq, ack, flags, payload);
    s.window = window;
    s.ip_id = ip_id;
    s.options = test::timestamp_option(tsval, 1);
    bytes_ = test::build_ipv4_tcp(s);
    ++frame_;
    now_ += gap_us * 1000;
    RawPacket raw = test::raw_packet(bytes_, frame_, now_ / 1000000000, static_cast<std::uint32_t>(now_ % 1000000000));
    if (raw_keep_) raw_ = raw;
    return tracker_.on_packet(decoder_.decode(raw), frame_, raw.ts);
  }
  // Handshake with a 1 ms initial RTT: tshark's out-of-order window is 1 ms.
  void handshake() {
    send(kClient, 100, 0, kSyn, 0, 1, 1000, 64240, 0);
    send(kServer, 500, 101, kSyn | kAck, 0, 1, 5000, 64240, 500);
    send(kClient, 101, 501, kAck, 0, 2, 1001, 64240, 500);
  }

  PacketDecoder decoder_;
  StreamTracker tracker_;
  std::vector<std::uint8_t> bytes_;
  std::uint64_t frame_ = 0;
  std::int64_t now_ = 1000000000;
  bool raw_keep_ = false;  // keep the last packet in raw_ (for a second consumer)
  RawPacket raw_;
};

TEST_P(Truth, LinuxZeroWindowProbeIsNotAKeepAlive) {
  handshake();
  send(kServer, 501, 101, kAck, 1000, 2, 5001);
  send(kClient, 101, 1501, kAck, 0, 3, 1002, /*window=*/0);  // the client's buffer is full
  // Linux's persist timer: seq = snd_una - 1, no data.
  const TcpPacketAnalysis& probe = send(kServer, 1500, 101, kAck, 0, 3, 5200, 64240, 200000);
  EXPECT_EQ(probe.anomalies.has(Anomaly::ZeroWindowProbe), truth());
  EXPECT_EQ(probe.anomalies.has(Anomaly::KeepAlive), !truth());
  const TcpPacketAnalysis& answer = send(kClient, 101, 1501, kAck, 0, 4, 1202, 0);
  EXPECT_EQ(answer.anomalies.has(Anomaly::ZeroWindowProbeAck), truth());
  EXPECT_FALSE(answer.anomalies.has(Anomaly::KeepAliveAck));
  EXPECT_FALSE(answer.anomalies.has(Anomaly::DuplicateAck));
}

TEST_P(Truth, ConnectionsCountTheProbesTheirWay) {
  ConnectionAnalyzer connections;
  auto feed = [&](const TcpPacketAnalysis& a) { connections.on_packet(decoder_.decode(raw_), a, frame_, raw_.ts); };
  raw_keep_ = true;
  feed(send(kClient, 100, 0, kSyn, 0, 1, 1000, 64240, 0));
  feed(send(kServer, 500, 101, kSyn | kAck, 0, 1, 5000, 64240, 500));
  feed(send(kClient, 101, 501, kAck, 0, 2, 1001, 64240, 500));
  feed(send(kServer, 501, 101, kAck, 1000, 2, 5001));
  feed(send(kClient, 101, 1501, kAck, 0, 3, 1002, 0));
  feed(send(kServer, 1500, 101, kAck, 0, 3, 5200, 64240, 200000));
  connections.finish();
  ASSERT_EQ(connections.connections().size(), 1u);
  const DirectionStats& server = connections.connections()[0].server.sent;
  EXPECT_EQ(server.zero_window_probes, truth() ? 1u : 0u);
  EXPECT_EQ(server.keep_alives, truth() ? 0u : 1u);
}

TEST_P(Truth, KeepAliveWhileTheWindowIsOpenStaysAKeepAlive) {
  handshake();
  send(kServer, 501, 101, kAck, 1000, 2, 5001);
  send(kClient, 101, 1501, kAck, 0, 3, 1002);
  const TcpPacketAnalysis& probe = send(kServer, 1500, 101, kAck, 0, 3, 7000, 64240, 1000000);
  EXPECT_TRUE(probe.anomalies.has(Anomaly::KeepAlive));
  EXPECT_FALSE(probe.anomalies.has(Anomaly::ZeroWindowProbe));
  EXPECT_TRUE(send(kClient, 101, 1501, kAck, 0, 4, 2002).anomalies.has(Anomaly::KeepAliveAck));
}

TEST_P(Truth, QuickRetransmissionIsARetransmissionNotOutOfOrder) {
  handshake();
  send(kServer, 501, 101, kAck, 1000, 2, 5001);
  send(kServer, 1501, 101, kAck, 1000, 3, 5001);
  // Resent 100 us later (newer IP ID and TSval): inside tshark's 1 ms out-of-order window.
  const TcpPacketAnalysis& a = send(kServer, 501, 101, kAck, 1000, 4, 5002);
  EXPECT_EQ(a.anomalies.has(Anomaly::Retransmission), truth());
  EXPECT_EQ(a.anomalies.has(Anomaly::OutOfOrder), !truth());
}

TEST_P(Truth, LateOriginalIsOutOfOrderNotARetransmission) {
  handshake();
  send(kServer, 501, 101, kAck, 1000, 2, 5001);
  send(kServer, 2501, 101, kAck, 1000, 4, 5002);  // 1501..2501 delayed on the way
  // The delayed original arrives 5 ms later (older IP ID and TSval): beyond tshark's window.
  const TcpPacketAnalysis& a = send(kServer, 1501, 101, kAck, 1000, 3, 5001, 64240, 5000);
  EXPECT_EQ(a.anomalies.has(Anomaly::OutOfOrder), truth());
  EXPECT_EQ(a.anomalies.has(Anomaly::Retransmission), !truth());
}

TEST_P(Truth, NetworkDuplicateKeepsTsharksFlags) {
  handshake();
  send(kServer, 501, 101, kAck, 1000, 2, 5001);
  send(kClient, 101, 1501, kAck, 0, 3, 1002);
  const TcpPacketAnalysis& a = send(kServer, 501, 101, kAck, 1000, 2, 5001, 64240, 5000);
  EXPECT_TRUE(a.anomalies.has(Anomaly::SpuriousRetransmission));
}

TEST_P(Truth, WithoutTimestampsTsharksVerdictStands) {
  handshake();
  test::Segment s;  // no options, IP ID 1 on every packet
  s.src = kServer;
  s.dst = kClient;
  s.ack = 101;
  s.flags = kAck;
  s.payload = 1000;
  auto at = [&](std::uint32_t seq, std::int64_t gap_us) -> const TcpPacketAnalysis& {
    s.seq = seq;
    bytes_ = test::build_ipv4_tcp(s);
    ++frame_;
    now_ += gap_us * 1000;
    RawPacket raw = test::raw_packet(bytes_, frame_, now_ / 1000000000, static_cast<std::uint32_t>(now_ % 1000000000));
    return tracker_.on_packet(decoder_.decode(raw), frame_, raw.ts);
  };
  at(501, 100);
  at(1501, 100);
  EXPECT_TRUE(at(501, 100).anomalies.has(Anomaly::OutOfOrder));
}

INSTANTIATE_TEST_SUITE_P(Modes, Truth, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "GroundTruth" : "Tshark"; });

}  // namespace
}  // namespace tcplens
