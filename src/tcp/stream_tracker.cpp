// tshark-compatible stream assignment and sequence analysis. The rules are those of
// Wireshark 4.0's packet-tcp.c (dissect_tcp, tcp_analyze_sequence_number,
// verify_tcp_window_scaling); the comments name the Wireshark function each part mirrors.
#include "tcplens/tcp/stream_tracker.hpp"

#include <algorithm>

#include "tcplens/wire/ip.hpp"

namespace tcplens {

namespace {

constexpr std::size_t kMaxUnackedSegments = 10000;  // Wireshark's TCP_MAX_UNACKED_SEGMENTS
constexpr std::uint32_t kDupAckNeutral = 0xffffffffu;  // Wireshark's dupacknum = -1
using namespace tcpflag;

bool gt(std::uint32_t a, std::uint32_t b) { return SeqNum(a) > SeqNum(b); }
bool lt(std::uint32_t a, std::uint32_t b) { return SeqNum(a) < SeqNum(b); }
bool le(std::uint32_t a, std::uint32_t b) { return SeqNum(a) <= SeqNum(b); }
int idx(Direction d) { return static_cast<int>(d); }

}  // namespace

StreamTracker::StreamTracker() : StreamTracker(Limits{}) {}

StreamTracker::StreamTracker(const Limits& limits) : limits_(limits) {
  if (limits_.max_live < 8) limits_.max_live = 8;
}

void StreamTracker::reset(std::uint32_t slot) {
  Stream& s = pool_[slot];
  pack(s.id, s.summary);
  s = Stream{};
  if (summaries_only_) return;
  // Keep the segment lists' capacity when small (no allocation when the slot is reused);
  // give back what a bulk transfer grew.
  constexpr std::size_t kKeepCapacity = 64;
  SequenceState& q = flows_[slot];
  std::vector<Unacked> keep[2];
  for (int i = 0; i < 2; ++i)
    if (q.flow[i].segments.capacity() <= kKeepCapacity) keep[i].swap(q.flow[i].segments);
  q = SequenceState{};
  for (int i = 0; i < 2; ++i) {
    keep[i].clear();
    q.flow[i].segments.swap(keep[i]);
  }
}

namespace {
std::uint64_t remembered_hash(const FlowKey& key) {
  std::uint64_t h = key.hash();
  // Mix again: the table's bucket comes from the low bits, the check from all of them.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h == 0 ? 1 : h;
}
}  // namespace

const StreamTracker::Remembered* StreamTracker::RememberedTable::find(std::uint64_t h) const {
  if (slots.empty()) return nullptr;
  const auto hi = static_cast<std::uint32_t>(h >> 32), lo = static_cast<std::uint32_t>(h);
  const std::size_t mask = slots.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const Remembered& r = slots[i];
    if (r.hash_hi == hi && r.hash_lo == lo) return &r;
    if (r.hash_hi == 0 && r.hash_lo == 0) return nullptr;
  }
}

void StreamTracker::RememberedTable::put(const Remembered& r) {
  if ((size + 1) * 4 > slots.size() * 3) {  // at most three quarters full
    std::vector<Remembered> old;
    old.swap(slots);
    slots.assign(std::max<std::size_t>(1024, old.size() * 2), Remembered{});
    size = 0;
    for (const Remembered& o : old)
      if (o.hash_hi || o.hash_lo) put(o);
  }
  const std::uint64_t h = (std::uint64_t{r.hash_hi} << 32) | r.hash_lo;
  const std::size_t mask = slots.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    Remembered& e = slots[i];
    if (e.hash_hi == r.hash_hi && e.hash_lo == r.hash_lo) {
      e = r;
      return;
    }
    if (e.hash_hi == 0 && e.hash_lo == 0) {
      e = r;
      ++size;
      return;
    }
  }
}

void StreamTracker::remember(const Stream& s) {
  const std::size_t per_generation = std::max<std::size_t>(1, limits_.max_remembered / 2);
  if (remembered_[0].size >= per_generation) {
    counters_.remembered_dropped += remembered_[1].size;
    remembered_[1] = RememberedTable{};
    std::swap(remembered_[0], remembered_[1]);
  }
  const std::uint64_t h = remembered_hash(s.key);
  Remembered r;
  r.hash_hi = static_cast<std::uint32_t>(h >> 32);
  r.hash_lo = static_cast<std::uint32_t>(h);
  r.id = s.id;
  remembered_[0].put(r);
}

const StreamTracker::Remembered* StreamTracker::recall(std::uint64_t h) const {
  if (const Remembered* r = remembered_[0].find(h)) return r;
  return remembered_[1].find(h);
}

void StreamTracker::free_slot(std::uint32_t slot, StreamEnd why) {
  Stream& s = pool_[slot];
  ended_.push_back({s.id, why, s.key, slot});
  switch (why) {
    case StreamEnd::Closed: ++counters_.closed_freed; break;
    case StreamEnd::Idle: ++counters_.idle_evicted; break;
    case StreamEnd::Cap: ++counters_.cap_evicted; break;
    default: break;
  }
  remember(s);
  index_erase(s.key, s.key.hash());
  reset(slot);
  free_.push_back(slot);
}

