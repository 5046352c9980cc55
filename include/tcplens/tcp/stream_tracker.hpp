// StreamTracker: assigns every TCP packet to a stream and analyses it with tshark 4.0's
// meaning (Wireshark epan/dissectors/packet-tcp.c, 4.0 branch; our own code).
//
// Stream indices are assigned exactly as tshark assigns tcp.stream: a new stream for a new
// 4-tuple, and for a pure SYN whose sequence number differs from the base sequence number
// already recorded for that direction of the 4-tuple (port reuse). A SYN-ACK with a new ISN
// only rebases the existing stream. TCP headers quoted inside ICMP errors take part in stream
// assignment (tshark creates conversations for them) but in nothing else.
//
// Per packet: the tcp.analysis flags, the frame an ACK acknowledges and its RTT, bytes in
// flight, duplicate-ACK number and frame. Per stream: base sequence numbers, window scale,
// initial RTT and completeness. tshark's TSV is made with two passes (-2): its relative
// numbers, scaled windows, initial RTT and completeness use each stream's final values. To
// reproduce that, run a first tracker over the capture, keep its summaries(), and give them
// to numbers() while a second tracker replays the capture (see tools/tcplens analyze).
//
// Memory: a StreamSummary per stream (packed in 16 bytes); analysis state (with the unacknowledged
// segments of each direction, capped at 10000 as Wireshark's TCP_MAX_UNACKED_SEGMENTS) per
// live 4-tuple only. A stream's analysis state is freed (and the stream reported by ended())
// when it is closed (both FINs acknowledged, or a RST) and has been quiet for
// Limits::close_linger_sec of capture time, when it has been idle for
// Limits::idle_timeout_sec, or when Limits::max_live streams are live and a new one starts
// (the least recently seen eighth goes). A freed 4-tuple leaves a 12-byte "remembered" entry
// (in tables at most three quarters full; bounded by Limits::max_remembered, oldest generation
// dropped first), so that a packet that comes back on it joins the same stream as in tshark,
// and a SYN with a new ISN is flagged as reused ports as tshark does. Watch out: tshark never
// forgets a 4-tuple; here a packet that comes back after its 4-tuple was freed is analysed from a fresh state (no
// retransmission or dup-ACK history: counted in counters().resumed), and one that comes back
// after its remembered entry was dropped starts a new stream (counters().remembered_dropped
// says whether any was).
// Neither happens on the corpus; both are reported by the tools when they happen.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/decode/decoded_packet.hpp"
#include "tcplens/flow/chunked_vector.hpp"
#include "tcplens/flow/flow_key.hpp"
#include "tcplens/flow/tagged_index.hpp"
#include "tcplens/tcp/anomaly.hpp"
#include "tcplens/tcp/send_history.hpp"
#include "tcplens/tcp/seq_num.hpp"

namespace tcplens {

// Bits of tcp.completeness (Wireshark's TCP_COMPLETENESS_*).
namespace completeness {
inline constexpr std::uint8_t kSyn = 1;
inline constexpr std::uint8_t kSynAck = 2;
inline constexpr std::uint8_t kAck = 4;
inline constexpr std::uint8_t kData = 8;
inline constexpr std::uint8_t kFin = 16;
inline constexpr std::uint8_t kRst = 32;
}  // namespace completeness

// A time or duration as Wireshark's nstime_t holds it: seconds and a signed nanosecond part
// that a damaged capture may leave outside [0, 10^9). Differences follow nstime_delta(), so
// even such captures give tshark's numbers.
struct NsTime {
  std::int64_t secs = 0;
  std::int32_t nsecs = 0;

