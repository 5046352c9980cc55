#include "tcplens/detect/flood.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "format.hpp"

namespace tcplens::detect {

// --- BucketRing ---

void BucketRing::advance(std::int64_t bucket) {
  const bool all = head_ == kEmpty || bucket - head_ >= static_cast<std::int64_t>(kBuckets);
  for (std::int64_t b = all ? bucket - kBuckets + 1 : head_ + 1; b <= bucket; ++b) {
    const std::size_t i = slot(b);
    events_[i] = resolved_[i] = packets_[i] = 0;
    first_frame_[i] = 0;
    first_ns_[i] = 0;
  }
  head_ = bucket;
}

bool BucketRing::note(std::int64_t bucket, std::uint64_t frame, std::int64_t ns, bool event) {
  bool moved = false;
  if (head_ == kEmpty || bucket > head_) {
    advance(bucket);
    moved = true;
  }
  if (!in_ring(bucket)) return moved;  // too old (time went back)
  const std::size_t i = slot(bucket);
  if (packets_[i]++ == 0) {
    first_frame_[i] = frame;
    first_ns_[i] = ns;
  }
  events_[i] += event;
  return moved;
}

void BucketRing::resolve(std::int64_t bucket, std::uint32_t n) {
  if (in_ring(bucket)) resolved_[slot(bucket)] += n;
}

void BucketRing::sum(std::int64_t end, unsigned len, std::uint64_t& events,
                     std::uint64_t& resolved) const {
  events = resolved = 0;
  for (std::int64_t b = end - static_cast<std::int64_t>(len) + 1; b <= end; ++b) {
    if (!in_ring(b)) continue;
    events += events_[slot(b)];
    resolved += resolved_[slot(b)];
  }
}

std::int64_t BucketRing::first_event(std::int64_t from, std::int64_t to) const {
  for (std::int64_t b = from; b <= to; ++b)
    if (in_ring(b) && events_[slot(b)] != 0) return b;
  return kEmpty;
}

std::uint64_t BucketRing::packets_since(std::int64_t bucket) const {
  std::uint64_t n = 0;
  for (std::int64_t b = bucket; b <= head_; ++b)
    if (in_ring(b)) n += packets_[slot(b)];
  return n;
}

void BucketRing::merge_from(const BucketRing& o) {
  if (o.head_ == kEmpty) return;
  if (head_ == kEmpty || o.head_ > head_) advance(o.head_);
  for (std::int64_t b = o.head_ - kBuckets + 1; b <= o.head_; ++b) {
    if (!in_ring(b)) continue;
    const std::size_t i = slot(b);
    if (o.packets_[i] != 0 && (packets_[i] == 0 || o.first_ns_[i] < first_ns_[i])) {
      first_frame_[i] = o.first_frame_[i];
      first_ns_[i] = o.first_ns_[i];
    }
    events_[i] += o.events_[i];
    resolved_[i] += o.resolved_[i];
    packets_[i] += o.packets_[i];
  }
}

// --- FloodTarget ---

void FloodTarget::merge_from(const FloodTarget& o) {
  if (span.merge_from(o.span)) first_window = o.first_window;
  packets += o.packets;
  events += o.events;
  resolved += o.resolved;
  tuples += o.tuples;
  ring.merge_from(o.ring);
  // Each side's peak came from its share of the traffic: the sum bounds the whole's peak
  // (the same windows, when the shares are spread evenly as a hash spreads them).
  peak_unresolved += o.peak_unresolved;
  peak_events += o.peak_events;
  peak_end_bucket = std::max(peak_end_bucket, o.peak_end_bucket);
  if (o.onset_frame != 0 && (onset_frame == 0 || o.onset_ns < onset_ns)) {
    onset_frame = o.onset_frame;
    onset_ns = o.onset_ns;
  }
  packets_at_onset += o.packets_at_onset;
  packets_at_raise += o.packets_at_raise;
  syn_retries += o.syn_retries;
  synacks += o.synacks;
  synack_retries += o.synack_retries;
  completed += o.completed;
  refused += o.refused;
  client_resets += o.client_resets;
  delayed += o.delayed;
  if (synack_ts == 0) synack_ts_low = o.synack_ts_low;
  if (o.synack_ts_low == synack_ts_low) synack_ts_same_low += o.synack_ts_same_low;
  synack_ts += o.synack_ts;
  for (std::uint8_t i = 0; i < o.victim_count && victim_count < victims.size(); ++i)
    victims[victim_count++] = o.victims[i];
  rst_replies += o.rst_replies;
  retransmitted += o.retransmitted;
  rsts_in += o.rsts_in;
  sources.merge_from(o.sources);
  ports.merge_from(o.ports);
  top_sources.merge_from(o.top_sources);
  ttls.merge_from(o.ttls);
  ttl_min = std::min(ttl_min, o.ttl_min);
  ttl_max = std::max(ttl_max, o.ttl_max);
  bogus_sources += o.bogus_sources;
  for (std::size_t i = 0; i < option_shapes.size(); ++i) option_shapes[i] += o.option_shapes[i];
  same_window += o.same_window;
}

// --- FloodDetector ---

FloodDetector::FloodDetector(const DetectOptions& options, FindingList& findings)
    : opt_(options),
      findings_(findings),
      bucket_ns_(std::max<std::int64_t>(
          1000000, static_cast<std::int64_t>(options.window_sec * 1e9 / kWindowBuckets))),
      syn_(options.target_log2_sets),
      ack_(options.target_log2_sets),
      rst_(options.target_log2_sets),
      reflection_(options.target_log2_sets) {}

FloodDetector::Table& FloodDetector::table_of(FloodKind k) {
  switch (k) {
    case FloodKind::Syn: return syn_;
    case FloodKind::Ack: return ack_;
    case FloodKind::Rst: return rst_;
    case FloodKind::Reflection: break;
  }
  return reflection_;
}

double FloodDetector::rate_of(FloodKind k) const {
  switch (k) {
    case FloodKind::Syn: return opt_.syn_rate;
    case FloodKind::Ack: return opt_.ack_rate;
    case FloodKind::Rst: return opt_.rst_rate;
    case FloodKind::Reflection: break;
  }
  return opt_.reflection_rate;
}

double FloodDetector::ratio_of(FloodKind k) const {
  return k == FloodKind::Syn ? opt_.syn_halfopen_ratio : opt_.orphan_ratio;
}

void FloodDetector::keep(FloodTarget& e) {
  if (e.finding >= 0) findings_.update(e.finding, describe(e));
}

FloodTarget& FloodDetector::admit(Table& t, FloodKind kind, const TargetKey& key, const PacketFacts& p) {
  bool created = false;
  FloodTarget& e = t.admit(key, p.ns, created, [this](FloodTarget& old) { keep(old); });
  if (created) {
    e.kind = kind;
    e.first_window = p.window;
  }
  e.span.see(p.frame, p.ns);
  ++e.packets;
  return e;
}

void FloodDetector::note(FloodTarget& e, const PacketFacts& p, bool event) {
  const std::int64_t bucket = p.ns / bucket_ns_;
  const std::int64_t old_head = e.ring.head();
  if (!e.ring.note(bucket, p.frame, p.ns, event)) return;
  // Every window whose newest bucket just became old enough is judged.
  const std::int64_t ripe = bucket - 1 - kGraceBuckets;
  const std::int64_t from =
      old_head == INT64_MIN ? ripe
                            : std::max(old_head - static_cast<std::int64_t>(kGraceBuckets),
                                       ripe - static_cast<std::int64_t>(BucketRing::kBuckets) + 1);
  for (std::int64_t end = from; end <= ripe; ++end) judge(e, end);
}

void FloodDetector::count_sender(FloodTarget& e, const PacketFacts& p) {
  ++e.events;
  e.sources.add(hash_address(p.src));
  e.ports.add(mix64(e.kind == FloodKind::Reflection ? p.dport : p.sport));
  e.top_sources.add(p.src);
  e.ttls.add(p.ttl);
  e.ttl_min = std::min(e.ttl_min, p.ttl);
  e.ttl_max = std::max(e.ttl_max, p.ttl);
  if (is_bogus_source(p.src)) ++e.bogus_sources;
  ++e.option_shapes[static_cast<std::size_t>(p.options)];
  if (p.window == e.first_window) ++e.same_window;
  note(e, p, true);
}

void FloodDetector::judge(FloodTarget& e, std::int64_t end) {
  std::uint64_t events = 0, resolved = 0;
  e.ring.sum(end, kWindowBuckets, events, resolved);
  const std::uint64_t unresolved = events - std::min(resolved, events);
  if (unresolved > e.peak_unresolved) {
    e.peak_unresolved = unresolved;
    e.peak_events = events;
    e.peak_end_bucket = end;
  }
  const double threshold = rate_of(e.kind) * opt_.window_sec;
  if (static_cast<double>(unresolved) >= threshold &&
      static_cast<double>(unresolved) >= ratio_of(e.kind) * static_cast<double>(events))
    report(e, end);
}

void FloodDetector::judge_all(FloodTarget& e) {
  if (e.ring.empty()) return;
  const std::int64_t head = e.ring.head();
  for (std::int64_t end = head - kWindowBuckets; end <= head; ++end) judge(e, end);
}

void FloodDetector::report(FloodTarget& e, std::int64_t end) {
  if (e.finding >= 0) {
    findings_.update(e.finding, describe(e));
    return;
  }
  const std::int64_t onset = e.ring.first_event(end - kWindowBuckets + 1, end);
  if (onset != INT64_MIN) {
    e.onset_frame = e.ring.first_frame(onset);
    e.onset_ns = e.ring.first_ns(onset);
    e.packets_at_onset = e.ring.packets_since(onset);
    e.packets_at_raise = e.packets;
  }
  e.finding = findings_.raise(describe(e));
}

void FloodDetector::on_attempt(const PacketFacts& p) {
  FloodTarget& e = admit(syn_, FloodKind::Syn, {p.dst, p.dport}, p);
  count_sender(e, p);
}

void FloodDetector::on_syn_retry(const PacketFacts& p) {
  if (FloodTarget* e = syn_.find({p.dst, p.dport})) {
    ++e->packets;
    ++e->syn_retries;
    e->span.see(p.frame, p.ns);
    note(*e, p, false);
  }
}

void FloodDetector::on_synack(const PacketFacts& p, bool retransmission) {
  FloodTarget* e = syn_.find({p.src, p.sport});
  if (e == nullptr) return;
  ++(retransmission ? e->synack_retries : e->synacks);
  if (retransmission || !p.has_ts) return;
  const auto low = static_cast<std::uint8_t>(p.ts_val & 63);
  if (e->synack_ts++ == 0) e->synack_ts_low = low;
  if (low == e->synack_ts_low) ++e->synack_ts_same_low;
}

void FloodDetector::on_completed(const PacketFacts& p, std::int64_t attempt_ns, unsigned syn_retries) {
  FloodTarget* e = syn_.find({p.dst, p.dport});
  if (e == nullptr) return;
  ++e->completed;
  ++e->resolved;
  e->ring.resolve(attempt_ns / bucket_ns_, 1);
  if (syn_retries > 0) {
    ++e->delayed;
    bool known = false;
    for (std::uint8_t i = 0; i < e->victim_count; ++i) known = known || e->victims[i] == p.src;
    if (!known && e->victim_count < e->victims.size()) e->victims[e->victim_count++] = p.src;
  }
}

void FloodDetector::on_refused(const TargetKey& server, std::int64_t attempt_ns) {
  FloodTarget* e = syn_.find(server);
  if (e == nullptr) return;
  ++e->refused;
  ++e->resolved;
  e->ring.resolve(attempt_ns / bucket_ns_, 1);
}

void FloodDetector::on_client_reset(const PacketFacts& p, std::int64_t attempt_ns) {
  FloodTarget* e = syn_.find({p.dst, p.dport});
  if (e == nullptr) return;
  ++e->client_resets;
  ++e->resolved;
  e->ring.resolve(attempt_ns / bucket_ns_, 1);
}

void FloodDetector::on_orphan(const PacketFacts& p, ProbeClass cls) {
  if (cls != ProbeClass::Ack && cls != ProbeClass::Data) return;
  FloodTarget& e = admit(ack_, FloodKind::Ack, {p.dst, p.dport}, p);
  count_sender(e, p);
}

void FloodDetector::on_orphan_rst(const PacketFacts& p) {
  FloodTarget& e = admit(rst_, FloodKind::Rst, {p.dst, p.dport}, p);
  count_sender(e, p);
  if (FloodTarget* r = reflection_.find({p.dst, 0})) ++r->rsts_in;
}

void FloodDetector::on_orphan_reply(const PacketFacts& p) {
  if (FloodTarget* e = ack_.find({p.src, p.sport})) ++e->rst_replies;
}

void FloodDetector::on_orphan_alive(const TargetKey& target, bool rst, std::int64_t orphan_ns, unsigned n) {
  FloodTarget* e = (rst ? rst_ : ack_).find(target);
  if (e == nullptr) return;
  e->resolved += n;
  e->ring.resolve(orphan_ns / bucket_ns_, n);
}

void FloodDetector::on_orphan_synack(const PacketFacts& p, bool retransmission) {
  FloodTarget& e = admit(reflection_, FloodKind::Reflection, {p.dst, 0}, p);
  if (retransmission) ++e.retransmitted;
  else ++e.tuples;
  count_sender(e, p);
}

void FloodDetector::on_reflection_rst(const PacketFacts& p) {
  if (FloodTarget* e = reflection_.find({p.src, 0})) ++e->rst_replies;
}

void FloodDetector::on_reflection_answered(const PacketFacts& p) {
  if (FloodTarget* e = reflection_.find({p.src, 0})) {
    ++e->resolved;
    e->ring.resolve(p.ns / bucket_ns_, 1);
  }
}

void FloodDetector::finish() {
  for (FloodKind k : {FloodKind::Syn, FloodKind::Ack, FloodKind::Rst, FloodKind::Reflection})
    table_of(k).for_each([this](FloodTarget& e) {
      judge_all(e);
      keep(e);
    });
}

void FloodDetector::merge_from(const FloodDetector& other) {
  auto keep_evicted = [this](FloodTarget& old) { keep(old); };
  syn_.merge_from(other.syn_, keep_evicted);
  ack_.merge_from(other.ack_, keep_evicted);
  rst_.merge_from(other.rst_, keep_evicted);
  reflection_.merge_from(other.reflection_, keep_evicted);
}

// --- Findings ---

Finding FloodDetector::describe(const FloodTarget& e) const {
  Finding f;
  switch (e.kind) {
    case FloodKind::Syn: f.kind = FindingKind::SynFlood; break;
    case FloodKind::Ack: f.kind = FindingKind::AckFlood; break;
    case FloodKind::Rst: f.kind = FindingKind::RstFlood; break;
    case FloodKind::Reflection: f.kind = FindingKind::SynAckReflection; break;
  }
  f.target = e.kind == FloodKind::Reflection ? address_text(e.key.addr) : endpoint_text(e.key.addr, e.key.port);
  if (e.onset_frame != 0) {
    f.set_span(e.onset_frame, e.onset_ns, e.span.last_frame, e.span.last_ns);
    f.packets = e.packets_at_onset + (e.packets - e.packets_at_raise);
  } else {
    f.set_span(e.span.first_frame, e.span.first_ns, e.span.last_frame, e.span.last_ns);
    f.packets = e.packets;
  }

  // Who sends it.
  const std::uint64_t distinct = std::max<std::uint64_t>(1, std::min(e.sources.count(), e.events));
  const auto& top = e.top_sources.top();
  const double top_share = e.events == 0 ? 0 : static_cast<double>(top.count - top.error) / static_cast<double>(e.events);
  const bool many = distinct >= opt_.spoofed_min_sources;
  if (e.kind == FloodKind::Reflection)
    f.source = "spoofed";
  else if (top_share >= 0.5 || !many)
    f.source = address_text(top.addr);
  else
    f.source = "spoofed";

  const double window = opt_.window_sec;
  const double duration = static_cast<double>(f.last_ts.sec - f.first_ts.sec) +
                          static_cast<double>(f.last_ts.nsec - f.first_ts.nsec) / 1e9;
  f.add_real("window_sec", window);
  f.add_real("duration_sec", duration);
  f.add("peak_unresolved", static_cast<std::int64_t>(e.peak_unresolved));
  f.add_real("peak_rate_per_sec", static_cast<double>(e.peak_unresolved) / window);
  f.add_real("threshold_per_sec", rate_of(e.kind));
  f.add("distinct_sources", static_cast<std::int64_t>(distinct));
  f.add_real("packets_per_source", static_cast<double>(e.events) / static_cast<double>(distinct));
  std::vector<std::string> tops;
  std::array<TopK<4>::Item, 4> items = e.top_sources.items();
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
  for (const auto& it : items)
    if (it.count > it.error && it.count - it.error >= 2)
      tops.push_back(address_text(it.addr) + " (" + std::to_string(it.count - it.error) + ")");
  f.add_list("top_sources", tops);
  f.add_real("top_source_share", top_share);
  f.add("bogus_sources", static_cast<std::int64_t>(e.bogus_sources));
  f.add("ttl_min", e.ttl_min);
  f.add("ttl_max", e.ttl_max);
  f.add("distinct_ttls", e.ttls.count());
  f.add("distinct_ports", static_cast<std::int64_t>(std::min<std::uint64_t>(e.ports.count(), e.events)));

  const double threshold = rate_of(e.kind) * window;
  const double over = static_cast<double>(e.peak_unresolved) / std::max(1.0, threshold);
  f.confidence = std::min(0.99, 0.6 + 0.13 * (over - 1));
  f.severity = over >= 5 ? Severity::High : Severity::Medium;

  switch (e.kind) {
    case FloodKind::Syn: {
      f.add("attempts", static_cast<std::int64_t>(e.events));
      f.add("syn_packets", static_cast<std::int64_t>(e.events + e.syn_retries));
      f.add("syn_retransmissions", static_cast<std::int64_t>(e.syn_retries));
      f.add("synacks", static_cast<std::int64_t>(e.synacks));
      f.add("synack_retransmissions", static_cast<std::int64_t>(e.synack_retries));
      f.add("completed", static_cast<std::int64_t>(e.completed));
      f.add("refused", static_cast<std::int64_t>(e.refused));
      f.add("reset_by_client", static_cast<std::int64_t>(e.client_resets));
      f.add("half_open", static_cast<std::int64_t>(e.events - std::min(e.events, e.resolved)));
      const double answered = e.events == 0 ? 0 : static_cast<double>(e.synacks) / static_cast<double>(e.events);
      f.add_real("answered_share", answered);
      // Linux's cookies keep the SYN's options in the low 6 bits of the SYN-ACK's TSval: the
      // same bits on (nearly) every SYN-ACK (1 in 64 by chance).
      const bool cookie_timestamps = e.synack_ts >= 10 && e.synack_ts_same_low * 10 >= e.synack_ts * 9;
      f.add("synacks_with_timestamps", static_cast<std::int64_t>(e.synack_ts));
      f.add_real("synack_tsval_low_bits_same_share",
                 e.synack_ts == 0 ? 0 : static_cast<double>(e.synack_ts_same_low) / static_cast<double>(e.synack_ts));
      std::string cookies = "unknown";
      if (e.synacks >= 10 && ((answered >= 0.9 && e.synack_retries * 20 < e.synacks) || cookie_timestamps))
        cookies = "likely";
      else if (e.synack_retries > 0 && answered < 0.9)
        cookies = "no";
      f.add_text("syn_cookies", cookies);
      f.add("options_none", static_cast<std::int64_t>(e.option_shapes[0]));
      f.add("options_mss_only", static_cast<std::int64_t>(e.option_shapes[1]));
      f.add("options_full", static_cast<std::int64_t>(e.option_shapes[2]));
      f.add_real("same_window_share", e.events == 0 ? 0 : static_cast<double>(e.same_window) / static_cast<double>(e.events));
      f.add("delayed_clients", static_cast<std::int64_t>(e.delayed));
      std::vector<std::string> victims;
      for (std::uint8_t i = 0; i < e.victim_count; ++i) victims.push_back(address_text(e.victims[i]));
      f.add_list("delayed_client_addresses", victims);
      if (e.delayed > 0) f.severity = Severity::High;
      break;
    }
    case FloodKind::Ack:
    case FloodKind::Rst:
      f.add("orphan_packets", static_cast<std::int64_t>(e.events));
      f.add("proved_connections", static_cast<std::int64_t>(std::min(e.resolved, e.events)));
      f.add("rst_replies", static_cast<std::int64_t>(e.rst_replies));
      break;
    case FloodKind::Reflection:
      f.add("synacks", static_cast<std::int64_t>(e.events));
      f.add("handshakes", static_cast<std::int64_t>(e.tuples));
      f.add("retransmitted", static_cast<std::int64_t>(e.retransmitted));
      f.add("reflectors", static_cast<std::int64_t>(distinct));
      f.add("target_rsts", static_cast<std::int64_t>(e.rst_replies));
      f.add("rsts_to_target", static_cast<std::int64_t>(e.rsts_in));
      break;
  }
  return f;
}

}  // namespace tcplens::detect
