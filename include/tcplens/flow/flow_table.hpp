// FlowTable: an open-addressing (linear probing) map from FlowKey to a 32-bit handle, the
// index of the connection in its owner's pool.
//
// A slot holds the key, a tag from its hash (compared first) and the handle: a lookup that
// finds its key reads one cache line. Erase moves the rest of the run back (no tombstones:
// a long run of connections coming and going never lengthens the probes). Grows by doubling
// at half full, so inserting never allocates until the reserved size is passed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "tcplens/flow/flow_key.hpp"

namespace tcplens {

class FlowTable {
 public:
  explicit FlowTable(std::size_t expected_flows = 1024);

  std::optional<std::uint32_t> find(const FlowKey& key) const;
  // Inserts or overwrites.
  void put(const FlowKey& key, std::uint32_t handle);
  bool erase(const FlowKey& key);

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }

 private:
  struct Slot {
    FlowKey key;
    std::uint32_t tag = 0;  // 0: empty; else from the key's hash, odd
    std::uint32_t handle = 0;
  };
  // The bucket is a function of the tag, so that erase finds an entry's home without the key.
  static std::uint32_t tag_of(const FlowKey& key) {
    return static_cast<std::uint32_t>(key.hash() >> 31) | 1u;
  }
  std::size_t home(std::uint32_t tag) const { return (tag >> 1) & mask_; }
  std::size_t locate(const FlowKey& key, std::uint32_t tag) const;  // its slot, or an empty one
  void rehash(std::size_t new_capacity);

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace tcplens
