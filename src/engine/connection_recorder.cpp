#include "connection_recorder.hpp"

#include "tcplens/tcp/zeek_decode.hpp"

namespace tcplens::engine_detail {

namespace {

double seconds(const Timestamp& t) {
  return static_cast<double>(t.sec) + static_cast<double>(t.nsec) / 1e9;
}

FlowKey key_of(const Connection& c) {
  Direction dir;
  return FlowKey::make(c.client.ip, c.client.port, c.server.ip, c.server.port, 6, dir);
}

zeek::ZeekOptions zeek_options(const ConnectionRecorder::Options& o) {
  zeek::ZeekOptions z;
  z.use_likely_server_ports = o.likely_server_ports;
  return z;
}

}  // namespace

ConnectionRecorder::ConnectionRecorder(const StreamTracker& tracker, const Options& options)
    : tracker_(tracker), options_(options), zeek_table_(zeek_options(options)) {
  zeek_table_.set_max_live(options.max_live);
  // Zeek's engines come to rest frozen in every run, Zeek's log alone too: with them awake
  // that run peaked at 111 MiB on big.pcap, frozen at 74, for an eighth more time.
  analyzer_.set_sink([this](Connection& c) { on_decided(c); });
}

void ConnectionRecorder::streams_ended(const EndedStream* begin, const EndedStream* end) {
  if (!options_.records) return;
  for (const EndedStream* e = begin; e != end; ++e) end_stream(*e);
}

std::vector<ConnectionRecorder::ZeekInfo>& ConnectionRecorder::finished_in(std::uint32_t slot) {
  if (slot >= finished_by_slot_.size()) finished_by_slot_.resize(slot + std::size_t{1} + slot / 8);
  return finished_by_slot_[slot];
}

void ConnectionRecorder::end_stream(const EndedStream& e) {
  why_ = e.why;
  slot_ = e.slot;
  analyzer_.end_stream(e.stream);  // on_decided() reads what finished in the slot
  if (e.slot >= finished_by_slot_.size()) return;
  std::vector<ZeekInfo>& mine = finished_by_slot_[e.slot];
  if (mine.empty()) return;
  // The next stream of the 4-tuple, if one began (a reused 4-tuple), keeps them as the
  // 4-tuple's; else they go.
  const std::uint32_t next = tracker_.live_slot(e.key);
  if (next == e.slot) return;
  if (next != StreamTracker::kNoSlot) {
    std::vector<ZeekInfo>& theirs = finished_in(next);
    theirs.insert(theirs.end(), mine.begin(), mine.end());
  }
  std::vector<ZeekInfo>().swap(mine);  // memory only while a stream has some
}

void ConnectionRecorder::on_packet(const DecodedPacket& pkt, const TcpPacketAnalysis& a,
                                   const RawPacket& raw) {
  SlotHints* hints = nullptr;
  if (const std::uint32_t slot = tracker_.last_slot(); slot != StreamTracker::kNoSlot) {
    if (slot >= hints_.size()) hints_.resize(slot + std::size_t{1} + slot / 8);
    hints = &hints_[slot];
  }
  if (options_.records)
    analyzer_.on_packet(pkt, a, raw.number, raw.ts, hints ? &hints->connection : nullptr);
  if (!options_.zeek) return;
  FlowKey key;
  Direction dir;
  zeek::ZeekPacket zp;
  if (!zeek::to_zeek_packet(pkt, raw.ts, options_.verify_checksums, key, dir, zp)) return;
  zeek_table_.on_packet(key, dir, zp, hints ? &hints->zeek : nullptr);
  drain_zeek();
}

void ConnectionRecorder::tick(double now) {
  if (!options_.zeek) return;
  zeek_table_.expire(now, options_.max_live);
  drain_zeek();
}

void ConnectionRecorder::finish_zeek() {
  if (!options_.zeek) return;
  // Every Zeek connection finishes; a live stream keeps its 4-tuple's by its slot, so it
  // takes the same one as if it had waited for it.
  zeek_table_.finish();
  drain_zeek();
  for (auto& [k, list] : waiting_)  // streams ended earlier, waiting for one of these
    for (Waiting& w : list) emit(w.c, w.completeness, w.why, nullptr);
  waiting_.clear();
}

void ConnectionRecorder::on_decided(Connection& c) {
  if (c.first_frame == 0) return;  // only a TCP header quoted in an ICMP error
  const std::uint8_t completeness = tracker_.summary(c.stream).completeness;
  if (!options_.zeek) {
    emit(c, completeness, why_, nullptr);
    return;
  }
  const std::vector<ZeekInfo>* mine = slot_ < finished_by_slot_.size() ? &finished_by_slot_[slot_] : nullptr;
  const FlowKey key = key_of(c);
  const double last = seconds(c.last_ts);
  if (auto start = zeek_table_.live_start(key); start && *start <= last + 1e-6) {
    Waiting& w = waiting_[key].emplace_back();
    w.c = std::move(c);
    w.completeness = completeness;
    w.why = why_;
    if (mine != nullptr) w.candidates = *mine;
    return;
  }
  emit(c, completeness, why_, best_of(c, mine, nullptr));
}

void ConnectionRecorder::emit(Connection& c, std::uint8_t completeness, StreamEnd why,
                              const ZeekInfo* z) {
  ConnectionRecord& r = made_.emplace_back();
  r.conn = std::move(c);
  r.completeness = completeness;
  r.why = why;
  if (z != nullptr) {
    r.has_zeek = true;
    r.zeek_conn_state = z->state;
    r.zeek_history = z->history;
  }
}

const ConnectionRecorder::ZeekInfo* ConnectionRecorder::best_of(const Connection& c,
                                                                const std::vector<ZeekInfo>* cands,
                                                                const ZeekInfo* extra) {
  const double first = seconds(c.first_ts), last = seconds(c.last_ts);
  const ZeekInfo* best = nullptr;
  auto consider = [&](const ZeekInfo& f) {
    if (f.start > last + 1e-6 || f.last < first - 1e-6) return;
    if (best == nullptr || f.start > best->start) best = &f;
  };
  if (cands != nullptr)
    for (const ZeekInfo& f : *cands) consider(f);
  if (extra != nullptr) consider(*extra);
  return best;
}

void ConnectionRecorder::drain_zeek() {
  auto& done = zeek_table_.finished();
  for (auto& f : done) {
    if (options_.records) {
      ZeekInfo info{f.engine->start_ts(), f.engine->last_ts(),
                    zeek::to_string(f.engine->conn_state()), f.engine->history()};
      auto w = waiting_.find(f.key);
      if (w != waiting_.end()) {
        for (Waiting& x : w->second) emit(x.c, x.completeness, x.why, best_of(x.c, &x.candidates, &info));
        waiting_.erase(w);
      }
      if (const std::uint32_t slot = tracker_.live_slot(f.key); slot != StreamTracker::kNoSlot)
        finished_in(slot).push_back(std::move(info));
    }
    if (options_.zeek_log)
      zeek_done_.push_back(std::move(f));
    else
      zeek_table_.recycle(std::move(f.engine));
  }
  done.clear();
}

}  // namespace tcplens::engine_detail
