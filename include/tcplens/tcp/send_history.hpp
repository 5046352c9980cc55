// SendHistory: what one direction of a connection has carried, to tell from the capture alone
// whether a segment is new data, a retransmission by the sender, a copy the network delivered
// twice, or an original that arrives late (reordered).
//
// tshark decides "retransmission" or "out of order" from timing (a segment below the highest
// sequence number is out of order when it comes within the initial RTT, 3 ms without one, of
// the highest). The sender says more: Linux numbers each socket's IPv4 packets (IP ID) and
// stamps each segment with a TCP timestamp (TSval), so a segment sent later than everything
// seen so far is a retransmission, and one sent earlier is a late original (or, with all its
// bytes already seen, the network's duplicate). Without an IP ID or timestamp, a segment is
// taken as sent later. Memory is bounded: at most kMaxRanges disjoint byte ranges are kept
// (the oldest holes are merged away); a direction without holes keeps its one range inline
// and allocates nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "tcplens/tcp/seq_num.hpp"

namespace tcplens {

enum class SegmentOrigin : std::uint8_t {
  New,               // bytes never seen, beyond or around the highest seen
  Retransmission,    // sent again by the sender (all, part or none of its bytes seen here)
  NetworkDuplicate,  // all bytes seen, and not sent later: the network's second copy
  LateOriginal,      // fills a hole, sent before what lies beyond it: reordered, not resent
};

class SendHistory {
 public:
  static constexpr std::size_t kMaxRanges = 64;

  struct Sender {
    bool has_ip_id = false;  // IPv4 with a non-zero identification
    std::uint16_t ip_id = 0;
    bool has_tsval = false;
    std::uint32_t tsval = 0;
  };

  // Classifies a segment of `len` > 0 payload bytes at raw sequence number `seq`, then
  // records it. `seen` is set to the number of its bytes carried before.
  SegmentOrigin add(std::uint32_t seq, std::uint32_t len, const Sender& sender, std::uint64_t& seen);

  // Its fields for a CompactWriter or CompactReader (tcplens/flow/compact_bytes.hpp).
  template <class Io>
  void transfer(Io& io) {
    io(unwrap_.started);
    io(unwrap_.last);
    // The byte offsets lie near the newest sequence number: written as the difference.
    auto near_last = [&](std::uint64_t& v) {
      auto d = static_cast<std::int64_t>(v - unwrap_.last);
      io(d);
      if constexpr (Io::kReading) v = unwrap_.last + static_cast<std::uint64_t>(d);
    };
    near_last(single_.start);
    near_last(single_.end);
    std::size_t n = ranges_.size();
    io(n);
    if constexpr (Io::kReading) ranges_.assign(n <= kMaxRanges + 1 ? n : kMaxRanges + 1, Range{0, 0});
    for (Range& r : ranges_) {
      near_last(r.start);
      near_last(r.end);
    }
    near_last(max_end_);
    io(ip_id_seen_);
    io(ts_seen_);
    io(max_ip_id_);
    io(max_tsval_);
  }

 private:
  struct Range {
    std::uint64_t start, end;
  };
  std::uint64_t covered(std::uint64_t s, std::uint64_t e) const;
  void insert(std::uint64_t s, std::uint64_t e);
  bool sent_later(const Sender& sender) const;
  void note_sender(const Sender& sender);

  SeqUnwrapper unwrap_;
  Range single_{0, 0};         // the only range while ranges_ is empty (empty range: none yet)
  std::vector<Range> ranges_;  // sorted, disjoint; used once there is a hole
  std::uint64_t max_end_ = 0;
  bool ip_id_seen_ = false;
  bool ts_seen_ = false;
  std::uint16_t max_ip_id_ = 0;
  std::uint32_t max_tsval_ = 0;
};

}  // namespace tcplens
