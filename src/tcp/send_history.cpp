#include "tcplens/tcp/send_history.hpp"

#include <algorithm>

namespace tcplens {

std::uint64_t SendHistory::covered(std::uint64_t s, std::uint64_t e) const {
  if (ranges_.empty()) {
    const std::uint64_t a = std::max(s, single_.start), b = std::min(e, single_.end);
    return a < b ? b - a : 0;
  }
  std::uint64_t n = 0;
  for (const Range& r : ranges_) {
    if (r.start >= e) break;
    const std::uint64_t a = std::max(s, r.start), b = std::min(e, r.end);
    if (a < b) n += b - a;
  }
  return n;
}

void SendHistory::insert(std::uint64_t s, std::uint64_t e) {
  max_end_ = std::max(max_end_, e);
  if (ranges_.empty()) {
    if (single_.start == single_.end) {  // the first segment
      single_ = {s, e};
      return;
    }
    if (s <= single_.end && e >= single_.start) {  // overlaps or touches: still one range
      single_ = {std::min(s, single_.start), std::max(e, single_.end)};
      return;
    }
    ranges_.push_back(single_);  // a hole: from now on the list
  }
  // The usual case: the next bytes after (or overlapping) the newest range.
  if (!ranges_.empty() && s >= ranges_.back().start && s <= ranges_.back().end) {
    ranges_.back().end = std::max(ranges_.back().end, e);
    return;
  }
  // First range that ends at or after s: it and the ones after that start at or before e
  // merge with [s, e).
  auto first = std::lower_bound(ranges_.begin(), ranges_.end(), s,
                                [](const Range& r, std::uint64_t v) { return r.end < v; });
  auto last = first;
  Range merged{s, e};
  while (last != ranges_.end() && last->start <= e) {
    merged.start = std::min(merged.start, last->start);
    merged.end = std::max(merged.end, last->end);
    ++last;
  }
  if (first == last) {
    ranges_.insert(first, merged);
  } else {
    *first = merged;
    ranges_.erase(first + 1, last);
  }
  // Forget the detail of old holes rather than grow: merge the two lowest ranges.
  if (ranges_.size() > kMaxRanges) {
    ranges_[1].start = ranges_[0].start;
    ranges_.erase(ranges_.begin());
  }
}

bool SendHistory::sent_later(const Sender& sender) const {
  if (sender.has_ip_id && ip_id_seen_) return static_cast<std::int16_t>(sender.ip_id - max_ip_id_) > 0;
  if (sender.has_tsval && ts_seen_) return static_cast<std::int32_t>(sender.tsval - max_tsval_) > 0;
  return true;
}

void SendHistory::note_sender(const Sender& sender) {
  if (sender.has_ip_id && (!ip_id_seen_ || static_cast<std::int16_t>(sender.ip_id - max_ip_id_) > 0)) {
    max_ip_id_ = sender.ip_id;
    ip_id_seen_ = true;
  }
  if (sender.has_tsval && (!ts_seen_ || static_cast<std::int32_t>(sender.tsval - max_tsval_) > 0)) {
    max_tsval_ = sender.tsval;
    ts_seen_ = true;
  }
}

SegmentOrigin SendHistory::add(std::uint32_t seq, std::uint32_t len, const Sender& sender,
                               std::uint64_t& seen) {
  const std::uint64_t s = unwrap_(seq), e = s + len;
  seen = covered(s, e);
  const bool later = sent_later(sender);
  SegmentOrigin origin = SegmentOrigin::New;
  if (seen == len && len > 0) {
    origin = later ? SegmentOrigin::Retransmission : SegmentOrigin::NetworkDuplicate;
  } else if (seen > 0) {
    origin = SegmentOrigin::Retransmission;  // repacketized: old and new bytes together
  } else if (e <= max_end_) {
    // Fills a hole: resent if sent after what lies beyond it, else a reordered original.
    origin = later ? SegmentOrigin::Retransmission : SegmentOrigin::LateOriginal;
  }
  insert(s, e);
  note_sender(sender);
  return origin;
}

}  // namespace tcplens
