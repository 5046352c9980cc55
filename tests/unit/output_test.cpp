#include "tcplens/render/output.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace tcplens {
namespace {

TEST(Output, FormatsNumbers) {
  Output out(-1);
  out.put_u32(0);
  out.put(' ');
  out.put_u32(4294967295u);
  out.put(' ');
  out.put_u64(18446744073709551615ull);
  out.put(' ');
  out.put_i64(-42);
  out.put(' ');
  out.put_u32_padded(7, 6);
  out.put(' ');
  out.put_hex(0xbeef, 8);
  out.put(' ');
  out.put_hex_byte(0x0a);
  EXPECT_EQ(out.text(), "0 4294967295 18446744073709551615 -42 000007 0000beef 0a");
}

// Every digit count and the numbers either side of each power of ten, as std::to_string.
TEST(Output, FormatsEveryDigitCount) {
  std::vector<std::uint32_t> values = {0, 4294967295u};
  for (std::uint64_t p = 10; p <= 1000000000; p *= 10)
    for (std::uint64_t v : {p - 1, p, p + 1, p * 4 + 7}) values.push_back(static_cast<std::uint32_t>(v));
  std::mt19937 rng(7);
  for (int i = 0; i < 100000; ++i) values.push_back(static_cast<std::uint32_t>(rng()) >> (rng() % 32));
  for (std::uint32_t v : values) {
    Output out(-1);
    out.put_u32(v);
    out.put(' ');
    out.commit(Output::format_u32(out.raw(16), v));
    ASSERT_EQ(out.text(), std::to_string(v) + " " + std::to_string(v));
  }
}

TEST(Output, FormatsIpv4) {
  const std::uint8_t a[4] = {0, 10, 100, 255};
  Output out(-1);
  out.put_ipv4(a);
  EXPECT_EQ(out.text(), "0.10.100.255");
}

// IPv6 text must be what inet_ntop prints (tcpdump uses the same rules), including the
// zero-run choice and the dotted tails of IPv4-mapped and -compatible addresses.
TEST(Output, FormatsIpv6AsInetNtop) {
  std::mt19937 rng(1234);
  for (int i = 0; i < 20000; ++i) {
    std::uint8_t a[16];
    for (int g = 0; g < 8; ++g) {
      // Mostly zero groups, so that every run length and position occurs.
      std::uint16_t v = (rng() % 3 == 0) ? static_cast<std::uint16_t>(rng()) : 0;
      if (rng() % 17 == 0) v = 0xffff;
      a[2 * g] = static_cast<std::uint8_t>(v >> 8);
      a[2 * g + 1] = static_cast<std::uint8_t>(v);
    }
    char expected[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, a, expected, sizeof expected), nullptr);
    Output out(-1);
    out.put_ipv6(a);
    ASSERT_EQ(out.text(), expected);
  }
}

TEST(Output, GrowsBeyondItsInitialSize) {
  Output out(-1, 4);
  for (int i = 0; i < 1000; ++i) out.put("abcdef");
  EXPECT_EQ(out.size(), 6000u);
}

}  // namespace
}  // namespace tcplens

namespace tcplens {
namespace {

// put_fixed replaces snprintf("%.*f") in the records (JSON, CSV, Zeek's conn.log): the same
// text for every double, halfway cases and large and negative values included.
TEST(OutputFixed, MatchesPrintf) {
  std::mt19937_64 rng(20261204);
  std::vector<double> values = {0.0, -0.0, 0.0000005, 0.0000015, 0.0000025, 1.0000005, 2.5e-7, 1e-7,
                                123456789.123456789, -3.25, 1e15, 1796409652.000001, 0.1, 0.7};
  for (int k = 0; k < 20000; ++k) {
    const std::uint64_t r = rng();
    const double mantissa = static_cast<double>(r >> 11) / 9007199254740992.0;  // [0, 1)
    const int exponent = static_cast<int>(r % 40) - 20;
    values.push_back((r & 1 ? -1 : 1) * mantissa * std::pow(10.0, exponent));
    values.push_back(static_cast<double>(r % 2000000000) / 1e6);  // microseconds, as records hold
    values.push_back(static_cast<double>(r % 100000000000) / 1e9);  // nanoseconds, as RTTs hold
    values.push_back(static_cast<double>(r % 100000000 * 1000 + 500) / 1e9);  // near a tie at 6
    values.push_back(static_cast<double>(r % 1000000) + 0.5);  // exact ties at 0 decimals
  }
  for (std::uint64_t ns = 0; ns < 200000; ns += 7) {
    values.push_back(static_cast<double>(ns) / 1e9);
    values.push_back(-static_cast<double>(ns) / 1e9);
  }
  for (const int decimals : {0, 1, 3, 6, 9, 12}) {
    for (const double v : values) {
      Output out(-1);
      out.put_fixed(v, decimals);
      char buf[512];
      const int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
      ASSERT_EQ(out.text(), std::string_view(buf, static_cast<std::size_t>(n))) << v;
    }
  }
}

}  // namespace
}  // namespace tcplens
