#include "tcplens/explain/trace.hpp"

#include <string_view>

#include "tcplens/wire/checksum.hpp"
#include "tcplens/wire/tcp.hpp"

namespace tcplens::explain {

namespace {

// a < b in sequence space (RFC 9293 section 3.4).
bool seq_before(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }

}  // namespace

// The start is checked before the line's end is looked for: most segments are not one.
std::string_view http_line(ByteView payload, bool request) {
  const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size() < 200 ? payload.size() : 200);
  if (request) {
    static constexpr std::string_view kMethods[] = {"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH "};
    for (std::string_view m : kMethods) {
      if (text.substr(0, m.size()) != m) continue;
      const std::size_t eol = text.find("\r\n");
      if (eol == std::string_view::npos || eol < m.size()) return {};
      const std::string_view line = text.substr(0, eol);
      const std::size_t version = line.rfind(" HTTP/");
      return version != std::string_view::npos && version >= m.size() ? line.substr(0, version) : line;
    }
    return {};
  }
  if (text.substr(0, 7) != "HTTP/1.") return {};
  const std::size_t eol = text.find("\r\n");
  if (eol == std::string_view::npos || eol < 12) return {};
  return text.substr(9, eol - 9);
}

bool checksum_checkable(const DecodedPacket& pkt) {
  const TcpSegment& t = pkt.tcp;
  return t.header_valid && t.header.size() >= t.header_len && t.payload.size() == t.payload_len &&
         (pkt.ip.version == 4 || pkt.ip.version == 6);
}

bool tcp_checksum_ok(const DecodedPacket& pkt) {
  if (!checksum_checkable(pkt)) return false;
  const TcpSegment& t = pkt.tcp;
  return tcp_checksum_verifies(pkt.ip.src, pkt.ip.dst, t.header.first(t.header_len), t.payload);
}

const FrameTally& ConnectionTrace::tally(Side s, Event e) const {
  static const FrameTally kNone;
  for (const EventTally& t : events)
    if (t.side == s && t.event == e) return t.tally;
  return kNone;
}

