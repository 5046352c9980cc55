// What happened to one TCP connection: who opened it and how (handshake, ISNs, options), what
// flowed each way, how it ended (teardown kind, who closed first, who reset, who waits in
// TIME_WAIT) and each side's RFC 9293 state after every packet.
//
// The analyser is an observer somewhere on the path, so it infers each side's state from the
// packets that side sends and from the acknowledgments that prove what it received:
//  - a sender's own segments move it at once (SYN: SYN_SENT, FIN: FIN_WAIT_1 or LAST_ACK);
//  - the handshake moves the receiver when the SYN-ACK / final ACK is seen;
//  - a FIN moves its receiver only when the receiver acknowledges it (or its own FIN shows it
//    had not yet received it), which is what tells a simultaneous close from a three- or
//    four-packet one; an ACK covering a FIN moves the FIN's sender (FIN_WAIT_2, TIME_WAIT,
//    CLOSED);
//  - a RST closes both sides.
// Retransmissions are counted as data segments that repeat bytes already seen in that
// direction, or that fill a hole but were sent after the segments beyond it (a later IPv4 ID
// or TCP timestamp); exact copies (same IP ID and timestamp) are the network's duplicates,
// not retransmissions, and late originals (reordering) are not retransmissions either.
// tshark's tcp.analysis flags are counted separately, with tshark's meaning.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/decode/decoded_packet.hpp"
#include "tcplens/flow/compact_bytes.hpp"
#include "tcplens/flow/stream_index.hpp"
#include "tcplens/tcp/anomaly.hpp"
#include "tcplens/tcp/stream_tracker.hpp"
#include "tcplens/tcp/tcp_state.hpp"

namespace tcplens {

enum class Side : std::uint8_t { Client = 0, Server = 1 };
inline Side other(Side s) { return s == Side::Client ? Side::Server : Side::Client; }
std::string_view to_string(Side side);  // "client" / "server"

enum class HandshakeResult : std::uint8_t {
  NotSeen,           // no SYN in the capture (it started mid-connection)
  Complete,          // SYN, SYN-ACK, ACK
  SimultaneousOpen,  // both sides sent a SYN
  Unanswered,        // SYNs only
  Rejected,          // SYN answered by RST
  NoFinalAck,        // SYN-ACK never acknowledged
};
std::string_view to_string(HandshakeResult r);  // "complete", "no_final_ack", ...

enum class TeardownKind : std::uint8_t {
  None,          // never established
  Open,          // established and still open at the end of the capture
  FourWay,       // FIN, ACK, FIN, ACK
  ThreeWay,      // FIN, FIN+ACK acknowledging it, ACK
  Simultaneous,  // both FINs sent before either was received
  Reset,         // ended by RST
  HalfClosed,    // one FIN, never answered by the peer's FIN within the capture
};
std::string_view to_string(TeardownKind k);  // "four_way", "half_closed", ...

struct OfferedOptions {
  bool seen = false;  // the SYN (client) or SYN-ACK (server) was captured
  bool has_mss = false;
  std::uint16_t mss = 0;
  bool has_window_scale = false;
  std::uint8_t window_scale = 0;
  bool sack_permitted = false;
  bool timestamps = false;
  bool ecn = false;  // SYN with ECE+CWR, SYN-ACK with ECE
  bool tfo = false;  // a Fast Open cookie or cookie request
};

struct DirectionStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;         // payload bytes, retransmissions included
  std::uint64_t unique_bytes = 0;  // payload bytes seen for the first time
  std::uint32_t retransmissions = 0;  // data segments (see the header comment)
  std::uint32_t network_duplicates = 0;
  // tshark's tcp.analysis flags set on this direction's packets.
  std::uint32_t tshark_retransmissions = 0;
  std::uint32_t fast_retransmissions = 0;
  std::uint32_t spurious_retransmissions = 0;
  std::uint32_t out_of_order = 0;
  std::uint32_t lost_segments = 0;
  std::uint32_t dup_acks = 0;
  std::uint32_t zero_windows = 0;
  std::uint32_t keep_alives = 0;
  std::uint32_t zero_window_probes = 0;
  // RTT samples of the ACKs this direction sent (tshark's ack_rtt), in nanoseconds.
  std::uint32_t rtt_samples = 0;
  std::int64_t rtt_min_ns = 0;
  std::int64_t rtt_max_ns = 0;
  std::int64_t rtt_sum_ns = 0;
};

