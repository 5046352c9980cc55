// StreamTracker: stream assignment as tshark 4.0 does it, and the main analysis flags.
// Written in a small helper language: syn(client, isn), syn_ack(server, isn, ack), ...
#include <cstring>
#include <map>

#include <gtest/gtest.h>

#include "packet_builder.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/flow/stream_index.hpp"
#include "tcplens/flow/tagged_index.hpp"
#include "tcplens/tcp/seq_num.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens {
namespace {

using test::Host;
using test::kClient;
using test::kServer;
using test::Segment;
using namespace tcpflag;

class Conversation : public ::testing::Test {
 protected:
  // Sends one segment from `from` to the other host; returns its analysis.
  const TcpPacketAnalysis& send(const Host& from, std::uint32_t seq, std::uint32_t ack,
                                std::uint16_t flags, std::uint32_t payload = 0,
                                std::uint16_t window = 64240) {
    Segment s = test::segment(from, seq, ack, flags, payload);
    s.window = window;
    bytes_ = test::build_ipv4_tcp(s);
    ++frame_;
    now_ += 1000000;  // 1 ms apart
    RawPacket raw = test::raw_packet(bytes_, frame_, now_ / 1000000000, static_cast<std::uint32_t>(now_ % 1000000000));
    return tracker_.on_packet(decoder_.decode(raw), frame_, raw.ts);
  }
  const TcpPacketAnalysis& syn(const Host& h, std::uint32_t isn) { return send(h, isn, 0, kSyn); }
  const TcpPacketAnalysis& syn_ack(const Host& h, std::uint32_t isn, std::uint32_t ack) {
    return send(h, isn, ack, kSyn | kAck);
  }
  const TcpPacketAnalysis& ack(const Host& h, std::uint32_t seq, std::uint32_t a) {
    return send(h, seq, a, kAck);
  }
  const TcpPacketAnalysis& data(const Host& h, std::uint32_t seq, std::uint32_t a, std::uint32_t len) {
    return send(h, seq, a, kAck | kPsh, len);
  }
  const TcpPacketAnalysis& fin(const Host& h, std::uint32_t seq, std::uint32_t a) {
    return send(h, seq, a, kFin | kAck);
  }
  const TcpPacketAnalysis& rst(const Host& h, std::uint32_t seq) { return send(h, seq, 0, kRst); }

  void handshake(std::uint32_t c_isn, std::uint32_t s_isn) {
    syn(kClient, c_isn);
    syn_ack(kServer, s_isn, c_isn + 1);
    ack(kClient, c_isn + 1, s_isn + 1);
  }

