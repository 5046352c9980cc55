// The shard index of `tcplens split` (capture/shard_index.hpp): frames and ticks read back as
// written (large gaps, many frames), the tick rule is the engine's (first packet, then the
// first packet a second or more after the last tick), a cut or foreign file is refused, and
// nothing is left under the final name before close().
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "tcplens/capture/shard_index.hpp"

namespace tcplens {
namespace {

std::string temp_path() {
  char name[] = "/tmp/tcplens-shard-index-XXXXXX";
  const int fd = ::mkstemp(name);
  ::close(fd);
  std::remove(name);
  return name;
}

TEST(TickClock, FirstPacketThenEverySecondOfCaptureTime) {
  TickClock c;
  EXPECT_TRUE(c.advance({10, 500}));
  EXPECT_FALSE(c.advance({10, 999999999}));
  EXPECT_FALSE(c.advance({11, 499}));
  EXPECT_TRUE(c.advance({11, 500}));   // one second after the last tick
  EXPECT_FALSE(c.advance({12, 0}));
  EXPECT_TRUE(c.advance({20, 0}));     // a gap: the next packet ticks
  EXPECT_FALSE(c.advance({20, 999999999}));
}

TEST(ShardIndex, ReadsBackFramesTicksAndCounts) {
  const std::string path = temp_path();
  ShardIndexWriter w;
  ASSERT_TRUE(w.open(path, 2, 5));
  std::vector<std::uint64_t> frames;
  for (std::uint64_t f = 3; f < 200000; f += 1 + f % 7) frames.push_back(f);
  frames.push_back(std::uint64_t{1} << 40);  // a delta of many LEB128 bytes
  for (std::uint64_t f : frames) ASSERT_TRUE(w.add_frame(f));
  EXPECT_NE(::access((path + ".tcplens-partial").c_str(), F_OK), -1);
  EXPECT_EQ(::access(path.c_str(), F_OK), -1);  // not under its name before close()
  const std::vector<ShardTick> ticks = {{1, {100, 5}}, {7, {101, 6}}, {900, {-3, 999999999}}};
  ASSERT_TRUE(w.close(ticks, 123456789));
  EXPECT_EQ(::access((path + ".tcplens-partial").c_str(), F_OK), -1);

  ShardIndex r;
  ASSERT_TRUE(r.open(path)) << r.error();
  EXPECT_EQ(r.shard(), 2u);
  EXPECT_EQ(r.shards(), 5u);
  EXPECT_EQ(r.total_packets(), 123456789u);
  ASSERT_EQ(r.ticks().size(), 3u);
  EXPECT_EQ(r.ticks()[2].frame, 900u);
  EXPECT_EQ(r.ticks()[2].ts.sec, -3);
  EXPECT_EQ(r.ticks()[2].ts.nsec, 999999999);
  for (int pass = 0; pass < 2; ++pass) {
    std::uint64_t f = 0;
    for (std::uint64_t expected : frames) {
      ASSERT_TRUE(r.next_frame(f));
      ASSERT_EQ(f, expected);
    }
    EXPECT_FALSE(r.next_frame(f));
    EXPECT_TRUE(r.error().empty());
    ASSERT_TRUE(r.rewind());
  }
  std::remove(path.c_str());
}

TEST(ShardIndex, RefusesForeignAndCutFiles) {
  const std::string path = temp_path();
  std::ofstream(path) << "not an index at all, but long enough to have a trailer's worth of bytes";
  ShardIndex foreign;
  EXPECT_FALSE(foreign.open(path));
  EXPECT_NE(foreign.error().find("not a tcplens shard index"), std::string::npos);

  ShardIndexWriter w;
  ASSERT_TRUE(w.open(path, 0, 1));
  for (std::uint64_t f = 1; f <= 100; ++f) ASSERT_TRUE(w.add_frame(f));
  ASSERT_TRUE(w.close({{1, {1, 0}}}, 100));
  ASSERT_EQ(::truncate(path.c_str(), 60), 0);
  ShardIndex cut;
  EXPECT_FALSE(cut.open(path));
  EXPECT_NE(cut.error().find("cut short"), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace tcplens