struct StateChange {
  std::uint64_t frame = 0;
  Timestamp ts;
  TcpState state = TcpState::Unknown;
};

// The states one side went through, in order, at most kMax. A side usually changes state
// five or six times: those are kept inline, packed in 24 bytes each, so that the tens of
// thousands of live connections of a busy capture allocate nothing for them.
class StateHistory {
 public:
  static constexpr std::size_t kInline = 6;
  static constexpr std::size_t kMax = 64;

  StateHistory() = default;
  StateHistory(const StateHistory& other) { *this = other; }
  StateHistory& operator=(const StateHistory& other);
  StateHistory(StateHistory&& other) noexcept { *this = std::move(other); }
  StateHistory& operator=(StateHistory&& other) noexcept;
  ~StateHistory() = default;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  StateChange operator[](std::size_t i) const { return at(i).unpack(); }
  StateChange back() const { return (*this)[size_ - 1]; }
  // Appends; a change beyond kMax is dropped.
  void push_back(const StateChange& change);
  void clear() { size_ = 0; }  // keeps the overflow's memory
  // Its fields for a CompactWriter or CompactReader (tcplens/flow/compact_bytes.hpp).
  template <class Io>
  void transfer(Io& io) {
    io(size_);
    if constexpr (Io::kReading) {
      if (size_ > kMax) size_ = kMax;
      if (size_ > kInline && !overflow_) overflow_ = std::make_unique<Packed[]>(kMax - kInline);
    }
    for (std::size_t i = 0; i < size_; ++i) {
      Packed& p = i < kInline ? inline_[i] : overflow_[i - kInline];
      io.time(p.sec, p.nsec);
      io(p.state);
      io.frame(p.frame);
    }
  }

  class const_iterator {
   public:
    using value_type = StateChange;
    using difference_type = std::ptrdiff_t;
    const_iterator(const StateHistory* h, std::size_t i) : h_(h), i_(i) {}
    StateChange operator*() const { return (*h_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.i_ == b.i_; }

   private:
    const StateHistory* h_;
    std::size_t i_;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  struct Packed {
    std::int64_t sec = 0;
    std::uint32_t nsec = 0;
    TcpState state = TcpState::Unknown;
    std::uint64_t frame = 0;
    StateChange unpack() const { return {frame, Timestamp{sec, nsec}, state}; }
  };
  const Packed& at(std::size_t i) const { return i < kInline ? inline_[i] : overflow_[i - kInline]; }
  Packed inline_[kInline];
  std::unique_ptr<Packed[]> overflow_;  // kMax - kInline, once a side has more than kInline
  std::uint8_t size_ = 0;
};

struct Endpoint {
  IpAddress ip;
  std::uint16_t port = 0;
  TcpState state = TcpState::Unknown;
  StateHistory history;
  bool isn_seen = false;
  std::uint32_t isn = 0;
  OfferedOptions options;
  DirectionStats sent;
  // Close bookkeeping.
  bool fin_sent = false;
  std::uint64_t fin_seq = 0;  // sequence number of the FIN (unwrapped)
  std::uint64_t fin_frame = 0;
  bool fin_acked = false;            // the peer acknowledged our FIN
  bool received_peer_fin = false;    // proven by our acknowledgment
  bool fin_covered_peer_fin = false;  // our FIN segment acknowledged the peer's FIN
  bool acked_peer_fin_before_own_fin = false;
};

// The tunnels a connection's first packet came through. Most connections came through none,
// so the chain (76 bytes) is kept apart, and only when there is one.
class ConnectionEncap {
 public:
  ConnectionEncap() = default;
  ConnectionEncap(const ConnectionEncap& other) { *this = other; }
  ConnectionEncap& operator=(const ConnectionEncap& other) {
    if (this != &other) chain_ = other.chain_ ? std::make_unique<EncapChain>(*other.chain_) : nullptr;
    return *this;
  }
  ConnectionEncap(ConnectionEncap&&) noexcept = default;
  ConnectionEncap& operator=(ConnectionEncap&&) noexcept = default;
  ~ConnectionEncap() = default;
  ConnectionEncap& operator=(const EncapChain& chain) {
    chain_ = chain.empty() ? nullptr : std::make_unique<EncapChain>(chain);
    return *this;
  }
  bool empty() const { return chain_ == nullptr; }
  // Read as the chain itself (format_encap(c.encap, ...)); empty when none.
  operator const EncapChain&() const { return chain_ ? *chain_ : none(); }
  template <class Io>
  void transfer(Io& io) {
    bool some = chain_ != nullptr;
    io(some);
    if constexpr (Io::kReading) chain_ = some ? std::make_unique<EncapChain>() : nullptr;
    if (some) io.raw(*chain_);
  }