  PacketDecoder decoder_;
  StreamTracker tracker_;
  std::vector<std::uint8_t> bytes_;
  std::uint64_t frame_ = 0;
  std::int64_t now_ = 1000000000;
};

// --- stream assignment ---

TEST_F(Conversation, BothDirectionsShareAStream) {
  handshake(100, 500);
  EXPECT_EQ(data(kServer, 501, 101, 10).stream, 0u);
  EXPECT_EQ(tracker_.stream_count(), 1u);
  EXPECT_EQ(tracker_.summary(0).completeness, completeness::kSyn | completeness::kSynAck |
                                                  completeness::kAck | completeness::kData);
}

TEST_F(Conversation, SynWithNewIsnAfterFinStartsNewStream) {
  handshake(100, 500);
  fin(kClient, 101, 501);
  fin(kServer, 501, 102);
  ack(kClient, 102, 502);
  const TcpPacketAnalysis& a = syn(kClient, 9000);
  EXPECT_EQ(a.stream, 1u);
  EXPECT_TRUE(a.anomalies.has(Anomaly::ReusedPorts));
  EXPECT_EQ(tracker_.summary(1).completeness, completeness::kSyn);
  EXPECT_EQ(syn_ack(kServer, 7000, 9001).stream, 1u);
  EXPECT_EQ(tracker_.stream_count(), 2u);
  EXPECT_EQ(tracker_.live_stream_count(), 1u);  // the 4-tuple's state was recycled
  EXPECT_EQ(tracker_.summary(0).completeness, 23);  // SYN, SYN-ACK, ACK, FIN: no data
}

TEST_F(Conversation, SynWithNewIsnWithoutCloseStillStartsNewStream) {
  handshake(100, 500);
  EXPECT_EQ(syn(kClient, 12345).stream, 1u);
}

TEST_F(Conversation, RetransmittedSynKeepsStream) {
  syn(kClient, 100);
  const TcpPacketAnalysis& a = syn(kClient, 100);
  EXPECT_EQ(a.stream, 0u);
  EXPECT_TRUE(a.anomalies.has(Anomaly::Retransmission));
  EXPECT_FALSE(a.anomalies.has(Anomaly::ReusedPorts));
}

TEST_F(Conversation, SynAckWithNewIsnRebasesSameStream) {
  handshake(100, 500);
  const TcpPacketAnalysis& a = syn_ack(kServer, 8000, 101);
  EXPECT_EQ(a.stream, 0u);
  EXPECT_TRUE(a.anomalies.has(Anomaly::ReusedPorts));
  EXPECT_EQ(tracker_.summary(0).base_seq[static_cast<int>(a.dir)], 8000u);
}

TEST_F(Conversation, MidstreamStartsAtRelativeOne) {
  const TcpPacketAnalysis& a = data(kClient, 5000, 7000, 100);
  EXPECT_EQ(a.stream, 0u);
  TcpNumbers n = StreamTracker::numbers(decoder_.decode(test::raw_packet(bytes_)).tcp, a, tracker_.summary(0));
  EXPECT_EQ(n.seq, 1u);
  EXPECT_EQ(n.ack, 1u);
  EXPECT_EQ(n.nxtseq, 101u);
  EXPECT_EQ(n.scale, -1);  // no SYN seen: unknown
}

TEST_F(Conversation, DifferentPortIsDifferentStream) {
  syn(kClient, 1);
  Host other = kClient;
  other.port = 40001;
  EXPECT_EQ(send(other, 1, 0, kSyn).stream, 1u);
}

// tshark creates a conversation for TCP quoted in an ICMP error: it uses up a stream index
// and, being a SYN without options, makes the stream "no window scaling" before the real SYN.
TEST_F(Conversation, IcmpQuotedTcpUsesAStreamIndex) {
  Segment quoted;
  quoted.src = kClient;
  quoted.dst = kServer;
  quoted.seq = 100;
  quoted.flags = kSyn;
  std::vector<std::uint8_t> inner = test::build_ipv4_tcp(quoted);
  std::vector<std::uint8_t> icmp = {3, 3, 0, 0, 0, 0, 0, 0};  // port unreachable
  icmp.insert(icmp.end(), inner.begin(), inner.end());
  std::vector<std::uint8_t> b = {0x45, 0, 0, 0, 0, 0, 0, 0, 64, 1, 0, 0};  // IPv4, ICMP
  b.insert(b.end(), kServer.addr, kServer.addr + 4);
  b.insert(b.end(), kClient.addr, kClient.addr + 4);
  b.insert(b.end(), icmp.begin(), icmp.end());
  b[3] = static_cast<std::uint8_t>(b.size());
  RawPacket raw = test::raw_packet(b, ++frame_);
  const TcpPacketAnalysis& a = tracker_.on_packet(decoder_.decode(raw), frame_, raw.ts);
  EXPECT_FALSE(a.tracked);  // no row
  EXPECT_EQ(tracker_.stream_count(), 1u);
  EXPECT_EQ(tracker_.summary(0).win_scale[0], -2);
  Host other = kClient;
  other.port = 40001;
  EXPECT_EQ(send(other, 1, 0, kSyn).stream, 1u);
  EXPECT_EQ(syn(kClient, 100).stream, 0u);  // the quoted 4-tuple's conversation is found
}

// --- analysis flags ---

TEST_F(Conversation, LostSegmentAndDuplicateAcks) {
  handshake(100, 500);
  data(kClient, 101, 501, 100);
  EXPECT_TRUE(data(kClient, 301, 501, 100).anomalies.has(Anomaly::LostSegment));
  ack(kServer, 501, 201);
  const TcpPacketAnalysis& d1 = ack(kServer, 501, 201);
  EXPECT_TRUE(d1.anomalies.has(Anomaly::DuplicateAck));
  EXPECT_EQ(d1.dupack_num, 1u);
  const TcpPacketAnalysis& d2 = ack(kServer, 501, 201);
  EXPECT_EQ(d2.dupack_num, 2u);
  EXPECT_TRUE(data(kClient, 201, 501, 100).anomalies.has(Anomaly::FastRetransmission));
}

TEST_F(Conversation, RetransmissionAckRttAndBytesInFlight) {
  handshake(100, 500);
  const TcpPacketAnalysis& d = data(kClient, 101, 501, 100);
  EXPECT_EQ(d.bytes_in_flight, 100u);
  now_ += 200000000;  // well past the out-of-order threshold
  EXPECT_TRUE(data(kClient, 101, 501, 100).anomalies.has(Anomaly::Retransmission));
  const TcpPacketAnalysis& a = ack(kServer, 501, 201);
  EXPECT_EQ(a.acks_frame, 4u);
  EXPECT_GT(a.ack_rtt.total_ns(), 0);
}

TEST_F(Conversation, ZeroWindowAndWindowUpdate) {
  handshake(100, 500);
  EXPECT_TRUE(send(kServer, 501, 101, kAck, 0, 0).anomalies.has(Anomaly::ZeroWindow));
  EXPECT_TRUE(send(kServer, 501, 101, kAck, 0, 1000).anomalies.has(Anomaly::WindowUpdate));
}

TEST_F(Conversation, KeepAliveAndItsAck) {
  handshake(100, 500);
  data(kClient, 101, 501, 10);
  ack(kServer, 501, 111);
  EXPECT_TRUE(send(kClient, 110, 501, kAck, 0).anomalies.has(Anomaly::KeepAlive));
  EXPECT_TRUE(ack(kServer, 501, 111).anomalies.has(Anomaly::KeepAliveAck));
}

// --- building blocks ---

TEST(NsTime, DeltaAsWireshark) {
  EXPECT_EQ(NsTime::delta({10, 100}, {9, 200}).total_ns(), 999999900);
  NsTime d = NsTime::delta({9, 200}, {10, 100});  // negative: both parts share the sign
  EXPECT_EQ(d.secs, 0);
  EXPECT_EQ(d.nsecs, -999999900);
  d = NsTime::delta({5, 0}, {5, 1000000000});  // unnormalised input stays unnormalised
  EXPECT_EQ(d.secs, 0);
  EXPECT_EQ(d.nsecs, -1000000000);
}

TEST(SeqNum, WrapAround) {
  EXPECT_LT(SeqNum(0xfffffff0u), SeqNum(0x10u));
  EXPECT_GT(SeqNum(0x10u), SeqNum(0xfffffff0u));
  EXPECT_EQ(SeqNum::distance(SeqNum(0xfffffff0u), SeqNum(0x10u)), 0x20u);
}

TEST(TaggedIndex, AgreesWithAMapUnderChurnAndMoves) {
  // The owner keeps the keys: here key i lives at keys[handle]; handles move as in a dense
  // array that fills a hole with its last element.
  std::vector<std::uint64_t> keys;  // by handle
  auto hash_of = [](std::uint64_t key) { return key * 0x9e3779b97f4a7c15ull ^ (key >> 7); };
  TaggedIndex index(16);
  std::map<std::uint64_t, std::uint32_t> model;  // key -> handle
  std::uint64_t next_key = 1;
  std::uint32_t rng = 3;
  auto random = [&] { return rng = rng * 1103515245u + 12345u; };
  for (int step = 0; step < 100000; ++step) {
    const std::uint32_t r = random() >> 8;
    if (r % 3 != 0 || model.empty()) {
      const std::uint64_t key = next_key++;
      index.insert(hash_of(key), static_cast<std::uint32_t>(keys.size()));
      model[key] = static_cast<std::uint32_t>(keys.size());
      keys.push_back(key);
    } else {
      auto it = model.lower_bound(r % next_key);
      if (it == model.end()) it = model.begin();
      const std::uint32_t hole = it->second;
      const auto last = static_cast<std::uint32_t>(keys.size() - 1);
      EXPECT_TRUE(index.erase(hash_of(it->first), [&](std::uint32_t h) { return h == hole; }));
      model.erase(it);
      if (hole != last) {
        keys[hole] = keys[last];
        EXPECT_TRUE(index.update(hash_of(keys[hole]), [&](std::uint32_t h) { return h == last; }, hole));
        model[keys[hole]] = hole;
      }
      keys.pop_back();
    }
    if (step % 997 == 0) {
      ASSERT_EQ(index.size(), model.size());
      for (const auto& [key, handle] : model) {
        const std::uint64_t k = key;
        ASSERT_EQ(index.find(hash_of(k), [&](std::uint32_t h) { return keys[h] == k; }), handle);
      }
      const std::uint64_t absent = next_key;
      ASSERT_EQ(index.find(hash_of(absent), [&](std::uint32_t h) { return keys[h] == absent; }),
                TaggedIndex::kNone);
    }
  }
}

TEST(StreamIndex, AgreesWithAMapUnderChurn) {
  StreamIndex index;
  std::map<std::uint32_t, std::uint32_t> model;
  std::uint32_t next_stream = 0, rng = 12345;
  auto random = [&] { return rng = rng * 1103515245u + 12345u; };
  for (int step = 0; step < 200000; ++step) {
    const std::uint32_t r = random() >> 8;
    if (r % 3 != 0 || model.empty()) {  // a new stream, numbered as the tracker does
      index.insert(next_stream, r);
      model[next_stream++] = r;
    } else {  // one ends: any live one, or one that is not there
      auto it = model.lower_bound(r % next_stream);
      if (it == model.end()) it = model.begin();
      EXPECT_TRUE(index.erase(it->first));
      EXPECT_FALSE(index.erase(it->first));
      model.erase(it);
    }
    if (step % 997 == 0) {
      ASSERT_EQ(index.size(), model.size());
      for (const auto& [stream, position] : model) ASSERT_EQ(index.find(stream), position);
      std::size_t seen = 0;
      index.for_each([&](std::uint32_t stream, std::uint32_t position) {
        ++seen;
        EXPECT_EQ(model.at(stream), position);
      });
      EXPECT_EQ(seen, model.size());
    }
  }
  EXPECT_EQ(index.find(next_stream), StreamIndex::kNone);
}

TEST(FlowKey, BothDirectionsSameKey) {
  IpAddress a, b;
  a.family = b.family = 4;
  a.bytes[0] = 10;
  b.bytes[0] = 11;
  Direction d1, d2;
  FlowKey k1 = FlowKey::make(a, 1000, b, 80, 6, d1);
  FlowKey k2 = FlowKey::make(b, 80, a, 1000, 6, d2);
  EXPECT_EQ(k1, k2);
  EXPECT_EQ(k1.hash(), k2.hash());
  EXPECT_NE(d1, d2);
}

}  // namespace
}  // namespace tcplens