  static NsTime from(const Timestamp& ts) { return {ts.sec, static_cast<std::int32_t>(ts.nsec)}; }
  bool is_zero() const { return secs == 0 && nsecs == 0; }
  std::int64_t total_ns() const { return secs * 1000000000 + nsecs; }
  // b - a, as nstime_delta(&d, &b, &a).
  static NsTime delta(NsTime b, NsTime a);
};

struct TcpPacketAnalysis {
  bool tracked = false;  // false: not a TCP packet, or TCP inside an ICMP error
  std::uint32_t stream = 0;
  Direction dir = Direction::AToB;
  bool have_seglen = false;
  bool short_header = false;  // data offset < 5: tshark stops after the stream index
  std::uint32_t seglen = 0;
  AnomalySet anomalies;
  bool has_acked_record = false;  // Wireshark created its per-frame analysis record
  std::uint64_t acks_frame = 0;   // 0: acknowledges no tracked segment exactly
  NsTime ack_rtt;
  std::uint32_t bytes_in_flight = 0;  // 0: not shown
  std::uint32_t dupack_num = 0;
  std::uint64_t dupack_frame = 0;
  bool use_ace = false;  // AccECN negotiated: flags string shows the ACE counter
  // Since the stream's first frame and its previous one (tcp.time_relative, tcp.time_delta);
  // set for a header quoted in an ICMP error too.
  std::int64_t time_relative_ns = 0;
  std::int64_t time_delta_ns = 0;
  // tcp.completeness as tshark shows it on this packet: the value before this packet's
  // update. In replay mode (set_first_pass) that is the first pass's final value plus what
  // tshark's second pass adds again (SYN-ACK, ACK, data, FIN, RST seen since).
  std::uint8_t completeness = 0;
  // Base sequence numbers for relative numbers (indexed by Direction); see numbers().
  std::uint32_t rel_base[2] = {0, 0};
};

// What tshark's second pass sees of a stream (or, mid-capture, what is known so far).
struct StreamSummary {
  NsTime initial_rtt;  // zero: handshake not seen
  std::uint32_t base_seq[2] = {0, 0};  // indexed by Direction
  std::uint8_t completeness = 0;
  bool base_set[2] = {false, false};
  std::int8_t win_scale[2] = {-1, -1};  // -1 unknown, -2 no scaling, else the shift
  bool tfo_syn_data = false;  // a SYN carried data and a Fast Open cookie
};

// Why a stream's analysis state was freed.
enum class StreamEnd : std::uint8_t {
  Closed,  // both FINs acknowledged or a RST, then quiet for the close linger
  Idle,    // no packet for the idle timeout
  Cap,     // evicted to stay under the cap on live streams
  Reused,  // its 4-tuple started a new stream (SYN with a new ISN)
  Finish,  // still live at the end of the capture (finish())
};

struct EndedStream {
  std::uint32_t stream = 0;
  StreamEnd why = StreamEnd::Finish;
  FlowKey key;
  std::uint32_t slot = 0xffffffffu;  // where its state was (StreamTracker::last_slot())
};

// What the caps and timers did, for the tools to report.
struct TrackerCounters {
  std::uint64_t closed_freed = 0;     // closed streams freed after the linger
  std::uint64_t idle_evicted = 0;     // idle timeout
  std::uint64_t cap_evicted = 0;      // cap on live streams
  std::uint64_t resumed = 0;          // a freed 4-tuple came back (fresh analysis state)
  std::uint64_t remembered_dropped = 0;  // freed 4-tuples forgotten (oldest generation)
  std::size_t peak_live = 0;
  // Non-zero only when results may differ from tshark's (tshark never forgets a 4-tuple).
  std::uint64_t evictions() const { return idle_evicted + cap_evicted; }
};

// Relative numbers and scaled window of one packet, as tshark shows them.
struct TcpNumbers {
  std::uint32_t seq = 0;  // relative when have_seglen, else raw (as tshark)
  std::uint32_t ack = 0;  // relative when ACK is set and have_seglen
  bool has_nxtseq = false;
  std::uint32_t nxtseq = 0;
  std::uint32_t window = 0;  // after scaling
  bool has_scale = false;    // tshark shows no scale factor on SYNs
  std::int32_t scale = 0;    // -1 unknown, -2 no scaling, else the multiplier
};

class StreamTracker {
 public:
  // Bounds on the analysis state (times are capture time). Every second of capture time
  // live streams are swept: closed ones quiet for `close_linger_sec` and any idle for
  // `idle_timeout_sec` are freed. When `max_live` streams are live and a new one arrives,
  // every closed or idle stream is freed, and if that frees less than an eighth of the cap,
  // the least recently seen up to an eighth (closed ones first). About 0.4 KB per live
  // stream here, 2 KB with tcplens conns (ConnectionAnalyzer and Zeek's view, where a closed
  // connection lingers frozen in about 0.25 KB once more than 8192 are live): with the
  // default cap a 5 M SYN flood peaks at 0.39 GiB (conns) and 0.29 GiB (analyze)
  // (tests/flood); the benchmark capture (up to ~95000 connections live, most of them closed
  // and lingering) loses nothing to it. `max_remembered` bounds the freed 4-tuples remembered
  // for tshark's stream numbering (12 bytes each, in tables at most three quarters full, in two
  // generations).
  struct Limits {
    std::size_t max_live = 100000;
    std::int64_t idle_timeout_sec = 3600;
    std::int64_t close_linger_sec = 5;
    std::size_t max_remembered = 2u << 20;
  };