 private:
  static const EncapChain& none() {
    static const EncapChain kNone;
    return kNone;
  }
  std::unique_ptr<EncapChain> chain_;
};

class ConnectionAnalyzer;

struct Connection {
  static constexpr std::size_t kMaxStateChanges = StateHistory::kMax;

  std::uint32_t stream = 0;
  Timestamp first_ts;
  Timestamp last_ts;
  std::uint64_t first_frame = 0;
  std::uint64_t last_frame = 0;
  Endpoint client;
  Endpoint server;
  bool roles_from_syn = false;  // false: guessed from ports (mid-stream start)
  ConnectionEncap encap;  // the tunnels its first packet came through (empty: none)

  HandshakeResult handshake = HandshakeResult::NotSeen;
  std::uint32_t client_syns = 0;
  std::uint32_t server_syn_acks = 0;
  Timestamp syn_ts, syn_ack_ts, handshake_ack_ts;
  bool syn_ack_seen = false;
  bool handshake_done = false;
  bool established = false;

  TeardownKind teardown = TeardownKind::None;
  bool reset_seen = false;
  Side reset_by = Side::Client;
  bool close_started = false;  // a FIN or RST after establishment
  Side close_initiator = Side::Client;

  const Endpoint& side(Side s) const { return s == Side::Client ? client : server; }
  Endpoint& side(Side s) { return s == Side::Client ? client : server; }
  // Handshake RTT: SYN -> SYN-ACK (capture point to server and back) and SYN-ACK -> ACK
  // (capture point to client and back); negative when not seen.
  double rtt_server_s() const;
  double rtt_client_s() const;
  double irtt_s() const;
  // The side(s) that end in TIME_WAIT: "client", "server", "both" or "none".
  std::string_view time_wait() const;
  // "client", "server", "both" (simultaneous close) or "none".
  std::string_view initiator() const;
  std::string_view reset_by_name() const;
};

// Follows every TCP connection of a capture, by tshark stream index (StreamTracker).
//
// Two modes. By default every Connection is kept, by stream index, until the end
// (connections()). With set_sink(), a connection is decided and handed to the sink when
// end_stream() says its tracker state was freed (StreamTracker::ended(): closed and lingered,
// idle, evicted, reused 4-tuple) and at finish(); its memory is then reused, so memory
// follows live connections. Watch out: in that mode a stream whose 4-tuple comes back after
// it was freed (StreamTracker counters().resumed) is reported twice, the second record
// starting mid-stream.
class ConnectionAnalyzer {
 public:
  ConnectionAnalyzer();
  ~ConnectionAnalyzer();
  ConnectionAnalyzer(const ConnectionAnalyzer&) = delete;
  ConnectionAnalyzer& operator=(const ConnectionAnalyzer&) = delete;

