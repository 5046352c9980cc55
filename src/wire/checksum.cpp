#include "tcplens/wire/checksum.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tcplens {

// Zeek verifies every segment, so this reads every payload byte of a capture: SSE2 (every
// x86-64) takes 32 bytes a step, widening the 16-bit words into 32-bit lanes that are added
// up at the end. (An AVX2 loop, 64 bytes a step, made no difference to a conns run on
// real.pcap: the time is in the short segments.)
std::uint64_t ones_complement_sum(const std::uint8_t* p, std::size_t n) {
  std::uint64_t sum = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  while (n >= 32) {
    // Each step adds two words of at most 0xffff to a lane: 16384 steps stay below 2^31.
    const std::size_t steps = std::min<std::size_t>(n / 32, 16384);
    __m128i a = zero, b = zero;
    for (std::size_t i = 0; i < steps; ++i, p += 32) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
      a = _mm_add_epi32(a, _mm_add_epi32(_mm_unpacklo_epi16(x, zero), _mm_unpackhi_epi16(x, zero)));
      b = _mm_add_epi32(b, _mm_add_epi32(_mm_unpacklo_epi16(y, zero), _mm_unpackhi_epi16(y, zero)));
    }
    n -= steps * 32;
    alignas(16) std::uint32_t lanes[8];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), a);
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes + 4), b);
    for (std::uint32_t lane : lanes) sum += lane;
  }
#endif
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    sum += (w & 0xffffffffu) + (w >> 32);  // two 32-bit halves: no carry is lost
  }
  for (; n >= 2; p += 2, n -= 2) {
    std::uint16_t w;
    std::memcpy(&w, p, 2);
    sum += w;
  }
  if (n == 1) {  // the last byte is the high half of a word in network order
    const std::uint8_t last[2] = {p[0], 0};
    std::uint16_t w;
    std::memcpy(&w, last, 2);
    sum += w;
  }
  return sum;
}

namespace {

std::uint16_t fold(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

}  // namespace

bool tcp_checksum_verifies(const IpAddress& src, const IpAddress& dst, ByteView header,
                           ByteView payload) {
  const std::size_t length = header.size() + payload.size();
  // The addresses and the header are whole 32-bit words: added here as such (a 32-bit
  // word is congruent to the sum of its two halves modulo 0xffff), since most segments of a
  // capture are short and four calls per segment cost more than the summing.
  std::uint64_t host = 0;
  auto add_words = [&host](const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i + 4 <= n; i += 4) {
      std::uint32_t w;
      std::memcpy(&w, p + i, 4);
      host += w;
    }
  };
  add_words(src.bytes.data(), src.size());
  add_words(dst.bytes.data(), dst.size());
  if (header.size() % 4 == 0)
    add_words(header.data(), header.size());
  else
    host += ones_complement_sum(header.data(), header.size());
  if (!payload.empty()) host += ones_complement_sum(payload.data(), payload.size());
  std::uint16_t h = fold(host);
  if constexpr (std::endian::native == std::endian::little) h = static_cast<std::uint16_t>(h << 8 | h >> 8);
  // The pseudo-header's protocol and length, in network order's value.
  return fold(std::uint64_t{h} + 6 + (length & 0xffff) + (length >> 16)) == 0xffff;
}

}  // namespace tcplens
