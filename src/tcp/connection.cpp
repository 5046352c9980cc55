#include "tcplens/tcp/connection.hpp"

#include <algorithm>

#include "tcplens/flow/compact_bytes.hpp"
#include "tcplens/tcp/send_history.hpp"

namespace tcplens {

namespace {

constexpr std::uint16_t kFin = 0x01;
constexpr std::uint16_t kSyn = 0x02;
constexpr std::uint16_t kRst = 0x04;
constexpr std::uint16_t kAck = 0x10;
constexpr std::uint16_t kEce = 0x40;
constexpr std::uint16_t kCwr = 0x80;

double seconds_between(const Timestamp& a, const Timestamp& b) {
  return static_cast<double>(b.sec - a.sec) + static_cast<double>(b.nsec - a.nsec) / 1e9;
}

}  // namespace

struct ConnectionAnalyzer::Slot {
  bool used = false;
  Direction client_dir = Direction::AToB;  // direction of packets sent by the client
  SendHistory sent[2];                     // indexed by Side
  SeqUnwrapper ack_unwrap[2];              // acks sent by each side, in the peer's space
};

struct ConnectionAnalyzer::Live {
  Connection c;
  Slot slot;
};

namespace {

// Every field of a connection and of its analysis state, once, for freezing (a field
// left out here would be lost by a connection that thaws: the freeze-always test catches it).
template <class Io>
void transfer(Io& io, OfferedOptions& o) {
  io(o.seen);
  io(o.has_mss);
  io(o.mss);
  io(o.has_window_scale);
  io(o.window_scale);
  io(o.sack_permitted);
  io(o.timestamps);
  io(o.ecn);
  io(o.tfo);
}

template <class Io>
void transfer(Io& io, DirectionStats& d) {
  io(d.packets);
  io(d.bytes);
  io(d.unique_bytes);
  io(d.retransmissions);
  io(d.network_duplicates);
  io(d.tshark_retransmissions);
  io(d.fast_retransmissions);
  io(d.spurious_retransmissions);
  io(d.out_of_order);
  io(d.lost_segments);
  io(d.dup_acks);
  io(d.zero_windows);
  io(d.keep_alives);
  io(d.zero_window_probes);
  io(d.rtt_samples);
  io(d.rtt_min_ns);
  io(d.rtt_max_ns);
  io(d.rtt_sum_ns);
}

template <class Io>
void transfer(Io& io, Endpoint& e) {
  io(e.ip);
  io(e.port);
  io(e.state);
  e.history.transfer(io);
  io(e.isn_seen);
  io(e.isn);
  transfer(io, e.options);
  transfer(io, e.sent);
  io(e.fin_sent);
  io(e.fin_seq);
  io.frame(e.fin_frame);
  io(e.fin_acked);
  io(e.received_peer_fin);
  io(e.fin_covered_peer_fin);
  io(e.acked_peer_fin_before_own_fin);
}

template <class Io>
void transfer(Io& io, Connection& c) {
  io(c.stream);
  io(c.first_ts);
  io(c.first_frame);
  io.set_base(c.first_ts, c.first_frame);
  io(c.last_ts);
  io.frame(c.last_frame);
  transfer(io, c.client);
  transfer(io, c.server);
  io(c.roles_from_syn);
  c.encap.transfer(io);
  io(c.handshake);
  io(c.client_syns);
  io(c.server_syn_acks);
  io(c.syn_ts);
  io(c.syn_ack_ts);
  io(c.handshake_ack_ts);
  io(c.syn_ack_seen);
  io(c.handshake_done);
  io(c.established);
  io(c.teardown);
  io(c.reset_seen);
  io(c.reset_by);
  io(c.close_started);
  io(c.close_initiator);
}

template <class Io, class Slot>
void transfer(Io& io, Slot& s) {
  io(s.used);
  io(s.client_dir);
  for (SendHistory& h : s.sent) h.transfer(io);
  for (SeqUnwrapper& u : s.ack_unwrap) {
    io(u.started);
    io(u.last);
  }
}

// A free place in `pool` (from `free` first) for one more entry.
template <class Pool>
std::uint32_t take_place(Pool& pool, std::vector<std::uint32_t>& free) {
  if (free.empty()) {
    pool.emplace_back();
    return static_cast<std::uint32_t>(pool.size() - 1);
  }
  const std::uint32_t at = free.back();
  free.pop_back();
  return at;
}

bool closed(const Connection& c) {
  return c.reset_seen || (c.client.fin_acked && c.server.fin_acked);
}

}  // namespace

ConnectionAnalyzer::ConnectionAnalyzer() = default;
ConnectionAnalyzer::~ConnectionAnalyzer() = default;

std::string_view to_string(Side side) { return side == Side::Client ? "client" : "server"; }

std::string_view to_string(HandshakeResult r) {
  switch (r) {
    case HandshakeResult::NotSeen: return "not_seen";
    case HandshakeResult::Complete: return "complete";
    case HandshakeResult::SimultaneousOpen: return "simultaneous_open";
    case HandshakeResult::Unanswered: return "unanswered";
    case HandshakeResult::Rejected: return "rejected";
    case HandshakeResult::NoFinalAck: return "no_final_ack";
  }
  return "?";
}

std::string_view to_string(TeardownKind k) {
  switch (k) {
    case TeardownKind::None: return "none";
    case TeardownKind::Open: return "open";
    case TeardownKind::FourWay: return "four_way";
    case TeardownKind::ThreeWay: return "three_way";
    case TeardownKind::Simultaneous: return "simultaneous";
    case TeardownKind::Reset: return "reset";
    case TeardownKind::HalfClosed: return "half_closed";
  }
  return "?";
}

double Connection::rtt_server_s() const {
  return syn_ack_seen && client_syns > 0 ? seconds_between(syn_ts, syn_ack_ts) : -1;
}
double Connection::rtt_client_s() const {
  return handshake_done ? seconds_between(syn_ack_ts, handshake_ack_ts) : -1;
}
double Connection::irtt_s() const {
  return handshake_done && client_syns > 0 ? seconds_between(syn_ts, handshake_ack_ts) : -1;
}

std::string_view Connection::time_wait() const {
  bool c = client.state == TcpState::TimeWait, s = server.state == TcpState::TimeWait;
  return c && s ? "both" : c ? "client" : s ? "server" : "none";
}

std::string_view Connection::initiator() const {
  if (!close_started) return "none";
  if (teardown == TeardownKind::Simultaneous) return "both";
  return to_string(close_initiator);
}

std::string_view Connection::reset_by_name() const {
  return reset_seen ? to_string(reset_by) : "none";
}

StateHistory& StateHistory::operator=(const StateHistory& other) {
  if (this == &other) return *this;
  std::copy(other.inline_, other.inline_ + kInline, inline_);
  if (other.size_ > kInline) {
    if (!overflow_) overflow_ = std::make_unique<Packed[]>(kMax - kInline);
    std::copy(other.overflow_.get(), other.overflow_.get() + (other.size_ - kInline), overflow_.get());
  }
  size_ = other.size_;
  return *this;
}

StateHistory& StateHistory::operator=(StateHistory&& other) noexcept {
  if (this == &other) return *this;
  std::copy(other.inline_, other.inline_ + kInline, inline_);
  overflow_ = std::move(other.overflow_);
  size_ = other.size_;
  other.size_ = 0;
  return *this;
}

void StateHistory::push_back(const StateChange& change) {
  if (size_ >= kMax) return;
  if (size_ >= kInline && !overflow_) overflow_ = std::make_unique<Packed[]>(kMax - kInline);
  Packed& p = size_ < kInline ? inline_[size_] : overflow_[size_ - kInline];
  p.sec = change.ts.sec;
  p.nsec = static_cast<std::uint32_t>(change.ts.nsec);
  p.state = change.state;
  p.frame = change.frame;
  ++size_;
}

namespace {

void move_to(Endpoint& e, TcpState state, std::uint64_t frame, const Timestamp& ts) {
  if (e.state == state) return;
  e.state = state;
  e.history.push_back({frame, ts, state});
}

// A side's ISN and what its first SYN (or SYN-ACK) offered.
void note_opening(Endpoint& e, const TcpSegment& tcp, bool ecn, bool tfo) {
  if (!e.isn_seen) {
    e.isn_seen = true;
    e.isn = tcp.seq;
  }
  if (e.options.seen) return;
  OfferedOptions& o = e.options;
  o.seen = true;
  o.has_mss = tcp.options.has_mss;
  o.mss = tcp.options.mss;
  o.has_window_scale = tcp.options.has_window_scale;
  o.window_scale = tcp.options.window_scale;
  o.sack_permitted = tcp.options.sack_permitted;
  o.timestamps = tcp.options.has_timestamps;
  o.ecn = ecn;
  o.tfo = tfo;
}

// Roles for a connection first seen mid-stream: the side on a well-known port (or the
// lower port) is the server.
bool first_sender_is_client(const TcpSegment& tcp) {
  const bool src_low = tcp.src_port < 1024, dst_low = tcp.dst_port < 1024;
  if (src_low != dst_low) return dst_low;
  return tcp.dst_port <= tcp.src_port;
}

}  // namespace

void ConnectionAnalyzer::on_packet(const DecodedPacket& pkt, const TcpPacketAnalysis& a,
                                   std::uint64_t frame, const Timestamp& ts, std::uint32_t* hint) {
  if (!a.tracked || !pkt.has_tcp()) return;
  Connection* cp;
  Slot* sp;
  std::uint32_t at = StreamIndex::kNone;
  if (sink_) {
    freeze_waiting(a.stream);
    if (hint != nullptr && *hint < pool_.size() && pool_[*hint].slot.used &&
        pool_[*hint].c.stream == a.stream)
      at = *hint;
    else
      at = index_.find(a.stream);
    if (at != StreamIndex::kNone && (at & kFrozen)) {
      at = thaw(at & ~kFrozen);
    } else if (at == StreamIndex::kNone) {
      at = take_place(pool_, free_);
      index_.insert(a.stream, at);
    }
    if (hint != nullptr) *hint = at;
    cp = &pool_[at].c;
    sp = &pool_[at].slot;
  } else {
    if (a.stream >= connections_.size()) {
      connections_.resize(a.stream + 1);
      slots_.resize(a.stream + 1);
    }
    cp = &connections_[a.stream];
    sp = &slots_[a.stream];
  }
  Connection& c = *cp;
  Slot& slot = *sp;
  const TcpSegment& tcp = pkt.tcp;
  if (!slot.used) {
    slot.used = true;
    c.stream = a.stream;
    c.first_ts = ts;
    c.first_frame = frame;
    c.encap = pkt.encap;
    const bool syn = tcp.flags & kSyn, ack = tcp.flags & kAck;
    bool from_client;
    if (syn && !ack) {
      from_client = true;
      c.roles_from_syn = true;
    } else if (syn && ack) {
      from_client = false;
      c.roles_from_syn = true;
    } else {
      from_client = first_sender_is_client(tcp);
    }
    slot.client_dir = from_client ? a.dir : reverse(a.dir);
    Endpoint& src = from_client ? c.client : c.server;
    Endpoint& dst = from_client ? c.server : c.client;
    src.ip = pkt.ip.src;
    src.port = tcp.src_port;
    dst.ip = pkt.ip.dst;
    dst.port = tcp.dst_port;
  }
  c.last_ts = ts;
  c.last_frame = frame;
  on_segment(c, slot, a.dir == slot.client_dir ? Side::Client : Side::Server, pkt, a, frame, ts);
  if (sink_ && (freeze_ == Freeze::Always ||
                (freeze_ == Freeze::Closed && index_.size() > busy_above_ && closed(c))))
    to_freeze_ = at;
}

void ConnectionAnalyzer::freeze_waiting(std::uint32_t current_stream) {
  if (to_freeze_ == StreamIndex::kNone) return;
  const std::uint32_t at = to_freeze_;
  Live& l = pool_[at];
  if (l.c.stream == current_stream) return;  // its next packet: it stays live
  to_freeze_ = StreamIndex::kNone;
  compact::CompactWriter w(scratch_);
  transfer(w, l.c);
  transfer(w, l.slot);
  w.finish();
  if (scratch_.size() > compact::BlobArena::kMaxBytes) return;  // (many holes) stays live
  const std::uint32_t fz = take_place(frozen_, frozen_free_);
  Frozen& f = frozen_[fz];
  f.size = static_cast<std::uint32_t>(scratch_.size());
  f.bytes = frozen_bytes_.keep(scratch_.data(), f.size);
  index_.erase(l.c.stream);
  index_.insert(l.c.stream, fz | kFrozen);
  l = Live{};
  free_.push_back(at);
}

std::uint32_t ConnectionAnalyzer::thaw(std::uint32_t fz) {
  const std::uint32_t at = take_place(pool_, free_);
  Frozen& f = frozen_[fz];
  Live& l = pool_[at];
  compact::CompactReader r(f.bytes, f.size);
  transfer(r, l.c);
  transfer(r, l.slot);
  release_frozen(fz);
  index_.erase(l.c.stream);
  index_.insert(l.c.stream, at);
  return at;
}

void ConnectionAnalyzer::release_frozen(std::uint32_t fz) {
  Frozen& f = frozen_[fz];
  frozen_bytes_.release(f.bytes, f.size);
  f = Frozen{};
  frozen_free_.push_back(fz);
}

Connection& ConnectionAnalyzer::peek(std::uint32_t fz) const {
  const Frozen& f = frozen_[fz];
  if (!peek_) peek_ = std::make_unique<Connection>();
  compact::CompactReader r(f.bytes, f.size);
  transfer(r, *peek_);  // the analysis state after it is not needed
  return *peek_;
}

const Connection* ConnectionAnalyzer::live(std::uint32_t stream) const {
  const std::uint32_t at = index_.find(stream);
  if (at == StreamIndex::kNone) return nullptr;
  if (!(at & kFrozen)) return &pool_[at].c;
  // Not the packet's own connection (that one is live until the next packet): read a copy.
  return &peek(at & ~kFrozen);
}

void ConnectionAnalyzer::end_stream(std::uint32_t stream) {
  std::uint32_t at = index_.find(stream);
  if (at == StreamIndex::kNone) return;
  if (at & kFrozen) {
    // Decided from its frozen bytes, without the analysis state (not needed any more).
    Connection& c = peek(at & ~kFrozen);
    release_frozen(at & ~kFrozen);
    index_.erase(stream);
    decide(c);
    if (sink_) sink_(c);
    return;
  }
  if (at == to_freeze_) to_freeze_ = StreamIndex::kNone;
  Live& l = pool_[at];
  decide(l.c);
  if (sink_) sink_(l.c);
  l = Live{};  // gives back the history and range lists
  free_.push_back(at);
  index_.erase(stream);
}

void ConnectionAnalyzer::on_segment(Connection& c, Slot& slot, Side from, const DecodedPacket& pkt,
                                    const TcpPacketAnalysis& a, std::uint64_t frame,
                                    const Timestamp& ts) {
  const TcpSegment& tcp = pkt.tcp;
  Endpoint& me = c.side(from);
  Endpoint& peer = c.side(other(from));
  const std::uint16_t flags = tcp.flags;
  const bool syn = flags & kSyn, ack = flags & kAck, fin = flags & kFin, rst = flags & kRst;

  // --- statistics -------------------------------------------------------------------------
  DirectionStats& st = me.sent;
  ++st.packets;
  st.bytes += tcp.payload_len;
  const AnomalySet an = a.anomalies;
  if (an.has(Anomaly::Retransmission)) ++st.tshark_retransmissions;
  if (an.has(Anomaly::FastRetransmission)) ++st.fast_retransmissions;
  if (an.has(Anomaly::SpuriousRetransmission)) ++st.spurious_retransmissions;
  if (an.has(Anomaly::OutOfOrder)) ++st.out_of_order;
  if (an.has(Anomaly::LostSegment)) ++st.lost_segments;
  if (an.has(Anomaly::DuplicateAck)) ++st.dup_acks;
  if (an.has(Anomaly::ZeroWindow)) ++st.zero_windows;
  if (an.has(Anomaly::KeepAlive)) ++st.keep_alives;
  if (an.has(Anomaly::ZeroWindowProbe)) ++st.zero_window_probes;
  if (a.acks_frame != 0 && !a.ack_rtt.is_zero()) {
    std::int64_t ns = a.ack_rtt.total_ns();
    if (st.rtt_samples == 0 || ns < st.rtt_min_ns) st.rtt_min_ns = ns;
    if (st.rtt_samples == 0 || ns > st.rtt_max_ns) st.rtt_max_ns = ns;
    st.rtt_sum_ns += ns;
    ++st.rtt_samples;
  }

  // --- sequence space: retransmissions and unique bytes ---------------------------------
  if (tcp.payload_len > 0 && !syn) {
    SendHistory::Sender sender;
    sender.has_ip_id = pkt.ip.version == 4 && pkt.ip.ident != 0;
    sender.ip_id = static_cast<std::uint16_t>(pkt.ip.ident);
    sender.has_tsval = tcp.options.has_timestamps;
    sender.tsval = tcp.options.ts_val;
    std::uint64_t seen = 0;
    switch (slot.sent[static_cast<int>(from)].add(tcp.seq, tcp.payload_len, sender, seen)) {
      case SegmentOrigin::Retransmission: ++st.retransmissions; break;
      case SegmentOrigin::NetworkDuplicate: ++st.network_duplicates; break;
      case SegmentOrigin::New:
      case SegmentOrigin::LateOriginal: break;
    }
    st.unique_bytes += tcp.payload_len - seen;
  }

  // A side starts CLOSED (not a change worth recording: it is where every side begins).
  if (me.state == TcpState::Unknown) me.state = TcpState::Closed;

  // --- RST ---------------------------------------------------------------------------------
  if (rst) {
    if (!c.reset_seen) {
      c.reset_seen = true;
      c.reset_by = from;
    }
    if (c.established && !c.close_started) {
      c.close_started = true;
      c.close_initiator = from;
    }
    if (!c.established && c.handshake == HandshakeResult::NotSeen) {
      // RST during the handshake: rejected (answering the SYN) or aborted half-open.
      if (from == Side::Server && !c.syn_ack_seen && c.client_syns > 0)
        c.handshake = HandshakeResult::Rejected;
    }
    move_to(me, TcpState::Closed, frame, ts);
    if (peer.state != TcpState::Unknown) move_to(peer, TcpState::Closed, frame, ts);
    return;
  }

  // --- SYN and SYN-ACK -------------------------------------------------------------------
  if (syn && !ack) {
    if (from == Side::Client) {
      ++c.client_syns;
      if (c.client_syns == 1 || !me.isn_seen) c.syn_ts = ts;
    } else if (c.client_syns > 0) {
      c.handshake = HandshakeResult::SimultaneousOpen;
    }
    // ECN-setup SYN: ECE and CWR (RFC 3168 6.1.1).
    note_opening(me, tcp, (flags & (kEce | kCwr)) == (kEce | kCwr),
                 tcp.options.has_tfo_cookie || tcp.options.tfo_cookie_request);
    if (me.state == TcpState::Closed || me.state == TcpState::Listen) move_to(me, TcpState::SynSent, frame, ts);
    if (peer.state == TcpState::Unknown) move_to(peer, TcpState::Listen, frame, ts);
    return;
  }
  if (syn && ack) {
    if (from == Side::Server) {
      ++c.server_syn_acks;
      if (!c.syn_ack_seen) {
        c.syn_ack_seen = true;
        c.syn_ack_ts = ts;
      }
    }
    // ECN-setup SYN-ACK: ECE alone.
    note_opening(me, tcp, (flags & kEce) != 0, tcp.options.has_tfo_cookie);
    if (me.state == TcpState::Closed || me.state == TcpState::Listen ||
        me.state == TcpState::SynSent)
      move_to(me, TcpState::SynReceived, frame, ts);
    // The SYN's sender moves to ESTABLISHED when the SYN-ACK reaches it.
    if (peer.state == TcpState::SynSent) move_to(peer, TcpState::Established, frame, ts);
    return;
  }

  // --- ACK field: the handshake's last ACK, and FINs acknowledged ------------------------
  if (ack) {
    if (!c.handshake_done && peer.state == TcpState::SynReceived && peer.isn_seen &&
        tcp.ack == peer.isn + 1) {
      c.handshake_done = true;
      c.established = true;
      c.handshake_ack_ts = ts;
      if (c.client_syns > 0 && c.handshake != HandshakeResult::SimultaneousOpen)
        c.handshake = HandshakeResult::Complete;
      if (me.state == TcpState::SynSent || me.state == TcpState::Closed)
        move_to(me, TcpState::Established, frame, ts);
      move_to(peer, TcpState::Established, frame, ts);
    }
    if (!c.established && (me.state == TcpState::Closed || me.state == TcpState::Unknown) &&
        c.client_syns == 0 && !c.syn_ack_seen) {
      // Mid-stream: both sides are taken to be established from the first segment.
      c.established = true;
      move_to(me, TcpState::Established, frame, ts);
      move_to(peer, TcpState::Established, frame, ts);
    }
    if (peer.fin_sent) {
      const std::uint64_t ack64 = slot.ack_unwrap[static_cast<int>(from)](tcp.ack);
      (void)ack64;
      // Compare in 32-bit space against the FIN's sequence number + 1.
      const auto fin_next = static_cast<std::uint32_t>(peer.fin_seq + 1);
      const bool covers = static_cast<std::int32_t>(tcp.ack - fin_next) >= 0;
      if (covers) {
        if (!peer.fin_acked) {
          peer.fin_acked = true;
          if (peer.state == TcpState::FinWait1)
            move_to(peer, TcpState::FinWait2, frame, ts);
          else if (peer.state == TcpState::Closing)
            move_to(peer, TcpState::TimeWait, frame, ts);
          else if (peer.state == TcpState::LastAck)
            move_to(peer, TcpState::Closed, frame, ts);
        }
        if (!me.received_peer_fin) {
          me.received_peer_fin = true;
          if (!me.fin_sent && !fin) me.acked_peer_fin_before_own_fin = true;
          if (fin && !me.fin_sent) me.fin_covered_peer_fin = true;
          if (me.state == TcpState::Established || me.state == TcpState::SynReceived)
            move_to(me, TcpState::CloseWait, frame, ts);
          else if (me.state == TcpState::FinWait1)
            move_to(me, me.fin_acked ? TcpState::TimeWait : TcpState::Closing, frame, ts);
          else if (me.state == TcpState::FinWait2)
            move_to(me, TcpState::TimeWait, frame, ts);
        }
      }
    }
  }

  // --- FIN ---------------------------------------------------------------------------------
  if (fin && !me.fin_sent) {
    me.fin_sent = true;
    me.fin_seq = static_cast<std::uint32_t>(tcp.seq + tcp.payload_len);
    me.fin_frame = frame;
    if (c.established && !c.close_started) {
      c.close_started = true;
      c.close_initiator = from;
    }
    switch (me.state) {
      case TcpState::Established:
      case TcpState::SynReceived:
        move_to(me, TcpState::FinWait1, frame, ts);
        break;
      case TcpState::CloseWait:
        move_to(me, TcpState::LastAck, frame, ts);
        break;
      case TcpState::SynSent:
        move_to(me, TcpState::Closed, frame, ts);
        break;
      default:
        break;
    }
  }
}

void ConnectionAnalyzer::finish() {
  if (sink_) {
    std::vector<std::uint32_t> ids;
    ids.reserve(index_.size());
    index_.for_each([&](std::uint32_t id, std::uint32_t) { ids.push_back(id); });
    std::sort(ids.begin(), ids.end());
    for (std::uint32_t id : ids) end_stream(id);
    return;
  }
  for (Connection& c : connections_) decide(c);
}

void ConnectionAnalyzer::decide(Connection& c) {
  {
    // Complete, Rejected and SimultaneousOpen are decided as the packets come; the rest
    // only at the end (they say what never came).
    const bool decided = c.handshake == HandshakeResult::Complete ||
                         c.handshake == HandshakeResult::Rejected ||
                         c.handshake == HandshakeResult::SimultaneousOpen;
    if (!decided) {
      if (c.client_syns > 0 && c.syn_ack_seen)
        c.handshake = HandshakeResult::NoFinalAck;
      else if (c.client_syns > 0)
        c.handshake = HandshakeResult::Unanswered;
      else
        c.handshake = HandshakeResult::NotSeen;
    }
    if (!c.established) {
      c.teardown = TeardownKind::None;
      return;
    }
    const Endpoint* first = nullptr;
    const Endpoint* second = nullptr;
    if (c.client.fin_sent && c.server.fin_sent) {
      const bool client_first = c.client.fin_frame < c.server.fin_frame;
      first = client_first ? &c.client : &c.server;
      second = client_first ? &c.server : &c.client;
    }
    if (c.reset_seen && c.close_started && !(first && first->fin_acked && second->fin_acked)) {
      c.teardown = TeardownKind::Reset;
    } else if (first != nullptr) {
      // The second FIN was sent before its sender had received the first: simultaneous.
      if (!second->received_peer_fin || (!second->fin_covered_peer_fin &&
                                         !second->acked_peer_fin_before_own_fin))
        c.teardown = TeardownKind::Simultaneous;
      else if (second->fin_covered_peer_fin)
        c.teardown = TeardownKind::ThreeWay;
      else
        c.teardown = TeardownKind::FourWay;
    } else if (c.client.fin_sent || c.server.fin_sent) {
      c.teardown = TeardownKind::HalfClosed;
    } else {
      c.teardown = TeardownKind::Open;
    }
  }
}

// ---------------------------------------------------------------------------------------

std::string_view to_string(TcpState state) {
  switch (state) {
    case TcpState::Unknown: return "-";
    case TcpState::Closed: return "CLOSED";
    case TcpState::Listen: return "LISTEN";
    case TcpState::SynSent: return "SYN_SENT";
    case TcpState::SynReceived: return "SYN_RECEIVED";
    case TcpState::Established: return "ESTABLISHED";
    case TcpState::FinWait1: return "FIN_WAIT_1";
    case TcpState::FinWait2: return "FIN_WAIT_2";
    case TcpState::CloseWait: return "CLOSE_WAIT";
    case TcpState::Closing: return "CLOSING";
    case TcpState::LastAck: return "LAST_ACK";
    case TcpState::TimeWait: return "TIME_WAIT";
  }
  return "?";
}

std::string_view describe(TcpState state) {
  switch (state) {
    case TcpState::Unknown: return "Nothing has been seen of this side yet.";
    case TcpState::Closed: return "No connection: never opened, or ended by a reset or a completed close.";
    case TcpState::Listen: return "Waiting for a connection request (a server socket).";
    case TcpState::SynSent: return "Sent a SYN and waits for the peer's SYN-ACK.";
    case TcpState::SynReceived: return "Received a SYN and answered with a SYN-ACK; waits for the final ACK.";
    case TcpState::Established: return "The connection is open: data can flow both ways.";
    case TcpState::FinWait1: return "Closed its sending side (sent a FIN) and waits for it to be acknowledged.";
    case TcpState::FinWait2: return "Its FIN was acknowledged; waits for the peer to close its side too.";
    case TcpState::CloseWait: return "The peer closed its side (sent a FIN); this side may still send before closing.";
    case TcpState::Closing: return "Both sides sent a FIN at about the same time; waits for its own FIN to be acknowledged.";
    case TcpState::LastAck: return "Closed after the peer did; waits for the acknowledgment of its FIN.";
    case TcpState::TimeWait: return "Closed first and waits (twice the maximum segment lifetime) so that late segments die out.";
  }
  return "";
}

}  // namespace tcplens