void StreamTracker::sweep(std::int64_t now_ns) {
  const std::int64_t idle_before = now_ns - limits_.idle_timeout_sec * 1000000000;
  const std::int64_t closed_before = now_ns - limits_.close_linger_sec * 1000000000;
  // The slots to free first, then the freeing, in the same order: freeing a stream touches
  // lines all over memory (its index entry, its remembered entry, its packed summary, its
  // sequence state), so those of the streams a few places on are fetched meanwhile.
  swept_.clear();
  for (std::uint32_t i = 0; i < pool_.size(); ++i) {
    const Stream& s = pool_[i];
    if (!s.in_use) continue;
    if (is_closed(s) && s.last_seen_ns <= closed_before)
      swept_.push_back(i << 1);
    else if (s.last_seen_ns <= idle_before)
      swept_.push_back(i << 1 | 1);
  }
  constexpr std::size_t kAhead = 8;
  for (std::size_t k = 0; k < swept_.size(); ++k) {
    if (k + kAhead < swept_.size()) prefetch_for_free(swept_[k + kAhead] >> 1);
    free_slot(swept_[k] >> 1, swept_[k] & 1 ? StreamEnd::Idle : StreamEnd::Closed);
  }
}

void StreamTracker::prefetch_for_free(std::uint32_t slot) const {
  const Stream& s = pool_[slot];
  const std::uint64_t h = s.key.hash();
  index_.prefetch(h);
  if (const auto& table = remembered_[0].slots; !table.empty())
    __builtin_prefetch(&table[remembered_hash(s.key) & (table.size() - 1)], 1);
  if (s.id < summaries_.size()) __builtin_prefetch(&summaries_[s.id], 1);
  if (summaries_only_) return;
  const auto* q = reinterpret_cast<const char*>(&flows_[slot]);
  for (std::size_t at = 0; at < sizeof(SequenceState); at += 64) __builtin_prefetch(q + at, 1);
}

void StreamTracker::evict(std::int64_t now_ns) {
  // Closed streams go first (they would be freed after the linger anyway), then those idle
  // for the idle timeout, then the least recently seen, until an eighth of the cap is free.
  const std::int64_t idle_before = now_ns - limits_.idle_timeout_sec * 1000000000;
  constexpr std::int64_t kClosedFirst = std::int64_t{1} << 62;
  std::vector<std::pair<std::int64_t, std::uint32_t>> live;  // (rank, slot)
  live.reserve(pool_.size());
  std::size_t n_early = 0;  // closed or idle: freed whatever the count
  for (std::uint32_t i = 0; i < pool_.size(); ++i) {
    const Stream& s = pool_[i];
    if (!s.in_use) continue;
    const bool closed = is_closed(s);
    n_early += closed || s.last_seen_ns < idle_before;
    live.emplace_back(closed ? s.last_seen_ns - kClosedFirst : s.last_seen_ns, i);
  }
  if (live.empty()) return;
  const std::size_t want = std::max<std::size_t>(1, limits_.max_live / 8);
  const std::size_t n = std::min(live.size(), std::max(want, n_early));
  std::nth_element(live.begin(), live.begin() + static_cast<long>(n - 1), live.end());
  for (std::size_t i = 0; i < n; ++i) {
    const Stream& s = pool_[live[i].second];
    const StreamEnd why = is_closed(s) ? StreamEnd::Closed
                          : s.last_seen_ns < idle_before ? StreamEnd::Idle
                                                         : StreamEnd::Cap;
    free_slot(live[i].second, why);
  }
}

void StreamTracker::finish() {
  ended_.clear();
  for (std::uint32_t i = 0; i < pool_.size(); ++i)
    if (pool_[i].in_use) ended_.push_back({pool_[i].id, StreamEnd::Finish, pool_[i].key, i});
  std::sort(ended_.begin(), ended_.end(),
            [](const EndedStream& a, const EndedStream& b) { return a.stream < b.stream; });
}

void StreamTracker::release_live_state() {
  for (std::uint32_t i = 0; i < pool_.size(); ++i)
    if (pool_[i].in_use) pack(pool_[i].id, pool_[i].summary);
  pool_.release();
  flows_.release();
  std::vector<std::uint32_t>().swap(free_);
  remembered_[0] = RememberedTable{};
  remembered_[1] = RememberedTable{};
  std::vector<EndedStream>().swap(ended_);
  index_.clear();
}

