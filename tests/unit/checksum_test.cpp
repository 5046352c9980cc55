// ones_complement_sum's vector paths (SSE2, 8 bytes) against the plain 16-bit sum of
// RFC 1071, at every length and alignment a packet can have.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "tcplens/wire/checksum.hpp"

namespace tcplens {
namespace {

std::uint16_t folded(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

std::uint16_t reference(const std::uint8_t* p, std::size_t n) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i + 1 < n; i += 2) {
    std::uint16_t w;
    std::memcpy(&w, p + i, 2);
    sum += w;
  }
  if (n % 2) {
    const std::uint8_t last[2] = {p[n - 1], 0};
    std::uint16_t w;
    std::memcpy(&w, last, 2);
    sum += w;
  }
  return folded(sum);
}

TEST(Checksum, SumMatchesWordByWordAtEveryLengthAndAlignment) {
  std::mt19937 rng(20261207);
  std::vector<std::uint8_t> bytes(70000);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
  for (std::size_t offset = 0; offset < 8; ++offset)
    for (std::size_t n = 0; n <= 600; ++n)
      ASSERT_EQ(folded(ones_complement_sum(bytes.data() + offset, n)), reference(bytes.data() + offset, n))
          << "offset " << offset << " length " << n;
  for (const std::size_t n : {1500u, 9000u, 65535u, 69990u})
    EXPECT_EQ(folded(ones_complement_sum(bytes.data() + 3, n)), reference(bytes.data() + 3, n)) << n;
  // All ones: the lanes' largest values (carries in every lane at every step).
  std::vector<std::uint8_t> ones(65536, 0xff);
  EXPECT_EQ(folded(ones_complement_sum(ones.data(), ones.size())), reference(ones.data(), ones.size()));
}

// A segment with its checksum field set by the plain RFC 1071 sum over the pseudo-header
// (the addresses, zero, protocol 6, the TCP length) and the segment: it verifies, and with
// any bit changed it does not.
TEST(Checksum, SegmentsVerifyByTheirPseudoHeader) {
  std::mt19937 rng(7);
  for (int k = 0; k < 2000; ++k) {
    IpAddress src, dst;
    src.family = dst.family = (k % 2) ? 6 : 4;
    for (auto& b : src.bytes) b = static_cast<std::uint8_t>(rng());
    for (auto& b : dst.bytes) b = static_cast<std::uint8_t>(rng());
    if (src.family == 4) std::fill(src.bytes.begin() + 4, src.bytes.end(), 0), std::fill(dst.bytes.begin() + 4, dst.bytes.end(), 0);
    const std::size_t header_len = 20 + 4 * (rng() % 11), payload_len = rng() % 1600;
    std::vector<std::uint8_t> seg(header_len + payload_len);
    for (auto& b : seg) b = static_cast<std::uint8_t>(rng());
    seg[16] = seg[17] = 0;
    std::vector<std::uint8_t> pseudo(src.bytes.begin(), src.bytes.begin() + static_cast<long>(src.size()));
    pseudo.insert(pseudo.end(), dst.bytes.begin(), dst.bytes.begin() + static_cast<long>(dst.size()));
    const std::size_t len = seg.size();
    for (std::uint8_t b : {std::uint8_t{0}, std::uint8_t{6}, static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len)})
      pseudo.push_back(b);
    std::vector<std::uint8_t> all = pseudo;
    all.insert(all.end(), seg.begin(), seg.end());
    // The sum in network order: big-endian words.
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < all.size(); i += 2)
      sum += static_cast<std::uint64_t>(all[i]) << 8 | (i + 1 < all.size() ? all[i + 1] : 0);
    const std::uint16_t check = static_cast<std::uint16_t>(~folded(sum));
    seg[16] = static_cast<std::uint8_t>(check >> 8);
    seg[17] = static_cast<std::uint8_t>(check);
    const ByteView header(seg.data(), header_len), payload(seg.data() + header_len, payload_len);
    ASSERT_TRUE(tcp_checksum_verifies(src, dst, header, payload)) << k;
    const std::size_t bit = rng() % (seg.size() * 8);
    seg[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    ASSERT_FALSE(tcp_checksum_verifies(src, dst, header, payload)) << k << " bit " << bit;
  }
}

}  // namespace
}  // namespace tcplens
