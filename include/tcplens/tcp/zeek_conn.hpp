// Zeek-compatible TCP connection state: the two coarse endpoint states, the `history` string
// and `conn_state`, computed packet by packet the way Zeek computes them
// (zeek/zeek src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc, src/analyzer/protocol/tcp/
// TCP_Endpoint.*, TCP_Reassembler.cc for content gaps, scripts/base/protocols/conn/main.zeek
// for conn_state).
//
// ZeekConnEngine is one connection. It is fed one TCP packet at a time as a ZeekPacket (plain
// host-order values; it keeps no pointer to packet bytes). Sides are named by who sent the
// connection's first packet (Peer::First) and the other one (Peer::Second); Zeek may later
// decide that the Second peer is the real originator (a '^' in the history), which
// orig_is_first() reports. ZeekConnTable splits a packet stream into connections by 4-tuple
// the way Zeek's session manager does (new connection on reuse, after removal timers).
//
// conn_state() is a pure function of the two endpoint states, their sizes and the history.
// Every state and history letter has one plain-English sentence in zeek_state_sentence() /
// zeek_history_sentence(); docs/zeek-conn.md prints the same table.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include "tcplens/flow/chunked_vector.hpp"
#include "tcplens/flow/compact_bytes.hpp"
#include "tcplens/flow/flow_key.hpp"
#include "tcplens/flow/tagged_index.hpp"

namespace tcplens::zeek {

enum class EndpointState : std::uint8_t {
  Inactive,     // nothing seen from this side yet
  SynSent,      // sent a SYN, no ACK of it seen
  SynAckSent,   // sent a SYN-ACK without having been sent a SYN
  Partial,      // sent data or ACKs without any SYN (picked up mid-stream)
  Established,  // handshake seen (or implied)
  Closed,       // sent a FIN
  Reset,        // sent a RST
};

enum class ConnState : std::uint8_t {
  S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH,
};

enum class Peer : std::uint8_t { First = 0, Second = 1 };

const char* to_string(EndpointState s);
const char* to_string(ConnState s);

// One plain-English sentence per conn_state value and per history letter (upper case: the
// originator did it; lower case: the responder). Shared by the Explainer and the docs.
struct ZeekSentence {
  const char* code;
  const char* sentence;
};
const std::vector<ZeekSentence>& zeek_state_sentences();
const std::vector<ZeekSentence>& zeek_history_sentences();  // letters in upper case, plus '^'
const char* zeek_state_sentence(ConnState s);
const char* zeek_history_sentence(char letter);  // nullptr for an unknown letter

// What the engine needs from one TCP packet.
struct ZeekPacket {
  Peer from = Peer::First;
  double ts = 0;
  std::uint16_t flags = 0;  // low 12 bits of the TCP flags word (FIN 0x01 ... ACK 0x10)
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint32_t payload_len = 0;  // on the wire
  std::uint32_t captured_len = 0;  // payload bytes captured (< payload_len when cut by snaplen)
  std::uint16_t window = 0;
  bool checksum_ok = true;  // false: Zeek drops the packet after logging 'C'/'c'
  bool header_ok = true;    // false: the TCP header is cut off; Zeek ignores the packet
};

// Tunables, with Zeek's defaults (scripts/base/init-bare.zeek).
struct ZeekOptions {
  double tcp_attempt_delay = 5;
  double tcp_close_delay = 5;
  double tcp_reset_delay = 5;
  double tcp_partial_close_delay = 3;
  double tcp_session_timer = 6;
  double tcp_connection_linger = 5;
  double tcp_syn_timeout = 5;
  double tcp_inactivity_timeout = 300;
  double initial_inactivity_timeout = 60;  // udp_inactivity_timeout until the handshake ends
  std::uint64_t tcp_max_initial_window = 16384;
  std::uint64_t tcp_max_above_hole_without_any_acks = 16384;
  bool reassemble = true;
  bool use_likely_server_ports = true;  // false: likely_server_ports = {} (some Zeek tests)  // dpd_reassemble_first_packets: content gaps ('g') need it
};

class ZeekConnEngine {
 public:
  struct Endpoint {
    EndpointState state = EndpointState::Inactive;
    EndpointState prev_state = EndpointState::Inactive;
    std::int64_t start_seq = 0;
    std::uint32_t last_seq = 0, ack_seq = 0;
    std::uint32_t seq_wraps = 0, ack_wraps = 0;
    std::uint64_t hist_last_syn = 0, hist_last_fin = 0, hist_last_rst = 0;
    std::uint64_t fin_seq = 0;
    std::uint32_t fin_cnt = 0, rst_cnt = 0;
    bool did_close = false;
    std::uint32_t chk_cnt = 0, chk_thresh = 1, rxmt_cnt = 0, rxmt_thresh = 1;
    std::uint32_t win0_cnt = 0, win0_thresh = 1, gap_cnt = 0, gap_thresh = 1;
    std::uint64_t pkts = 0;
    // Content reassembly (relative sequence numbers, starting at 1), for gap detection.
    std::uint64_t last_reassem_seq = 1, trim_seq = 0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> blocks;  // [seq, upper), disjoint
    bool skip_deliveries = false;
    std::uint64_t missed_bytes = 0;

