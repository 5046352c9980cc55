#include "tcplens/flow/shard.hpp"

#include <cstring>

#include "tcplens/bytes.hpp"
#include "tcplens/capture/link_type.hpp"

namespace tcplens {

namespace {
// Both directions must give the same shard: the addresses and the ports are combined with
// XOR before mixing. The 32-bit words are read as stored (network byte order in memory), the
// same way from an IpAddress and from the packet.
std::uint32_t fold_address(const std::uint8_t* bytes, int words) {
  std::uint32_t x = 0;
  for (int i = 0; i < words; ++i) {
    std::uint32_t w;
    std::memcpy(&w, bytes + 4 * i, 4);
    x ^= w;
  }
  return x;
}

std::uint32_t pick(std::uint32_t addresses, std::uint16_t ports, std::uint32_t shards) {
  const std::uint64_t h = ((std::uint64_t{addresses} << 16) | ports) * 0x9e3779b97f4a7c15ull;
  // The high bits of the product depend on every input bit; scale them to [0, shards).
  return static_cast<std::uint32_t>(((h >> 32) * shards) >> 32);
}
}  // namespace

std::uint32_t shard_of(const FlowKey& key, std::uint32_t shards) {
  if (shards <= 1) return 0;
  // IPv4 keeps its address in the first 4 bytes and zeros after: folding all 16 is the same.
  const std::uint32_t a = fold_address(key.addr_a.bytes.data(), 4) ^ fold_address(key.addr_b.bytes.data(), 4);
  return pick(a, static_cast<std::uint16_t>(key.port_a ^ key.port_b), shards);
}

std::uint32_t peek_shard(const RawPacket& raw, std::uint32_t shards) {
  if (shards <= 1) return 0;
  if (raw.linktype != linktype::kEthernet) return kShardUnknown;
  const std::uint8_t* b = raw.data.data();
  const std::uint32_t cap = raw.caplen;
  constexpr std::uint32_t kEth = 14;
  if (cap < kEth + 20 + 20) return kShardUnknown;
  const std::uint16_t type = load_be16(b + 12);
  if (type == 0x0800) {
    const std::uint8_t* ip = b + kEth;
    // Version 4 with a 20-byte header, TCP, neither a fragment nor the reserved flag (only
    // DF may be set), a total length that holds a TCP header and a frame that does too: the
    // decoder takes this header and the TCP header after it, and the tracker tracks it.
    if (ip[0] != 0x45 || ip[9] != 6 || (ip[6] & 0xbf) != 0 || ip[7] != 0) return kShardUnknown;
    if (load_be16(ip + 2) < 40 || raw.wirelen < kEth + 40) return kShardUnknown;
    const std::uint8_t* tcp = ip + 20;
    return pick(fold_address(ip + 12, 1) ^ fold_address(ip + 16, 1),
                static_cast<std::uint16_t>(load_be16(tcp) ^ load_be16(tcp + 2)), shards);
  }
  if (type == 0x86dd) {
    const std::uint8_t* ip = b + kEth;
    if (cap < kEth + 40 + 20 || (ip[0] >> 4) != 6 || ip[6] != 6) return kShardUnknown;
    if (load_be16(ip + 4) < 20 || raw.wirelen < kEth + 40 + 20) return kShardUnknown;
    const std::uint8_t* tcp = ip + 40;
    return pick(fold_address(ip + 8, 4) ^ fold_address(ip + 24, 4),
                static_cast<std::uint16_t>(load_be16(tcp) ^ load_be16(tcp + 2)), shards);
  }
  return kShardUnknown;
}

}  // namespace tcplens
