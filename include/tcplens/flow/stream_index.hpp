// StreamIndex: stream number -> position in its owner's pool, for the tables that hold one
// entry per live stream and look one up at every packet.
//
// Open addressing with linear probing over 8-byte entries, and deletion by shifting the
// entries after it back (no tombstones, so a long run never lengthens the probes). Grows
// by doubling at half full; never shrinks (its size follows the peak of live streams).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tcplens/flow/linear_probing.hpp"

namespace tcplens {

class StreamIndex {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;

  // The position stored for `stream`, or kNone.
  std::uint32_t find(std::uint32_t stream) const {
    if (size_ == 0) return kNone;
    for (std::size_t i = bucket(stream);; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.stream == stream) return e.position;
      if (e.stream == kNone) return kNone;
    }
  }
  // Stores `position` for `stream`, which must not be present (streams are never kNone).
  void insert(std::uint32_t stream, std::uint32_t position) {
    if ((size_ + 1) * 2 > entries_.size()) grow();
    std::size_t i = bucket(stream);
    while (entries_[i].stream != kNone) i = (i + 1) & mask_;
    entries_[i] = {stream, position};
    ++size_;
  }
  bool erase(std::uint32_t stream) {
    if (size_ == 0) return false;
    std::size_t i = bucket(stream);
    for (;; i = (i + 1) & mask_) {
      if (entries_[i].stream == stream) break;
      if (entries_[i].stream == kNone) return false;
    }
    i = close_gap(entries_, i, mask_, [](const Entry& e) { return e.stream == kNone; },
                  [this](const Entry& e) { return bucket(e.stream); });
    entries_[i].stream = kNone;
    --size_;
    return true;
  }
  std::size_t size() const { return size_; }
  // Calls f(stream, position) for every entry, in no particular order.
  template <class F>
  void for_each(F&& f) const {
    for (const Entry& e : entries_)
      if (e.stream != kNone) f(e.stream, e.position);
  }

 private:
  struct Entry {
    std::uint32_t stream = kNone;
    std::uint32_t position = 0;
  };
  std::size_t bucket(std::uint32_t stream) const {
    // Stream numbers are consecutive: a multiplicative hash spreads neighbours apart.
    return static_cast<std::size_t>((std::uint64_t{stream} * 0x9e3779b97f4a7c15ull) >> 32) & mask_;
  }
  void grow() {
    std::vector<Entry> old(entries_.empty() ? 1024 : entries_.size() * 2);
    old.swap(entries_);
    mask_ = entries_.size() - 1;
    size_ = 0;
    for (const Entry& e : old)
      if (e.stream != kNone) insert(e.stream, e.position);
  }

  std::vector<Entry> entries_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace tcplens
