#include "tcplens/flow/flow_table.hpp"

#include <bit>

namespace tcplens {

IpAddress FlowKey::address(const std::array<std::uint8_t, 16>& bytes) const {
  IpAddress ip;
  ip.family = family;
  ip.bytes = bytes;
  return ip;
}

FlowTable::FlowTable(std::size_t expected_flows) {
  std::size_t cap = std::bit_ceil(std::max<std::size_t>(16, expected_flows + expected_flows / 3));
  slots_.resize(cap);
}

std::size_t FlowTable::probe(const FlowKey& key, bool for_insert) const {
  std::size_t mask = slots_.size() - 1;
  std::size_t i = key.hash() & mask;
  std::size_t first_deleted = slots_.size();
  for (;;) {
    const Slot& s = slots_[i];
    if (s.state == State::Empty) {
      if (for_insert && first_deleted != slots_.size()) return first_deleted;
      return i;
    }
    if (s.state == State::Deleted) {
      if (first_deleted == slots_.size()) first_deleted = i;
    } else if (s.key == key) {
      return i;
    }
    i = (i + 1) & mask;
  }
}

std::optional<std::uint32_t> FlowTable::find(const FlowKey& key) const {
  const Slot& s = slots_[probe(key, false)];
  if (s.state == State::Full) return s.handle;
  return std::nullopt;
}

void FlowTable::put(const FlowKey& key, std::uint32_t handle) {
  if ((used_ + 1) * 4 > slots_.size() * 3) rehash(size_ * 2 + 16 > slots_.size() ? slots_.size() * 2 : slots_.size());
  // An existing entry must be overwritten, not shadowed by an earlier tombstone.
  std::size_t found = probe(key, false);
  if (slots_[found].state == State::Full) {
    slots_[found].handle = handle;
    return;
  }
  std::size_t i = probe(key, true);
  if (slots_[i].state == State::Empty) ++used_;
  slots_[i] = Slot{key, handle, State::Full};
  ++size_;
}

bool FlowTable::erase(const FlowKey& key) {
  std::size_t i = probe(key, false);
  if (slots_[i].state != State::Full) return false;
  slots_[i].state = State::Deleted;
  --size_;
  return true;
}

void FlowTable::rehash(std::size_t new_capacity) {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(new_capacity, Slot{});
  size_ = used_ = 0;
  for (const Slot& s : old)
    if (s.state == State::Full) put(s.key, s.handle);
}

}  // namespace tcplens
