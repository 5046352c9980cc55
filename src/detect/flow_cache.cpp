#include "tcplens/detect/flow_cache.hpp"

namespace tcplens::detect {

FlowCache::FlowCache(unsigned log2_sets)
    : slots_((std::size_t{1} << log2_sets) * kWays), mask_((std::uint64_t{1} << log2_sets) - 1) {}

unsigned FlowCache::victim(const FlowSlot* set, std::uint16_t now) {
  unsigned oldest = 0;
  std::uint16_t oldest_age = 0;
  for (unsigned w = 0; w < kWays; ++w) {
    const FlowSlot& s = set[w];
    if (s.tag == 0) return w;
    const auto age = static_cast<std::uint16_t>(now - s.tick);
    // A handshake that is still pending, or an orphan, after kPendingTtl ticks is most
    // likely a forged one: it goes first.
    const bool stale = age >= kPendingTtl && (s.pending() || ((s.state & FlowSlot::kOrphan) && !(s.state & FlowSlot::kAlive)));
    if (stale) {
      ++evictions_;
      return w;
    }
    if (age >= oldest_age) {
      oldest_age = age;
      oldest = w;
    }
  }
  ++evictions_;
  return oldest;
}

void FlowCache::merge_from(const FlowCache& other) {
  if (other.slots_.size() != slots_.size()) return;  // different shapes: nothing to share
  for (std::size_t set = 0; set < slots_.size() / kWays; ++set)
    for (unsigned w = 0; w < kWays; ++w) {
      const FlowSlot& o = other.slots_[set * kWays + w];
      if (o.tag == 0) continue;
      FlowSlot* mine = &slots_[set * kWays];
      bool present = false;
      for (unsigned v = 0; v < kWays; ++v) present = present || mine[v].tag == o.tag;
      if (present) continue;
      mine[victim(mine, o.tick)] = o;
    }
}

}  // namespace tcplens::detect
