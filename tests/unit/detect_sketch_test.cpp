// The detectors' sketches: HyperLogLog, count-min, space-saving top-K, the exact-then-HLL
// distinct counter; estimates within their bounds, merges equal to the union.
#include "tcplens/detect/sketch.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace tcplens::detect {
namespace {

IpAddress v4(std::uint32_t a) {
  IpAddress ip;
  ip.family = 4;
  ip.bytes[0] = static_cast<std::uint8_t>(a >> 24);
  ip.bytes[1] = static_cast<std::uint8_t>(a >> 16);
  ip.bytes[2] = static_cast<std::uint8_t>(a >> 8);
  ip.bytes[3] = static_cast<std::uint8_t>(a);
  return ip;
}

TEST(HyperLogLog, EmptyCountsZero) {
  HyperLogLog<8> h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.count(), 0u);
}

TEST(HyperLogLog, SmallCountsAreNearlyExact) {
  HyperLogLog<8> h;
  for (std::uint64_t i = 0; i < 25; ++i) h.add(mix64(i));
  EXPECT_NEAR(static_cast<double>(h.count()), 25, 2);
}

TEST(HyperLogLog, DuplicatesDoNotCount) {
  HyperLogLog<8> h;
  for (int round = 0; round < 50; ++round)
    for (std::uint64_t i = 0; i < 100; ++i) h.add(mix64(i));
  EXPECT_NEAR(static_cast<double>(h.count()), 100, 8);
}

TEST(HyperLogLog, LargeCountsWithinThreeStandardErrors) {
  for (std::uint64_t n : {1000u, 100000u, 1000000u}) {
    HyperLogLog<8> h;
    for (std::uint64_t i = 0; i < n; ++i) h.add(mix64(i * 7919 + 1));
    const double err = std::fabs(static_cast<double>(h.count()) - static_cast<double>(n)) / static_cast<double>(n);
    EXPECT_LT(err, 3 * 1.04 / 16) << n;
  }
}

TEST(HyperLogLog, MergeIsTheUnion) {
  HyperLogLog<8> a, b, all;
  for (std::uint64_t i = 0; i < 3000; ++i) {
    (i % 2 ? a : b).add(mix64(i));
    all.add(mix64(i));
  }
  a.merge_from(b);
  EXPECT_EQ(a.count(), all.count());
}

TEST(CountMinSketch, NeverUndercountsAndFindsTheHeavyHitter) {
  CountMinSketch<10> cm;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 20000; ++i) cm.add(rng());
  for (int i = 0; i < 5000; ++i) cm.add(mix64(42));
  const std::uint32_t est = cm.estimate(mix64(42));
  EXPECT_GE(est, 5000u);
  EXPECT_LE(est, 5000u + 25000u * 3 / 1024 * 2);
  CountMinSketch<10> other;
  for (int i = 0; i < 100; ++i) other.add(mix64(42));
  cm.merge_from(other);
  EXPECT_GE(cm.estimate(mix64(42)), 5100u);
}

TEST(TopK, KeepsTheHeavySourceAmongManyLightOnes) {
  TopK<4> top;
  for (std::uint32_t i = 0; i < 10000; ++i) {
    top.add(v4(0x0a000000u + i));  // 10000 sources once each
    if (i % 2 == 0) top.add(v4(0xc0a80001u));  // one source: a third of the stream
  }
  EXPECT_EQ(top.top().addr, v4(0xc0a80001u));
  EXPECT_GE(top.top().count - top.top().error, 1000u);
}

TEST(DistinctCounter, ExactWhileSmallEstimatedBeyond) {
  DistinctCounter<8, 16> d;
  for (std::uint64_t i = 0; i < 16; ++i) {
    EXPECT_TRUE(d.add(mix64(i)));
    EXPECT_FALSE(d.add(mix64(i)));
  }
  EXPECT_EQ(d.count(), 16u);
  for (std::uint64_t i = 16; i < 2000; ++i) d.add(mix64(i));
  EXPECT_NEAR(static_cast<double>(d.count()), 2000, 2000 * 0.2);
  DistinctCounter<8, 16> a, b;
  for (std::uint64_t i = 0; i < 6; ++i) a.add(mix64(i)), b.add(mix64(i + 3));
  a.merge_from(b);
  EXPECT_EQ(a.count(), 9u);
}

TEST(ByteSet, CountsDistinctValues) {
  ByteSet s;
  for (int v : {64, 64, 128, 255, 0}) s.add(static_cast<std::uint8_t>(v));
  EXPECT_EQ(s.count(), 4u);
}

}  // namespace
}  // namespace tcplens::detect
