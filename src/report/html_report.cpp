// HtmlReport's gathering: the per-worker sinks (the logged packets of live connections, the
// timeline, detect's detectors) and the RecordSink side (the table, outcomes, talkers).
#include "tcplens/report/html_report.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "report_data.hpp"
#include "tcplens/wire/tcp.hpp"

namespace tcplens::report {

namespace {

std::size_t side_index(Side s) { return s == Side::Client ? 0 : 1; }

bool later(const Timestamp& a, const Timestamp& b) { return a.sec != b.sec ? a.sec > b.sec : a.nsec > b.nsec; }

std::string ip_text(const IpAddress& ip) {
  char buf[64];
  return std::string(buf, format_ip(ip, buf));
}

// One packet of a live connection as the report keeps it until the connection's record says
// whether the connection gets a page: the fields of its explain::TracePacket and of its Point.
// A connection's trace and points are made from these when it is kept (few are), so the
// many live connections of a large capture cost 80 bytes a packet, not a whole trace each.
struct LoggedPacket {
  Timestamp ts;
  std::uint64_t frame = 0;
  std::uint64_t dupack_frame = 0;
  std::int64_t rtt_ns = -1;
  std::uint32_t seq = 0, ack = 0, len = 0;
  std::uint32_t scaled_window = 0;
  std::uint32_t in_flight = 0;
  std::uint32_t dupack_num = 0;
  AnomalySet anomalies;
  std::uint16_t flags = 0;
  std::uint16_t window = 0;
  TcpState state_c = TcpState::Unknown, state_s = TcpState::Unknown;
  Side from = Side::Client;
  std::uint8_t checksum = 0;
  std::uint8_t sack_blocks = 0;  // its SACK blocks are the next in LiveConnection::sacks
  bool after_peer_fin = false;
  bool http = false;  // its HTTP line is the next in LiveConnection::http_lines
};

// What a worker keeps per live connection: its packets (up to ReportOptions::max_points), then,
// for a longer connection, the trace and points made of them, which the later packets update.
struct LiveConnection {
  std::vector<LoggedPacket> packets;
  std::vector<TcpOptions> syn_options;  // of its SYNs, in order
  std::vector<std::array<std::uint32_t, 6>> sacks;
  std::vector<std::string> http_lines;
  Timestamp first_ts;  // the connection's
  // What the trace will decide from the packets, kept as it decides it: each side's base, how
  // many checksums and HTTP lines it took.
  std::uint32_t base[2] = {0, 0};
  bool base_set[2] = {false, false};
  std::uint32_t checksums[2] = {0, 0};
  std::uint32_t http_count[2] = {0, 0};
  // The first ICMP error quoting the connection (explain tells it), until the trace is made.
  std::unique_ptr<explain::ConnectionTrace> icmp_error;
  std::unique_ptr<Detail> made;  // the trace and points once `packets` reached the cap
  std::uint64_t points_dropped = 0;
};

class ReportSink final : public PacketSink {
 public:
  ReportSink(HtmlReport::State& state, detect::Detector* detector)
      : state_(state), options_(state.options), detector_(detector) {}

  void on_packet(const PacketEvent& e, Emitter&) override {
    bytes_ += e.raw->wirelen;
    if (!have_time_) {
      have_time_ = true;
      first_ = e.first_ts;
    }
    last_ = e.raw->ts;
    if (detector_ != nullptr && e.pkt != nullptr) detector_->on_packet(*e.raw, *e.pkt);
    const std::int64_t since_first = (e.raw->ts.sec - first_.sec) * 1000000000 + (e.raw->ts.nsec - first_.nsec);
    if (e.tcp != nullptr && !e.tcp->tracked && e.pkt != nullptr && e.pkt->in_icmp_error) {
      // An ICMP error quoting a connection's header (explain tells it answered the SYN).
      if (auto it = live_.find(e.tcp->stream); it != live_.end()) {
        LiveConnection& live = it->second;
        if (live.made)
          live.made->trace.add_icmp_error(*e.pkt, e.raw->number);
        else if (!live.icmp_error)
          (live.icmp_error = std::make_unique<explain::ConnectionTrace>())->add_icmp_error(*e.pkt, e.raw->number);
      }
    }
    if (!e.has_tcp()) {
      timeline_.add(since_first, AnomalySet());
      return;
    }
    timeline_.add(since_first, e.tcp->anomalies);
    if (e.connection == nullptr || e.pkt == nullptr || !e.pkt->has_tcp()) return;
    if (options_.only_stream >= 0 && e.stream != static_cast<std::uint64_t>(options_.only_stream)) return;
    const Connection& c = *e.connection;
    if (options_.detail == 0) return;
    LiveConnection& live = live_[e.tcp->stream];
    if (live.made) {
      live.made->trace.add(c, *e.pkt, *e.tcp, e.raw->number, e.raw->ts, trace_options_);
      ++live.points_dropped;
      return;
    }
    log_packet(live, c, e);
    if (live.packets.size() >= options_.max_points) {
      // The cap of the graphs: the rest of the packets update the trace alone.
      live.made = std::make_unique<Detail>();
      replay(live, *live.made);
    }
  }

