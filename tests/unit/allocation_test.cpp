// No allocation per packet on the decode and track path once warmed up (CONVENTIONS.md,
// Performance). Counts calls to the global operator new around a loop.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "packet_builder.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

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

TEST(Allocations, NoneWhileDecodingAndTrackingASteadyConnection) {
  using namespace tcpflag;
  auto make = [](const test::Host& from, std::uint32_t seq, std::uint32_t ack, std::uint16_t flags,
                 std::uint32_t len) {
    test::Segment s;
    s.src = from;
    s.dst = from.port == test::kClient.port ? test::kServer : test::kClient;
    s.seq = seq;
    s.ack = ack;
    s.flags = flags;
    s.payload = len;
    return test::build_ipv4_tcp(s);
  };
  PacketDecoder decoder;
  StreamTracker tracker;
  std::uint64_t frame = 0;
  auto feed = [&](const std::vector<std::uint8_t>& b) {
    ++frame;
    RawPacket raw = test::raw_packet(b, frame, static_cast<std::int64_t>(frame), 0);
    tracker.on_packet(decoder.decode(raw), frame, raw.ts);
  };
  feed(make(test::kClient, 100, 0, kSyn, 0));
  feed(make(test::kServer, 500, 101, kSyn | kAck, 0));
  feed(make(test::kClient, 101, 501, kAck, 0));
  // Prebuild the steady-state packets so that building them is not counted.
  std::vector<std::vector<std::uint8_t>> round;
  std::uint32_t seq = 101;
  for (int i = 0; i < 200; ++i) {
    round.push_back(make(test::kClient, seq, 501, kAck | kPsh, 1000));
    round.push_back(make(test::kServer, 501, seq + 1000, kAck, 0));
    seq += 1000;
  }
  for (std::size_t i = 0; i < 20; ++i) feed(round[i]);  // warm up
  long before = g_allocations.load();
  for (std::size_t i = 20; i < round.size(); ++i) feed(round[i]);
  EXPECT_EQ(g_allocations.load() - before, 0);
}

}  // namespace
}  // namespace tcplens
