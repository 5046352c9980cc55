#include "pipeline.hpp"

#include <algorithm>

namespace tcplens::engine_detail {

namespace {

std::int64_t to_ns(const Timestamp& ts) { return ts.sec * 1000000000 + ts.nsec; }

double to_seconds(const Timestamp& ts) {
  return static_cast<double>(ts.sec) + static_cast<double>(ts.nsec) / 1e9;
}

}  // namespace

Pipeline::Pipeline(const Plan& plan, unsigned worker, const StreamTracker::Limits& limits,
                   Output& text, ItemTarget& target)
    : plan_(plan), worker_(worker), text_(&text), target_(target), emitter_(&text, worker),
      tracker_(limits) {
  tracker_.set_ground_truth(plan.options.ground_truth);
  for (SinkFactory* f : plan.factories) sinks_.push_back(f->make(worker));
  if (plan.records || plan.zeek || plan.zeek_log) {
    ConnectionRecorder::Options o;
    o.records = plan.records;
    o.zeek = plan.zeek || plan.zeek_log;
    o.zeek_log = plan.zeek_log;
    o.verify_checksums = plan.options.zeek_verify_checksums;
    o.likely_server_ports = plan.options.zeek_likely_server_ports;
    o.max_live = limits.max_live;
    recorder_ = std::make_unique<ConnectionRecorder>(tracker_, o);
  }
  if (plan.final_values) summaries_.resize(64);
}

Pipeline::~Pipeline() = default;

void Pipeline::set_first_pass(const StreamTracker* first, const std::uint32_t* numbers) {
  first_pass_ = first;
  numbers_ = numbers;
  tracker_.set_first_pass(first);
  emitter_.set_numbers(numbers);
}

bool Pipeline::raw_filters_pass(const RawPacket& raw) const {
  PacketEvent ev;
  ev.raw = &raw;
  for (const PacketFilter* f : plan_.filters)
    if (!f->matches(ev)) return false;
  return true;
}

void Pipeline::clock(const RawPacket& raw, bool owned) {
  if (!have_first_) {
    have_first_ = true;
    first_ts_ = prev_ts_ = prev_shown_ts_ = raw.ts;
  }
  const std::int64_t now = to_ns(raw.ts);
  if (!clock_started_ || now >= next_tick_ns_) {
    if (clock_started_) {
      tick(raw, raw.number, Phase::Timers);
    } else if (plan_.track) {
      tracker_.observe(raw.ts);  // starts the tracker's own clock at the same packet
    }
    clock_started_ = true;
    next_tick_ns_ = now + 1000000000;
  }
  last_frame_ = raw.number;
  if (owned) return;
  flush_records(raw.number, Phase::Before);
  if (plan_.shown_order && raw_filters_pass(raw)) {
    if (++shown_ == 1) first_shown_ts_ = raw.ts;
    prev_shown_ts_ = raw.ts;
  }
  prev_ts_ = raw.ts;
}

void Pipeline::idle(Timestamp now) {
  // Before the first packet there is nothing to end; a clock behind the last packet's
  // (a capture's own timestamps run ahead of this host's clock) does not tick.
  if (!clock_started_ || to_ns(now) < next_tick_ns_) return;
  RawPacket at;
  at.ts = now;
  tick(at, last_frame_, Phase::After);  // (after the last packet's own items)
  next_tick_ns_ = to_ns(now) + 1000000000;
}

void Pipeline::tick(const RawPacket& raw, std::uint64_t frame, Phase phase) {
  // Zeek's timers first: a stream the sweep ends now then finds the Zeek connection its close
  // also ended already finished, instead of waiting for it (a move and a map entry each).
  if (recorder_) recorder_->tick(to_seconds(raw.ts));
  if (plan_.track) {
    tracker_.observe(raw.ts);
    const std::vector<EndedStream>& ended = tracker_.ended();
    if (!ended.empty()) {
      tell_sinks_ended(ended);
      if (recorder_) {
        // A second of a busy capture ends thousands of streams at once (merged, in stream
        // order, with the records Zeek's timers released).
        swept_.assign(ended.begin(), ended.end());
        std::sort(swept_.begin(), swept_.end(),
                  [](const EndedStream& a, const EndedStream& b) { return a.stream < b.stream; });
        end_in_chunks(swept_, frame, phase);
      }
    }
  }
  flush_records(frame, phase);
}

void Pipeline::end_in_chunks(const std::vector<EndedStream>& ended, std::uint64_t frame, Phase phase) {
  for (std::size_t at = 0; at < ended.size(); at += record_chunk_) {
    const std::size_t end = std::min(ended.size(), at + record_chunk_);
    recorder_->streams_ended(ended.data() + at, ended.data() + end);
    if (end == ended.size()) {
      flush_records(frame, phase);
    } else {
      flush_records(frame, phase, ended[end - 1].stream);
      // Zeek's log lines (no stream) come with every chunk: only a run without them can be
      // cut between chunks.
      if (!plan_.zeek_log) target_.chunk_done({frame, phase, ended[end - 1].stream, 0, false});
    }
  }
}

void Pipeline::tell_sinks_ended(const std::vector<EndedStream>& ended) {
  for (const EndedStream& e : ended)
    for (auto& s : sinks_) s->on_stream_end(e);
}

void Pipeline::ended_streams(const std::vector<EndedStream>& ended) {
  if (ended.empty()) return;
  tell_sinks_ended(ended);
  if (recorder_) recorder_->streams_ended(ended);
}

void Pipeline::shown_to_no_sink(const RawPacket& raw) {
  if (++shown_ == 1) first_shown_ts_ = raw.ts;
  prev_shown_ts_ = prev_ts_ = raw.ts;
  if (plan_.options.max_shown >= 0) target_.marker({raw.number, Phase::Packet, kNoStream, 0, true});
  flush_records(raw.number, Phase::After);
}

const StreamSummary& Pipeline::summary_of(std::uint32_t stream) {
  if (first_pass_ == nullptr) {
    live_summary_ = tracker_.summary(stream);
    return live_summary_;
  }
  CachedSummary& c = summaries_[stream & 63];
  if (c.stream != stream) {
    c.summary = first_pass_->summary(stream);
    c.stream = stream;
  }
  return c.summary;
}

void Pipeline::process(const RawPacket& raw, const DecodedPacket* decoded) {
  PacketEvent ev;
  ev.raw = &raw;
  ev.first_ts = first_ts_;
  ev.prev_ts = prev_ts_;
  if (plan_.decode) ev.pkt = decoded != nullptr ? decoded : &decoder_.decode(raw);
  if (plan_.track) {
    const std::size_t streams_before = tracker_.stream_count();
    const TcpPacketAnalysis& a = tracker_.on_packet(*ev.pkt, raw.number, raw.ts);
    ended_streams(tracker_.ended());
    flush_records(raw.number, Phase::Before);
    ev.tcp = &a;
    if (patching_ && tracker_.stream_count() > streams_before) {
      const auto began = static_cast<std::uint32_t>(tracker_.stream_count() - 1);
      target_.marker({raw.number, Phase::Began, began, 0, false});
    }
    if (!plan_.packet_events) {  // every packet is shown, to no sink
      if (recorder_) recorder_->on_packet(*ev.pkt, a, raw);
      shown_to_no_sink(raw);
      return;
    }
    if (a.tracked) {
      ev.summary = &summary_of(a.stream);
      ev.stream = numbers_ != nullptr ? numbers_[a.stream] : a.stream;
      ev.stream_known = numbers_ != nullptr || !patching_;
    }
    if (recorder_) {
      recorder_->on_packet(*ev.pkt, a, raw);
      if (a.tracked && plan_.records) ev.connection = recorder_->live(a.stream);
    }
  } else {
    flush_records(raw.number, Phase::Before);
    if (recorder_) {  // Zeek's log alone: no stream tracking
      recorder_->on_packet(*ev.pkt, no_analysis_, raw);
      if (!plan_.packet_events) {
        shown_to_no_sink(raw);
        return;
      }
    }
  }

  bool shown = true;
  for (const PacketFilter* f : plan_.filters)
    if (!f->matches(ev)) {
      shown = false;
      break;
    }
  ev.shown = shown;
  if (shown) {
    if (++shown_ == 1) first_shown_ts_ = prev_shown_ts_ = raw.ts;
    ev.shown_number = shown_;
    ev.prev_shown_ts = prev_shown_ts_;
    ev.first_shown_ts = first_shown_ts_;
    prev_shown_ts_ = raw.ts;
    if (!plan_.filters.empty() && ev.tcp != nullptr && ev.tcp->tracked) {
      const std::uint32_t s = ev.tcp->stream;
      if (s / 64 >= selected_.size()) selected_.resize(s / 64 + 1, 0);
      selected_[s / 64] |= std::uint64_t{1} << (s % 64);
    }
  }

  bool counted = false;
  for (std::size_t k = 0; k < sinks_.size(); ++k) {
    emitter_.begin_item();
    sinks_[k]->on_packet(ev, emitter_);
    if (text_->size() != emitter_.item_start() || emitter_.patch_count() != 0) {
      target_.item({raw.number, Phase::Packet, kNoStream, static_cast<std::uint16_t>(k), shown && !counted},
                   emitter_);
      counted = counted || shown;
    }
  }
  if (shown && !counted && plan_.options.max_shown >= 0)
    target_.marker({raw.number, Phase::Packet, kNoStream, 0, true});
  prev_ts_ = raw.ts;
  flush_records(raw.number, Phase::After);
}

bool Pipeline::selected(const ConnectionRecord& r) const {
  if (plan_.filters.empty()) return true;
  const std::uint32_t s = r.conn.stream;
  if (s / 64 < selected_.size() && (selected_[s / 64] >> (s % 64) & 1)) return true;
  for (const PacketFilter* f : plan_.filters)
    if (f->matches_record(r)) return true;
  return false;
}

void Pipeline::flush_records(std::uint64_t frame, Phase phase, std::uint32_t upto) {
  if (!recorder_) return;
  zeek_lines(frame, phase);
  auto& made = recorder_->made();
  if (made.empty()) return;
  std::sort(made.begin(), made.end(), [](const ConnectionRecord& a, const ConnectionRecord& b) {
    return a.conn.stream < b.conn.stream;
  });
  const auto last = upto == kNoStream ? made.end()
                                      : std::upper_bound(made.begin(), made.end(), upto,
                                                         [](std::uint32_t s, const ConnectionRecord& r) {
                                                           return s < r.conn.stream;
                                                         });
  for (auto it = made.begin(); it != last; ++it) {
    ConnectionRecord& r = *it;
    if (!selected(r)) {
      for (auto& sink : sinks_) sink->on_record_skipped(r.conn.stream);
      continue;
    }
    r.selected = true;
    for (std::size_t k = 0; k < sinks_.size(); ++k) {
      emitter_.begin_item();
      sinks_[k]->on_connection(r, emitter_);
      if (text_->size() != emitter_.item_start() || emitter_.patch_count() != 0)
        target_.item({frame, phase, r.conn.stream, static_cast<std::uint16_t>(k), false}, emitter_);
    }
    if (plan_.has_record_sinks) target_.record({frame, phase, r.conn.stream, 0, false}, r);
  }
  made.erase(made.begin(), last);
}

void Pipeline::zeek_lines(std::uint64_t frame, Phase phase) {
  auto& done = recorder_->zeek_finished();
  if (done.empty()) return;
  for (auto& f : done) {
    for (std::size_t k = 0; k < sinks_.size(); ++k) {
      emitter_.begin_item();
      sinks_[k]->on_zeek_connection(f, emitter_);
      if (text_->size() != emitter_.item_start())
        target_.item({frame, phase, kNoStream, static_cast<std::uint16_t>(k), false}, emitter_);
    }
    recorder_->recycle(f);
  }
  done.clear();
}

void Pipeline::finish() {
  if (plan_.track) {
    tracker_.finish();
    const std::vector<EndedStream>& ended = tracker_.ended();
    tell_sinks_ended(ended);
    if (recorder_) {
      recorder_->finish_zeek();
      flush_records(kFinishFrame, Phase::Waited);
      end_in_chunks(ended, kFinishFrame, Phase::Finish);  // (a flood has --max-conns of them)
    }
  } else if (recorder_) {
    recorder_->finish_zeek();
  }
  flush_records(kFinishFrame, Phase::Finish);
  for (std::size_t k = 0; k < sinks_.size(); ++k) {
    emitter_.begin_item();
    sinks_[k]->on_finish(emitter_);
    if (text_->size() != emitter_.item_start())
      target_.item({kFinishFrame, Phase::Finish, kNoStream, static_cast<std::uint16_t>(k), false},
                   emitter_);
  }
}

}  // namespace tcplens::engine_detail