void ConnectionTrace::count(Side s, Event e, std::uint64_t frame) {
  for (EventTally& t : events)
    if (t.side == s && t.event == e) {
      t.tally.add(frame);
      return;
    }
  events.push_back({s, e, {}});
  events.back().tally.add(frame);
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
  return takes_http_line(http ? http->count[index(from)] : 0, payload_len, anomalies);
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
  if (options.checksums && checksum_needed(p.from) && checksum_checkable(pkt))
    p.checksum = tcp_checksum_ok(pkt) ? 1 : 2;
  if (http_line_needed(p.from, t.payload_len, a.anomalies)) p.http_line = http_line(t.payload, p.from == Side::Client);
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
  const bool retransmitted = retransmission(an);
  if (options.ladder && !ladder_) {
    ladder_ = std::make_unique<Ladder>();
    ladder_->held.reserve(kRunHold + 1);
  }
  if (retransmitted) {
    if (ladder_)
      for (const Sent& s : ladder_->sent[me])
        if (s.frame != 0 && s.seq == t.seq) row.original_frame = s.frame;
    if (an.has(Anomaly::SpuriousRetransmission))
      count(from, Event::Spurious, frame);
    else if (an.has(Anomaly::FastRetransmission))
      count(from, Event::FastRetransmission, frame);
    else
      count(from, Event::Retransmission, frame);
    // The original passed the capture point unless the retransmission fills a hole the
    // capture saw (the bytes below the highest sequence number seen were seen).
    bool in_hole = false;
    const std::size_t hole_count = holes ? holes->count[me] : 0;
    for (std::size_t k = 0; k < hole_count && k < kMaxHoles && !in_hole; ++k) {
      Hole& h = holes->holes[me][k];
      if (seq_before(t.seq, h.from) || !seq_before(t.seq, h.to)) continue;
      in_hole = true;
      // Filled from its start: what comes again later was seen (a repeat, not a fill).
      if (t.seq == h.from) h.from = seq_before(t.seq + t.payload_len, h.to) ? t.seq + t.payload_len : h.to;
    }
    const bool seen_before = seq_end_set[me] && seq_before(t.seq, seq_end[me]);
    if (!an.has(Anomaly::SpuriousRetransmission)) {
      if (in_hole)
        count(from, Event::LostBeforeCapture, frame);
      else if (seen_before)
        count(from, Event::LostAfterCapture, frame);
    }
  } else if (ladder_ && (t.payload_len > 0 || (t.flags & (tcpflag::kSyn | tcpflag::kFin)))) {
    ladder_->sent[me][ladder_->next[me]] = {t.seq, frame};
    ladder_->next[me] = (ladder_->next[me] + 1) % kRecentSegments;
  }
  if (!told.empty()) {
    if (an.has(Anomaly::LostSegment)) {
      count(from, Event::LostSegment, frame);
      if (seq_end_set[me]) {
        if (!holes) holes = std::make_unique<Holes>();
        std::size_t& n = holes->count[me];
        if (n < kMaxHoles) holes->holes[me][n++] = {seq_end[me], t.seq};
      }
    }
    static constexpr std::pair<Anomaly, Event> kTold[] = {
        {Anomaly::OutOfOrder, Event::OutOfOrder},   {Anomaly::DuplicateAck, Event::DupAck},
        {Anomaly::ZeroWindow, Event::ZeroWindow},   {Anomaly::ZeroWindowProbe, Event::ZeroWindowProbe},
        {Anomaly::KeepAlive, Event::KeepAlive},     {Anomaly::ReusedPorts, Event::ReusedPorts}};
    for (const auto& [anomaly, event] : kTold)
      if (an.has(anomaly)) count(from, event, frame);
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
    if (ack && last_ack_set[me] && seq_before(last_ack[me], t.ack)) count(from, Event::PiggybackedAck, frame);
    if (!t.http_line.empty() && http_line_needed(from, t.payload_len, an)) {
      if (!http) http = std::make_unique<Http>();
      const std::uint8_t k = http->count[me]++;
      http->frames[me][k] = frame;
      http->begin[me][k] = static_cast<std::uint16_t>(http->text.size());
      http->size[me][k] = static_cast<std::uint16_t>(t.http_line.size());
      http->text += t.http_line;
    }
  }
  if (ack && (!last_ack_set[me] || seq_before(last_ack[me], t.ack))) {
    last_ack[me] = t.ack;
    last_ack_set[me] = true;
  }
  if ((t.flags & tcpflag::kSyn) && !ack && from == Side::Client) syns.add(frame);
  if ((t.flags & tcpflag::kSyn) && ack) syn_acks.add(frame);
  if ((t.flags & tcpflag::kRst) && rst_frame == 0) {
    rst_frame = frame;
    rst_from = from;
    rst_sender_state = last_state[me];
    before_rst_flags = last_from[peer].flags;
    before_rst_len = last_from[peer].len;
    before_rst_frame = last_from[peer].frame;
  }
  last_from[me] = {t.flags, t.payload_len, frame};
  if (options.checksums && checksum_needed(from) && t.checksum != 0) {
    ++checksums_checked[me];
    if (t.checksum == 2) ++checksums_bad[me];
  }

  bool changed = false;
  if (t.state_c != last_state[0]) changed = true, row.state_c = last_state[0] = t.state_c;
  if (t.state_s != last_state[1]) changed = true, row.state_s = last_state[1] = t.state_s;
  ++packets_by_side[me];
  const bool control = (t.flags & (tcpflag::kSyn | tcpflag::kFin | tcpflag::kRst)) != 0;
  // What a learner looks for stays on the ladder: the handshake and the close (anything that
  // changes a state), and the anomalies, up to the entry cap; window updates are routine.
  // An anomaly keeps its row the first kShownPerAnomaly times it happens; the story counts
  // the rest.
  if (!options.ladder) return;
  bool news = false;
  // (Counted from the connection's first told anomaly on, as the findings' evidence is.)
  for (std::size_t k = 0; !events.empty() && k < kAnomalyCount; ++k) {
    const auto anomaly = static_cast<Anomaly>(k);
    if (!row.anomalies.has(anomaly) || anomaly == Anomaly::WindowUpdate || anomaly == Anomaly::WindowFull) continue;
    if (ladder_->anomaly_rows[k] < kShownPerAnomaly) news = true;
    ++ladder_->anomaly_rows[k];
  }
  const Fold fold = control || changed ? Fold::Never : news ? Fold::Late : Fold::Always;
  push(row, fold, options);
}

void ConnectionTrace::add_icmp_error(const DecodedPacket& pkt, std::uint64_t frame) {
  if (icmp) return;
  icmp = std::make_unique<IcmpAnswer>();
  icmp->frame = frame;
  icmp->from = pkt.ip.src;
  icmp->family = pkt.ip.version == 6 ? 6 : 4;
  icmp->type = pkt.icmp_error.type;
  icmp->code = pkt.icmp_error.code;
}

const std::vector<LadderEntry>& ConnectionTrace::entries() const {
  static const std::vector<LadderEntry> kNone;
  return ladder_ ? ladder_->entries : kNone;
}

void ConnectionTrace::push(const LadderRow& row, Fold fold, const TraceOptions& options) {
  std::vector<LadderEntry>& entries = ladder_->entries;
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
  Ladder& l = *ladder_;
  if (++l.run_len <= kRunHead && entries.size() < kMaxEntries) {
    entries.push_back({false, row, {}});
    return;
  }
  l.held.push_back(row);
  if (l.held.size() > kRunHold) {
    l.span.add(l.held.front());
    l.held.erase(l.held.begin());
  }
}

void ConnectionTrace::flush_run() {
  if (!ladder_) return;
  Ladder& l = *ladder_;
  std::size_t shown = 0;
  if (l.span.packets > 0) {
    while (l.held.size() - shown > kRunTail) l.span.add(l.held[shown++]);
    l.entries.push_back({true, {}, l.span});
  }
  for (; shown < l.held.size(); ++shown) l.entries.push_back({false, l.held[shown], {}});
  l.held.clear();
  l.run_len = 0;
  l.span = Span{};
}

void ConnectionTrace::close(const TraceOptions&) { flush_run(); }

}  // namespace tcplens::explain