  // Call for every packet after StreamTracker::on_packet. Streaming mode: `hint`, if given,
  // is where the caller last saw this stream's connection (any value is safe: it is
  // checked); it is updated.
  void on_packet(const DecodedPacket& pkt, const TcpPacketAnalysis& analysis, std::uint64_t frame,
                 const Timestamp& ts, std::uint32_t* hint = nullptr);
  // Decides the handshake result and teardown of every connection as of now; call at the
  // end of the capture (calling it earlier and feeding more packets is allowed).
  void finish();

  using Sink = std::function<void(Connection&)>;
  void set_sink(Sink sink) { sink_ = std::move(sink); }
  // Streaming mode: decides the connection of `stream` (if any packet was seen) and hands it
  // to the sink. Call for every StreamTracker::ended() entry, before on_packet().
  void end_stream(std::uint32_t stream);
  std::size_t live_count() const { return index_.size(); }
  // Streaming mode: the connection of `stream` as known so far, or null.
  const Connection* live(std::uint32_t stream) const;
  // Streaming mode: which connections wait frozen when the next packet is another stream's.
  // Closed (the default): those a FIN exchange or a RST closed, once more than `busy_above`
  // connections are live (freezing costs a few microseconds a connection: it pays where
  // memory does). Always and Never are for tests: every field goes through the frozen form,
  // or none does.
  enum class Freeze : std::uint8_t { Closed, Always, Never };
  static constexpr std::size_t kBusyAbove = 8192;
  void set_freeze(Freeze when, std::size_t busy_above = kBusyAbove) {
    freeze_ = when;
    busy_above_ = busy_above;
  }
  std::size_t frozen_count() const { return frozen_.size() - frozen_free_.size(); }

  const std::vector<Connection>& connections() const { return connections_; }

 private:
  struct Slot;
  struct Live;
  struct Frozen {
    std::uint8_t* bytes = nullptr;  // in frozen_bytes_
    std::uint32_t size = 0;
  };
  void on_segment(Connection& c, Slot& slot, Side from, const DecodedPacket& pkt,
                  const TcpPacketAnalysis& a, std::uint64_t frame, const Timestamp& ts);
  static void decide(Connection& c);

  std::vector<Connection> connections_;
  std::vector<Slot> slots_;
  // Streaming mode.
  Sink sink_;
  ChunkedVector<Live, 10> pool_;  // grows without copying (no doubling peak in a flood)
  std::vector<std::uint32_t> free_;
  StreamIndex index_;  // stream -> pool_ index, or kFrozen | frozen_ index
  // A closed connection waits for its linger (StreamTracker::Limits::close_linger_sec) to
  // end, mostly without a packet: it waits frozen, its fields as compact bytes (about a
  // fifth of a Live), and thaws if a late packet comes. In a capture of short connections
  // nearly every live one is such.
  static constexpr std::uint32_t kFrozen = 0x80000000u;
  std::vector<Frozen> frozen_;
  std::vector<std::uint32_t> frozen_free_;
  compact::BlobArena frozen_bytes_;
  // The pool index of the connection the last packet closed: frozen at the next packet of
  // another stream (the pipeline's sinks read it live for the packet that closed it).
  std::uint32_t to_freeze_ = StreamIndex::kNone;
  Freeze freeze_ = Freeze::Closed;
  std::size_t busy_above_ = kBusyAbove;
  std::vector<std::uint8_t> scratch_;
  mutable std::unique_ptr<Connection> peek_;  // a frozen connection, read for live() or its end
  void freeze_waiting(std::uint32_t current_stream);
  std::uint32_t thaw(std::uint32_t frozen_at);
  Connection& peek(std::uint32_t frozen_at) const;
  void release_frozen(std::uint32_t frozen_at);
};

}  // namespace tcplens
