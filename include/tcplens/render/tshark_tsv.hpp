// The per-packet TSV of `tcplens analyze --per-packet --format tsv`: one row per TCP packet
// with exactly the columns of the corpus's NAME.tshark-tcp.tsv (see
// ../shared/corpus/README.md), so the two can be compared by frame number.
//
// Values are formatted as tshark -T fields prints them: relative numbers, flags as 0x%04x,
// the 12-character flags string with U+00B7 for unset bits, times with nine decimals, and an
// empty cell where tshark has no value. TCP quoted inside ICMP errors gets no row.
#pragma once

#include <cstdint>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/decode/decoded_packet.hpp"
#include "tcplens/engine/sink.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens {

class TsharkTsvWriter {
 public:
  explicit TsharkTsvWriter(Output& out) : out_(&out) {}
  // Where rows go from now on.
  void set_output(Output& out) { out_ = &out; }
  // tcp.stream is written through `emitter` (the engine's numbering of the whole input);
  // null: as given to row().
  void set_stream_writer(Emitter* emitter) { emitter_ = emitter; }

  void header();
  // `summary` is the stream's summary to show (the final one, for tshark's two-pass output).
  void row(const RawPacket& raw, const DecodedPacket& pkt, const TcpPacketAnalysis& a,
           const StreamSummary& summary) {
    row(raw, pkt, a, summary, a.stream);
  }
  // The same with `stream` shown as tcp.stream (a tracker that numbers only some of the
  // connections, see flow/shard.hpp, has its own numbers).
  void row(const RawPacket& raw, const DecodedPacket& pkt, const TcpPacketAnalysis& a,
           const StreamSummary& summary, std::uint32_t stream);
  // A TCP header cut off before the window: tshark stops before finding the stream and
  // shows only addresses and ports.
  void short_row(const RawPacket& raw, const DecodedPacket& pkt);
  // Does a packet the tracker does not track get a short_row()? (Its own TCP header, with
  // the ports but cut off before the window.)
  static bool has_short_row(const DecodedPacket& pkt) {
    return pkt.has(Layer::Tcp) && pkt.tcp.ports_valid && !pkt.tcp.fixed_valid && !pkt.has(Layer::Icmp) &&
           !pkt.has(Layer::Icmpv6);
  }

 private:
  void put_time(std::int64_t sec, std::int32_t nsec);
  void put_addresses(const DecodedPacket& pkt);
  Output* out_;
  Emitter* emitter_ = nullptr;
  // What consecutive rows repeat, kept from the last row that changed it: tcp.flags.str for
  // flags_key_ (the flags, | 0x1000 with the AccECN counter; 12 characters, a middle dot taking
  // 2 bytes), and "SECONDS." of frame.time_epoch for time_sec_.
  unsigned flags_key_ = ~0u;
  std::uint8_t flags_len_ = 0;
  char flags_text_[24] = {};
  std::int64_t time_sec_ = -1;
  std::uint8_t time_len_ = 0;
  char time_text_[24] = {};
  // Rows of the same few address pairs and streams follow one another: the text of the IPv4
  // address columns by address pair, and of tcp.analysis.initial_rtt by stream (a stream's
  // initial RTT does not change), in small direct-mapped caches.
  struct AddressText {
    std::uint64_t pair = 0;
    std::uint8_t len = 0;  // 0: empty
    char text[39] = {};    // "\tSRC\tDST\t\t"
  };
  AddressText addresses_[16];
  struct RttText {
    std::uint32_t stream = 0;  // + 1; 0: empty
    std::uint8_t len = 0;
    char text[32] = {};
  };
  RttText initial_rtts_[64];
};

}  // namespace tcplens