StreamSummary StreamTracker::unpack(std::uint32_t id) const {
  const PackedSummary& p = summaries_[id];
  StreamSummary s;
  const std::uint64_t r = p.rest;
  if (r & kBigRtt) {
    s.initial_rtt = big_rtt_.at(id);
  } else {
    const std::int64_t ns = static_cast<std::int64_t>(r >> 21);
    s.initial_rtt.secs = ns / 1000000000;
    s.initial_rtt.nsecs = static_cast<std::int32_t>(ns % 1000000000);
  }
  if (!(r & kLive)) {  // else base_seq[0] holds a slot
    s.base_seq[0] = p.base_seq[0];
    s.base_seq[1] = p.base_seq[1];
  }
  s.completeness = static_cast<std::uint8_t>((r >> 5) & 0x3f);
  s.base_set[0] = r & kBaseSet0;
  s.base_set[1] = r & kBaseSet1;
  s.win_scale[0] = static_cast<std::int8_t>(static_cast<int>((r >> 11) & 0x1f) - 2);
  s.win_scale[1] = static_cast<std::int8_t>(static_cast<int>((r >> 16) & 0x1f) - 2);
  s.tfo_syn_data = r & kTfoSynData;
  return s;
}

void StreamTracker::pack(std::uint32_t id, const StreamSummary& s) {
  PackedSummary& p = summaries_[id];
  const NsTime& rtt = s.initial_rtt;
  constexpr std::int64_t kMaxRttSecs = (std::int64_t{1} << 43) / 1000000000 - 1;
  const bool big = rtt.secs < 0 || rtt.secs > kMaxRttSecs || rtt.nsecs < 0 || rtt.nsecs >= 1000000000;
  if (big) big_rtt_[id] = rtt;
  else if (!big_rtt_.empty() && (p.rest & kBigRtt)) big_rtt_.erase(id);  // (no read of p: a miss)
  const std::uint64_t ns = big ? 0 : static_cast<std::uint64_t>(rtt.total_ns());
  p.base_seq[0] = s.base_seq[0];
  p.base_seq[1] = s.base_seq[1];
  // Window scales are -2, -1 or 0..14.
  p.rest = (s.base_set[0] ? kBaseSet0 : 0) | (s.base_set[1] ? kBaseSet1 : 0) |
           (s.tfo_syn_data ? kTfoSynData : 0) | (big ? kBigRtt : 0) |
           std::uint64_t{s.completeness & 0x3fu} << 5 |
           static_cast<std::uint64_t>((s.win_scale[0] + 2) & 0x1f) << 11 |
           static_cast<std::uint64_t>((s.win_scale[1] + 2) & 0x1f) << 16 | ns << 21;
}

std::uint32_t StreamTracker::take_slot(std::uint64_t key_hash) {
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(pool_.size());
    pool_.emplace_back();
    if (!summaries_only_) flows_.emplace_back();
  }
  index_put(key_hash, slot);
  return slot;
}

void StreamTracker::attach(std::uint32_t slot, const FlowKey& key, std::uint32_t id) {
  Stream& s = pool_[slot];
  s.in_use = true;
  s.key = key;
  s.id = id;
  s.summary = unpack(id);
  summaries_[id].rest |= kLive;
  summaries_[id].base_seq[0] = slot;
  if (first_pass_ && id < first_pass_->summaries_.size()) {
    const StreamSummary fin = first_pass_->summary(id);
    s.shown_completeness = fin.completeness;
    for (int i = 0; i < 2; ++i) {
      s.shown_base[i] = fin.base_seq[i];
      s.shown_base_set[i] = fin.base_set[i];
    }
  }
  counters_.peak_live = std::max(counters_.peak_live, live_stream_count());
}

std::uint32_t StreamTracker::open_stream(const FlowKey& key, std::uint32_t slot) {
  const auto id = static_cast<std::uint32_t>(summaries_.size());
  summaries_.emplace_back();
  if (slot == kNoSlot) {
    slot = take_slot(key.hash());
  } else {
    ended_.push_back({pool_[slot].id, StreamEnd::Reused, key, slot});
    reset(slot);  // the old stream of this 4-tuple can no longer be reached
  }
  attach(slot, key, id);
  return slot;
}

NsTime NsTime::delta(NsTime b, NsTime a) {
  NsTime d;
  d.secs = b.secs - a.secs;
  d.nsecs = static_cast<std::int32_t>(static_cast<std::uint32_t>(b.nsecs) - static_cast<std::uint32_t>(a.nsecs));
  if (b.secs == a.secs) {
    d.secs = 0;
  } else if (b.secs < a.secs) {
    if (d.nsecs > 0) {
      d.nsecs -= 1000000000;
      ++d.secs;
    }
  } else if (d.nsecs < 0) {
    d.nsecs += 1000000000;
    --d.secs;
  }
  return d;
}

namespace {
// The TCP header a packet gives the tracker: its own, or one quoted in an ICMP error.
bool tracked_header(const DecodedPacket& pkt, const TcpSegment*& seg, const IpHeader*& ip, bool& in_error) {
  if (pkt.has_tcp() && pkt.ip.protocol == ipproto::kTcp) {
    seg = &pkt.tcp;
    ip = &pkt.ip;
    in_error = false;
    return true;
  }
  if (pkt.in_icmp_error && pkt.icmp_error.tcp.fixed_valid) {
    // tshark dissects the quoted TCP header with pinfo->flags.in_error_pkt set: it finds or
    // creates the conversation (using up a stream index) but skips the base sequence numbers
    // and the sequence analysis; the packet gets no row.
    seg = &pkt.icmp_error.tcp;
    ip = &pkt.icmp_error.ip;
    in_error = true;
    return true;
  }
  return false;
}
}  // namespace

