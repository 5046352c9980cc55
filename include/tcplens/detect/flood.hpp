// FloodDetector: SYN floods per target IP:port, ACK and RST floods (packets of no connection)
// per IP:port, and SYN-ACK reflection per address, from the events the Detector derives from
// each packet with its FlowCache.
//
// Each target's events (new SYN attempts; packets of no connection; SYN-ACKs nobody asked
// for) go into buckets of an eighth of the window; an event's outcome (a handshake completed,
// a SYN refused, a 4-tuple that proved to be a connection) is credited back to the bucket of
// the event, so a window's "unresolved" count is exact whatever the round trip. A window is
// judged once its newest bucket is two buckets old (outcomes have had a quarter of the window
// to arrive), and every window still in the ring at the end of the input. A target is
// flooded when a window's unresolved events reach rate x window and their share of the
// window's events reaches the ratio (DetectOptions).
//
// Memory: four BoundedTables of fixed size (about 0.6 KB an entry); sources are counted by a
// HyperLogLog and the heaviest four by space-saving, never one by one.
#pragma once

#include <array>
#include <cstdint>

#include "tcplens/detect/finding.hpp"
#include "tcplens/detect/options.hpp"
#include "tcplens/detect/packet_facts.hpp"
#include "tcplens/detect/sketch.hpp"
#include "tcplens/detect/table.hpp"

namespace tcplens::detect {

// Events and outcomes in kBuckets buckets of capture time, by absolute bucket number
// (time / bucket width), so that two rings of one target merge bucket by bucket.
class BucketRing {
 public:
  static constexpr unsigned kBuckets = 16;
  // Counts a packet (an event too, when `event`) at `bucket`; true when the ring moved on to
  // a new bucket. A packet older than the ring is not counted.
  bool note(std::int64_t bucket, std::uint64_t frame, std::int64_t ns, bool event);
  // Credits n outcomes to `bucket`, if it is still in the ring.
  void resolve(std::int64_t bucket, std::uint32_t n);
  // Sums of the `len` buckets ending at `end`.
  void sum(std::int64_t end, unsigned len, std::uint64_t& events, std::uint64_t& resolved) const;
  // The first bucket of [from, to] with an event (INT64_MIN if none), its first packet, and
  // the packets of the buckets from it to the head.
  std::int64_t first_event(std::int64_t from, std::int64_t to) const;
  std::uint64_t first_frame(std::int64_t bucket) const { return first_frame_[slot(bucket)]; }
  std::int64_t first_ns(std::int64_t bucket) const { return first_ns_[slot(bucket)]; }
  std::uint64_t packets_since(std::int64_t bucket) const;
  std::int64_t head() const { return head_; }
  bool empty() const { return head_ == kEmpty; }
  void merge_from(const BucketRing& other);

 private:
  static constexpr std::int64_t kEmpty = INT64_MIN;
  static std::size_t slot(std::int64_t b) {  // b may be negative (windows before the first packet)
    const std::int64_t k = kBuckets;
    return static_cast<std::size_t>(((b % k) + k) % k);
  }
  bool in_ring(std::int64_t b) const {
    return head_ != kEmpty && b <= head_ && b > head_ - static_cast<std::int64_t>(kBuckets);
  }
  void advance(std::int64_t bucket);
  std::int64_t head_ = kEmpty;
  std::array<std::uint32_t, kBuckets> events_{};
  std::array<std::uint32_t, kBuckets> resolved_{};
  std::array<std::uint32_t, kBuckets> packets_{};
  std::array<std::uint64_t, kBuckets> first_frame_{};
  std::array<std::int64_t, kBuckets> first_ns_{};
};

enum class FloodKind : std::uint8_t { Syn, Ack, Rst, Reflection };

struct FloodTarget {
  using Key = TargetKey;
  Key key;
  bool used = false;
  FloodKind kind = FloodKind::Syn;
  std::int32_t finding = -1;

  Span span;
  std::uint64_t packets = 0;   // packets counted toward this target
  std::uint64_t events = 0;    // SYN attempts / packets of no connection / unasked SYN-ACKs
  std::uint64_t resolved = 0;  // of them: completed, refused, reset, proved a connection
  std::uint64_t tuples = 0;    // ACK / RST floods and reflection: distinct 4-tuples
  BucketRing ring;
  std::uint64_t peak_unresolved = 0, peak_events = 0;
  std::int64_t peak_end_bucket = 0;
  // When the flood began: the first packet of the first window that crossed the threshold,
  // and the packets from then on (counted at the crossing, then as they come).
  std::uint64_t onset_frame = 0;
  std::int64_t onset_ns = 0;
  std::uint64_t packets_at_onset = 0, packets_at_raise = 0;

