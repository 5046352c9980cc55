#include "ip_reassembler.hpp"

#include <algorithm>
#include <cstring>

namespace tcplens {

bool IpReassembler::complete(const Datagram& d) const {
  if (!d.have_last) return false;
  // Ranges are kept sorted and merged: complete when one range covers [0, total).
  return d.range_count == 1 && d.ranges[0].begin == 0 && d.ranges[0].end >= d.total;
}

bool IpReassembler::add(const IpHeader& ip, ByteView fragment, std::uint32_t fragment_len, ByteView& out) {
  ++clock_;
  const std::uint32_t begin = ip.fragment_offset;
  if (begin >= kMaxPayload) return false;
  const std::uint32_t end = std::min<std::uint32_t>(begin + fragment_len, kMaxPayload);

  Datagram* d = nullptr;
  Datagram* victim = &slots_[0];
  for (Datagram& s : slots_) {
    if (s.used && s.version == ip.version && s.protocol == ip.protocol && s.ident == ip.ident &&
        s.src == ip.src && s.dst == ip.dst) {
      d = &s;
      break;
    }
    if (!s.used || (victim->used && s.touched < victim->touched)) victim = &s;
  }
  if (!d) {
    d = victim;
    d->used = true;
    d->version = ip.version;
    d->protocol = ip.protocol;
    d->ident = ip.ident;
    d->src = ip.src;
    d->dst = ip.dst;
    d->have_last = false;
    d->total = 0;
    d->range_count = 0;
    if (d->data.size() < kMaxPayload) d->data.resize(kMaxPayload);
  }
  d->touched = clock_;
  if (!ip.more_fragments) {
    d->have_last = true;
    d->total = end;
  }
  // Copy what was captured; earlier data wins on overlap only where it is already there,
  // which for identical retransmitted fragments makes no difference.
  std::size_t copy = std::min<std::size_t>(fragment.size(), end - begin);
  if (copy) std::memcpy(d->data.data() + begin, fragment.data(), copy);
  // Insert [begin, end) into the sorted, merged range list.
  if (end > begin) {
    Range r{begin, end};
    std::size_t w = 0;
    std::array<Range, kMaxRanges> merged{};
    bool placed = false;
    for (std::size_t i = 0; i < d->range_count; ++i) {
      Range c = d->ranges[i];
      if (c.end < r.begin) {
        merged[w++] = c;
      } else if (r.end < c.begin) {
        if (!placed) {
          merged[w++] = r;
          placed = true;
        }
        merged[w++] = c;
      } else {
        r.begin = std::min(r.begin, c.begin);
        r.end = std::max(r.end, c.end);
      }
      if (w >= kMaxRanges - 1) break;
    }
    if (!placed && w < kMaxRanges) merged[w++] = r;
    d->ranges = merged;
    d->range_count = w;
  }
  if (!complete(*d)) return false;
  out = ByteView(d->data.data(), d->total);
  d->used = false;  // the bytes stay put until the slot is reused by a later add()
  return true;
}

}  // namespace tcplens
