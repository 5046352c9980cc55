// CompactWriter / CompactReader / BlobArena: every value comes back as it was written,
// including the times a hostile capture can hold (a nanosecond part past one second,
// seconds far from the base), and a short read stops without reading past the bytes.
#include "tcplens/flow/compact_bytes.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

namespace tcplens {
namespace {

using compact::CompactReader;
using compact::CompactWriter;

struct Sample {
  std::uint8_t u8 = 0;
  std::uint16_t u16 = 0;
  std::uint32_t u32 = 0;
  std::uint64_t u64 = 0;
  std::int32_t i32 = 0;
  std::int64_t i64 = 0;
  bool flag = false;
  enum class Colour : std::uint8_t { Red, Green } colour = Colour::Red;
  double real = 0;
  std::string text;
  IpAddress v4, v6;
  Timestamp base, t;
  std::uint64_t frame = 0;
  template <class Io>
  void transfer(Io& io) {
    io(u8);
    io(u16);
    io(u32);
    io(u64);
    io(i32);
    io(i64);
    io(flag);
    io(colour);
    io(real);
    io(text);
    io(v4);
    io(v6);
    io(base);
    io.set_base(base, 1000);
    io(t);
    io.frame(frame);
  }
};

Sample round_trip(Sample s, std::size_t* size = nullptr) {
  std::vector<std::uint8_t> bytes;
  {
    CompactWriter w(bytes);
    s.transfer(w);
  }
  if (size) *size = bytes.size();
  Sample back;
  CompactReader r(bytes.data(), bytes.size());
  back.transfer(r);
  EXPECT_TRUE(r.ok());
  return back;
}

void expect_same(const Sample& a, const Sample& b) {
  auto values = [](const Sample& x) {
    return std::tuple(x.u8, x.u16, x.u32, x.u64, x.i32, x.i64, x.flag, x.colour, x.real, x.text,
                      x.v4, x.v6, x.frame);
  };
  EXPECT_TRUE(values(a) == values(b));
  auto times = [](const Sample& x) { return std::tuple(x.base.sec, x.base.nsec, x.t.sec, x.t.nsec); };
  EXPECT_EQ(times(a), times(b)) << a.t.sec << "." << a.t.nsec << " after " << a.base.sec << "." << a.base.nsec;
}

TEST(CompactBytes, IntegersAtTheirLimitsComeBack) {
  Sample s;
  s.u8 = 255;
  s.u16 = 65535;
  s.u32 = std::numeric_limits<std::uint32_t>::max();
  s.u64 = std::numeric_limits<std::uint64_t>::max();
  s.i32 = std::numeric_limits<std::int32_t>::min();
  s.i64 = std::numeric_limits<std::int64_t>::min();
  s.flag = true;
  s.colour = Sample::Colour::Green;
  s.real = -0.125;
  s.text = std::string("Sh\0AdDaFf", 9);
  s.v4.family = 4;
  s.v4.bytes = {198, 18, 0, 1};
  s.v6.family = 6;
  for (std::size_t i = 0; i < 16; ++i) s.v6.bytes[i] = static_cast<std::uint8_t>(0xf0 + i);
  s.frame = 3;  // before the base frame
  expect_same(s, round_trip(s));
  s.i64 = std::numeric_limits<std::int64_t>::max();
  s.frame = std::numeric_limits<std::uint64_t>::max();
  expect_same(s, round_trip(s));
}

TEST(CompactBytes, SmallValuesTakeAByte) {
  Sample s;  // zeros, an empty string, unset addresses (4 bytes each), equal times
  std::size_t size = 0;
  round_trip(s, &size);
  EXPECT_LE(size, 40u);
}

TEST(CompactBytes, EveryKindOfTimeComesBack) {
  const Timestamp bases[] = {{1796611690, 42611000}, {0, 0}, {1796611690, 999999999},
                             {5, 1500000000}, {-7, -3}, {std::numeric_limits<std::int64_t>::max() / 2, 0}};
  const Timestamp times[] = {{1796611690, 42611000}, {1796611690, 44862000}, {1796611691, 0},
                             {1796611689, 999999999}, {0, 0}, {1796611690, 1999999999},
                             {1796611690, -1}, {std::numeric_limits<std::int64_t>::max(), 999999999},
                             {std::numeric_limits<std::int64_t>::min(), 0}, {4294967295, 4294967295000},
                             {-1, 999999999}};
  for (const Timestamp& b : bases)
    for (const Timestamp& t : times) {
      Sample s;
      s.base = b;
      s.t = t;
      expect_same(s, round_trip(s));
    }
}

TEST(CompactBytes, ATimeNearTheBaseIsShort) {
  Sample s;
  s.base = {1796611690, 42611000};
  s.t = {1796611690, 44862000};  // 2.25 ms later
  std::size_t near = 0, far = 0;
  round_trip(s, &near);
  s.t = {1796611690 + (std::int64_t{1} << 40), 44862000};  // not as nanoseconds
  round_trip(s, &far);
  EXPECT_LT(near + 5, far);
}

TEST(CompactBytes, AShortReadStopsAtTheEnd) {
  Sample s;
  s.u64 = std::numeric_limits<std::uint64_t>::max();
  s.text = std::string(300, 'x');
  std::vector<std::uint8_t> bytes;
  {
    CompactWriter w(bytes);
    s.transfer(w);
  }
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7) {
    std::vector<std::uint8_t> part(bytes.begin(), bytes.begin() + static_cast<long>(cut));
    Sample back;
    CompactReader r(part.data(), part.size());
    back.transfer(r);
    EXPECT_FALSE(r.ok()) << cut;
  }
}

TEST(CompactBytes, TheArenaReusesWhatIsReleased) {
  compact::BlobArena arena;
  std::vector<std::uint8_t> data(200, 7);
  std::uint8_t* a = arena.keep(data.data(), data.size());
  std::uint8_t* b = arena.keep(data.data(), 20);
  EXPECT_NE(a, b);
  EXPECT_EQ(std::vector<std::uint8_t>(a, a + 200), data);
  arena.release(a, 200);
  data.assign(195, 9);  // the same size class
  std::uint8_t* c = arena.keep(data.data(), data.size());
  EXPECT_EQ(c, a);
  EXPECT_EQ(std::vector<std::uint8_t>(c, c + 195), data);
  EXPECT_EQ(b[19], 7);  // untouched
  const std::vector<std::uint8_t> largest(compact::BlobArena::kMaxBytes, 5);
  std::uint8_t* big = arena.keep(largest.data(), largest.size());
  EXPECT_EQ(std::vector<std::uint8_t>(big, big + largest.size()), largest);
}

}  // namespace
}  // namespace tcplens
