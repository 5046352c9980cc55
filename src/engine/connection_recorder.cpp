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
  analyzer_.set_sink([this](Connection& c) { on_decided(c); });
}

void ConnectionRecorder::streams_ended(const std::vector<EndedStream>& ended) {
  if (!options_.records) return;
  for (const EndedStream& e : ended) {
    why_ = e.why;
    analyzer_.end_stream(e.stream);
  }
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
  // Every Zeek connection finishes; a live stream keeps its 4-tuple's in recent_, so it
  // takes the same one as if it had waited for it.
  zeek_table_.finish();
  drain_zeek();
  for (auto& [k, list] : waiting_)  // streams ended earlier, waiting for one of these
    for (Waiting& w : list) emit(w.c, w.completeness, w.why, nullptr);
  waiting_.clear();
}

void ConnectionRecorder::finish_streams(const EndedStream* begin, const EndedStream* end) {
  if (!options_.records) return;
  for (const EndedStream* e = begin; e != end; ++e) {
    why_ = e->why;
    analyzer_.end_stream(e->stream);
  }
}

void ConnectionRecorder::on_decided(Connection& c) {
  if (c.first_frame == 0) return;  // only a TCP header quoted in an ICMP error
  const std::uint8_t completeness = tracker_.summary(c.stream).completeness;
  if (!options_.zeek) {
    emit(c, completeness, why_, nullptr);
    return;
  }
  const FlowKey key = key_of(c);
  const double last = seconds(c.last_ts);
  if (auto start = zeek_table_.live_start(key); start && *start <= last + 1e-6) {
    waiting_[key].push_back({std::move(c), completeness, why_});
    return;
  }
  auto it = recent_.find(key);
  emit(c, completeness, why_, best_of(c, it == recent_.end() ? nullptr : &it->second, nullptr));
  if (it != recent_.end() && !tracker_.is_live(key) && !waiting_.count(key)) recent_.erase(it);
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
        auto r = recent_.find(f.key);
        for (Waiting& x : w->second)
          emit(x.c, x.completeness, x.why,
               best_of(x.c, r == recent_.end() ? nullptr : &r->second, &info));
        waiting_.erase(w);
      }
      if (tracker_.is_live(f.key))
        recent_[f.key].push_back(std::move(info));
      else
        recent_.erase(f.key);
    }
    if (options_.zeek_log)
      zeek_done_.push_back(std::move(f));
    else
      zeek_table_.recycle(std::move(f.engine));
  }
  done.clear();
}

}  // namespace tcplens::engine_detail
