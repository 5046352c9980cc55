// Splitting a capture's TCP connections between worker threads ("shards").
//
// Every packet of a 4-tuple goes to the same shard, whichever way it travels, so each
// worker can track its connections alone. shard_of() takes the decoded 4-tuple;
// peek_shard() reads it straight from the bytes of the commonest packets (Ethernet, then
// IPv4 without options or fragmentation, or IPv6 without extension headers, then a whole
// TCP header), so that a worker can pass over the packets of other shards without decoding
// them, and gives the same shard as shard_of() on the decoded packet.
#pragma once

#include <cstdint>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/decode/decoded_packet.hpp"
#include "tcplens/flow/flow_key.hpp"

namespace tcplens {

// The shard in [0, shards) of a connection.
std::uint32_t shard_of(const FlowKey& key, std::uint32_t shards);

// What peek_shard() returns when the packet has to be decoded to know.
inline constexpr std::uint32_t kShardUnknown = 0xffffffffu;

// The shard of a decoded packet: its TCP connection's (a datagram's at the fragment that
// completes it, and at its first fragment, from the ports, before that); kShardUnknown for
// any other packet (no TCP, a later fragment).
std::uint32_t shard_of_decoded(const DecodedPacket& pkt, std::uint32_t shards);

// The shard of a packet the stream tracker will track for certain (TCP with a whole fixed
// header, not in an ICMP error), from its raw bytes; kShardUnknown for any other packet.
std::uint32_t peek_shard(const RawPacket& raw, std::uint32_t shards);

}  // namespace tcplens
