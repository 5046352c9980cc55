// format_ipv4_text / format_ipv6_text against the C library's inet_ntop, which they replace.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <array>
#include <random>
#include <string>

#include "tcplens/wire/ip_text.hpp"

namespace tcplens {
namespace {

std::string ours(const std::array<std::uint8_t, 16>& a, bool v6) {
  char buf[64];
  char* end = v6 ? format_ipv6_text(buf, a.data()) : format_ipv4_text(buf, a.data());
  return std::string(buf, end);
}

std::string libc(const std::array<std::uint8_t, 16>& a, bool v6) {
  char buf[INET6_ADDRSTRLEN];
  return inet_ntop(v6 ? AF_INET6 : AF_INET, a.data(), buf, sizeof buf);
}

TEST(IpText, MatchesInetNtopOnEdgeAddresses) {
  const std::array<std::array<std::uint8_t, 16>, 9> cases = {{
      {},                                                  // ::  and 0.0.0.0
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},    // ::1
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1},   // ::10.0.0.1 (compatible)
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 9},  // ::ffff:192.168.1.9
      {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1},  // two runs: the first
      {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},  // the longer run
      {0x20, 0x01, 0, 0, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},  // a run at the end
      {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x12, 0x34, 0, 0x0a, 0, 0xbc, 0, 0, 0, 0},  // single zero groups
      {255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255},
  }};
  for (const auto& a : cases) {
    EXPECT_EQ(ours(a, true), libc(a, true));
    EXPECT_EQ(ours(a, false), libc(a, false));
  }
}

TEST(IpText, MatchesInetNtopOnRandomAddresses) {
  std::mt19937 rng(20261204);
  for (int k = 0; k < 20000; ++k) {
    std::array<std::uint8_t, 16> a{};
    for (auto& b : a) {
      // Mostly zero bytes, so that runs of zero groups of every length and place occur.
      const unsigned r = rng();
      b = (r & 3) != 0 ? 0 : static_cast<std::uint8_t>(r >> 8);
    }
    ASSERT_EQ(ours(a, true), libc(a, true));
    ASSERT_EQ(ours(a, false), libc(a, false));
  }
}

}  // namespace
}  // namespace tcplens
