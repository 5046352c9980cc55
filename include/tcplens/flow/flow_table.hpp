// FlowTable: an open-addressing (linear probing) map from FlowKey to a 32-bit handle, the
// index of the connection in its owner's pool.
//
// Reserved up front; grows by doubling when three quarters full, so inserting never
// allocates until the reserved size is passed. Erase leaves a tombstone, reclaimed when the
// table is rebuilt. Lookups cost one hash and a short probe; the hash only picks the bucket.
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
  enum class State : std::uint8_t { Empty, Full, Deleted };
  struct Slot {
    FlowKey key;
    std::uint32_t handle = 0;
    State state = State::Empty;
  };
  std::size_t probe(const FlowKey& key, bool for_insert) const;
  void rehash(std::size_t new_capacity);

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  std::size_t used_ = 0;  // Full + Deleted
};

}  // namespace tcplens
