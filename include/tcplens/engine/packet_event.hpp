// What the engine hands a sink for one packet: the raw bytes, their decoding, the TCP
// analysis and the connection so far, plus the capture-wide times that per-packet lines need.
//
// Everything is borrowed: the pointers are valid only during the sink's call. Members the
// engine was not asked to compute (EngineOptions::needs) are null. Every packet reaches every
// sink that asked for packets, `shown` or not, so that state depending on earlier packets
// (tshark's single pass, an application parser) sees them all; a filter only decides `shown`.
#pragma once

#include <cstdint>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/decode/decoded_packet.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens {

struct Connection;

struct PacketEvent {
  const RawPacket* raw = nullptr;
  const DecodedPacket* pkt = nullptr;       // null when the engine does not decode
  const TcpPacketAnalysis* tcp = nullptr;   // null when it does not track; tcp->tracked: a TCP packet of a stream
  // The stream's values to show with this packet: each stream's final ones in a two-pass run
  // (tshark -2), the ones known so far otherwise. Null unless tcp->tracked.
  const StreamSummary* summary = nullptr;
  // tcp.stream as one process numbering the whole input would (streams in the order they
  // began). Valid when stream_known; a sharded single pass learns it only at the merge (see
  // Emitter::put_stream).
  std::uint32_t stream = 0;
  bool stream_known = false;
  // The connection as far as it is known, when the engine follows connections.
  const Connection* connection = nullptr;
  Timestamp first_ts;  // of the input's first packet (frame.time_relative)
  Timestamp prev_ts;   // of the packet before this one (frame.time_delta); first_ts for the first
  bool shown = true;   // passed the capture (BPF) and display filters
  // Among the shown packets (need::kShownOrder): this one's 1-based number (tcpdump -#), the
  // time of the shown packet before it (tcpdump -ttt) and of the first one (-ttttt); for the
  // first shown packet both are its own time.
  std::uint64_t shown_number = 0;
  Timestamp prev_shown_ts;
  Timestamp first_shown_ts;
  bool has_tcp() const { return tcp != nullptr && tcp->tracked; }
};

}  // namespace tcplens
