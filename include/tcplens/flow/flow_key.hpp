// FlowKey: a fixed-size, direction-independent 5-tuple (lower endpoint first), and the
// Direction of one packet relative to it.
//
// "Lower" compares address family, then address bytes, then port, so both directions of a
// connection give the same key. The hash only picks a bucket: equality compares every byte.
#pragma once

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
  IpAddress addr_a;
  IpAddress addr_b;
  std::uint16_t port_a = 0;
  std::uint16_t port_b = 0;
  std::uint8_t protocol = 0;

  friend bool operator==(const FlowKey&, const FlowKey&) = default;

  // Builds the key of a packet from `src`:`sport` to `dst`:`dport` and says which way it goes.
  static FlowKey make(const IpAddress& src, std::uint16_t sport, const IpAddress& dst,
                      std::uint16_t dport, std::uint8_t protocol, Direction& dir) {
    FlowKey k;
    k.protocol = protocol;
    int c = compare(src, sport, dst, dport);
    if (c <= 0) {
      k.addr_a = src, k.port_a = sport, k.addr_b = dst, k.port_b = dport;
      dir = Direction::AToB;
    } else {
      k.addr_a = dst, k.port_a = dport, k.addr_b = src, k.port_b = sport;
      dir = Direction::BToA;
    }
    return k;
  }

  std::uint64_t hash() const;

 private:
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

}  // namespace tcplens
