// Deletion in a linear-probing table without tombstones: after an entry at `hole` is
// removed, every later entry of its run that could no longer be reached from its home
// bucket moves back into the gap. Probes then stay as short as the load alone makes them.
#pragma once

#include <cstddef>

namespace tcplens {

// `slots` is indexable with a power-of-two size (`mask` = size - 1); `is_empty(slot)` and
// `home(slot)` describe an entry. Returns the index that is now free: the caller empties it.
template <class Slots, class IsEmpty, class Home>
std::size_t close_gap(Slots& slots, std::size_t hole, std::size_t mask, IsEmpty is_empty, Home home) {
  for (std::size_t j = (hole + 1) & mask; !is_empty(slots[j]); j = (j + 1) & mask) {
    const std::size_t h = home(slots[j]);
    // The entry at j stays when its home lies cyclically in (hole, j].
    const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
    if (stays) continue;
    slots[hole] = slots[j];
    hole = j;
  }
  return hole;
}

}  // namespace tcplens
