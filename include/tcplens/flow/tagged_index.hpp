// TaggedIndex: key -> 32-bit handle for a table whose owner keeps the keys (a pool of
// connections indexed by 4-tuple). Entries are 8 bytes: 32 bits of the key's hash and the
// handle; a probe compares tags and asks the owner about the key only when they match.
//
// Linear probing, at most half full, deletion without tombstones (linear_probing.hpp); the
// home bucket comes from the tag, so growing needs no key. Never shrinks: its size follows
// the peak of live entries, 16 bytes each at most.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tcplens/flow/linear_probing.hpp"

namespace tcplens {

class TaggedIndex {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;

  explicit TaggedIndex(std::size_t initial_capacity = 1024) : initial_(initial_capacity) {}

  // The handle of the key with hash `h` (`is_key(handle)` says whether a handle holds it),
  // or kNone.
  template <class IsKey>
  std::uint32_t find(std::uint64_t h, IsKey is_key) const {
    const std::size_t i = locate(h, is_key);
    return i == kNoEntry ? kNone : entries_[i].handle;
  }
  // Adds a key that is not present.
  void insert(std::uint64_t h, std::uint32_t handle) {
    if (entries_.empty() || (size_ + 1) * 2 > entries_.size())
      grow(entries_.empty() ? initial_ : entries_.size() * 2);
    const std::uint32_t t = tag(h);
    std::size_t i = home(t);
    while (entries_[i].tag != 0) i = (i + 1) & mask_;
    entries_[i] = {t, handle};
    ++size_;
  }
  // The key's entry now names `handle` (its owner moved it); false if absent.
  template <class IsKey>
  bool update(std::uint64_t h, IsKey is_key, std::uint32_t handle) {
    const std::size_t i = locate(h, is_key);
    if (i == kNoEntry) return false;
    entries_[i].handle = handle;
    return true;
  }
  template <class IsKey>
  bool erase(std::uint64_t h, IsKey is_key) {
    std::size_t i = locate(h, is_key);
    if (i == kNoEntry) return false;
    i = close_gap(entries_, i, mask_, [](const Entry& e) { return e.tag == 0; },
                  [this](const Entry& e) { return home(e.tag); });
    entries_[i].tag = 0;
    --size_;
    return true;
  }
  // Starts loading the cache line a lookup of hash `h` begins with.
  void prefetch(std::uint64_t h) const {
    if (!entries_.empty()) __builtin_prefetch(&entries_[home(tag(h))], 1);
  }
  std::size_t size() const { return size_; }
  void clear() {
    std::vector<Entry>().swap(entries_);
    mask_ = size_ = 0;
  }

 private:
  struct Entry {
    std::uint32_t tag = 0;  // 0 empty, else hash bits (odd)
    std::uint32_t handle = 0;
  };
  static constexpr std::size_t kNoEntry = ~std::size_t{0};
  static std::uint32_t tag(std::uint64_t h) { return static_cast<std::uint32_t>(h >> 31) | 1u; }
  std::size_t home(std::uint32_t t) const { return (t >> 1) & mask_; }
  template <class IsKey>
  std::size_t locate(std::uint64_t h, IsKey& is_key) const {
    if (size_ == 0) return kNoEntry;
    const std::uint32_t t = tag(h);
    for (std::size_t i = home(t);; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.tag == 0) return kNoEntry;
      if (e.tag == t && is_key(e.handle)) return i;
    }
  }
  void grow(std::size_t capacity) {
    std::vector<Entry> old(capacity);
    old.swap(entries_);
    mask_ = capacity - 1;
    for (const Entry& e : old) {
      if (e.tag == 0) continue;
      std::size_t i = home(e.tag);
      while (entries_[i].tag != 0) i = (i + 1) & mask_;
      entries_[i] = e;
    }
  }

  std::vector<Entry> entries_;
  std::size_t initial_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace tcplens
