// WiresharkRenderer: one line per packet as `tshark -n -r FILE` prints it (tshark 4.0):
// No., Time (seconds since the first packet), Source → Destination, Protocol, Length, Info.
//
// It is fed by the caller's PacketDecoder and StreamTracker: every packet must be given to
// on_packet() in capture order (the filter only decides whether print() is called), because
// the Info column depends on what tshark's single pass knew at that packet: relative numbers,
// window scale, tcp.analysis flags, and the HTTP/DNS reassembly state kept here.
//
// Quirks of tshark that only this style shows (HTTP's "[TCP segment of a reassembled PDU]",
// the order of the expert prefixes) live in this renderer, not in the tracker. The columns
// of the last packet stay valid until the next on_packet() call. Known differences with
// tshark: docs/differences.md, section tshark.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/decode/decoded_packet.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens {

namespace wireshark {
struct TlsFields;
}

struct WiresharkColumns {
  std::uint64_t number = 0;
  std::string time;         // "0.000000", 6 or 9 decimals
  std::string source;
  std::string destination;
  std::string protocol;
  std::uint32_t length = 0;  // frame.len: length on the wire
  std::string info;
};

struct WiresharkOptions {
  bool nanosecond = false;  // the file's timestamps have nanosecond resolution
  // Keep each HTTP message's body until the message is complete, for http_message() (a
  // display filter's `http contains ...`); without it a body of known length is counted.
  bool keep_http_bodies = false;
};

// Info column of a TCP segment before any application protocol takes over: expert prefixes,
// ports, flags, Seq/Ack/Win/Urg/Len and the options, as packet-tcp.c writes them.
// `rev_base` is the base sequence number of the other direction (for SACK edges, relative
// as tshark shows them), `relative` says whether relative numbers apply.
void format_tcp_info(std::string& out, const TcpSegment& seg, const TcpPacketAnalysis& a,
                     const TcpNumbers& n);

// The expert prefixes ("[TCP Retransmission] ", "[TCP Dup ACK 12#1] ", ...) in tshark's order.
void format_tcp_expert_prefix(std::string& out, const TcpPacketAnalysis& a);

class WiresharkRenderer {
 public:
  explicit WiresharkRenderer(const WiresharkOptions& options = {});
  ~WiresharkRenderer();
  WiresharkRenderer(const WiresharkRenderer&) = delete;
  WiresharkRenderer& operator=(const WiresharkRenderer&) = delete;

  // Computes the columns of one packet. `a` is the tracker's analysis of it, `summary` its
  // stream's values known so far (null when not tracked), `first` the time of the input's
  // first packet (the Time column is relative to it).
  const WiresharkColumns& on_packet(const RawPacket& raw, const DecodedPacket& pkt,
                                    const TcpPacketAnalysis& a, const StreamSummary* summary,
                                    const Timestamp& first);
  // The same for a caller that runs its own tracker over every packet: `tracker` is what
  // returned `a` (its freed streams are forgotten here).
  const WiresharkColumns& on_packet(const RawPacket& raw, const DecodedPacket& pkt,
                                    const TcpPacketAnalysis& a, const StreamTracker& tracker);
  // The tracker freed a stream: its application state goes.
  void forget(std::uint32_t stream);
  const WiresharkColumns& columns() const { return cols_; }
  // The first HTTP message the last packet completed (request or status line, headers and
  // body as reassembled: the body only with keep_http_bodies); empty when it completed none.
  // For the display filter's http.*.
  std::string_view http_message() const;
  // The TLS records of the last packet (empty unless TLS dissected it), for the filter.
  const wireshark::TlsFields& tls_fields() const;

  // Writes the last packet's line, aligned as tshark aligns it.
  void print(Output& out) const;

 private:
  struct AppState;
  WiresharkOptions options_;
  WiresharkColumns cols_;
  bool have_first_ = false;  // (the second on_packet())
  Timestamp first_ts_;
  std::unique_ptr<AppState> app_;
};

}  // namespace tcplens
