#include "tcplens/explain/trace.hpp"

#include <string_view>

#include "tcplens/wire/tcp.hpp"

namespace tcplens::explain {

namespace {

// a < b in sequence space (RFC 9293 section 3.4).
bool seq_before(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }

std::uint32_t sum16(ByteView bytes, std::uint32_t sum) {
  std::size_t k = 0;
  for (; k + 1 < bytes.size(); k += 2) sum += static_cast<std::uint32_t>(bytes[k] << 8 | bytes[k + 1]);
  if (k < bytes.size()) sum += static_cast<std::uint32_t>(bytes[k] << 8);
  return sum;
}

}  // namespace

std::string http_line(ByteView payload, bool request) {
  std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size() < 200 ? payload.size() : 200);
  const std::size_t eol = text.find("\r\n");
  if (eol == std::string_view::npos) return {};
  std::string_view line = text.substr(0, eol);
  if (request) {
    static constexpr std::string_view kMethods[] = {"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH "};
    for (std::string_view m : kMethods) {
      if (line.substr(0, m.size()) != m) continue;
      const std::size_t version = line.rfind(" HTTP/");
      return std::string(version != std::string_view::npos && version >= m.size() ? line.substr(0, version) : line);
    }
    return {};
  }
  if (line.substr(0, 7) != "HTTP/1." || line.size() < 12) return {};
  return std::string(line.substr(9));
}

bool checksum_checkable(const DecodedPacket& pkt) {
  const TcpSegment& t = pkt.tcp;
  return t.header_valid && t.header.size() >= t.header_len && t.payload.size() == t.payload_len &&
         (pkt.ip.version == 4 || pkt.ip.version == 6);
}

bool tcp_checksum_ok(const DecodedPacket& pkt) {
  if (!checksum_checkable(pkt)) return false;
  const TcpSegment& t = pkt.tcp;
  const std::uint32_t tcp_len = t.header_len + t.payload_len;
  const std::size_t addr = pkt.ip.src.size();
  std::uint32_t sum = sum16(ByteView(pkt.ip.src.bytes.data(), addr), 0);
  sum = sum16(ByteView(pkt.ip.dst.bytes.data(), addr), sum);
  sum += 6 + (tcp_len & 0xFFFF) + (tcp_len >> 16);  // protocol and TCP length
  sum = sum16(t.header.first(t.header_len), sum);
  sum = sum16(t.payload, sum);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return sum == 0xFFFF;
}

const FrameTally& ConnectionTrace::tally(Side s, Event e) const {
  static const FrameTally kNone;
  return evidence ? evidence->events[index(s)][static_cast<std::size_t>(e)] : kNone;
}

void Span::add(const LadderRow& r) {
  if (packets == 0) {
    first_frame = r.frame;
    first_ts = r.ts;
  }
  ++packets;
  last_frame = r.frame;
  last_ts = r.ts;
  if (r.len > 0) {
    ++segments[index(r.from)];
    bytes[index(r.from)] += r.len;
  }
  if (r.anomalies.has(Anomaly::Retransmission) || r.anomalies.has(Anomaly::FastRetransmission) ||
      r.anomalies.has(Anomaly::SpuriousRetransmission))
    ++retransmissions;
  if (r.anomalies.has(Anomaly::DuplicateAck)) ++dup_acks;
  if (r.anomalies.has(Anomaly::ZeroWindow)) ++zero_windows;
}

namespace {

bool retransmission(const AnomalySet& a) {
  return a.has(Anomaly::Retransmission) || a.has(Anomaly::FastRetransmission) || a.has(Anomaly::SpuriousRetransmission);
}

}  // namespace

bool ConnectionTrace::takes_http_line(std::size_t taken, std::uint32_t payload_len, AnomalySet anomalies) {
  return payload_len > 0 && !retransmission(anomalies) && taken < kMaxHttp;
}

bool ConnectionTrace::http_line_needed(Side from, std::uint32_t payload_len, AnomalySet anomalies) const {
  return takes_http_line(http ? http->lines[index(from)].size() : 0, payload_len, anomalies);
}

