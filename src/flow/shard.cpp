#include "tcplens/flow/shard.hpp"

#include <cstring>

#include "tcplens/bytes.hpp"
#include "tcplens/capture/link_type.hpp"
#include "tcplens/tcp/stream_tracker.hpp"
#include "tcplens/wire/ethernet.hpp"
#include "tcplens/wire/ip.hpp"
#include "tcplens/wire/tcp.hpp"

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
  const std::uint32_t a = fold_address(key.bytes_a.data(), 4) ^ fold_address(key.bytes_b.data(), 4);
  return pick(a, static_cast<std::uint16_t>(key.port_a ^ key.port_b), shards);
}

std::uint32_t shard_of_decoded(const DecodedPacket& pkt, std::uint32_t shards) {
  FlowKey key;
  if (StreamTracker::tracked_key(pkt, key)) return shard_of(key, shards);
  if (!pkt.first_fragment_ports) return kShardUnknown;
  Direction dir;
  return shard_of(FlowKey::make(pkt.ip.src, pkt.fragment_src_port, pkt.ip.dst, pkt.fragment_dst_port,
                                ipproto::kTcp, dir),
                  shards);
}

std::uint32_t peek_shard(const RawPacket& raw, std::uint32_t shards) {
  if (shards <= 1) return 0;
  constexpr std::uint32_t kEth = EthernetView::kHeaderLen, kTcp = TcpView::kMinHeaderLen;
  if (raw.linktype != linktype::kEthernet || raw.caplen < kEth + Ipv4View::kMinHeaderLen + kTcp)
    return kShardUnknown;
  const std::uint8_t* ip = raw.data.data() + kEth;
  const std::uint16_t type = load_be16(raw.data.data() + 12);
  // The IP length and the frame must hold a whole TCP header too: then the decoder takes
  // this IP header and the TCP header after it, and the tracker tracks the packet.
  if (type == ethertype::kIpv4) {
    constexpr std::uint32_t kIp = Ipv4View::kMinHeaderLen;
    if (!Ipv4View::is_plain_tcp(ip) || load_be16(ip + Ipv4View::kTotalLength) < kIp + kTcp ||
        raw.wirelen < kEth + kIp + kTcp)
      return kShardUnknown;
    const std::uint8_t* tcp = ip + kIp;
    return pick(fold_address(ip + Ipv4View::kSrc, 1) ^ fold_address(ip + Ipv4View::kDst, 1),
                static_cast<std::uint16_t>(load_be16(tcp) ^ load_be16(tcp + 2)), shards);
  }
  if (type == ethertype::kIpv6) {
    constexpr std::uint32_t kIp = Ipv6View::kHeaderLen;
    if (raw.caplen < kEth + kIp + kTcp || (ip[0] >> 4) != 6 || ip[Ipv6View::kNextHeader] != ipproto::kTcp ||
        load_be16(ip + Ipv6View::kPayloadLength) < kTcp || raw.wirelen < kEth + kIp + kTcp)
      return kShardUnknown;
    const std::uint8_t* tcp = ip + kIp;
    return pick(fold_address(ip + 8, 4) ^ fold_address(ip + 24, 4),  // source, destination
                static_cast<std::uint16_t>(load_be16(tcp) ^ load_be16(tcp + 2)), shards);
  }
  return kShardUnknown;
}

}  // namespace tcplens