  // SYN floods.
  std::uint64_t syn_retries = 0, synacks = 0, synack_retries = 0;
  std::uint64_t completed = 0, refused = 0, client_resets = 0, delayed = 0;
  // SYN-ACKs with timestamps, and of them those whose TSval's low 6 bits are the first
  // one's: Linux's SYN cookies keep the SYN's options there (cookie_init_timestamp()).
  std::uint64_t synack_ts = 0, synack_ts_same_low = 0;
  std::uint8_t synack_ts_low = 0;
  std::array<IpAddress, 4> victims{};
  std::uint8_t victim_count = 0;
  // ACK / RST floods: the target's RSTs answering them; reflection: the target's RSTs.
  std::uint64_t rst_replies = 0;
  // Reflection: the SYN-ACKs that were retransmissions (amplification), and the RSTs of no
  // connection the target received besides (reflectors resetting what it never asked for).
  std::uint64_t retransmitted = 0;
  std::uint64_t rsts_in = 0;

  // What the senders look like (spoofing evidence).
  DistinctCounter<9, 16> sources;
  HyperLogLog<6> ports;  // source ports (reflection: the target's ports)
  TopK<4> top_sources;
  ByteSet ttls;
  std::uint8_t ttl_min = 255, ttl_max = 0;
  std::uint64_t bogus_sources = 0;
  std::array<std::uint64_t, 4> option_shapes{};  // by OptionShape
  std::uint16_t first_window = 0;
  std::uint64_t same_window = 0;

  void reset(const Key& k) { *this = FloodTarget(); key = k; used = true; }
  std::uint64_t score(std::int64_t now_ns) const {
    return recent_score(span, now_ns, 60'000'000'000, events, finding >= 0);
  }
  void merge_from(const FloodTarget& o);
};

class FloodDetector {
 public:
  FloodDetector(const DetectOptions& options, FindingList& findings);

  // SYN floods. `p` is the packet; an outcome names the attempt's time.
  void on_attempt(const PacketFacts& p);
  void on_syn_retry(const PacketFacts& p);
  void on_synack(const PacketFacts& p, bool retransmission);
  void on_completed(const PacketFacts& p, std::int64_t attempt_ns, unsigned syn_retries);
  // The server (or an ICMP error about the SYN `p`, client to server) refused the attempt.
  void on_refused(const TargetKey& server, std::int64_t attempt_ns);
  void on_client_reset(const PacketFacts& p, std::int64_t attempt_ns);
  // Packets of no connection (the first of a 4-tuple, or more on one not yet proved).
  void on_orphan(const PacketFacts& p, ProbeClass cls);
  void on_orphan_rst(const PacketFacts& p);
  // The target's RST answering a packet of no connection.
  void on_orphan_reply(const PacketFacts& p);
  // A 4-tuple of `n` orphan packets to `target` proved to be a connection.
  void on_orphan_alive(const TargetKey& target, bool rst, std::int64_t orphan_ns, unsigned n);
  // SYN-ACKs without a SYN, to p.dst; the reflection target's RSTs answering them.
  void on_orphan_synack(const PacketFacts& p, bool retransmission);
  void on_reflection_rst(const PacketFacts& p);
  // The client answered an unasked SYN-ACK (p: its ACK): a connection after all.
  void on_reflection_answered(const PacketFacts& p);

  void finish();
  void merge_from(const FloodDetector& other);
  std::int64_t bucket_ns() const { return bucket_ns_; }

  static constexpr unsigned kWindowBuckets = 8;  // the window, in buckets
  static constexpr unsigned kGraceBuckets = 2;   // outcomes awaited before a window is judged

 private:
  using Table = BoundedTable<FloodTarget>;
  FloodTarget& admit(Table& t, FloodKind kind, const TargetKey& key, const PacketFacts& p);
  // Counts the packet in the target's ring and judges the windows that became old enough.
  void note(FloodTarget& e, const PacketFacts& p, bool event);
  void count_sender(FloodTarget& e, const PacketFacts& p);
  void judge(FloodTarget& e, std::int64_t end_bucket);
  void judge_all(FloodTarget& e);
  void report(FloodTarget& e, std::int64_t end_bucket);
  Finding describe(const FloodTarget& e) const;
  double rate_of(FloodKind k) const;
  double ratio_of(FloodKind k) const;
  void keep(FloodTarget& e);  // an evicted entry's finding gets its last evidence
  Table& table_of(FloodKind k);

  const DetectOptions& opt_;
  FindingList& findings_;
  std::int64_t bucket_ns_;
  Table syn_, ack_, rst_, reflection_;
};

}  // namespace tcplens::detect