void ConnectionTrace::add(const Connection& c, const DecodedPacket& pkt, const TcpPacketAnalysis& a,
                          std::uint64_t frame, const Timestamp& ts, const TraceOptions& options) {
  const TcpSegment& t = pkt.tcp;
  TracePacket p;
  p.frame = frame;
  p.ts = ts;
  p.from = (pkt.ip.src == c.client.ip && t.src_port == c.client.port) ? Side::Client : Side::Server;
  p.flags = t.flags;
  p.window = t.window;
  p.seq = t.seq;
  p.ack = t.ack;
  p.payload_len = t.payload_len;
  const Endpoint& sender = c.side(p.from);
  const Endpoint& receiver = c.side(other(p.from));
  p.sender_base = sender.isn_seen ? sender.isn : t.seq;
  p.receiver_base = receiver.isn_seen ? receiver.isn : t.ack - 1;
  p.options = &t.options;
  p.anomalies = a.anomalies;
  p.dupack_num = a.dupack_num;
  p.dupack_frame = a.dupack_frame;
  p.state_c = c.client.state;
  p.state_s = c.server.state;
  p.after_peer_fin = receiver.fin_sent && receiver.fin_frame < frame;
  if (checksum_needed(p.from) && checksum_checkable(pkt)) p.checksum = tcp_checksum_ok(pkt) ? 1 : 2;
  std::string line;
  if (http_line_needed(p.from, t.payload_len, a.anomalies)) line = http_line(t.payload, p.from == Side::Client);
  p.http_line = line;
  add(p, options);
}