void StreamTracker::tick(std::int64_t now_ns) {
  // Free what the timers allow, once per second of capture time.
  if (!swept_once_ || now_ns >= next_sweep_ns_) {
    if (swept_once_) sweep(now_ns);
    swept_once_ = true;
    next_sweep_ns_ = now_ns + 1000000000;
  }
}

void StreamTracker::observe(const Timestamp& ts) {
  ended_.clear();
  tick(NsTime::from(ts).total_ns());
}

bool StreamTracker::tracked_key(const DecodedPacket& pkt, FlowKey& key) {
  const TcpSegment* seg = nullptr;
  const IpHeader* ip = nullptr;
  bool in_error = false;
  if (!tracked_header(pkt, seg, ip, in_error)) return false;
  Direction dir;
  key = FlowKey::make(ip->src, seg->src_port, ip->dst, seg->dst_port, ipproto::kTcp, dir);
  return true;
}

const TcpPacketAnalysis& StreamTracker::on_packet(const DecodedPacket& pkt, std::uint64_t frame,
                                                  const Timestamp& raw_ts) {
  out_ = TcpPacketAnalysis{};
  last_slot_ = kNoSlot;
  ended_.clear();
  analyze_packet(pkt, frame, NsTime::from(raw_ts));
  if (last_slot_ != kNoSlot) {
    // The bases the relative numbers use: in replay mode tshark's second-pass bases, else
    // the ones known after this packet.
    const Stream& s = pool_[last_slot_];
    for (int i = 0; i < 2; ++i)
      out_.rel_base[i] = first_pass_ ? s.shown_base[i] : s.summary.base_seq[i];
  }
  return out_;
}