  void on_stream_end(const EndedStream& e) override {
    // The record comes after this call, at once or (when Zeek's view of the connection is
    // still open) later: keep the rows until it comes, or on_record_skipped says it will not
    // (a filter may choose a connection by its conn.* fields with none of its packets shown).
    auto it = live_.find(e.stream);
    if (it == live_.end()) return;
    ended_[e.stream] = std::move(it->second);
    live_.erase(it);
  }

  void on_record_skipped(std::uint32_t stream) override {
    if (auto it = ended_.find(stream); it != ended_.end())
      ended_.erase(it);
    else if (auto live = live_.find(stream); live != live_.end())
      live_.erase(live);
  }

  void on_connection(const ConnectionRecord& r, Emitter&) override {
    if (options_.only_stream >= 0 && r.conn.stream != static_cast<std::uint64_t>(options_.only_stream)) return;
    const double score = notability(r.conn);
    // Most connections of a large capture are below the least notable kept one (or tie with
    // it and come later): leave them before copying anything.
    const double least = state_.keep_from.load(std::memory_order_relaxed);
    if (score < least || (score == least && !state_.would_keep(score, r.conn.first_frame))) {
      drop(r.conn.stream);
      return;
    }
    auto d = std::make_unique<Detail>();
    if (auto it = ended_.find(r.conn.stream); it != ended_.end()) {
      take(*d, it->second);
      ended_.erase(it);
    } else if (auto live = live_.find(r.conn.stream); live != live_.end()) {
      take(*d, live->second);
      live_.erase(live);
    }
    d->record = r;
    d->score = score;
    state_.offer(std::move(d));
  }

  void on_finish(Emitter&) override {
    std::lock_guard<std::mutex> lock(state_.mutex);
    state_.timeline.merge(timeline_);
    state_.bytes += bytes_;
    if (have_time_) {
      // Every worker sees the input's first packet time; the last one seen by any is the end.
      state_.first_ts = first_;
      if (!state_.have_time || later(last_, state_.last_ts)) state_.last_ts = last_;
      state_.have_time = true;
    }
  }

 private:
  void drop(std::uint32_t stream) {
    if (ended_.erase(stream) == 0) live_.erase(stream);
  }
  void take(Detail& d, LiveConnection& live) const {
    if (live.made) {
      d.trace = std::move(live.made->trace);
      d.points = std::move(live.made->points);
    } else {
      replay(live, d);
    }
    d.trace.close(trace_options_);  // the ladder's last run of packets folded, as explain's
    d.points_dropped = live.points_dropped;
  }