namespace tcplens {
namespace {

// tshark's second pass, reproduced by replaying into a tracker that knows the first pass.
TEST(Replay, CompletenessAndRebasedSynAck) {
  using namespace tcpflag;
  std::vector<std::vector<std::uint8_t>> pkts;
  auto add = [&](const Host& from, std::uint32_t seq, std::uint32_t ack, std::uint16_t flags) {
    pkts.push_back(test::build_ipv4_tcp(test::segment(from, seq, ack, flags)));
  };
  add(kServer, 500, 101, kSyn | kAck);  // SYN-ACK first: the conversation is new, no bit
  add(kClient, 100, 0, kSyn);           // SYN in a known conversation: no bit either
  add(kClient, 101, 501, kAck);
  add(kServer, 900, 101, kSyn | kAck);  // a second SYN-ACK ISN: rebase
  add(kClient, 101, 901, kAck);

  auto run = [&](StreamTracker& t, std::vector<TcpPacketAnalysis>* out,
                 std::vector<TcpNumbers>* nums) {
    PacketDecoder d;
    std::uint64_t n = 0;
    for (const auto& b : pkts) {
      RawPacket raw = test::raw_packet(b, ++n, static_cast<std::int64_t>(n), 0);
      const DecodedPacket& p = d.decode(raw);
      const TcpPacketAnalysis& a = t.on_packet(p, n, raw.ts);
      if (out) out->push_back(a);
      if (nums) nums->push_back(StreamTracker::numbers(p.tcp, a, t.summary(a.stream)));
    }
  };
  StreamTracker first;
  run(first, nullptr, nullptr);
  // The first SYN-ACK opened the conversation (no bit), the SYN came to a known one (no bit);
  // the ACKs and the second SYN-ACK count.
  EXPECT_EQ(first.summary(0).completeness, completeness::kAck | completeness::kSynAck);
  StreamTracker second;
  second.set_first_pass(&first);
  std::vector<TcpPacketAnalysis> a;
  std::vector<TcpNumbers> n;
  run(second, &a, &n);
  // Shown before each packet's update, starting from the first pass's final value.
  EXPECT_EQ(a[0].completeness, 6);
  EXPECT_EQ(a[4].completeness, 6);
  // The first SYN-ACK is rebased again on the replay: both SYN-ACKs show relative seq 0.
  EXPECT_TRUE(a[0].anomalies.has(Anomaly::ReusedPorts));
  EXPECT_TRUE(a[3].anomalies.has(Anomaly::ReusedPorts));
  EXPECT_EQ(n[0].seq, 0u);
  EXPECT_EQ(n[2].ack, 1u);
  EXPECT_EQ(n[3].seq, 0u);
  EXPECT_EQ(n[4].ack, 1u);
}

}  // namespace
}  // namespace tcplens