void StreamTracker::analyze_packet(const DecodedPacket& pkt, std::uint64_t frame, NsTime ts) {
  const TcpSegment* segp = nullptr;
  const IpHeader* ip = nullptr;
  bool in_error = false;
  if (!tracked_header(pkt, segp, ip, in_error)) return;
  const TcpSegment& seg = *segp;
  Direction dir;
  const FlowKey key = FlowKey::make(ip->src, seg.src_port, ip->dst, seg.dst_port, ipproto::kTcp, dir);

  const std::int64_t now_ns = ts.total_ns();
  tick(now_ns);

  // dissect_tcp: find or create the conversation.
  bool conversation_is_new = false;
  bool resumed = false;
  std::uint32_t slot;
  const std::uint64_t key_hash = key.hash();
  if (const std::uint32_t found = index_find(key, key_hash); found != kNoSlot) {
    slot = found;
  } else {
    if (live_stream_count() >= limits_.max_live) evict(now_ns);
    const Remembered* back = (remembered_[0].size || remembered_[1].size)
                                 ? recall(remembered_hash(key)) : nullptr;
    if (back != nullptr) {
      // A freed 4-tuple comes back: tshark still has its conversation, so it continues the
      // same stream; its analysis starts again from a fresh state.
      slot = take_slot(key_hash);
      attach(slot, key, back->id);
      resumed = true;
    } else {
      slot = open_stream(key, kNoSlot);
      conversation_is_new = true;
    }
  }
  Stream& s = pool_[slot];  // stays valid: recycling a slot does not move the pool
  // The sequence analysis's state: a first pass has none (and leaves those cache lines alone).
  SequenceState* q = summaries_only_ ? nullptr : &flows_[slot];
  last_slot_ = slot;
  const std::uint16_t flags = seg.flags;
  const int f = idx(dir), r = 1 - f;

  if ((flags & (kSyn | kAck)) == kSyn) {
    if (s.summary.base_set[f]) {
      if (seg.seq != s.summary.base_seq[f]) {
        // Port reuse: a SYN with a new ISN starts a new stream. Watch out: tshark does not
        // treat it as a new conversation for completeness (it sets 1 directly).
        open_stream(key, slot);
        conversation_is_new = true;  // (for its timestamps)
        touch_record();
        out_.anomalies.set(Anomaly::ReusedPorts);
        s.summary.completeness = completeness::kSyn;
      } else {
        // Same ISN: a retransmitted SYN. Restore nextseq (Wireshark issue 17616).
        if (q) q->flow[f].nextseq = q->flow[f].maxseqtobeacked;
        touch_record();
      }
    }
    s.acc_ecn_syn = (flags & (kAe | kCwr | kEce)) == (kAe | kCwr | kEce);
  }
  // A SYN with a new ISN on a freed 4-tuple starts a new stream, as in tshark: no difference.
  if (resumed && !out_.anomalies.has(Anomaly::ReusedPorts)) ++counters_.resumed;
  const std::uint32_t id = s.id;
  StreamSummary& sum = s.summary;
  if ((flags & (kSyn | kAck)) == (kSyn | kAck)) {
    if (sum.base_set[f] && seg.seq != sum.base_seq[f]) {
      sum.base_seq[f] = seg.seq;  // Wireshark issue 16944
      touch_record();
      out_.anomalies.set(Anomaly::ReusedPorts);
    }
    // Watch out: tshark runs this rebase on its second pass too, from the final bases, so a
    // stream with two SYN-ACK ISNs shows each part relative to its own ISN and flags both.
    if (first_pass_ && s.shown_base_set[f] && seg.seq != s.shown_base[f]) {
      s.shown_base[f] = seg.seq;
      touch_record();
      out_.anomalies.set(Anomaly::ReusedPorts);
    }
    s.acc_ecn_synack = ((flags & (kAe | kCwr)) == kCwr) || ((flags & (kAe | kEce)) == kAe);
  }

  // tcp.time_relative and tcp.time_delta: since the stream's first and previous frame.
  if (conversation_is_new || resumed) s.first_seen_ns = s.last_seen_ns = now_ns;
  out_.time_relative_ns = now_ns - s.first_seen_ns;
  out_.time_delta_ns = now_ns - s.last_seen_ns;
  s.last_seen_ns = now_ns;
  out_.tracked = !in_error;
  out_.stream = id;
  out_.completeness = first_pass_ ? s.shown_completeness : sum.completeness;
  out_.dir = dir;
  if (q) q->flow[f].num_sack_ranges = 0;

  if (!in_error) {
    if (seg.have_seglen) {
      out_.have_seglen = true;
      out_.seglen = seg.payload_len;
      // Base sequence numbers: the ISN when the SYN is seen, else one below the first seq
      // (Wireshark bug 1542); the peer's from the first ACK.
      if (!sum.base_set[f]) {
        if (flags & kSyn) {
          sum.base_seq[f] = seg.seq;
        } else {
          sum.base_seq[f] = seg.seq - 1;
        }
        sum.base_set[f] = true;
      }
      if (!sum.base_set[r] && (flags & kAck)) {
        sum.base_seq[r] = seg.ack - 1;
        sum.base_set[r] = true;
      }
      if (!summaries_only_) {
        SendHistory::Sender sender;
        sender.has_ip_id = ip->version == 4 && ip->ident != 0;
        sender.ip_id = static_cast<std::uint16_t>(ip->ident);
        sender.has_tsval = seg.options.has_timestamps;
        sender.tsval = seg.options.ts_val;
        analyze_sequence(s, *q, dir, seg.seq, seg.ack, seg.payload_len, flags, seg.window, frame, ts, sender);
      }
      // Close detection, only to know when the state can be freed.
      if (flags & kRst) s.reset = true;
      if ((flags & kFin) && !s.fin_seen[f]) {
        s.fin_seen[f] = true;
        s.fin_next[f] = seg.seq + seg.payload_len + 1;
      }
      if ((flags & kAck) && s.fin_seen[r] && !lt(seg.ack, s.fin_next[r])) s.fin_acked[r] = true;
      // A closed connection sends no more new data: its ground-truth history goes now rather
      // than after the linger (most live streams of a busy capture are closed and lingering).
      // A late copy after this keeps tshark's verdict.
      if (q && is_closed(s)) {
        q->truth.reset();
        // So do the emptied segment lists' buffers: most live streams of a busy capture are
        // closed ones waiting out the linger.
        for (Flow& fl : q->flow)
          if (fl.segments.empty() && fl.segments.capacity()) std::vector<Unacked>().swap(fl.segments);
      }
    }
  }
  out_.use_ace = (flags & kSyn) == 0 && s.acc_ecn_syn && s.acc_ecn_synack;
  if (seg.header_len < TcpView::kMinHeaderLen) {
    out_.short_header = true;
    return;
  }

  // Completeness (dissect_tcp): a pure SYN counts only in a new conversation.
  std::uint8_t c;
  if (conversation_is_new) {
    c = 0;
    if ((flags & (kSyn | kAck)) == kSyn) {
      c |= completeness::kSyn;
      if (out_.seglen > 0) c |= completeness::kData;  // TCP Fast Open
    }
  } else {
    c = sum.completeness;
    if ((flags & (kSyn | kAck)) == (kSyn | kAck)) c |= completeness::kSynAck;
    if ((flags & (kSyn | kAck)) == kAck) c |= out_.seglen > 0 ? completeness::kData : completeness::kAck;
    if ((flags & (kFin | kAck)) == (kFin | kAck)) c |= completeness::kFin;
    if (flags & kRst) c |= completeness::kRst;
  }
  sum.completeness = c;
  if (first_pass_) {
    // tshark's second pass finds the conversation, so never takes the "new" branch.
    std::uint8_t& shown = s.shown_completeness;
    if ((flags & (kSyn | kAck)) == (kSyn | kAck)) shown |= completeness::kSynAck;
    if ((flags & (kSyn | kAck)) == kAck) shown |= out_.seglen > 0 ? completeness::kData : completeness::kAck;
    if ((flags & (kFin | kAck)) == (kFin | kAck)) shown |= completeness::kFin;
    if (flags & kRst) shown |= completeness::kRst;
  }
  // Watch out: for TCP quoted in an ICMP error tshark goes on from here too (SYN time for
  // the initial RTT, options, window-scale verification); only the sequence analysis and the
  // base sequence numbers were skipped.

  // TFO on the SYN-ACK (relative ack as tshark computes it on this pass).
  if ((flags & (kSyn | kAck)) == (kSyn | kAck)) {
    // tshark decides this while displaying, so on its second pass with final values.
    StreamSummary fin_copy;
    const StreamSummary* fin = &sum;
    if (first_pass_ && id < first_pass_->summaries_.size()) {
      fin_copy = first_pass_->summary(id);
      fin = &fin_copy;
    }
    std::uint32_t rel_ack = seg.ack - (first_pass_ ? s.shown_base[r] : sum.base_seq[r]);
    if (rel_ack > 1)
      out_.anomalies.set(Anomaly::TfoAck);
    else if (fin->tfo_syn_data)
      out_.anomalies.set(Anomaly::TfoIgnored);
  }
  if (flags & kSyn) {
    if (!(flags & kAck)) {
      s.ts_mru_syn = ts;
      s.has_mru_syn = true;
    }
    if (q) q->flow[f].is_first_ack = true;
  }
  if ((flags & (kSyn | kAck)) == kAck) {
    if (s.has_mru_syn && sum.initial_rtt.is_zero()) sum.initial_rtt = NsTime::delta(ts, s.ts_mru_syn);
    if (q) q->flow[f].is_first_ack = false;
  }

  // Options (dissected after the sequence analysis, so they affect later packets only).
  if (seg.header_valid) {
    const TcpOptions& o = seg.options;
    if (o.has_window_scale) sum.win_scale[f] = static_cast<std::int8_t>(std::min<int>(o.window_scale, 14));
    if (o.sack_count > 0 && q) {
      Flow& fl = q->flow[f];
      fl.num_sack_ranges = static_cast<std::uint8_t>(std::min<int>(o.sack_count, 3));
      for (int i = 0; i < fl.num_sack_ranges; ++i) {
        fl.sack_left[i] = o.sack[i].left - sum.base_seq[r];
        fl.sack_right[i] = o.sack[i].right - sum.base_seq[r];
      }
    }
    if (o.has_tfo_cookie && (flags & (kSyn | kAck)) == kSyn) {
      out_.anomalies.set(Anomaly::TfoSyn);
      if (out_.have_seglen && out_.seglen) sum.tfo_syn_data = true;
    }
  }
  if (!seg.header_valid) {
    // tshark throws while dissecting the cut-off options, so it never shows the analysis
    // (nor verifies window scaling); the analysis state was updated all the same.
    AnomalySet keep;
    if (out_.anomalies.has(Anomaly::TfoAck)) keep.set(Anomaly::TfoAck);
    if (out_.anomalies.has(Anomaly::TfoIgnored)) keep.set(Anomaly::TfoIgnored);
    out_.anomalies = keep;
    out_.has_acked_record = false;
    out_.acks_frame = 0;
    out_.bytes_in_flight = 0;
    out_.dupack_num = 0;
    return;
  }
  if (flags & kSyn) {
    // verify_tcp_window_scaling
    if (sum.win_scale[f] == -1) {
      sum.win_scale[f] = -2;
      sum.win_scale[r] = -2;
    } else if ((flags & kAck) && sum.win_scale[r] == -2) {
      sum.win_scale[f] = -2;
    }
  }
  // The TFO items are expert infos on the option or the ACK field, not analysis flags: they
  // do not create tshark's per-frame analysis record (which decides where initial_rtt shows).
  AnomalySet ta_flags = out_.anomalies;
  ta_flags.clear(Anomaly::TfoSyn);
  ta_flags.clear(Anomaly::TfoAck);
  ta_flags.clear(Anomaly::TfoIgnored);
  if (!ta_flags.empty()) touch_record();
  return;
}