  StreamTracker();
  explicit StreamTracker(const Limits& limits);

  // Frees the per-4-tuple analysis state, keeping the stream summaries: for a first pass
  // whose only remaining use is set_first_pass(). No more on_packet() calls after this.
  void release_live_state();

  // Replay mode: this tracker sees the capture a second time, as tshark's second pass does;
  // `first` has seen all of it. Per-packet values then use each stream's final state.
  void set_first_pass(const StreamTracker* first) { first_pass_ = first; }

  // Summaries only: skip the per-packet sequence analysis (flags, ACK frames, RTTs, bytes in
  // flight, unacknowledged segments). Stream numbering, the summaries, ended() and the
  // freeing of state are the same; on_packet() results hold only the stream assignment.
  // For a first pass whose only use is set_first_pass(). Set before the first packet.
  void set_summaries_only(bool on) { summaries_only_ = on; }

  // Ground truth instead of tshark's heuristics where the capture proves tshark wrong (see
  // send_history.hpp and docs/differences.md): a segment below the highest sequence number
  // is a retransmission when the sender sent it after the rest (newer IPv4 ID or TSval) and
  // out of order when it is a late original; the network's duplicates are no retransmission;
  // a keep-alive-shaped segment (seq one below the next) while the peer's window is zero is a
  // zero-window probe (Linux's persist timer sends these). Off: tshark 4.0's flags exactly.
  // Set before the first packet.
  void set_ground_truth(bool on) { ground_truth_ = on; }

  // Analyses one decoded packet; `frame` is its 1-based number.
  const TcpPacketAnalysis& on_packet(const DecodedPacket& pkt, std::uint64_t frame, const Timestamp& ts);

  // For a tracker that sees only some of the capture's connections (one shard of them, see
  // flow/shard.hpp): a tracked packet of another shard, at `ts`. Its time runs the timers
  // that free state, as its on_packet() would have, so that connections are freed when a
  // tracker seeing every packet frees them.
  void observe(const Timestamp& ts);
  // The 4-tuple on_packet() tracks the packet under (its TCP header, or the one quoted in an
  // ICMP error); false when it tracks nothing.
  static bool tracked_key(const DecodedPacket& pkt, FlowKey& key);

  // Streams whose analysis state the last on_packet() (or observe(), or finish()) freed,
  // before it analysed its packet. A stream ended by Idle, Cap or Closed may come back (resumed()).
  const std::vector<EndedStream>& ended() const { return ended_; }
  // Ends every live stream (ended() lists them, by stream index).
  void finish();
  const TrackerCounters& counters() const { return counters_; }
  // Is a stream live on this 4-tuple?
  static constexpr std::uint32_t kNoSlot = 0xffffffffu;
  // The pool slot of the last packet's stream (kNoSlot: not tracked). Slots are small
  // numbers, reused once their stream ends: tables that follow the tracker's streams keep a
  // hint per slot, checked against their own key before use.
  std::uint32_t last_slot() const { return last_slot_; }
  bool is_live(const FlowKey& key) const { return index_find(key, key.hash()) != kNoSlot; }
  // The slot of the live stream on `key`, or kNoSlot.
  std::uint32_t live_slot(const FlowKey& key) const { return index_find(key, key.hash()); }

