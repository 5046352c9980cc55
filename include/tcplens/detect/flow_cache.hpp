// FlowCache: the detectors' short memory of 4-tuples, to tell a new attempt from a
// retransmitted SYN, a handshake that completed from one left half-open, the answer to a
// probe from a probe, and a packet of a connection from one that belongs to none.
//
// Bounded and lossy by design: a fixed table of 16-byte slots in sets of four, keyed by the
// direction-independent hash of the 4-tuple (FlowKey::hash(), the one the shards use) and
// checked by 32 bits of it. A new 4-tuple takes an empty way, else a pending handshake older
// than kPendingTtl ticks, else the least recently seen way. A flood therefore cycles through
// the cache without growing it; what it evicts is at worst seen again as a packet of no known
// connection, which makes the flood's evidence stronger, never weaker. Packets of live
// connections touch the few slots of those connections, so the cache stays hot.
//
// Time is kept in ticks of 1/16 s (16 bits: 68 minutes before they wrap), enough to credit
// an attempt's outcome to the bucket of the second it was made in.
#pragma once

#include <cstdint>
#include <vector>

namespace tcplens::detect {

struct FlowSlot {
  std::uint32_t tag = 0;         // 0: empty
  std::uint32_t client_seq = 0;  // SYN: the client's ISN; orphan: the sender's next sequence number
  std::uint32_t server_isn = 0;  // the SYN-ACK's sequence number
  std::uint16_t tick = 0;        // pending attempt / orphan: when it began; else last packet
  std::uint8_t state = 0;        // kLowIsClient | ...
  std::uint8_t counts = 0;       // low nibble: SYN retries or orphan packets; high: SYN-ACK retries

  // The client is the side that sent the first SYN, or the first packet of an orphan. "Low":
  // the FlowKey's first endpoint (Direction::AToB means the packet comes from it).
  static constexpr std::uint8_t kLowIsClient = 1;
  static constexpr std::uint8_t kSyn = 2;         // client_seq holds the client's ISN
  static constexpr std::uint8_t kSynAck = 4;      // server_isn holds the server's ISN
  static constexpr std::uint8_t kResolved = 8;    // the attempt completed, was refused or reset
  static constexpr std::uint8_t kCompleted = 16;  // the handshake completed
  static constexpr std::uint8_t kOrphan = 32;     // first packet seen was neither SYN nor SYN-ACK
  static constexpr std::uint8_t kAlive = 64;      // an orphan proved to be a connection
  static constexpr std::uint8_t kOrphanSynAck = 128;  // first packet seen was a SYN-ACK

  bool pending() const { return (state & (kSyn | kResolved)) == kSyn; }
  unsigned syn_retries() const { return counts & 15u; }
  unsigned synack_retries() const { return counts >> 4; }
  void bump_low() {
    if ((counts & 15u) != 15u) ++counts;
  }
  void bump_high() {
    if ((counts >> 4) != 15u) counts = static_cast<std::uint8_t>(counts + 16);
  }
};
static_assert(sizeof(FlowSlot) == 16);

class FlowCache {
 public:
  static constexpr unsigned kWays = 4;
  // A pending handshake or an orphan this many ticks old (4 s) is taken before older live ways.
  static constexpr std::uint16_t kPendingTtl = 64;

  explicit FlowCache(unsigned log2_sets = 16);

  // The slot of the 4-tuple with this hash, or a slot taken for it (state 0, `created`).
  FlowSlot& find_or_insert(std::uint64_t hash, std::uint16_t now, bool& created) {
    FlowSlot* set = &slots_[(hash & mask_) * kWays];
    const std::uint32_t tag = tag_of(hash);
    for (unsigned w = 0; w < kWays; ++w)
      if (set[w].tag == tag) {
        created = false;
        return set[w];
      }
    created = true;
    FlowSlot& s = set[victim(set, now)];
    s = FlowSlot{};
    s.tag = tag;
    s.tick = now;
    return s;
  }
  FlowSlot* find(std::uint64_t hash) {
    FlowSlot* set = &slots_[(hash & mask_) * kWays];
    const std::uint32_t tag = tag_of(hash);
    for (unsigned w = 0; w < kWays; ++w)
      if (set[w].tag == tag) return &set[w];
    return nullptr;
  }
  // Adds the other cache's 4-tuples (a 4-tuple belongs to one shard: no slot is in both).
  void merge_from(const FlowCache& other);
  std::size_t size_bytes() const { return slots_.size() * sizeof(FlowSlot); }
  std::uint64_t evictions() const { return evictions_; }

 private:
  static std::uint32_t tag_of(std::uint64_t hash) {
    const auto t = static_cast<std::uint32_t>(hash >> 32);
    return t == 0 ? 1 : t;
  }
  unsigned victim(const FlowSlot* set, std::uint16_t now);

  std::vector<FlowSlot> slots_;
  std::uint64_t mask_;
  std::uint64_t evictions_ = 0;
};

}  // namespace tcplens::detect
