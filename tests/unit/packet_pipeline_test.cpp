// PacketPipeline: every packet goes through prepare, work and finish exactly once, in capture
// order, whatever the ring size; the source's end or damage ends the run.
#include "tcplens/pipeline/packet_pipeline.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "tcplens/capture/pcap_file_source.hpp"

namespace tcplens {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// A pcap file of `count` 60-byte Ethernet records numbered in their first bytes.
Bytes make_capture(std::uint32_t count) {
  Bytes b;
  put32(b, 0xa1b2c3d4);
  put32(b, 0x00040002);  // version 2.4
  put32(b, 0);
  put32(b, 0);
  put32(b, 65535);
  put32(b, 1);
  for (std::uint32_t i = 0; i < count; ++i) {
    put32(b, 1700000000u + i);
    put32(b, 0);
    put32(b, 60);
    put32(b, 60);
    put32(b, i);  // the record's own number, read back through the slot
    b.resize(b.size() + 56, 0);
  }
  return b;
}

struct Seen {
  std::uint64_t prepared = 0, worked = 0, finished = 0;
  bool in_order = true;
};

ReadStatus run(const Bytes& file, std::size_t ring, Seen& seen) {
  std::string error;
  auto source = PcapFileSource::open_memory(ByteView(file.data(), file.size()), error);
  EXPECT_TRUE(source) << error;
  PacketDecoder decoder;
  struct Tag {
    std::uint64_t number = 0;
    std::uint64_t worked_as = 0;
  };
  PacketPipeline<Tag> pipeline(ring);
  return pipeline.run(
      *source, decoder,
      [&](PacketPipeline<Tag>::Slot& s) {
        s.extra.number = s.raw.number;
        seen.in_order &= s.raw.number == ++seen.prepared;
      },
      [&](PacketPipeline<Tag>::Slot& s) {
        s.extra.worked_as = ++seen.worked;
        seen.in_order &= s.extra.number == seen.worked;
      },
      [&](PacketPipeline<Tag>::Slot& s) {
        ++seen.finished;
        seen.in_order &= s.extra.number == seen.finished && s.extra.worked_as == seen.finished &&
                         s.raw.ts.sec == 1700000000 + static_cast<std::int64_t>(seen.finished) - 1;
      });
}

TEST(PacketPipeline, EveryPacketOnceInOrderAcrossRingSizes) {
  for (std::size_t ring : {1, 64, 4096}) {
    for (std::uint32_t count : {0u, 1u, 63u, 64u, 65u, 10000u}) {
      Seen seen;
      EXPECT_EQ(run(make_capture(count), ring, seen), ReadStatus::End);
      EXPECT_EQ(seen.prepared, count) << "ring " << ring;
      EXPECT_EQ(seen.worked, count) << "ring " << ring;
      EXPECT_EQ(seen.finished, count) << "ring " << ring;
      EXPECT_TRUE(seen.in_order) << "ring " << ring << " count " << count;
    }
  }
}

TEST(PacketPipeline, DamageEndsTheRunAfterEveryValidPacket) {
  Bytes file = make_capture(500);
  file.resize(file.size() - 30);  // the last record cut short
  Seen seen;
  EXPECT_EQ(run(file, 64, seen), ReadStatus::Error);
  EXPECT_EQ(seen.finished, 499u);
  EXPECT_TRUE(seen.in_order);
}

}  // namespace
}  // namespace tcplens
