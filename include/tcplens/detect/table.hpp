// BoundedTable: the detectors' per-target, per-pair and per-host statistics, in a fixed
// number of entries (sets of four ways, reserved up front), never one entry per source.
//
// A key not held takes the way of its set with the lowest score (Entry::score: recent
// activity), so heavy hitters (a flooded target, a scanner) stay while one-off keys (the
// sources of a spoofed flood) replace each other; an evicted entry is handed to the caller
// first, so that a finding it raised is kept. This is the space-saving idea applied per set.
//
// Entry needs: `Key key`, `bool used`, `Span span`, `std::int32_t finding`, `void reset(const
// Key&)`, `std::uint64_t score(std::int64_t now_ns) const`, `void merge_from(const Entry&)`.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "tcplens/decode/decoded_packet.hpp"
#include "tcplens/detect/sketch.hpp"

namespace tcplens::detect {

// A target of a flood: an address and a port (port 0: the address as a whole).
struct TargetKey {
  IpAddress addr;
  std::uint16_t port = 0;
  friend bool operator==(const TargetKey&, const TargetKey&) = default;
  std::uint64_t hash() const { return hash_address(addr, std::uint64_t{port} + 1); }
};

// A scanner and what it probes: a host (vertical scan, port 0) or a port (horizontal, host
// unset).
struct PairKey {
  IpAddress scanner;
  IpAddress host;
  std::uint16_t port = 0;
  friend bool operator==(const PairKey&, const PairKey&) = default;
  std::uint64_t hash() const {
    return hash_address(scanner, hash_address(host, std::uint64_t{port} + 7));
  }
};

// When an entry's packets were seen: its first and last frame and time.
struct Span {
  std::uint64_t first_frame = 0, last_frame = 0;
  std::int64_t first_ns = 0, last_ns = 0;
  void see(std::uint64_t frame, std::int64_t ns) {
    if (first_frame == 0) first_frame = frame, first_ns = ns;
    last_frame = frame;
    last_ns = ns;
  }
  // Takes in another view of the same entry; true when `o` began first.
  bool merge_from(const Span& o) {
    const bool earlier = o.first_frame != 0 && (first_frame == 0 || o.first_ns < first_ns);
    if (earlier) first_frame = o.first_frame, first_ns = o.first_ns;
    if (o.last_ns >= last_ns) last_frame = o.last_frame, last_ns = o.last_ns;
    return earlier;
  }
  double seconds() const { return static_cast<double>(last_ns - first_ns) / 1e9; }
};

// An entry's score against eviction: `weight` (its activity) while it was seen within
// `keep_ns`, nothing after; an entry that raised a finding outweighs any other.
inline std::uint64_t recent_score(const Span& span, std::int64_t now_ns, std::int64_t keep_ns,
                                  std::uint64_t weight, bool has_finding) {
  if (now_ns - span.last_ns > keep_ns) return 0;
  return weight + (has_finding ? std::uint64_t{1} << 40 : 0);
}

template <typename Entry>
class BoundedTable {
 public:
  using Key = typename Entry::Key;
  static constexpr unsigned kWays = 4;

  explicit BoundedTable(unsigned log2_sets)
      : entries_((std::size_t{1} << log2_sets) * kWays), mask_((std::uint64_t{1} << log2_sets) - 1) {}

  Entry* find(const Key& key) {
    Entry* set = set_of(key.hash());
    for (unsigned w = 0; w < kWays; ++w)
      if (set[w].used && set[w].key == key) return &set[w];
    return nullptr;
  }
  // The entry of `key`, or a way taken for it (reset, `created`); `evict(entry)` is called
  // on a used entry before it is replaced.
  template <typename Evict>
  Entry& admit(const Key& key, std::int64_t now_ns, bool& created, Evict&& evict) {
    Entry* set = set_of(key.hash());
    Entry* victim = nullptr;
    std::uint64_t best = ~std::uint64_t{0};
    for (unsigned w = 0; w < kWays; ++w) {
      Entry& e = set[w];
      if (!e.used) {
        if (victim == nullptr || victim->used) victim = &e, best = 0;
        continue;
      }
      if (e.key == key) {
        created = false;
        return e;
      }
      const std::uint64_t s = e.score(now_ns);
      if (victim == nullptr || (victim->used && s < best)) victim = &e, best = s;
    }
    created = true;
    if (victim->used) {
      evict(*victim);
      ++evictions_;
    }
    victim->reset(key);
    return *victim;
  }
  // Takes in another table's entries (another worker's view): an entry of both is merged
  // (Entry::merge_from), one of `other` alone is copied without its finding (findings are
  // raised again from the merged evidence).
  template <typename Evict>
  void merge_from(const BoundedTable& other, Evict&& evict) {
    other.for_each([&](const Entry& o) {
      bool created = false;
      Entry& e = admit(o.key, o.span.last_ns, created, evict);
      if (created) {
        e = o;
        e.finding = -1;
      } else {
        e.merge_from(o);
      }
    });
  }
  template <typename F>
  void for_each(F&& f) {
    for (Entry& e : entries_)
      if (e.used) f(e);
  }
  template <typename F>
  void for_each(F&& f) const {
    for (const Entry& e : entries_)
      if (e.used) f(e);
  }
  std::uint64_t evictions() const { return evictions_; }
  std::size_t capacity() const { return entries_.size(); }

 private:
  Entry* set_of(std::uint64_t h) { return &entries_[(mix64(h) & mask_) * kWays]; }
  std::vector<Entry> entries_;
  std::uint64_t mask_;
  std::uint64_t evictions_ = 0;
};

}  // namespace tcplens::detect
