// What `tcplens explain` keeps of one connection while its packets go by, beside the
// tracker's Connection: the ladder's entries (packets, and spans that fold the long runs of
// plain data and ACKs between the interesting packets), and the evidence the findings need
// (which frames retransmitted which, the anomalies with their first frames, the packet a RST
// answered, HTTP request and status lines).
//
// Bounded: without `full`, a run of foldable packets keeps its first kRunHead and last
// kRunTail rows and counts the rest into a span, and a connection keeps about kMaxEntries
// entries (beyond, anomalies fold too; beyond twice that, everything does). Retransmissions find their original among the last
// kRecentSegments data segments of the sender. Nothing here allocates per packet: a
// connection allocates a tally for each kind of anomaly it has (a few dozen bytes), its holes
// at its first gap, its ladder rows (text only) in growing blocks, its HTTP lines at the first
// (at most kMaxHttp per direction).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/decode/decoded_packet.hpp"
#include "tcplens/tcp/anomaly.hpp"
#include "tcplens/tcp/connection.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens::explain {

inline std::size_t index(Side s) { return s == Side::Client ? 0 : 1; }

// One packet as the ladder shows it.
struct LadderRow {
  std::uint64_t frame = 0;
  Timestamp ts;
  Side from = Side::Client;
  std::uint16_t flags = 0;
  bool has_ack = false;
  std::uint32_t seq = 0;  // on the wire
  std::uint32_t ack = 0;
  std::uint32_t rel_seq = 0;  // from the sender's ISN (Wireshark's relative numbers)
  std::uint32_t rel_ack = 0;
  std::uint32_t len = 0;
  std::uint32_t window = 0;  // the field as sent (not scaled)
  TcpOptions options;        // shown on SYN rows
  AnomalySet anomalies;
  std::uint64_t original_frame = 0;  // a retransmission: the frame that first sent this seq
  std::uint32_t dupack_num = 0;
  std::uint64_t dupack_frame = 0;
  TcpState state_c = TcpState::Unknown;  // after the packet, when it changed (else Unknown)
  TcpState state_s = TcpState::Unknown;
};

// Packets folded into one ladder line.
struct Span {
  std::uint64_t packets = 0;
  std::uint64_t first_frame = 0, last_frame = 0;
  Timestamp first_ts, last_ts;
  std::uint64_t segments[2] = {0, 0};  // data segments, by Side
  std::uint64_t bytes[2] = {0, 0};
  std::uint64_t retransmissions = 0;
  std::uint64_t dup_acks = 0;
  std::uint64_t zero_windows = 0;
  void add(const LadderRow& r);
};

struct LadderEntry {
  bool is_span = false;
  LadderRow row;
  Span span;
};

// Up to kKeep frames of one kind of event and how many there were.
struct FrameTally {
  static constexpr std::size_t kKeep = 4;
  std::uint32_t count = 0;
  std::array<std::uint64_t, kKeep> frames{};
  void add(std::uint64_t frame) {
    if (count < kKeep) frames[count] = frame;
    ++count;
  }
  std::span<const std::uint64_t> kept() const { return {frames.data(), count < kKeep ? count : kKeep}; }
};

// The anomalies findings tell, per side.
enum class Event : std::uint8_t {
  Retransmission,      // plain (a timeout, or a retransmission tshark does not call fast)
  FastRetransmission,  // after three duplicate ACKs
  Spurious,            // the receiver had already acknowledged the bytes
  LostBeforeCapture,   // a retransmission filling a hole the capture saw (never sent past it)
  LostAfterCapture,    // a retransmission of a segment the capture saw before
  OutOfOrder,
  LostSegment,  // a gap: the previous segment was not captured
  DupAck,
  ZeroWindow,
  ZeroWindowProbe,
  KeepAlive,
  ReusedPorts,
  PiggybackedAck,  // data that also acknowledged new data of the peer
  Count_,
};
inline constexpr std::size_t kEventCount = static_cast<std::size_t>(Event::Count_);

// Whether a row may fold into a span: always (plain data and ACKs), only once the entry cap
// is reached (anomalies), never (state changes, SYN, FIN, RST; unless beyond twice the cap).
enum class Fold : std::uint8_t { Always, Late, Never };