    std::uint64_t size() const;  // TCP_Endpoint::Size(), needs the peer for one case
    const Endpoint* peer = nullptr;
  };

  // `options` must outlive the engine's packets and timers (the table that makes it owns
  // them): a pointer, not a copy, in each of the tens of thousands of live connections.
  ZeekConnEngine(double start_ts, bool flip_at_start, const ZeekOptions& options);
  ZeekConnEngine(const ZeekConnEngine&) = delete;
  ZeekConnEngine& operator=(const ZeekConnEngine&) = delete;
  // As if newly made with these arguments (same options), keeping its buffers' memory.
  void restart(double start_ts, bool flip_at_start);

  void on_packet(const ZeekPacket& p);

  // Runs the connection's timers up to `t`; true if Zeek would have removed the connection
  // by then (a packet at `t` then starts a new connection).
  bool expired_by(double t);
  // When the earliest pending timer fires (infinity when none): expired_by(t) changes
  // nothing and is false for any t before it.
  double next_timer_at() const;
  // Zeek's IsReuse(): would this SYN (or SYN-ACK) start a new connection on this 4-tuple?
  bool is_reuse(const ZeekPacket& p, double t) const;

  bool orig_is_first() const { return orig_ == 0; }
  const Endpoint& orig() const { return ep_[orig_]; }
  const Endpoint& resp() const { return ep_[1 - orig_]; }
  const std::string& history() const { return history_; }
  double start_ts() const { return start_ts_; }
  double last_ts() const { return last_ts_; }
  ConnState conn_state() const;
  // Both sides sent a FIN or RST: what is left is mostly waiting for the close timers.
  bool at_rest() const;
  // Its state as compact bytes (tcplens/flow/compact_bytes.hpp), and back: an engine that thaws
  // (into any engine of the same table) goes on as the one that froze.
  void freeze(std::vector<std::uint8_t>& out);
  void thaw(const std::uint8_t* data, std::size_t size);

 private:
  struct Timer {
    double at;
    enum Kind : std::uint8_t { Expire, Attempt, Delete, Reset, PartialClose, Inactivity } kind;
  };

  bool is_orig(int side) const { return side == orig_; }
  bool check_history(int side, std::uint32_t mask, char code);
  void add_history(int side, char code);
  void scaled(int side, char code, std::uint32_t& cnt, std::uint32_t& thresh);
  void set_state(int side, EndpointState s);
  void flip_roles();
  void update_state_machine(int side, const ZeekPacket& p, std::int32_t delta_last,
                            bool& do_close, bool& gen_event);
  void connection_closed(int side);
  void ack_received(int side, std::uint64_t seq);
  void data_sent(int side, std::uint64_t seq, std::uint64_t len);
  void trim_to_seq(int side, std::uint64_t seq);
  void undelivered(int side, std::uint64_t up_to);
  void gap(int side);
  void add_timer(double at, Timer::Kind kind) { timers_.push_back({at, kind}); }
  template <class Io>
  void transfer(Io& io);
  bool fire(const Timer& t);

  const ZeekOptions& opt_;
  Endpoint ep_[2];
  int orig_ = 0;  // index in ep_ of the current originator (0: the first sender)
  std::uint32_t hist_seen_ = 0;
  std::string history_;
  bool is_partial_ = false;
  unsigned first_packet_seen_ = 0;  // bit 1: orig, bit 2: resp
  bool first_was_synack_only_ = false;  // #2191: flip on the ACK or data that follows
  double start_ts_ = 0, last_ts_ = 0;
  double inactivity_timeout_ = 60;
  bool is_active_ = true;
  bool removed_ = false;
  std::vector<Timer> timers_;
};

ConnState conn_state(EndpointState orig, EndpointState resp, std::uint64_t orig_size,
                     std::uint64_t resp_size, std::string_view history);

// Zeek's likely_server_ports (the ports its base scripts register), for the role guess when
// a connection starts without a SYN.
bool likely_server_port(std::uint16_t port);
// WantConnection(): should a connection whose first packet goes `sport` -> `dport` with
// these flags start with its roles flipped?
bool flip_at_start(std::uint16_t sport, std::uint16_t dport, std::uint16_t flags,
                   bool use_likely_server_ports = true);

// Splits packets into Zeek connections by 4-tuple. Finished connections (removed by Zeek's
// timers, replaced on reuse, or still open at the end) are handed out in removal order.
class ZeekConnTable {
 public:
  struct Finished {
    FlowKey key;
    bool first_is_a = true;  // the first sender is the key's a-side
    std::unique_ptr<ZeekConnEngine> engine;
  };