void ConnectionTrace::add(const TracePacket& t, const TraceOptions& options) {
  const std::uint64_t frame = t.frame;
  const Side from = t.from;
  const std::size_t me = index(from), peer = 1 - me;
  const bool ack = (t.flags & tcpflag::kAck) != 0;
  if (!base_set[me]) {
    base[me] = t.sender_base;
    base_set[me] = true;
  }
  if (ack && !base_set[peer]) {
    base[peer] = t.receiver_base;
    base_set[peer] = true;
  }

  LadderRow row;
  row.frame = frame;
  row.ts = t.ts;
  row.from = from;
  row.flags = t.flags;
  row.has_ack = ack;
  row.seq = t.seq;
  row.ack = t.ack;
  row.rel_seq = t.seq - base[me];
  row.rel_ack = ack ? t.ack - base[peer] : 0;
  row.len = t.payload_len;
  row.window = t.window;
  if ((t.flags & tcpflag::kSyn) && t.options != nullptr) row.options = *t.options;
  row.anomalies = t.anomalies;
  row.dupack_num = t.dupack_num;
  row.dupack_frame = t.dupack_frame;

  // A keep-alive (one byte below the next seq) sent into a zero window is the sender's
  // zero-window probe: tshark 4.0 names it keep_alive, Linux sends it as a probe.
  if (row.anomalies.has(Anomaly::KeepAlive) && window_zero[peer]) {
    row.anomalies.clear(Anomaly::KeepAlive);
    row.anomalies.set(Anomaly::ZeroWindowProbe);
  }
  if (ack && !(t.flags & tcpflag::kRst)) window_zero[me] = t.window == 0;
  const AnomalySet an = row.anomalies;
  // Window updates and the like are routine (most connections have them): no evidence.
  AnomalySet told = an;
  for (const Anomaly routine : {Anomaly::WindowUpdate, Anomaly::WindowFull, Anomaly::KeepAliveAck,
                                Anomaly::ZeroWindowProbeAck, Anomaly::AckLostSegment, Anomaly::TfoSyn,
                                Anomaly::TfoAck, Anomaly::TfoIgnored})
    told.clear(routine);
  if (!told.empty() && !evidence) evidence = std::make_unique<Evidence>();
  const bool retransmitted = retransmission(an);
  if (options.ladder && !recent) recent = std::make_unique<Recent>();
  if (retransmitted) {
    auto& ev = evidence->events[me];
    if (recent)
      for (const Sent& s : recent->sent[me])
        if (s.frame != 0 && s.seq == t.seq) row.original_frame = s.frame;
    if (an.has(Anomaly::SpuriousRetransmission))
      ev[static_cast<std::size_t>(Event::Spurious)].add(frame);
    else if (an.has(Anomaly::FastRetransmission))
      ev[static_cast<std::size_t>(Event::FastRetransmission)].add(frame);
    else
      ev[static_cast<std::size_t>(Event::Retransmission)].add(frame);
    // The original passed the capture point unless the retransmission fills a hole the
    // capture saw (the bytes below the highest sequence number seen were seen).
    bool in_hole = false;
    const std::size_t holes = evidence->hole_count[me];
    for (std::size_t k = 0; k < holes && k < kMaxHoles && !in_hole; ++k) {
      Hole& h = evidence->holes[me][k];
      if (seq_before(t.seq, h.from) || !seq_before(t.seq, h.to)) continue;
      in_hole = true;
      // Filled from its start: what comes again later was seen (a repeat, not a fill).
      if (t.seq == h.from) h.from = seq_before(t.seq + t.payload_len, h.to) ? t.seq + t.payload_len : h.to;
    }
    const bool seen_before = seq_end_set[me] && seq_before(t.seq, seq_end[me]);
    if (!an.has(Anomaly::SpuriousRetransmission)) {
      if (in_hole)
        ev[static_cast<std::size_t>(Event::LostBeforeCapture)].add(frame);
      else if (seen_before)
        ev[static_cast<std::size_t>(Event::LostAfterCapture)].add(frame);
    }
  } else if (recent && (t.payload_len > 0 || (t.flags & (tcpflag::kSyn | tcpflag::kFin)))) {
    recent->sent[me][recent->next[me]] = {t.seq, frame};
    recent->next[me] = (recent->next[me] + 1) % kRecentSegments;
  }
  if (!told.empty()) {
    auto& ev = evidence->events[me];
    if (an.has(Anomaly::LostSegment)) {
      ev[static_cast<std::size_t>(Event::LostSegment)].add(frame);
      std::size_t& n = evidence->hole_count[me];
      if (seq_end_set[me] && n < kMaxHoles) evidence->holes[me][n++] = {seq_end[me], t.seq};
    }
    static constexpr std::pair<Anomaly, Event> kTold[] = {
        {Anomaly::OutOfOrder, Event::OutOfOrder},   {Anomaly::DuplicateAck, Event::DupAck},
        {Anomaly::ZeroWindow, Event::ZeroWindow},   {Anomaly::ZeroWindowProbe, Event::ZeroWindowProbe},
        {Anomaly::KeepAlive, Event::KeepAlive},     {Anomaly::ReusedPorts, Event::ReusedPorts}};
    for (const auto& [anomaly, event] : kTold)
      if (an.has(anomaly)) ev[static_cast<std::size_t>(event)].add(frame);
  }

  const std::uint32_t end = t.seq + t.payload_len + ((t.flags & tcpflag::kSyn) ? 1 : 0) + ((t.flags & tcpflag::kFin) ? 1 : 0);
  if (!seq_end_set[me] || seq_before(seq_end[me], end)) {
    seq_end[me] = end;
    seq_end_set[me] = true;
  }

  if (t.payload_len > 0) {
    ++data_segments[me];
    if (first_data_frame[me] == 0) first_data_frame[me] = frame;
    last_data_frame[me] = frame;
    // Data after the peer's FIN: the peer closed only its sending side (a half-close).
    if (t.after_peer_fin) data_after_peer_fin[me] = true;
    // An ACK riding on data (RFC 9293 section 3.10.7.4: a receiver may delay its ACK to send it
    // with data).
    if (ack && last_ack_set[me] && seq_before(last_ack[me], t.ack)) {
      if (!evidence) evidence = std::make_unique<Evidence>();
      evidence->events[me][static_cast<std::size_t>(Event::PiggybackedAck)].add(frame);
    }
    if (http_line_needed(from, t.payload_len, an) && !t.http_line.empty()) {
      if (!http) http = std::make_unique<Http>();
      http->lines[me].emplace_back(t.http_line);
      http->frames[me].push_back(frame);
    }
  }
  if (ack && (!last_ack_set[me] || seq_before(last_ack[me], t.ack))) {
    last_ack[me] = t.ack;
    last_ack_set[me] = true;
  }
  if ((t.flags & tcpflag::kSyn) && !ack && from == Side::Client) syns.add(frame);
  if ((t.flags & tcpflag::kSyn) && ack) {
    if (syn_ack_frame == 0) syn_ack_frame = frame;
    syn_acks.add(frame);
  }
  if ((t.flags & tcpflag::kRst) && rst_frame == 0) {
    rst_frame = frame;
    rst_from = from;
    rst_sender_state = last_state[me];
    before_rst_flags = last_from[peer].flags;
    before_rst_len = last_from[peer].len;
    before_rst_frame = last_from[peer].frame;
  }
  last_from[me] = {t.flags, t.payload_len, frame};
  if (checksum_needed(from) && t.checksum != 0) {
    ++checksums_checked[me];
    if (t.checksum == 2) ++checksums_bad[me];
  }

  bool changed = false;
  if (t.state_c != last_state[0]) changed = true, row.state_c = last_state[0] = t.state_c;
  if (t.state_s != last_state[1]) changed = true, row.state_s = last_state[1] = t.state_s;
  ++packets;
  ++packets_by_side[me];
  const bool control = (t.flags & (tcpflag::kSyn | tcpflag::kFin | tcpflag::kRst)) != 0;
  // What a learner looks for stays on the ladder: the handshake and the close (anything that
  // changes a state), and the anomalies, up to the entry cap; window updates are routine.
  // An anomaly keeps its row the first kShownPerAnomaly times it happens; the story counts
  // the rest.
  if (!options.ladder) return;
  bool news = false;
  for (std::size_t k = 0; evidence && k < kAnomalyCount; ++k) {
    const auto anomaly = static_cast<Anomaly>(k);
    if (!row.anomalies.has(anomaly) || anomaly == Anomaly::WindowUpdate || anomaly == Anomaly::WindowFull) continue;
    if (evidence->anomaly_rows[k] < kShownPerAnomaly) news = true;
    ++evidence->anomaly_rows[k];
  }
  const Fold fold = control || changed ? Fold::Never : news ? Fold::Late : Fold::Always;
  push(row, fold, options);
}