  // What ConnectionTrace::add and the graphs take of one packet, kept for later.
  void log_packet(LiveConnection& live, const Connection& c, const PacketEvent& e) const {
    const TcpSegment& t = e.pkt->tcp;
    const Side from = (e.pkt->ip.src == c.client.ip && t.src_port == c.client.port) ? Side::Client : Side::Server;
    const std::size_t me = side_index(from), peer = 1 - me;
    const bool ack = (t.flags & tcpflag::kAck) != 0;
    const Endpoint& sender = c.side(from);
    const Endpoint& receiver = c.side(other(from));
    if (live.packets.empty()) {
      live.first_ts = c.first_ts;
      live.packets.reserve(8);
    }
    // The bases as the trace sets them (ConnectionTrace::add).
    if (!live.base_set[me]) {
      live.base[me] = sender.isn_seen ? sender.isn : t.seq;
      live.base_set[me] = true;
    }
    if (ack && !live.base_set[peer]) {
      live.base[peer] = receiver.isn_seen ? receiver.isn : t.ack - 1;
      live.base_set[peer] = true;
    }
    LoggedPacket& p = live.packets.emplace_back();
    p.ts = e.raw->ts;
    p.frame = e.raw->number;
    p.from = from;
    p.flags = t.flags;
    p.window = t.window;
    p.seq = t.seq;
    p.ack = t.ack;
    p.len = t.payload_len;
    p.anomalies = e.tcp->anomalies;
    p.dupack_num = e.tcp->dupack_num;
    p.dupack_frame = e.tcp->dupack_frame;
    p.state_c = c.client.state;
    p.state_s = c.server.state;
    p.after_peer_fin = receiver.fin_sent && receiver.fin_frame < e.raw->number;
    if ((t.flags & tcpflag::kSyn) != 0) live.syn_options.push_back(t.options);
    // The checksums and HTTP lines the trace takes (ConnectionTrace::checksum_needed,
    // http_line_needed): the first of each side.
    using Trace = explain::ConnectionTrace;
    if (Trace::takes_checksum(live.checksums[me]) && explain::checksum_checkable(*e.pkt)) {
      ++live.checksums[me];
      p.checksum = explain::tcp_checksum_ok(*e.pkt) ? 1 : 2;
    }
    if (Trace::takes_http_line(live.http_count[me], t.payload_len, e.tcp->anomalies)) {
      std::string line(explain::http_line(t.payload, from == Side::Client));
      if (!line.empty()) {
        ++live.http_count[me];
        p.http = true;
        live.http_lines.push_back(std::move(line));
      }
    }
    // The graphs' numbers.
    p.in_flight = e.tcp->bytes_in_flight;
    if (e.tcp->acks_frame != 0) p.rtt_ns = e.tcp->ack_rtt.total_ns();
    p.scaled_window = t.window;
    if (e.summary != nullptr) {
      const std::int8_t scale = e.summary->win_scale[static_cast<std::size_t>(e.tcp->dir)];
      if (scale >= 0 && (t.flags & tcpflag::kSyn) == 0) p.scaled_window = static_cast<std::uint32_t>(t.window) << scale;
    }
    p.sack_blocks = static_cast<std::uint8_t>(std::min<std::size_t>(t.options.sack_count, 3));
    if (p.sack_blocks > 0) {
      auto& edges = live.sacks.emplace_back();
      edges.fill(0);
      for (std::size_t k = 0; k < p.sack_blocks; ++k) {
        edges[2 * k] = t.options.sack[k].left;
        edges[2 * k + 1] = t.options.sack[k].right;
      }
    }
  }

  // The trace and points of a connection from its logged packets, as if they had been made
  // packet by packet; the log is emptied.
  void replay(LiveConnection& live, Detail& d) const {
    explain::ConnectionTrace& tr = d.trace;
    d.points.reserve(live.packets.size());
    std::size_t syn = 0, sack = 0, http = 0;
    for (const LoggedPacket& lp : live.packets) {
      const std::size_t me = side_index(lp.from), peer = 1 - me;
      explain::TracePacket tp;
      tp.frame = lp.frame;
      tp.ts = lp.ts;
      tp.from = lp.from;
      tp.flags = lp.flags;
      tp.window = lp.window;
      tp.seq = lp.seq;
      tp.ack = lp.ack;
      tp.payload_len = lp.len;
      tp.sender_base = live.base[me];
      tp.receiver_base = live.base[peer];
      if ((lp.flags & tcpflag::kSyn) != 0) tp.options = &live.syn_options[syn++];
      tp.anomalies = lp.anomalies;
      tp.dupack_num = lp.dupack_num;
      tp.dupack_frame = lp.dupack_frame;
      tp.state_c = lp.state_c;
      tp.state_s = lp.state_s;
      tp.after_peer_fin = lp.after_peer_fin;
      tp.checksum = lp.checksum;
      if (lp.http) tp.http_line = live.http_lines[http++];
      tr.add(tp, trace_options_);

      Point& p = d.points.emplace_back();
      p.t_ns = (lp.ts.sec - live.first_ts.sec) * 1000000000 + (lp.ts.nsec - live.first_ts.nsec);
      p.frame = lp.frame;
      p.side = static_cast<std::uint8_t>(me);
      p.seq = lp.seq - tr.base[me];
      const bool ack = (lp.flags & tcpflag::kAck) != 0;
      p.ack = ack && tr.base_set[peer] ? lp.ack - tr.base[peer] : 0;
      p.len = lp.len;
      p.flags = lp.flags;
      p.anomalies = lp.anomalies.bits();
      p.in_flight = lp.in_flight;
      p.rtt_ns = lp.rtt_ns;
      p.window = lp.scaled_window;
      if (lp.sack_blocks > 0) {
        const auto& edges = live.sacks[sack++];
        p.sack_count = static_cast<std::uint8_t>(tr.base_set[peer] ? lp.sack_blocks : 0);
        for (std::size_t k = 0; k < p.sack_count; ++k) {
          p.sack[2 * k] = edges[2 * k] - tr.base[peer];
          p.sack[2 * k + 1] = edges[2 * k + 1] - tr.base[peer];
        }
      }
    }
    if (live.icmp_error) {
      tr.icmp = std::move(live.icmp_error->icmp);
      live.icmp_error.reset();
    }
    live.packets = {};
    live.syn_options = {};
    live.sacks = {};
    live.http_lines = {};
  }