  explicit ZeekConnTable(const ZeekOptions& options = {}) : opt_(options) {}
  // Its connections refer to its options: it stays where it was made.
  ZeekConnTable(const ZeekConnTable&) = delete;
  ZeekConnTable& operator=(const ZeekConnTable&) = delete;

  // `dir` and `key` as FlowKey::make gives them; `p.from` is ignored and set here.
  // `hint`, if given, is where the caller last saw this 4-tuple's connection (any value is
  // safe: it is checked); it is updated.
  void on_packet(const FlowKey& key, Direction dir, ZeekPacket p, std::uint32_t* hint = nullptr);
  void finish();  // flushes every open connection
  // Finished connections not yet taken; a caller that streams them clears the vector.
  std::vector<Finished>& finished() { return done_; }

  // Moves every live connection that Zeek's timers would have removed by `t` to finished()
  // (the same result as when the next packet of its 4-tuple triggers the timers), and, when
  // more than `max_live` are live, the least recently active eighth (counted in
  // evictions()). Call with increasing `t`, e.g. once per second of capture time.
  void expire(double t, std::size_t max_live);
  // Applies the same eviction as soon as a new connection makes more than `max_live` live
  // (0: only in expire()).
  void set_max_live(std::size_t max_live) { max_live_ = max_live; }
  std::uint64_t evictions() const { return evictions_; }
  // Which live connections wait frozen: those at rest (the default: from the expire() after
  // the packet that brought them to rest), or, for tests, every one after every packet, or none.
  // AtRest applies once more than `busy_above` connections are live.
  enum class Freeze : std::uint8_t { AtRest, Always, Never };
  static constexpr std::size_t kBusyAbove = 8192;
  void set_freeze(Freeze when, std::size_t busy_above = kBusyAbove) {
    freeze_ = when;
    busy_above_ = busy_above;
  }
  std::size_t live_count() const { return live_.size(); }
  // Start time of the live connection on `key`, if there is one.
  std::optional<double> live_start(const FlowKey& key) const {
    const std::uint32_t at = find(key);
    if (at == TaggedIndex::kNone) return std::nullopt;
    return live_[at].start_ts;
  }
  // Gives back the engine of a finished connection once read: the next connection reuses
  // it and its buffers instead of allocating.
  void recycle(std::unique_ptr<ZeekConnEngine> engine) {
    if (engine && spare_.size() < kSpareKept) spare_.push_back(std::move(engine));
  }

 private:
  // The live connections are a dense array (the clock's sweep walks it in order) with an
  // index by 4-tuple; a connection that ends takes the last one's place.
  struct Live {
    FlowKey key;
    bool first_is_a = true;
    double start_ts = 0;  // the engine's, here for live_start() without reading the engine
    std::unique_ptr<ZeekConnEngine> engine;  // null while frozen
    // A connection at rest (both sides closed or reset) waits for Zeek's close timers
    // (seconds, in which a busy capture starts tens of thousands more) frozen: its engine
    // as compact bytes, a fraction of one, and the engine goes back to the spares.
    std::uint8_t* frozen = nullptr;  // in frozen_bytes_
    std::uint32_t frozen_size = 0;
    double last_ts = 0;  // the engine's while frozen, for evict_oldest()
  };
  ZeekConnEngine& awake(Live& l);  // thaws a frozen one
  // A spare engine restarted with these (or a new one).
  std::unique_ptr<ZeekConnEngine> take_engine(double start_ts, bool flip);
  void freeze(Live& l);
  std::vector<std::uint8_t> scratch_;
  compact::BlobArena frozen_bytes_;
  Freeze freeze_ = Freeze::AtRest;
  std::size_t busy_above_ = kBusyAbove;
  std::vector<FlowKey> resting_;  // came to rest since the last expire(): to freeze there
  static constexpr std::size_t kRestingMax = 1 << 14;
  void freeze_resting();
  static constexpr std::size_t kSpareKept = 4096;
  void start(const FlowKey& key, Direction dir, ZeekPacket& p);
  void finish_at(std::size_t at);  // moves live_[at] to finished(); live_[at] is the last one
  void evict_oldest(std::size_t max_live);  // the least recently active, at least an eighth

  ZeekOptions opt_;
  std::size_t max_live_ = 0;
  std::uint32_t find(const FlowKey& key) const {
    return index_.find(key.hash(), [&](std::uint32_t at) { return live_[at].key == key; });
  }
  TaggedIndex index_;  // key -> position in live_
  ChunkedVector<Live, 10> live_;  // grows without a moment of two copies
  // Beside live_, each one's engine's next_timer_at(): the sweep skips those with nothing
  // due reading only this array.
  ChunkedVector<double, 12> next_timer_;
  std::vector<std::unique_ptr<ZeekConnEngine>> spare_;
  std::vector<Finished> done_;
  std::uint64_t evictions_ = 0;
};

}  // namespace tcplens::zeek