// Replaces tshark's retransmission or out-of-order verdict where the sender's IP ID or TSval
// proves it wrong.
void StreamTracker::apply_ground_truth(SegmentOrigin origin, AnomalySet& fl) {
  const bool resent = fl.has(Anomaly::Retransmission) || fl.has(Anomaly::FastRetransmission) ||
                      fl.has(Anomaly::SpuriousRetransmission);
  auto clear_resent = [&fl] {
    fl.clear(Anomaly::Retransmission);
    fl.clear(Anomaly::FastRetransmission);
    fl.clear(Anomaly::SpuriousRetransmission);
  };
  switch (origin) {
    case SegmentOrigin::Retransmission:
      if (fl.has(Anomaly::OutOfOrder)) {
        fl.clear(Anomaly::OutOfOrder);
        fl.set(Anomaly::Retransmission);
      }
      break;
    case SegmentOrigin::LateOriginal:
      if (resent) {
        clear_resent();
        fl.set(Anomaly::OutOfOrder);
      }
      break;
    case SegmentOrigin::NetworkDuplicate:  // no tcp.analysis flag fits: tshark's stay
    case SegmentOrigin::New: break;
  }
}

// tcp_analyze_sequence_number, in the same order and with the same precedence.
void StreamTracker::analyze_sequence(Stream& s, SequenceState& q, Direction dir, std::uint32_t seq, std::uint32_t ack,
                                     std::uint32_t seglen, std::uint16_t flags, std::uint32_t window,
                                     std::uint64_t frame, NsTime ts_pair,
                                     const SendHistory::Sender& sender) {
  // Wireshark compares times as (secs difference) * 10^9 + nsecs difference, unsigned.
  const std::int64_t ts = ts_pair.total_ns();
  Flow& fwd = q.flow[idx(dir)];
  Flow& rev = q.flow[1 - idx(dir)];
  const std::int8_t rev_scale = s.summary.win_scale[1 - idx(dir)];
  AnomalySet& fl = out_.anomalies;

  if (flags & kAck) rev.valid_bif = true;

  SegmentOrigin origin = SegmentOrigin::New;
  if (ground_truth_ && seglen > 0 && !(flags & kSyn)) {
    if (!q.truth) q.truth = std::make_unique<GroundTruth>();
    std::uint64_t seen = 0;
    origin = q.truth->sent[idx(dir)].add(seq, seglen, sender, seen);
  }

  bool to_finished_fwd = false;
  bool probe_below_next = false;  // ground truth: a zero-window probe shaped as a keep-alive
  // Zero window probe: one byte at the next expected seq while the peer's window is zero.
  if (seglen == 1 && seq == fwd.nextseq && rev.window == 0) {
    fl.set(Anomaly::ZeroWindowProbe);
    to_finished_fwd = true;
  }
  if (!to_finished_fwd) {
    if (window == 0 && (flags & (kRst | kFin | kSyn)) == 0) fl.set(Anomaly::ZeroWindow);
    if (fwd.nextseq && gt(seq, fwd.nextseq) && (flags & kRst) == 0) {
      fl.set(Anomaly::LostSegment);
      fwd.valid_bif = false;
    }
    if ((seglen == 0 || seglen == 1) && seq == fwd.nextseq - 1 && (flags & (kSyn | kFin | kRst)) == 0) {
      if (ground_truth_ && rev.window == 0) {
        fl.set(Anomaly::ZeroWindowProbe);
        probe_below_next = true;
      } else {
        fl.set(Anomaly::KeepAlive);
      }
    }
    if (seglen == 0 && window && window != fwd.window && seq == fwd.nextseq && ack == fwd.lastack &&
        (flags & (kSyn | kFin | kRst)) == 0)
      fl.set(Anomaly::WindowUpdate);
    if (seglen > 0 && rev_scale != -1 && (flags & (kSyn | kFin | kRst)) == 0) {
      int shift = rev.is_first_ack ? 0 : (rev_scale == -2 ? 0 : rev_scale);
      if (seq + seglen == rev.lastack + (rev.window << shift)) fl.set(Anomaly::WindowFull);
    }
    bool bare = seglen == 0 && seq == fwd.nextseq && ack == fwd.lastack &&
                (flags & (kSyn | kFin | kRst)) == 0;
    if (bare && window && window == fwd.window && rev.lastsegmentflags.has(Anomaly::KeepAlive)) {
      fl.set(Anomaly::KeepAliveAck);
      to_finished_fwd = true;
    } else if (bare && window == 0 && window == fwd.window &&
               rev.lastsegmentflags.has(Anomaly::ZeroWindowProbe)) {
      fl.set(Anomaly::ZeroWindowProbeAck);
      to_finished_fwd = true;
    } else if (bare && window && window == fwd.window) {
      fwd.dupacknum = fwd.dupacknum == kDupAckNeutral ? 1 : fwd.dupacknum + 1;
      fl.set(Anomaly::DuplicateAck);
      out_.dupack_num = fwd.dupacknum;
      out_.dupack_frame = fwd.lastnondupack;
    }
  }
  // finished_fwd:
  if (ack != fwd.lastack) {
    fwd.lastnondupack = frame;
    fwd.dupacknum = 0;
  }
  // ACKed lost segment.
  if (rev.maxseqtobeacked && gt(ack, rev.maxseqtobeacked) && (flags & kAck)) {
    touch_record();
    if (lt(rev.maxseqtobeacked, rev.nextseq)) {
      rev.maxseqtobeacked = rev.nextseq;
      fl.set(Anomaly::AckLostSegment);
    } else {
      if (rev.dupacknum == 0) fl.set(Anomaly::AckLostSegment);
      rev.dupacknum = kDupAckNeutral;
    }
  }
  // Retransmission, fast retransmission, spurious retransmission, out of order.
  if (seglen > 0 || (flags & (kSyn | kFin))) {
    bool seq_not_advanced = fwd.nextseq && lt(seq, fwd.nextseq);
    if (!fl.has(Anomaly::KeepAlive) && !probe_below_next) {
      if (seglen > 1 && fwd.nextseq - 1 == seq) seq_not_advanced = false;
      if (seglen > 0 && rev.lastack && le(seq + seglen, rev.lastack)) {
        fl.set(Anomaly::SpuriousRetransmission);
      } else if (seq_not_advanced && rev.dupacknum >= 2 && rev.lastack == seq &&
                 static_cast<std::uint64_t>(ts - rev.lastacktime) < 20000000u) {
        fl.set(Anomaly::FastRetransmission);
      } else {
        // Watch out: Wireshark computes both as guint64, so a negative interval or a negative
        // initial RTT (capture timestamps going backwards) becomes huge.
        const NsTime irtt = s.summary.initial_rtt;
        const std::uint64_t ooo_thres = irtt.is_zero() ? 3000000u : static_cast<std::uint64_t>(irtt.total_ns());
        std::uint32_t end = seq + seglen + ((flags & (kSyn | kFin)) ? 1 : 0);
        if (seq_not_advanced && static_cast<std::uint64_t>(ts - fwd.nextseqtime) < ooo_thres &&
            fwd.nextseq != end) {
          fl.set(Anomaly::OutOfOrder);
        } else if (seq_not_advanced) {
          fl.set(Anomaly::Retransmission);
        }
      }
    }
  }
  // Only segments with TCP timestamps: a stack that sends them (Linux, the BSDs, macOS) also
  // numbers its packets predictably; older captures without them keep tshark's verdict.
  if (origin != SegmentOrigin::New && sender.has_tsval) apply_ground_truth(origin, fl);
  // finished_checking_retransmission_type:
  std::uint32_t nextseq = seq + seglen;
  if ((seglen || (flags & (kSyn | kFin))) && fwd.segments.size() < kMaxUnackedSegments) {
    if (flags & (kSyn | kFin)) nextseq += 1;
    fwd.segments.push_back(Unacked{frame, seq, nextseq, ts_pair});
  }
  const bool zwp = fl.has(Anomaly::ZeroWindowProbe);
  if (gt(nextseq, fwd.nextseq) || !fwd.nextseq) {
    if (!zwp) {
      fwd.nextseq = nextseq;
      fwd.nextseqframe = frame;
      fwd.nextseqtime = ts;
    }
  }
  if (seq == fwd.maxseqtobeacked || !fwd.maxseqtobeacked) {
    if (!zwp) fwd.maxseqtobeacked = fwd.nextseq;
  }
  fwd.window = window;
  fwd.lastack = ack;
  fwd.lastacktime = ts;
  fwd.lastsegmentflags = fl;

  // Remove what this ACK covers from the other direction's unacked list. Wireshark walks
  // newest first; the oldest exact match is the one it reports.
  auto& list = rev.segments;
  for (std::size_t i = list.size(); i-- > 0;) {
    Unacked& u = list[i];
    if (ack == u.nextseq) {
      touch_record();
      out_.acks_frame = u.frame;
      out_.ack_rtt = NsTime::delta(ts_pair, u.ts);
    } else if (gt(ack, u.seq) && le(ack, u.nextseq)) {
      u.seq = ack;
      continue;
    } else if (gt(u.nextseq, ack)) {
      continue;
    }
    u.frame = 0;  // mark for removal
  }
  list.erase(std::remove_if(list.begin(), list.end(), [](const Unacked& u) { return u.frame == 0; }),
             list.end());

  // Bytes in flight (the default, payload-based method).
  if (seglen != 0 && !fwd.segments.empty() && fwd.valid_bif) {
    std::uint32_t base = s.summary.base_seq[idx(dir)];
    std::uint32_t first = fwd.segments.back().seq - base;
    std::uint32_t last = fwd.segments.back().nextseq - base;
    for (const Unacked& u : fwd.segments) {
      last = std::max(last, u.nextseq - base);
      first = std::min(first, u.seq - base);
    }
    std::uint32_t in_flight = last - first;
    std::uint32_t delivered = 0;
    for (int i = 0; i < rev.num_sack_ranges; ++i) delivered += rev.sack_right[i] - rev.sack_left[i];
    in_flight -= delivered;
    if (in_flight > 0 && in_flight < 2000000000) {
      out_.bytes_in_flight = in_flight;
      if (flags & (kSyn | kFin)) out_.bytes_in_flight -= 1;
    }
    touch_record();
  }
}

TcpNumbers StreamTracker::numbers(const TcpSegment& seg, const TcpPacketAnalysis& a,
                                  const StreamSummary& s) {
  TcpNumbers n;
  const int f = idx(a.dir), r = 1 - f;
  n.seq = seg.seq;
  n.ack = seg.ack;
  n.window = seg.window;
  if (!a.have_seglen) return n;
  n.seq = seg.seq - a.rel_base[f];
  if (seg.flags & kAck) n.ack = seg.ack - a.rel_base[r];
  n.has_nxtseq = true;
  n.nxtseq = n.seq + a.seglen + ((seg.flags & (kSyn | kFin)) ? 1 : 0);
  if (!(seg.flags & kSyn)) {
    n.has_scale = true;
    std::int8_t ws = s.win_scale[f];
    if (ws >= 0) {
      n.window = std::uint32_t{seg.window} << ws;
      n.scale = 1 << ws;
    } else {
      n.scale = ws;
    }
  }
  return n;
}

}  // namespace tcplens