void ConnectionTrace::add_icmp_error(const DecodedPacket& pkt, std::uint64_t frame) {
  if (icmp_frame != 0) return;
  icmp_frame = frame;
  icmp_from = pkt.ip.src;
  icmp_family = pkt.ip.version == 6 ? 6 : 4;
  icmp_type = pkt.icmp_error.type;
  icmp_code = pkt.icmp_error.code;
}

void ConnectionTrace::push(const LadderRow& row, Fold fold, const TraceOptions& options) {
  if (options.full) {
    entries.push_back({false, row, {}});
    return;
  }
  // Beyond the cap anomalies fold too; beyond twice the cap everything does (a RST storm).
  const bool foldable = fold == Fold::Always || (fold == Fold::Late && entries.size() >= kMaxEntries) ||
                        entries.size() >= 2 * kMaxEntries;
  if (!foldable) {
    flush_run();
    entries.push_back({false, row, {}});
    return;
  }
  if (!run_) {
    run_ = std::make_unique<Run>();
    run_->held.reserve(kRunHold + 1);
  }
  if (++run_->len <= kRunHead && entries.size() < kMaxEntries) {
    entries.push_back({false, row, {}});
    return;
  }
  run_->held.push_back(row);
  if (run_->held.size() > kRunHold) {
    run_->span.add(run_->held.front());
    run_->held.erase(run_->held.begin());
  }
}

void ConnectionTrace::flush_run() {
  if (!run_) return;
  Run& run = *run_;
  std::size_t shown = 0;
  if (run.span.packets > 0) {
    while (run.held.size() - shown > kRunTail) run.span.add(run.held[shown++]);
    entries.push_back({true, {}, run.span});
  }
  for (; shown < run.held.size(); ++shown) entries.push_back({false, run.held[shown], {}});
  run.held.clear();
  run.len = 0;
  run.span = Span{};
}

void ConnectionTrace::close(const TraceOptions&) { flush_run(); }

}  // namespace tcplens::explain
