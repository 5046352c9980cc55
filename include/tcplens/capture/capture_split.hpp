// Splits a capture into flow-complete shards for processes on other machines (`tcplens
// split`, docs/scale-out.md): shard-K.pcap and its index shard-K.idx (shard_index.hpp).
//
// Every packet of a TCP connection, both ways, goes to the shard the engine's worker
// threads give it (flow/shard.hpp, the same hash), and so does an ICMP error quoting it.
// IP fragments go with their datagram: a fragment is held until the fragment completing
// its datagram shows where the datagram goes (PacketDecoder reassembles as the engine's
// does), then written there just before it. Every other packet (UDP, ARP, fragments that
// never complete) goes to shard 0, as the engine gives them to worker 0. A shard therefore
// holds, in the order of the input, what one engine worker owns; a held fragment is the
// one exception (written after the shard's packets that came between it and its datagram's
// end).
//
// Files are classic pcap with the input's link type, snapshot length and timestamp
// precision, built under temporary names and renamed at close(): a reader never sees a
// half-written shard. The common packet (Ethernet, IPv4/IPv6, TCP) is placed without being
// decoded, and no packet is copied except a held fragment.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tcplens/capture/packet_source.hpp"
#include "tcplens/capture/pcap_writer.hpp"
#include "tcplens/capture/shard_index.hpp"
#include "tcplens/decode/packet_decoder.hpp"

namespace tcplens {

class CaptureSplitter {
 public:
  CaptureSplitter();
  ~CaptureSplitter();
  CaptureSplitter(const CaptureSplitter&) = delete;
  CaptureSplitter& operator=(const CaptureSplitter&) = delete;

  // Opens DIR/shard-K.pcap and DIR/shard-K.idx for K in [0, shards).
  bool open(const std::string& dir, std::uint32_t shards, const SourceInfo& input);
  // The input's next packet (in order; raw.number is its frame).
  bool add(const RawPacket& raw);
  // Writes held fragments, the ticks and the trailers; renames every file into place.
  bool close();

  static std::string shard_path(const std::string& dir, std::uint32_t shard, const char* ext);
  const std::string& error() const { return error_; }
  std::uint64_t packets() const { return packets_; }
  std::uint64_t packets_in(std::uint32_t shard) const { return shards_[shard].writer.records(); }

 private:
  struct Shard {
    PcapWriter writer;
    ShardIndexWriter index;
  };
  struct Held;  // fragments waiting for their datagram's last one
  bool write(std::uint32_t shard, const RawPacket& raw);
  std::uint32_t shard_of_packet(const RawPacket& raw, bool& hold);
  bool release(Held& held, std::uint32_t shard);

  std::vector<Shard> shards_;
  std::uint32_t count_ = 0;
  std::uint32_t linktype_ = 0;
  PacketDecoder decoder_;
  std::vector<Held> held_;
  std::uint64_t held_clock_ = 0;
  TickClock clock_;
  std::vector<ShardTick> ticks_;
  std::uint64_t packets_ = 0;
  std::string error_;
};

}  // namespace tcplens