namespace tcplens {
namespace {

// Sends SYNs from kClient's address on a given port, one second apart; returns the stream.
struct SynSender {
  StreamTracker& tracker;
  PacketDecoder decoder;
  std::uint64_t n = 0;
  std::uint32_t from_port(std::uint16_t port) {
    Segment s = test::segment(kClient, 1000, 0, tcpflag::kSyn);
    s.src.port = port;
    auto bytes = test::build_ipv4_tcp(s);
    ++n;
    RawPacket raw = test::raw_packet(bytes, n, static_cast<std::int64_t>(n), 0);
    return tracker.on_packet(decoder.decode(raw), n, raw.ts).stream;
  }
};

TEST(Limits, EvictsLeastRecentlySeenWhenFull) {
  StreamTracker::Limits limits;
  limits.max_live = 8;
  StreamTracker t(limits);
  SynSender syn{t};
  auto syn_from_port = [&](std::uint16_t port) { return syn.from_port(port); };
  for (std::uint16_t p = 1; p <= 20; ++p) EXPECT_EQ(syn_from_port(p), p - 1u);
  EXPECT_GT(t.evictions(), 0u);
  EXPECT_LE(t.live_stream_count(), 8u);
  EXPECT_EQ(syn_from_port(20), 19u);  // recent: still tracked (a retransmitted SYN)
  // Evicted but remembered: comes back in its stream, as in tshark, from a fresh state.
  EXPECT_EQ(syn_from_port(1), 0u);
  EXPECT_EQ(t.counters().resumed, 1u);
  EXPECT_GT(t.counters().cap_evicted, 0u);
}

TEST(Limits, ForgottenFourTupleStartsNewStream) {
  StreamTracker::Limits limits;
  limits.max_live = 8;
  limits.max_remembered = 4;  // two generations of two
  StreamTracker t(limits);
  SynSender syn{t};
  auto syn_from_port = [&](std::uint16_t port) { return syn.from_port(port); };
  for (std::uint16_t p = 1; p <= 40; ++p) EXPECT_EQ(syn_from_port(p), p - 1u);
  EXPECT_GT(t.counters().remembered_dropped, 0u);
  EXPECT_EQ(syn_from_port(1), 40u);  // forgotten: a new stream (tshark would say 0)
}

TEST(Limits, IdleAndClosedStreamsAreFreedInCaptureTime) {
  StreamTracker::Limits limits;
  limits.idle_timeout_sec = 100;
  limits.close_linger_sec = 5;
  StreamTracker t(limits);
  PacketDecoder d;
  std::uint64_t n = 0;
  auto send = [&](std::uint16_t sport, std::uint16_t dport, std::uint32_t seq, std::uint32_t ack,
                  std::uint16_t flags, std::int64_t sec) {
    Segment s;
    s.src = sport == 40000 ? kClient : kServer;
    s.dst = sport == 40000 ? kServer : kClient;
    s.src.port = sport;
    s.dst.port = dport;
    s.seq = seq;
    s.ack = ack;
    s.flags = flags;
    auto bytes = test::build_ipv4_tcp(s);
    ++n;
    RawPacket raw = test::raw_packet(bytes, n, sec, 0);
    return t.on_packet(d.decode(raw), n, raw.ts).stream;
  };
  using namespace tcpflag;
  // Stream 0: opened and closed (FIN, FIN-ACK, ACK) at t = 1.
  send(40000, 80, 100, 0, kSyn, 1);
  send(80, 40000, 500, 101, kSyn | kAck, 1);
  send(40000, 80, 101, 501, kAck, 1);
  send(40000, 80, 101, 501, kFin | kAck, 1);
  send(80, 40000, 501, 102, kFin | kAck, 1);
  send(40000, 80, 102, 502, kAck, 1);
  EXPECT_EQ(t.live_stream_count(), 1u);
  // Stream 1 (another client port), a SYN only, at t = 3: the sweep frees nothing yet.
  send(40000, 81, 7, 0, kSyn, 3);
  EXPECT_TRUE(t.ended().empty());
  // At t = 7 the closed stream has lingered 6 s > 5 s: freed.
  send(40000, 81, 7, 0, kSyn, 7);
  ASSERT_EQ(t.ended().size(), 1u);
  EXPECT_EQ(t.ended()[0].stream, 0u);
  EXPECT_EQ(t.ended()[0].why, StreamEnd::Closed);
  EXPECT_EQ(t.counters().closed_freed, 1u);
  // A late ACK on the freed 4-tuple still belongs to stream 0, as in tshark.
  EXPECT_EQ(send(40000, 80, 102, 502, kAck, 8), 0u);
  EXPECT_EQ(t.counters().resumed, 1u);
  // A SYN with a new ISN there starts stream 2 (tshark's reused ports): no difference.
  // At t = 200 both streams are idle for more than 100 s.
  EXPECT_EQ(send(40000, 82, 1, 0, kSyn, 200), 2u);
  EXPECT_EQ(t.counters().idle_evicted, 2u);
  t.finish();
  ASSERT_EQ(t.ended().size(), 1u);
  EXPECT_EQ(t.ended()[0].stream, 2u);
  EXPECT_EQ(t.ended()[0].why, StreamEnd::Finish);
}

bool same_summary(const StreamSummary& a, const StreamSummary& b) {
  return a.initial_rtt.secs == b.initial_rtt.secs && a.initial_rtt.nsecs == b.initial_rtt.nsecs &&
         a.base_seq[0] == b.base_seq[0] && a.base_seq[1] == b.base_seq[1] &&
         a.completeness == b.completeness && a.base_set[0] == b.base_set[0] &&
         a.base_set[1] == b.base_set[1] && a.win_scale[0] == b.win_scale[0] &&
         a.win_scale[1] == b.win_scale[1] && a.tfo_syn_data == b.tfo_syn_data;
}

// A live stream's summary is in its state and is packed (16 bytes) when the state is freed:
// the same values either way, including initial RTTs too long for the packed form (hours, or
// damaged timestamps), window scales and every completeness bit.
TEST(Limits, SummariesSurviveFreeing) {
  StreamTracker::Limits limits;
  limits.idle_timeout_sec = 1000000;
  StreamTracker t(limits);
  PacketDecoder d;
  std::uint64_t n = 0;
  auto send = [&](std::uint16_t client_port, bool from_client, std::uint32_t seq, std::uint32_t ack,
                  std::uint16_t flags, std::int64_t sec, std::uint32_t nsec,
                  std::vector<std::uint8_t> options = {}) {
    Segment s = test::segment(from_client ? kClient : kServer, seq, ack, flags);
    (from_client ? s.src : s.dst).port = client_port;
    s.options = std::move(options);
    auto bytes = test::build_ipv4_tcp(s);
    ++n;
    RawPacket raw = test::raw_packet(bytes, n, sec, nsec);
    return t.on_packet(d.decode(raw), n, raw.ts).stream;
  };
  using namespace tcpflag;
  const std::vector<std::uint8_t> ws7 = {1, 3, 3, 7};  // NOP, window scale 7
  // Stream 0: the handshake's last ACK three hours after the SYN.
  send(40000, true, 100, 0, kSyn, 1, 0, ws7);
  send(40000, false, 500, 101, kSyn | kAck, 1, 5000, ws7);
  send(40000, true, 101, 501, kAck, 3 * 3600 + 1, 250);
  send(40000, true, 101, 501, kFin | kAck, 3 * 3600 + 1, 300);
  // Stream 1: a 1.5 ms initial RTT, then a RST.
  send(40001, true, 7000, 0, kSyn, 3 * 3600 + 2, 0);
  send(40001, false, 9000, 7001, kSyn | kAck, 3 * 3600 + 2, 1000);
  send(40001, true, 7001, 9001, kAck, 3 * 3600 + 2, 1500000);
  send(40001, true, 7001, 0, kRst, 3 * 3600 + 2, 2000000);
  // Stream 2: a timestamp with nanoseconds out of range (a damaged record) in its handshake.
  send(40002, true, 1, 0, kSyn, 3 * 3600 + 3, 1500000000u);
  send(40002, false, 2, 2, kSyn | kAck, 3 * 3600 + 3, 0);
  send(40002, true, 2, 3, kAck, 3 * 3600 + 3, 100);
  send(40002, true, 2, 0, kRst, 3 * 3600 + 3, 200);
  ASSERT_EQ(t.stream_count(), 3u);
  EXPECT_EQ(t.summary(0).initial_rtt.secs, 3 * 3600);
  EXPECT_EQ(t.summary(0).initial_rtt.nsecs, 250);
  EXPECT_EQ(t.summary(0).win_scale[0], 7);
  EXPECT_EQ(t.summary(1).initial_rtt.total_ns(), 1500000);
  EXPECT_EQ(t.summary(1).win_scale[0], -2);
  StreamSummary live[3];
  for (std::uint32_t i = 0; i < 3; ++i) live[i] = t.summary(i);
  // Ten seconds later the two reset streams are freed (stream 0 is only half closed).
  send(40003, true, 1, 0, kSyn, 3 * 3600 + 13, 0);
  EXPECT_EQ(t.counters().closed_freed, 2u);
  for (std::uint32_t i = 0; i < 3; ++i) EXPECT_TRUE(same_summary(t.summary(i), live[i])) << "stream " << i;
  t.release_live_state();
  for (std::uint32_t i = 0; i < 3; ++i) EXPECT_TRUE(same_summary(t.summary(i), live[i])) << "stream " << i;
  EXPECT_EQ(t.summary(2).completeness, completeness::kSyn | completeness::kSynAck | completeness::kAck |
                                           completeness::kRst);
}

}  // namespace
}  // namespace tcplens