// One packet as a trace reads it: the fields add() uses of the packet, its analysis and the
// connection right after it. A caller that cannot keep a whole trace for every live
// connection (the report) keeps these instead and makes the trace later, with the same result.
struct TracePacket {
  std::uint64_t frame = 0;
  Timestamp ts;
  Side from = Side::Client;
  std::uint16_t flags = 0;
  std::uint16_t window = 0;  // as sent
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint32_t payload_len = 0;
  // Each side's relative-number base if this packet sets it (the sender's ISN, else this
  // seq; the receiver's ISN, else this ack - 1).
  std::uint32_t sender_base = 0;
  std::uint32_t receiver_base = 0;
  const TcpOptions* options = nullptr;  // a SYN's
  AnomalySet anomalies;
  std::uint32_t dupack_num = 0;
  std::uint64_t dupack_frame = 0;
  TcpState state_c = TcpState::Unknown;  // each side's state after the packet
  TcpState state_s = TcpState::Unknown;
  bool after_peer_fin = false;  // the receiver had sent its FIN in an earlier frame
  // The checksum, when the trace still checks this side's (checksum_needed): 0 the bytes were
  // not all captured, 1 right, 2 wrong.
  std::uint8_t checksum = 0;
  // The HTTP request or status line this payload starts (http_line_needed), empty if none.
  std::string_view http_line;
};

struct TraceOptions {
  bool ladder = true;     // keep the ladder's rows (text); JSON needs only the findings' evidence
  bool full = false;      // every packet on the ladder
  bool checksums = true;  // check the first packets' checksums (the text summary tells offload)
};

struct ConnectionTrace {
  static constexpr std::size_t kRunHead = 4;
  static constexpr std::size_t kRunTail = 3;
  static constexpr std::size_t kRunHold = kRunTail + 3;  // rows held before the tail is known
  static constexpr std::size_t kMaxEntries = 120;
  static constexpr std::size_t kRecentSegments = 64;
  static constexpr std::size_t kMaxHttp = 3;
  static constexpr std::uint32_t kChecksumsChecked = 3;  // the first packets of each side
  static constexpr std::uint32_t kShownPerAnomaly = 4;

  std::uint64_t packets_by_side[2] = {0, 0};
  std::uint64_t data_segments[2] = {0, 0};
  std::uint64_t first_data_frame[2] = {0, 0}, last_data_frame[2] = {0, 0};
  bool data_after_peer_fin[2] = {false, false};
  // Checksums: of the first packets of each side whose bytes were all captured (at most 3).
  std::uint8_t checksums_checked[2] = {0, 0};
  std::uint8_t checksums_bad[2] = {0, 0};
  // What the findings tell about anomalies: a tally for each side and event the connection
  // had, in the order first seen (most connections have none, many one: a reused port), and
  // the holes the capture saw in each side's sequence space (a segment after a gap: where a
  // later retransmission lands in one, the original never passed the capture point),
  // allocated at the first gap.
  struct EventTally {
    Side side = Side::Client;
    Event event = Event::Retransmission;
    FrameTally tally;
  };
  std::vector<EventTally> events;
  struct Hole {
    std::uint32_t from = 0, to = 0;
  };
  static constexpr std::size_t kMaxHoles = 32;
  struct Holes {
    std::array<std::array<Hole, kMaxHoles>, 2> holes{};
    std::size_t count[2] = {0, 0};
  };
  std::unique_ptr<Holes> holes;
  // The tally of an event (an empty one when it never happened).
  const FrameTally& tally(Side s, Event e) const;
  FrameTally syns;      // the client's SYNs (not SYN-ACKs)
  FrameTally syn_acks;  // every SYN-ACK
  std::uint64_t syn_ack_frame() const { return syn_acks.count > 0 ? syn_acks.frames[0] : 0; }  // the first
  // The first ICMP error quoting this connection's header (an answer to a SYN a firewall or
  // host rejected): its frame, sender, type and code; allocated when it comes.
  struct IcmpAnswer {
    std::uint64_t frame = 0;
    IpAddress from;
    std::uint8_t family = 4, type = 0, code = 0;
  };
  std::unique_ptr<IcmpAnswer> icmp;
  void add_icmp_error(const DecodedPacket& pkt, std::uint64_t frame);
  // The first RST: its frame, who sent it, its sender's state before it, what the peer sent
  // last before it (flags, payload length, frame).
  std::uint64_t rst_frame = 0;
  std::uint64_t before_rst_frame = 0;
  std::uint32_t before_rst_len = 0;
  std::uint16_t before_rst_flags = 0;
  Side rst_from = Side::Client;
  TcpState rst_sender_state = TcpState::Unknown;
  // Request lines (client) and status lines (server) with their frames, allocated at the
  // first one (a live trace stays small: most connections have none); the lines are kept one
  // after another in `text`.
  struct Http {
    std::string text;
    std::uint64_t frames[2][kMaxHttp] = {};
    std::uint16_t begin[2][kMaxHttp] = {}, size[2][kMaxHttp] = {};
    std::uint8_t count[2] = {0, 0};
    std::string_view line(Side s, std::size_t k) const {
      return std::string_view(text).substr(begin[index(s)][k], size[index(s)][k]);
    }
  };
  std::unique_ptr<Http> http;