  std::size_t stream_count() const { return summaries_.size(); }
  StreamSummary summary(std::uint32_t stream) const {
    const PackedSummary& p = summaries_[stream];
    return (p.rest & kLive) ? pool_[p.base_seq[0]].summary : unpack(stream);
  }
  // Streams whose analysis state is kept: one per 4-tuple (a reused 4-tuple recycles it).
  std::size_t live_stream_count() const { return pool_.size() - free_.size(); }
  std::uint64_t evictions() const { return counters_.evictions(); }

  // Relative numbers use a.rel_base; the window scale comes from `s` (the final summary, for
  // tshark's two-pass output).
  static TcpNumbers numbers(const TcpSegment& seg, const TcpPacketAnalysis& a, const StreamSummary& s);

 private:
  struct Unacked {
    std::uint64_t frame;
    std::uint32_t seq;
    std::uint32_t nextseq;
    NsTime ts;
  };
  struct Flow {  // (largest fields first: 104 bytes)
    std::uint64_t nextseqframe = 0;
    std::int64_t nextseqtime = 0;
    std::int64_t lastacktime = 0;
    std::uint64_t lastnondupack = 0;
    std::vector<Unacked> segments;  // oldest first
    std::uint32_t window = 0xffffffffu;  // last raw window field; Wireshark starts at G_MAXUINT32
    std::uint32_t nextseq = 0;
    std::uint32_t maxseqtobeacked = 0;
    std::uint32_t lastack = 0;
    // Watch out: unsigned as in Wireshark, where "-1" (set after an ACKed unseen segment)
    // compares as >= 2 in the fast-retransmission test.
    std::uint32_t dupacknum = 0;
    AnomalySet lastsegmentflags;
    std::uint32_t sack_left[3] = {0, 0, 0};
    std::uint32_t sack_right[3] = {0, 0, 0};
    std::uint8_t num_sack_ranges = 0;
    bool is_first_ack = false;
    bool valid_bif = true;
  };

  struct GroundTruth {
    SendHistory sent[2];  // indexed by Direction
  };
  // Analysis state of the latest stream of one 4-tuple: what every packet needs, even without
  // the sequence analysis (a first pass). The sequence analysis's state is apart, in flows_,
  // so that a first pass walks a pool a third the size (the tracking waits on cache misses).
  struct Stream {
    FlowKey key;
    bool in_use = false;
    std::uint32_t id = 0;
    std::int64_t last_seen_ns = 0;
    std::int64_t first_seen_ns = 0;
    // Close detection (for freeing), not tshark analysis; indexed by Direction.
    std::uint32_t fin_next[2] = {0, 0};
    bool fin_seen[2] = {false, false};
    bool fin_acked[2] = {false, false};
    bool reset = false;  // a RST was seen
    bool has_mru_syn = false;
    bool acc_ecn_syn = false;
    bool acc_ecn_synack = false;
    NsTime ts_mru_syn;
    std::uint8_t shown_completeness = 0;  // replay mode only
    bool shown_base_set[2] = {false, false};
    std::uint32_t shown_base[2] = {0, 0};  // replay mode: tshark's second-pass bases
    // The stream's summary while it is live (summaries_ holds it once the state is freed).
    StreamSummary summary;
  };
  // The sequence analysis's state of the stream in the same slot of pool_.
  struct SequenceState {
    std::unique_ptr<GroundTruth> truth;  // ground-truth mode, from the first payload on
    Flow flow[2];
  };

  // Starts a stream for `key`: in `slot` (recycled: its stream can no longer be reached) or,
  // with kNoSlot, in a new slot. Returns the slot.
  std::uint32_t open_stream(const FlowKey& key, std::uint32_t slot);
  // A free (or new) slot of the pool, entered in the index under `key_hash`.
  std::uint32_t take_slot(std::uint64_t key_hash);
  // Makes `slot` the live state of stream `id` on `key` (with its second-pass values).
  void attach(std::uint32_t slot, const FlowKey& key, std::uint32_t id);
  void analyze_sequence(Stream& s, SequenceState& q, Direction dir, std::uint32_t seq, std::uint32_t ack,
                        std::uint32_t seglen, std::uint16_t flags, std::uint32_t window,
                        std::uint64_t frame, NsTime ts, const SendHistory::Sender& sender);
  static void apply_ground_truth(SegmentOrigin origin, AnomalySet& fl);
  // Both FINs acknowledged, or a RST: what the close linger waits on.
  static bool is_closed(const Stream& s) { return s.reset || (s.fin_acked[0] && s.fin_acked[1]); }
  void touch_record() { out_.has_acked_record = true; }
  void analyze_packet(const DecodedPacket& pkt, std::uint64_t frame, NsTime ts);

