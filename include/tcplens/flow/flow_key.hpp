// FlowKey: a fixed-size, direction-independent 5-tuple (lower endpoint first), and the
// Direction of one packet relative to it.
//
// "Lower" compares address family, then address bytes, then port, so both directions of a
// connection give the same key. The hash only picks a bucket: equality compares every byte.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tcplens/decode/decoded_packet.hpp"

namespace tcplens {

// AToB: the packet goes from the key's first (lower) endpoint to its second.
enum class Direction : std::uint8_t { AToB = 0, BToA = 1 };

inline Direction reverse(Direction d) {
  return d == Direction::AToB ? Direction::BToA : Direction::AToB;
}

struct FlowKey {
  // The addresses as IpAddress::bytes holds them (IPv4 in the first 4 bytes, zeros after).
  // The key is five 8-byte words with no padding bytes left undefined: the hash and equality
  // read whole words, and make() writes each word whole, so that reading a key just made is
  // served from the stores that made it (a word pieced together from smaller stores stalls).
  alignas(8) std::array<std::uint8_t, 16> bytes_a{};
  std::array<std::uint8_t, 16> bytes_b{};
  std::uint16_t port_a = 0;
  std::uint16_t port_b = 0;
  std::uint8_t family = 0;  // 4 or 6
  std::uint8_t protocol = 0;
  std::uint16_t zero = 0;  // always 0

  friend bool operator==(const FlowKey& x, const FlowKey& y) {
    std::uint64_t a[kWords], b[kWords];
    std::memcpy(a, &x, sizeof a);
    std::memcpy(b, &y, sizeof b);
    std::uint64_t diff = 0;
    for (int i = 0; i < kWords; ++i) diff |= a[i] ^ b[i];
    return diff == 0;
  }

  IpAddress addr_a() const { return address(bytes_a); }
  IpAddress addr_b() const { return address(bytes_b); }

  // Builds the key of a packet from `src`:`sport` to `dst`:`dport` and says which way it goes.
  static FlowKey make(const IpAddress& src, std::uint16_t sport, const IpAddress& dst,
                      std::uint16_t dport, std::uint8_t protocol, Direction& dir) {
    FlowKey k;
    const bool a_is_src = compare(src, sport, dst, dport) <= 0;
    dir = a_is_src ? Direction::AToB : Direction::BToA;
    const IpAddress& a = a_is_src ? src : dst;
    const IpAddress& b = a_is_src ? dst : src;
    std::memcpy(k.bytes_a.data(), a.bytes.data(), 16);
    std::memcpy(k.bytes_b.data(), b.bytes.data(), 16);
    const std::uint64_t tail = std::uint64_t{a_is_src ? sport : dport} |
                               std::uint64_t{a_is_src ? dport : sport} << 16 |
                               std::uint64_t{src.family} << 32 | std::uint64_t{protocol} << 40;
    static_assert(std::endian::native == std::endian::little, "tail word layout");
    // port_a, port_b, family, protocol and zero in one store.
    std::memcpy(reinterpret_cast<unsigned char*>(&k) + offsetof(FlowKey, port_a), &tail, 8);
    return k;
  }

  // Picks buckets (the low bits) and tags (the high bits): every word is multiplied apart,
  // so the products are computed side by side, then mixed together.
  std::uint64_t hash() const {
    std::uint64_t w[kWords];
    std::memcpy(w, this, sizeof w);
    std::uint64_t h = (w[0] * 0x9e3779b97f4a7c15ull) ^ (w[1] * 0xc2b2ae3d27d4eb4full) ^
                      (w[2] * 0x165667b19e3779f9ull) ^ (w[3] * 0xd6e8feb86659fd93ull) ^
                      (w[4] * 0xff51afd7ed558ccdull);
    h ^= h >> 32;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 29;
    return h;
  }

 private:
  static constexpr int kWords = 5;

  IpAddress address(const std::array<std::uint8_t, 16>& bytes) const;
  static int compare(const IpAddress& a, std::uint16_t pa, const IpAddress& b, std::uint16_t pb) {
    if (a.family != b.family) return a.family < b.family ? -1 : 1;
    // memcmp order over all 16 bytes (unused ones are zero), as big-endian integers.
    for (int i = 0; i < 16; i += 8) {
      std::uint64_t x, y;
      std::memcpy(&x, a.bytes.data() + i, 8);
      std::memcpy(&y, b.bytes.data() + i, 8);
      if (x != y) return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
    }
    if (pa != pb) return pa < pb ? -1 : 1;
    return 0;
  }
};
static_assert(sizeof(FlowKey) == 40 && alignof(FlowKey) == 8, "five whole words");

}  // namespace tcplens