  // Relative numbers: each side's base (its ISN, else its first seq seen).
  std::uint32_t base[2] = {0, 0};
  bool base_set[2] = {false, false};
  TcpState last_state[2] = {TcpState::Unknown, TcpState::Unknown};
  bool last_ack_set[2] = {false, false};
  bool seq_end_set[2] = {false, false};
  std::uint32_t last_ack[2] = {0, 0};
  std::uint32_t seq_end[2] = {0, 0};  // highest seq + len sent, by Side
  bool window_zero[2] = {false, false};  // the side's last window was 0
  struct Last {
    std::uint16_t flags = 0;
    std::uint32_t len = 0;
    std::uint64_t frame = 0;
  };
  Last last_from[2];

  // The ladder's entries (empty unless TraceOptions::ladder).
  const std::vector<LadderEntry>& entries() const;

  // Adds one packet of the connection (after the tracker updated `c`).
  void add(const Connection& c, const DecodedPacket& pkt, const TcpPacketAnalysis& a, std::uint64_t frame,
           const Timestamp& ts, const TraceOptions& options);
  // The same from a packet's fields: the packet's checksum and HTTP line need to be in `p`
  // only when these say so (most packets need neither).
  void add(const TracePacket& p, const TraceOptions& options);
  bool checksum_needed(Side from) const { return takes_checksum(checksums_checked[index(from)]); }
  bool http_line_needed(Side from, std::uint32_t payload_len, AnomalySet anomalies) const;
  // The rule of both, for a caller that counts what the trace took (`taken` of the side).
  static bool takes_checksum(std::uint32_t taken) { return taken < kChecksumsChecked; }
  static bool takes_http_line(std::size_t taken, std::uint32_t payload_len, AnomalySet anomalies);
  // Folds what is pending; call once, after the last packet.
  void close(const TraceOptions& options);

 private:
  // Counts `frame` in the tally of (s, e), adding the tally at its first event.
  void count(Side s, Event e, std::uint64_t frame);
  void push(const LadderRow& row, Fold fold, const TraceOptions& options);
  void flush_run();
  // What only the ladder needs (text), allocated at the first packet: the entries; the current
  // run of foldable rows (its length, the rows beyond its head, the span they fold into); the
  // last data segments of each side, to name a retransmission's original; the rows seen
  // with each anomaly.
  struct Sent {
    std::uint32_t seq = 0;
    std::uint64_t frame = 0;
  };
  struct Ladder {
    std::vector<LadderEntry> entries;
    std::vector<LadderRow> held;
    std::size_t run_len = 0;
    Span span;
    std::array<std::array<Sent, kRecentSegments>, 2> sent{};
    std::size_t next[2] = {0, 0};
    std::array<std::uint32_t, kAnomalyCount> anomaly_rows{};
  };
  std::unique_ptr<Ladder> ladder_;
};

// "GET /page" of "GET /page HTTP/1.1", "302 Found" of "HTTP/1.1 302 Found" (a view of the
// payload); empty when the payload does not start an HTTP/1 message.
std::string_view http_line(ByteView payload, bool request);

// The checksum of a TCP segment is right (IPv4 or IPv6 pseudo header); false also when not
// all of its bytes were captured (then nothing is known: see checksum_checkable).
bool checksum_checkable(const DecodedPacket& pkt);
bool tcp_checksum_ok(const DecodedPacket& pkt);

}  // namespace tcplens::explain