  // Freed 4-tuples: hash of the key -> stream, in two generations of open addressing.
  struct Remembered {  // 12 bytes
    std::uint32_t hash_hi = 0, hash_lo = 0;  // both 0: empty
    std::uint32_t id = 0;
  };
  struct RememberedTable {
    std::vector<Remembered> slots;
    std::size_t size = 0;
    const Remembered* find(std::uint64_t h) const;
    void put(const Remembered& r);
  };
  void remember(const Stream& s);
  const Remembered* recall(std::uint64_t h) const;
  void free_slot(std::uint32_t slot, StreamEnd why);
  void sweep(std::int64_t now_ns);
  void prefetch_for_free(std::uint32_t slot) const;
  std::vector<std::uint32_t> swept_;  // slot << 1 | idle, reused by every sweep
  void tick(std::int64_t now_ns);  // sweeps once per second of capture time

  RememberedTable remembered_[2];  // [0] current generation, [1] previous
  std::vector<EndedStream> ended_;
  TrackerCounters counters_;
  std::int64_t next_sweep_ns_ = 0;
  bool swept_once_ = false;

  // 4-tuple -> slot in pool_ (the key itself is the one in pool_), 0.5 MB per 32768 live
  // streams at most.
  std::uint32_t index_find(const FlowKey& key, std::uint64_t h) const {
    return index_.find(h, [&](std::uint32_t slot) { return pool_[slot].key == key; });
  }
  void index_put(std::uint64_t h, std::uint32_t slot) { index_.insert(h, slot); }  // not present
  void index_erase(const FlowKey& key, std::uint64_t h) {
    index_.erase(h, [&](std::uint32_t slot) { return pool_[slot].key == key; });
  }
  TaggedIndex index_{8192};
  static_assert(TaggedIndex::kNone == kNoSlot);
  ChunkedVector<Stream, 10> pool_;      // live analysis state
  ChunkedVector<SequenceState, 10> flows_;  // by slot of pool_; empty in summaries-only mode
  std::vector<std::uint32_t> free_;     // evicted slots, reused first
  // Every stream's summary, by index, packed in 16 bytes (StreamSummary takes 32). A live
  // stream's is in its Stream (kLive: its slot is in base_seq[0]); it is packed back when the
  // state is freed. `rest` holds, from bit 0: the k* bits (5), completeness (6), each
  // direction's window scale + 2 (5 each) and the initial RTT in nanoseconds (43 bits); an
  // RTT that does not fit (over 2.4 hours, or damaged times) is kept in big_rtt_ (kBigRtt).
  static constexpr std::uint64_t kBaseSet0 = 1, kBaseSet1 = 2, kTfoSynData = 4, kBigRtt = 8, kLive = 16;
  static constexpr std::uint64_t kUnknownScales = (1u << 11) | (1u << 16);  // both -1
  struct PackedSummary {
    std::uint32_t base_seq[2] = {0, 0};
    std::uint64_t rest = kUnknownScales;
  };
  StreamSummary unpack(std::uint32_t id) const;
  void pack(std::uint32_t id, const StreamSummary& s);
  ChunkedVector<PackedSummary, 12> summaries_;  // 64 KB chunks
  std::unordered_map<std::uint32_t, NsTime> big_rtt_;
  TcpPacketAnalysis out_;
  const StreamTracker* first_pass_ = nullptr;
  bool summaries_only_ = false;
  bool ground_truth_ = false;
  std::uint32_t last_slot_ = kNoSlot;
  Limits limits_;
  void evict(std::int64_t now_ns);
  // Frees the state in `slot` (kept in the pool for reuse), its summary packed first.
  void reset(std::uint32_t slot);
};

}  // namespace tcplens