  HtmlReport::State& state_;
  const ReportOptions& options_;
  detect::Detector* detector_;
  explain::TraceOptions trace_options_;  // explain's defaults: the ladder kept, long runs folded
  std::unordered_map<std::uint32_t, LiveConnection> live_;
  std::unordered_map<std::uint32_t, LiveConnection> ended_;
  Timeline timeline_;
  std::uint64_t bytes_ = 0;
  bool have_time_ = false;
  Timestamp first_, last_;
};

class ReportSinks final : public SinkFactory {
 public:
  explicit ReportSinks(HtmlReport::State& state) : state_(state) {}
  std::uint32_t needs() const override {
    return need::kPackets | need::kDecode | need::kTrack | need::kConnections | need::kZeek |
           (state_.options.only_stream >= 0 ? need::kStreamNumbers : 0);
  }
  std::unique_ptr<PacketSink> make(unsigned) override {
    detect::Detector* detector = nullptr;
    if (state_.options.detect) {
      std::lock_guard<std::mutex> lock(state_.mutex);
      state_.detectors.push_back(std::make_unique<detect::Detector>());
      detector = state_.detectors.back().get();
    }
    return std::make_unique<ReportSink>(state_, detector);
  }

 private:
  HtmlReport::State& state_;
};

// Ties go to the earlier connection.
bool more_notable(double score_a, std::uint64_t first_a, double score_b, std::uint64_t first_b) {
  if (score_a != score_b) return score_a > score_b;
  return first_a < first_b;
}

// The heap's order: the least notable on top.
bool more_notable_detail(const std::unique_ptr<Detail>& a, const std::unique_ptr<Detail>& b) {
  return more_notable(a->score, a->record.conn.first_frame, b->score, b->record.conn.first_frame);
}

}  // namespace

double notability(const Connection& c) {
  const DirectionStats& a = c.client.sent;
  const DirectionStats& b = c.server.sent;
  double trouble = 0;
  if (c.reset_seen) trouble += 50;
  if (c.handshake == HandshakeResult::Rejected || c.handshake == HandshakeResult::Unanswered) trouble += 20;
  trouble += 10.0 * (a.retransmissions + b.retransmissions + a.lost_segments + b.lost_segments);
  trouble += 10.0 * (a.zero_windows + b.zero_windows);
  trouble += 3.0 * (a.out_of_order + b.out_of_order) + (a.dup_acks + b.dup_acks);
  const double size = std::log2(1.0 + static_cast<double>(a.bytes + b.bytes));  // at most 64
  return trouble * 100 + size;
}

std::string_view outcome(const Connection& c) {
  switch (c.handshake) {
    case HandshakeResult::Rejected: return "refused";
    case HandshakeResult::Unanswered: return "unanswered";
    default: break;
  }
  switch (c.teardown) {
    case TeardownKind::Reset: return "reset";
    case TeardownKind::Open: return "open";
    case TeardownKind::FourWay:
    case TeardownKind::ThreeWay:
    case TeardownKind::Simultaneous:
    case TeardownKind::HalfClosed: return "complete";
    default: return "other";
  }
}

void Timeline::coarsen() {
  for (auto& v : counts) {
    for (std::size_t k = 0; k < v.size(); ++k) v[k / 2] = (k % 2 == 0 ? 0 : v[k / 2]) + v[k];
    v.resize((v.size() + 1) / 2);
  }
  width_ns *= 2;
}

void Timeline::add(std::int64_t since_first_ns, const AnomalySet& a) {
  std::int64_t at = since_first_ns < 0 ? 0 : since_first_ns / width_ns;
  while (static_cast<std::uint64_t>(at) >= kBuckets) {
    coarsen();
    at = since_first_ns / width_ns;
  }
  const auto b = static_cast<std::size_t>(at);
  if (b >= counts[0].size())
    for (auto& v : counts) v.resize(std::min<std::size_t>(kBuckets, std::max<std::size_t>(b + 1, v.size() * 2)), 0);
  ++counts[0][b];
  if (a.empty()) return;
  std::size_t kind = 4;
  if (a.has(Anomaly::Retransmission) || a.has(Anomaly::FastRetransmission) || a.has(Anomaly::SpuriousRetransmission))
    kind = 1;
  else if (a.has(Anomaly::DuplicateAck))
    kind = 2;
  else if (a.has(Anomaly::ZeroWindow))
    kind = 3;
  else if (a.has(Anomaly::WindowUpdate) || a.has(Anomaly::KeepAlive) || a.has(Anomaly::KeepAliveAck))
    return;  // routine, not trouble
  ++counts[kind][b];
}

void Timeline::merge(Timeline& o) {
  while (width_ns < o.width_ns) coarsen();
  while (o.width_ns < width_ns) o.coarsen();
  for (std::size_t kind = 0; kind < kKinds; ++kind) {
    auto& mine = counts[kind];
    const auto& theirs = o.counts[kind];
    if (theirs.size() > mine.size()) mine.resize(theirs.size(), 0);
    for (std::size_t k = 0; k < theirs.size(); ++k) mine[k] += theirs[k];
  }
}

std::size_t Timeline::used() const {
  std::size_t n = counts[0].size();
  while (n > 0 && counts[0][n - 1] == 0) --n;
  return n;
}

bool HtmlReport::State::would_keep(double score, std::uint64_t first_frame) {
  std::lock_guard<std::mutex> lock(mutex);
  return kept.size() < options.detail ||
         more_notable(score, first_frame, kept.front()->score, kept.front()->record.conn.first_frame);
}

void HtmlReport::State::offer(std::unique_ptr<Detail> d) {
  std::lock_guard<std::mutex> lock(mutex);
  if (options.detail == 0) return;
  if (kept.size() >= options.detail) {
    if (!more_notable_detail(d, kept.front())) return;
    std::pop_heap(kept.begin(), kept.end(), more_notable_detail);
    kept_by_first_frame.erase(kept.back()->record.conn.first_frame);
    kept.pop_back();
  }
  kept_by_first_frame[d->record.conn.first_frame] = d.get();
  kept.push_back(std::move(d));
  std::push_heap(kept.begin(), kept.end(), more_notable_detail);
  if (kept.size() >= options.detail) keep_from.store(kept.front()->score, std::memory_order_relaxed);
}

std::vector<const Detail*> HtmlReport::State::details() const {
  std::vector<const Detail*> out;
  for (const auto& d : kept) out.push_back(d.get());
  std::sort(out.begin(), out.end(),
            [](const Detail* a, const Detail* b) { return a->record.conn.stream < b->record.conn.stream; });
  return out;
}

HtmlReport::HtmlReport(const ReportOptions& options) : state_(std::make_unique<State>(options)) {
  // The stories are written in English and Chinese: Chinese's catalog is loaded here, on the
  // thread that makes the report, before any worker starts (use_language may set LANGUAGE).
  explain::use_language(explain::Lang::Zh);
  state_->factory = std::make_unique<ReportSinks>(*state_);
}

HtmlReport::~HtmlReport() = default;

SinkFactory& HtmlReport::sinks() { return *state_->factory; }

void HtmlReport::on_connection(ConnectionRecord& r) {
  State& s = *state_;
  if (s.options.only_stream >= 0 && r.conn.stream != static_cast<std::uint64_t>(s.options.only_stream)) return;
  s.table.add(r);
  const std::string_view o = outcome(r.conn);
  static constexpr std::string_view kOutcomes[] = {"complete", "refused", "reset", "unanswered", "open", "other"};
  for (std::size_t k = 0; k < 6; ++k)
    if (kOutcomes[k] == o) ++s.outcome_counts[k];
  const Connection& c = r.conn;
  const std::uint64_t bytes = c.client.sent.bytes + c.server.sent.bytes;
  const std::uint64_t packets = c.client.sent.packets + c.server.sent.packets;
  for (const Endpoint* e : {&c.client, &c.server}) {
    Talker& t = s.talkers[ip_text(e->ip)];
    t.bytes += bytes;
    t.packets += packets;
    ++t.connections;
  }
  // The worker handed this connection's detail over before its record reached us.
  std::lock_guard<std::mutex> lock(s.mutex);
  if (auto it = s.kept_by_first_frame.find(c.first_frame); it != s.kept_by_first_frame.end()) {
    it->second->record = r;
    it->second->numbered = true;
  }
}


}  // namespace tcplens::report
