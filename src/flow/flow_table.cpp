#include "tcplens/flow/flow_table.hpp"

#include <bit>

#include "tcplens/flow/linear_probing.hpp"

namespace tcplens {

IpAddress FlowKey::address(const std::array<std::uint8_t, 16>& bytes) const {
  IpAddress ip;
  ip.family = family;
  ip.bytes = bytes;
  return ip;
}

FlowTable::FlowTable(std::size_t expected_flows) {
  rehash(std::bit_ceil(std::max<std::size_t>(16, expected_flows * 2)));
}

std::size_t FlowTable::locate(const FlowKey& key, std::uint32_t tag) const {
  for (std::size_t i = home(tag);; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.tag == 0 || (s.tag == tag && s.key == key)) return i;
  }
}

std::optional<std::uint32_t> FlowTable::find(const FlowKey& key) const {
  const Slot& s = slots_[locate(key, tag_of(key))];
  if (s.tag != 0) return s.handle;
  return std::nullopt;
}

void FlowTable::put(const FlowKey& key, std::uint32_t handle) {
  const std::uint32_t tag = tag_of(key);
  std::size_t i = locate(key, tag);
  if (slots_[i].tag != 0) {
    slots_[i].handle = handle;
    return;
  }
  if ((size_ + 1) * 2 > slots_.size()) {
    rehash(slots_.size() * 2);
    i = locate(key, tag);
  }
  slots_[i] = {key, tag, handle};
  ++size_;
}

bool FlowTable::erase(const FlowKey& key) {
  std::size_t i = locate(key, tag_of(key));
  if (slots_[i].tag == 0) return false;
  i = close_gap(slots_, i, mask_, [](const Slot& s) { return s.tag == 0; },
                [this](const Slot& s) { return home(s.tag); });
  slots_[i].tag = 0;
  --size_;
  return true;
}

void FlowTable::rehash(std::size_t new_capacity) {
  std::vector<Slot> old(new_capacity);
  old.swap(slots_);
  mask_ = new_capacity - 1;
  for (const Slot& s : old)
    if (s.tag != 0) slots_[locate(s.key, s.tag)] = s;
}

}  // namespace tcplens
