// No allocation per packet on the decode and track path once warmed up (CONVENTIONS.md,
// Performance). Counts calls to the global operator new around a loop.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "packet_builder.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/detect/detect_state.hpp"
#include "tcplens/dfilter/display_filter.hpp"
#include "tcplens/engine/packet_event.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/tshark_tsv.hpp"
#include "tcplens/render/wireshark_renderer.hpp"
#include "tcplens/tcp/connection.hpp"
#include "tcplens/tcp/stream_tracker.hpp"
#include "tcplens/tcp/zeek_conn.hpp"
#include "tcplens/tcp/zeek_decode.hpp"

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace tcplens {
namespace {

// Feeds a handshake and then 200 data/ACK rounds to `each` (decoded packet, frame, time);
// returns the allocations counted over the last 180 rounds.
template <typename Each>
long allocations_in_steady_state(Each&& each) {
  using namespace tcpflag;
  auto make = [](const test::Host& from, std::uint32_t seq, std::uint32_t ack, std::uint16_t flags,
                 std::uint32_t len, std::uint16_t ip_id) {
    test::Segment s = test::segment(from, seq, ack, flags, len);
    s.ip_id = ip_id;
    s.options = test::timestamp_option(ip_id, 1);
    return test::build_ipv4_tcp(s);
  };
  PacketDecoder decoder;
  std::uint64_t frame = 0;
  auto feed = [&](const std::vector<std::uint8_t>& b) {
    ++frame;
    RawPacket raw = test::raw_packet(b, frame, static_cast<std::int64_t>(frame), 0);
    each(raw, decoder.decode(raw));
  };
  feed(make(test::kClient, 100, 0, kSyn, 0, 1));
  feed(make(test::kServer, 500, 101, kSyn | kAck, 0, 1));
  feed(make(test::kClient, 101, 501, kAck, 0, 2));
  // Prebuild the steady-state packets so that building them is not counted.
  std::vector<std::vector<std::uint8_t>> round;
  std::uint32_t seq = 101;
  for (int i = 0; i < 200; ++i) {
    const auto id = static_cast<std::uint16_t>(i + 3);
    round.push_back(make(test::kClient, seq, 501, kAck | kPsh, 1000, id));
    round.push_back(make(test::kServer, 501, seq + 1000, kAck, 0, id));
    seq += 1000;
  }
  for (std::size_t i = 0; i < 20; ++i) feed(round[i]);  // warm up
  const long before = g_allocations.load();
  for (std::size_t i = 20; i < round.size(); ++i) feed(round[i]);
  return g_allocations.load() - before;
}

TEST(Allocations, NoneWhileDecodingAndTrackingASteadyConnection) {
  StreamTracker tracker;
  EXPECT_EQ(allocations_in_steady_state([&](const RawPacket& raw, const DecodedPacket& pkt) {
              tracker.on_packet(pkt, raw.number, raw.ts);
            }),
            0);
}

// The whole per-packet path of analyze, conns and print --style wireshark, with the
// ground-truth flags.
TEST(Allocations, NoneThroughAnalysisAndRendering) {
  StreamTracker tracker;
  tracker.set_ground_truth(true);
  ConnectionAnalyzer connections;
  connections.set_sink([](Connection&) {});
  Output out(-1);
  TsharkTsvWriter tsv(out);
  WiresharkRenderer wireshark;
  EXPECT_EQ(allocations_in_steady_state([&](const RawPacket& raw, const DecodedPacket& pkt) {
              const TcpPacketAnalysis& a = tracker.on_packet(pkt, raw.number, raw.ts);
              connections.on_packet(pkt, a, raw.number, raw.ts);
              tsv.row(raw, pkt, a, tracker.summary(a.stream));
              wireshark.on_packet(raw, pkt, a, tracker);
              wireshark.print(out);
              out.clear();
            }),
            0);
}

// Zeek's view of the connection (conns' zeek columns, --format zeek): its reassembly blocks
// are merged in place and its checksums verified without a buffer.
TEST(Allocations, NoneInZeeksViewOfASteadyConnection) {
  zeek::ZeekConnTable table;
  std::uint32_t hint = ~0u;
  long checked = 0;
  EXPECT_EQ(allocations_in_steady_state([&](const RawPacket& raw, const DecodedPacket& pkt) {
              FlowKey key;
              Direction dir;
              zeek::ZeekPacket zp;
              if (!zeek::to_zeek_packet(pkt, raw.ts, true, key, dir, zp)) return;
              zp.checksum_ok = true;  // verified above, but the test packets carry none
              checked += zp.captured_len != 0;
              table.on_packet(key, dir, zp, &hint);
            }),
            0);
  EXPECT_GT(checked, 0);
  EXPECT_EQ(table.live_count(), 1u);
}

// A detect shard run writes its state (detect_state.hpp) without allocating: the events go
// to a fixed block, the blocks to an output buffer already grown.
TEST(Allocations, NoneWhileWritingADetectState) {
  Output out(-1, std::size_t{1} << 22);
  auto writer = std::make_unique<detect::DetectStateWriter>(out);
  writer->start(detect::DetectStateHeader{});
  detect::PacketFacts facts;
  EXPECT_EQ(allocations_in_steady_state([&](const RawPacket& raw, const DecodedPacket& pkt) {
              const detect::DetectInput kind = detect::Detector::input_of(raw, pkt, facts);
              if (kind == detect::DetectInput::Other)
                writer->add_other();
              else
                writer->add(kind, facts);
            }),
            0);
  EXPECT_GT(writer->events(), 300u);
}

// detect --merge replays states without allocating per event: the same allocations (the
// readers' buffers, the heap) for 2,000 events as for 40,000.
TEST(Allocations, DetectMergeAllocatesPerFileNotPerEvent) {
  char dir[] = "/tmp/tcplens-alloc.XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  auto merged_allocations = [&](std::uint64_t events) {
    std::vector<std::string> paths;
    for (std::uint32_t k = 0; k < 2; ++k) {
      Output out(-1);
      detect::DetectStateWriter w(out);
      detect::DetectStateHeader h;
      h.shard = k;
      h.shards = 2;
      w.start(h);
      detect::PacketFacts p;
      p.src.family = p.dst.family = 4;
      p.src.bytes[0] = 10;
      p.dst.bytes[0] = 10;
      p.dst.bytes[3] = static_cast<std::uint8_t>(k + 1);
      p.sport = 40000;
      p.dport = 80;
      p.flags = tcpflag::kAck | tcpflag::kPsh;
      p.payload_len = 100;
      for (std::uint64_t i = 0; i < events / 2; ++i) {
        p.frame = 2 * i + 1 + k;  // the shards' frames interleave
        p.ns = static_cast<std::int64_t>(p.frame) * 1000000;
        p.seq = static_cast<std::uint32_t>(1000 + 100 * i);
        w.add(detect::DetectInput::Tcp, p);
      }
      EXPECT_TRUE(w.finish());
      paths.push_back(std::string(dir) + "/shard-" + std::to_string(k) + "-" + std::to_string(events));
      std::FILE* f = std::fopen(paths.back().c_str(), "wb");
      std::fwrite(out.text().data(), 1, out.text().size(), f);
      std::fclose(f);
    }
    detect::DetectStateHeader expected;
    auto detector = std::make_unique<detect::Detector>();
    detect::DetectMergeResult result;
    std::string error;
    const long before = g_allocations.load();
    EXPECT_TRUE(detect::merge_detect_states(paths, expected, *detector, result, error)) << error;
    const long n = g_allocations.load() - before;
    EXPECT_EQ(result.events, events);
    for (const std::string& p : paths) std::remove(p.c_str());
    return n;
  };
  EXPECT_EQ(merged_allocations(2000), merged_allocations(40000));
  ::rmdir(dir);
}

// A compiled display filter evaluates without allocating, application fields included.
TEST(Allocations, NoneWhileEvaluatingADisplayFilter) {
  DfilterError error;
  auto filter = DisplayFilter::compile(
      "ip.addr == 10.0.0.0/8 and tcp.port in {80, 443} and tcp.payload[0:2] != 00:00 and "
      "!tcp.analysis.flags and (tcp.len > 10 || http.host contains \"x\" || lower(http.host) == \"y\")",
      error);
  ASSERT_TRUE(filter) << error.message;
  StreamTracker tracker;
  Timestamp first{1, 0};
  EXPECT_EQ(allocations_in_steady_state([&](const RawPacket& raw, const DecodedPacket& pkt) {
              const TcpPacketAnalysis& a = tracker.on_packet(pkt, raw.number, raw.ts);
              const StreamSummary summary = tracker.summary(a.stream);
              PacketEvent ev;
              ev.raw = &raw;
              ev.pkt = &pkt;
              ev.tcp = &a;
              ev.summary = &summary;
              ev.first_ts = ev.prev_ts = first;
              (void)filter->matches(ev);
            }),
            0);
}

}  // namespace
}  // namespace tcplens
