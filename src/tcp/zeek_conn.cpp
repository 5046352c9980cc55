// Zeek's TCP connection state machine, history letters, content-gap detection and conn_state,
// written from a reading of zeek/zeek (TCPSessionAdapter.cc, TCP_Endpoint.*, TCP_Reassembler.cc,
// Conn.cc, IPBasedAnalyzer.cc, scripts/base/protocols/conn/main.zeek). Function names follow
// Zeek's where that helps to compare; the structure is our own. Weirds are not reported.
#include "tcplens/tcp/zeek_conn.hpp"

#include "tcplens/flow/compact_bytes.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace tcplens::zeek {

namespace {

constexpr std::uint16_t kFinBit = 0x01, kSynBit = 0x02, kRstBit = 0x04, kAckBit = 0x10;
constexpr std::int32_t kTooLargeSeqDelta = 1048576;

// History masks (TCP_Endpoint.h); the responder's are shifted left by 16.
constexpr std::uint32_t kHistSyn = 0x1, kHistFin = 0x2, kHistRst = 0x4, kHistFinRst = 0x8,
                        kHistData = 0x10, kHistAck = 0x20, kHistMulti = 0x40;

std::int32_t seq_delta(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b);
}

std::uint64_t full_seq(std::uint32_t seq, std::uint32_t wraps) {
  return (std::uint64_t{wraps} << 32) + seq;
}

bool no_data_acked(const ZeekConnEngine::Endpoint& e) {
  std::uint64_t ack = full_seq(e.ack_seq, e.ack_wraps);
  auto start = static_cast<std::uint64_t>(e.start_seq);
  return ack == start || ack == start + 1;
}

void update_last_seq_raw(ZeekConnEngine::Endpoint& e, std::uint32_t seq) {
  if (seq < e.last_seq) ++e.seq_wraps;
  e.last_seq = seq;
}

void update_ack_seq_raw(ZeekConnEngine::Endpoint& e, std::uint32_t seq) {
  if (seq < e.ack_seq) ++e.ack_wraps;
  e.ack_seq = seq;
}

void init_seqs(ZeekConnEngine::Endpoint& e, std::uint32_t start, std::uint32_t last) {
  e.start_seq = start;
  e.ack_seq = start;
  e.last_seq = last;
}

std::uint64_t relative_seq(const ZeekConnEngine::Endpoint& e, std::uint32_t cur,
                           std::uint32_t last, std::uint32_t wraps, bool* underflow) {
  std::int32_t delta = seq_delta(cur, last);
  if (delta < 0) {
    if (wraps && cur > last) --wraps;
  } else if (delta > 0) {
    if (cur < last) ++wraps;
  }
  if (wraps == 0) {
    delta = seq_delta(cur, static_cast<std::uint32_t>(e.start_seq));
    if (underflow && delta < 0) *underflow = true;
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(delta));
  }
  return full_seq(cur, wraps) - static_cast<std::uint64_t>(e.start_seq);
}

bool is_clean(const ZeekConnEngine::Endpoint& a) {
  return a.state == EndpointState::Established ||
         (a.state == EndpointState::Closed && a.prev_state == EndpointState::Established);
}

bool handshake_state(EndpointState s) {
  return s == EndpointState::Inactive || s == EndpointState::SynSent ||
         s == EndpointState::SynAckSent;
}

}  // namespace

const char* to_string(EndpointState s) {
  switch (s) {
    case EndpointState::Inactive: return "INACTIVE";
    case EndpointState::SynSent: return "SYN_SENT";
    case EndpointState::SynAckSent: return "SYN_ACK_SENT";
    case EndpointState::Partial: return "PARTIAL";
    case EndpointState::Established: return "ESTABLISHED";
    case EndpointState::Closed: return "CLOSED";
    case EndpointState::Reset: return "RESET";
  }
  return "?";
}

const char* to_string(ConnState s) {
  static const char* const names[] = {"S0",   "S1",     "SF",    "REJ", "S2", "S3", "RSTO",
                                      "RSTR", "RSTOS0", "RSTRH", "SH",  "SHR", "OTH"};
  return names[static_cast<int>(s)];
}

const std::vector<ZeekSentence>& zeek_state_sentences() {
  static const std::vector<ZeekSentence> table = {
      {"S0", "The originator tried to connect and nobody answered."},
      {"S1", "The connection was established and neither side closed it before the end."},
      {"SF", "The connection was established and then closed normally by both sides."},
      {"REJ", "The responder refused the connection attempt with a reset."},
      {"S2", "The connection was established and the originator closed it, but the responder never did."},
      {"S3", "The connection was established and the responder closed it, but the originator never did."},
      {"RSTO", "The connection was established and the originator aborted it with a reset."},
      {"RSTR", "The connection was established and the responder aborted it with a reset."},
      {"RSTOS0", "The originator sent a SYN and then a reset, and the responder never answered with a SYN-ACK."},
      {"RSTRH", "The responder sent a SYN-ACK and then a reset, and nothing was seen from the originator."},
      {"SH", "The originator sent a SYN and then a FIN (half-open), and the responder never answered with a SYN-ACK."},
      {"SHR", "The responder sent a SYN-ACK and then a FIN, and nothing was seen from the originator."},
      {"OTH", "No SYN was seen: the connection was picked up in the middle, or the packets fit no other pattern."},
  };
  return table;
}

const std::vector<ZeekSentence>& zeek_history_sentences() {
  static const std::vector<ZeekSentence> table = {
      {"S", "sent a SYN without ACK (a new SYN with a different sequence number is logged again)."},
      {"H", "sent a SYN-ACK (a SYN with the ACK bit set)."},
      {"A", "sent a pure ACK: no payload, no SYN, FIN or RST (logged once)."},
      {"D", "sent a segment with payload (logged once)."},
      {"F", "sent a FIN (a FIN at a new sequence number is logged again)."},
      {"R", "sent a RST (a RST at a new sequence number is logged again)."},
      {"C", "sent a packet with a bad TCP checksum, which was then ignored (logged at 1, 10, 100, ... such packets)."},
      {"G", "had a content gap: data it sent was acknowledged but never seen (logged at 1, 10, 100, ... gaps)."},
      {"T", "retransmitted data (logged at 1, 10, 100, ... retransmissions)."},
      {"W", "advertised a zero window (logged at 1, 10, 100, ... such packets)."},
      {"I", "sent a packet with both FIN and RST set (logged once)."},
      {"Q", "sent a packet with more than one of SYN, FIN and RST set, other than FIN+RST (logged once)."},
      {"^", "Zeek decided the roles were the other way round and flipped originator and responder."},
  };
  return table;
}

const char* zeek_state_sentence(ConnState s) {
  return zeek_state_sentences()[static_cast<int>(s)].sentence;
}

const char* zeek_history_sentence(char letter) {
  char up = static_cast<char>(std::toupper(static_cast<unsigned char>(letter)));
  for (const auto& row : zeek_history_sentences())
    if (row.code[0] == up) return row.sentence;
  return nullptr;
}

// Zeek's conn_state() (scripts/base/protocols/conn/main.zeek). RSTOS0 needs a history that
// matches /^\^?S[^HAFGIQ]*R.*/ as a whole, else OTH.
ConnState conn_state(EndpointState os, EndpointState rs, std::uint64_t orig_size,
                     std::uint64_t resp_size, std::string_view history) {
  using E = EndpointState;
  bool o_inactive = os == E::Inactive || os == E::Partial;
  bool r_inactive = rs == E::Inactive || rs == E::Partial;
  if (rs == E::Reset) {
    if (os == E::SynSent || os == E::SynAckSent ||
        (os == E::Reset && orig_size == 0 && resp_size == 0))
      return ConnState::REJ;
    return o_inactive ? ConnState::RSTRH : ConnState::RSTR;
  }
  if (os == E::Reset) {
    if (!r_inactive) return ConnState::RSTO;
    std::string_view h = history;
    if (!h.empty() && h[0] == '^') h.remove_prefix(1);
    if (!h.empty() && h[0] == 'S') {
      auto r = h.find_first_of("HAFGIQR", 1);
      if (r != std::string_view::npos && h[r] == 'R') return ConnState::RSTOS0;
    }
    return ConnState::OTH;
  }
  if (rs == E::Closed && os == E::Closed) return ConnState::SF;
  if (os == E::Closed) return r_inactive ? ConnState::SH : ConnState::S2;
  if (rs == E::Closed) return o_inactive ? ConnState::SHR : ConnState::S3;
  if (os == E::SynSent && rs == E::Inactive) return ConnState::S0;
  if (os == E::Established && rs == E::Established) return ConnState::S1;
  return ConnState::OTH;
}

std::uint64_t ZeekConnEngine::Endpoint::size() const {
  if (prev_state == EndpointState::SynSent && state == EndpointState::Reset && peer &&
      peer->state == EndpointState::Inactive && !no_data_acked(*this))
    return 0;
  std::uint64_t last = full_seq(last_seq, seq_wraps);
  std::uint64_t ack = full_seq(ack_seq, ack_wraps);
  std::uint64_t s = (last > ack ? last : ack) - static_cast<std::uint64_t>(start_seq);
  if (s != 0) --s;
  if (fin_cnt > 0 && s != 0) --s;
  return s;
}

ZeekConnEngine::ZeekConnEngine(double start_ts, bool flip_at_start, const ZeekOptions& options)
    : opt_(options) {
  restart(start_ts, flip_at_start);
}

void ZeekConnEngine::restart(double start_ts, bool flip_at_start) {
  // Every member but the options starts again; the buffers keep their capacity, which is
  // what a recycled engine saves. A member added to the class must be reset here, and
  // frozen and thawed in transfer().
  static_assert(sizeof(ZeekConnEngine) == 488, "a new member: reset it in restart()");
  for (Endpoint& e : ep_) {
    auto blocks = std::move(e.blocks);
    blocks.clear();
    e = Endpoint{};
    e.blocks = std::move(blocks);
  }
  ep_[0].peer = &ep_[1];
  ep_[1].peer = &ep_[0];
  orig_ = 0;
  hist_seen_ = 0;
  history_.clear();
  is_partial_ = false;
  first_packet_seen_ = 0;
  first_was_synack_only_ = false;
  start_ts_ = last_ts_ = start_ts;
  is_active_ = true;
  removed_ = false;
  timers_.clear();
  inactivity_timeout_ = opt_.initial_inactivity_timeout;
  add_timer(start_ts + opt_.tcp_syn_timeout, Timer::Expire);
  add_timer(start_ts + inactivity_timeout_, Timer::Inactivity);
  if (flip_at_start) {
    orig_ = 1;
    history_ += '^';  // Connection::FlipRoles() before any packet is processed
  }
}

bool ZeekConnEngine::at_rest() const {
  auto done = [](EndpointState s) { return s == EndpointState::Closed || s == EndpointState::Reset; };
  return done(ep_[0].state) && done(ep_[1].state);
}

// Every member but the options, once (a member left out is lost by an engine that thaws:
// the freeze-always test catches it).
template <class Io>
void ZeekConnEngine::transfer(Io& io) {
  for (Endpoint& e : ep_) {
    io(e.state);
    io(e.prev_state);
    io(e.start_seq);
    io(e.last_seq);
    io(e.ack_seq);
    io(e.seq_wraps);
    io(e.ack_wraps);
    io(e.hist_last_syn);
    io(e.hist_last_fin);
    io(e.hist_last_rst);
    io(e.fin_seq);
    io(e.fin_cnt);
    io(e.rst_cnt);
    io(e.did_close);
    io(e.chk_cnt);
    io(e.chk_thresh);
    io(e.rxmt_cnt);
    io(e.rxmt_thresh);
    io(e.win0_cnt);
    io(e.win0_thresh);
    io(e.gap_cnt);
    io(e.gap_thresh);
    io(e.pkts);
    io(e.last_reassem_seq);
    io(e.trim_seq);
    std::size_t n = e.blocks.size();
    io(n);
    if constexpr (Io::kReading) e.blocks.resize(std::min<std::size_t>(n, 1u << 20));
    for (auto& [lo, hi] : e.blocks) {
      io(lo);
      io(hi);
    }
    io(e.skip_deliveries);
    io(e.missed_bytes);
  }
  ep_[0].peer = &ep_[1];
  ep_[1].peer = &ep_[0];
  io(orig_);
  io(hist_seen_);
  io(history_);
  io(is_partial_);
  io(first_packet_seen_);
  io(first_was_synack_only_);
  io(start_ts_);
  io(last_ts_);
  io(inactivity_timeout_);
  io(is_active_);
  io(removed_);
  std::size_t n = timers_.size();
  io(n);
  if constexpr (Io::kReading) timers_.resize(std::min<std::size_t>(n, 1u << 10));
  for (Timer& t : timers_) {
    io(t.at);
    io(t.kind);
  }
}

void ZeekConnEngine::freeze(std::vector<std::uint8_t>& out) {
  compact::CompactWriter w(out);
  transfer(w);
}

void ZeekConnEngine::thaw(const std::uint8_t* data, std::size_t size) {
  compact::CompactReader r(data, size);
  transfer(r);
}

ConnState ZeekConnEngine::conn_state() const {
  return zeek::conn_state(orig().state, resp().state, orig().size(), resp().size(), history_);
}

bool ZeekConnEngine::check_history(int side, std::uint32_t mask, char code) {
  if (!is_orig(side)) {
    mask <<= 16;
    code = static_cast<char>(std::tolower(static_cast<unsigned char>(code)));
  }
  if ((hist_seen_ & mask) == 0) {
    hist_seen_ |= mask;
    history_ += code;
    return false;
  }
  return true;
}

void ZeekConnEngine::add_history(int side, char code) {
  if (!is_orig(side)) code = static_cast<char>(std::tolower(static_cast<unsigned char>(code)));
  history_ += code;
}

// Connection::ScaledHistoryEntry: the letter at the 1st, 10th, 100th, ... occurrence.
void ZeekConnEngine::scaled(int side, char code, std::uint32_t& cnt, std::uint32_t& thresh) {
  if (++cnt == thresh) {
    add_history(side, code);
    std::uint32_t next = thresh * 10;
    if (next <= thresh)
      cnt = 0;
    else
      thresh = next;
  }
}

void ZeekConnEngine::set_state(int side, EndpointState s) {
  Endpoint& e = ep_[side];
  if (s == e.state) return;
  // TCP_Endpoint::SetState: leaving the handshake switches to the TCP inactivity timeout.
  if (!handshake_state(s) && handshake_state(e.state) && handshake_state(e.peer->state))
    inactivity_timeout_ = opt_.tcp_inactivity_timeout;
  e.prev_state = e.state;
  e.state = s;
}

void ZeekConnEngine::flip_roles() {
  orig_ = 1 - orig_;
  first_packet_seen_ = ((first_packet_seen_ & 1) ? 2u : 0u) | ((first_packet_seen_ & 2) ? 1u : 0u);
  is_partial_ = false;
  history_ += '^';
}

void ZeekConnEngine::on_packet(const ZeekPacket& p) {
  const int side = p.from == Peer::First ? 0 : 1;
  const bool first_packet = ep_[0].pkts == 0 && ep_[1].pkts == 0 && history_.find_first_not_of('^') == std::string::npos;
  // ExtractTCP_Header(): a cut-off header is dropped before anything else.
  if (!p.header_ok) return;
  Endpoint& e = ep_[side];
  Endpoint& peer = ep_[1 - side];
  if (!p.checksum_ok) {  // TCPAnalyzer::ValidateChecksum -> ChecksumError
    scaled(side, 'C', e.chk_cnt, e.chk_thresh);
    return;
  }

  const bool syn = p.flags & kSynBit, fin = p.flags & kFinBit, rst = p.flags & kRstBit,
             ack = p.flags & kAckBit;
  const auto len = static_cast<std::int64_t>(p.payload_len);

  // zeek/zeek#2191: a connection that began with a SYN-ACK (and was not flipped by the port
  // heuristic) is flipped when an ACK or data segment follows; the history so far is
  // rewritten as the responder's, behind a '^'.
  if (first_was_synack_only_ && !syn && !fin && !rst && (ack || len > 0) &&
      ep_[orig_].state == EndpointState::SynAckSent &&
      ep_[1 - orig_].state == EndpointState::Inactive) {
    first_was_synack_only_ = false;
    orig_ = 1 - orig_;
    std::string h = "^";
    for (char c : history_) {
      unsigned char u = static_cast<unsigned char>(c);
      h += static_cast<char>(std::isupper(u) ? std::tolower(u) : std::toupper(u));
    }
    history_ = h;
    hist_seen_ = (hist_seen_ << 16) | (hist_seen_ >> 16);
    first_packet_seen_ = ((first_packet_seen_ & 1) ? 2u : 0u) | ((first_packet_seen_ & 2) ? 1u : 0u);
    is_partial_ = false;
  } else if (first_packet) {
    first_was_synack_only_ = syn && ack && orig_ == side;
  }
  if (syn && !ack && first_was_synack_only_ && side != orig_) first_was_synack_only_ = false;

  const bool orig_side = is_orig(side);
  // SetPartialStatus
  if (orig_side) {
    if (!(first_packet_seen_ & 1)) is_partial_ = !syn || ack;
  } else if (!(first_packet_seen_ & 2) && !is_partial_) {
    is_partial_ = !syn;
  }

  std::int64_t seg_len = len + (syn ? 1 : 0) + (fin ? 1 : 0);
  if (rst) seg_len -= len;
  const std::uint32_t seq_past = p.seq + static_cast<std::uint32_t>(seg_len);

  // init_endpoint
  switch (e.state) {
    case EndpointState::Inactive:
      if (syn) {
        init_seqs(e, p.seq, seq_past);
      } else {
        init_seqs(e, p.seq - 1, p.seq);
      }
      break;
    case EndpointState::SynSent:
    case EndpointState::SynAckSent:
      if (syn && p.seq != static_cast<std::uint32_t>(e.start_seq)) init_seqs(e, p.seq, seq_past);
      break;
    case EndpointState::Established:
    case EndpointState::Partial:
      if (syn) init_seqs(e, p.seq, seq_past);
      break;
    case EndpointState::Reset:
      if (syn && e.prev_state == EndpointState::Inactive) init_seqs(e, p.seq, seq_past);
      break;
    default:
      break;
  }

  bool seq_underflow = false;
  const std::uint64_t rel_seq = relative_seq(e, p.seq, e.last_seq, e.seq_wraps, &seq_underflow);

  // update_history
  int bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
  if (bits > 1) {
    if (fin && rst)
      check_history(side, kHistFinRst, 'I');
    else
      check_history(side, kHistMulti, 'Q');
  } else if (bits == 1) {
    if (syn) {
      char code = ack ? 'H' : 'S';
      if (check_history(side, kHistSyn, code) && rel_seq != e.hist_last_syn) add_history(side, code);
      e.hist_last_syn = rel_seq;
    }
    if (fin) {
      std::uint64_t at = rel_seq + static_cast<std::uint64_t>(len);
      if (check_history(side, kHistFin, 'F') && at != e.hist_last_fin) add_history(side, 'F');
      e.hist_last_fin = at;
    }
    if (rst) {
      if (check_history(side, kHistRst, 'R') && rel_seq != e.hist_last_rst) add_history(side, 'R');
      e.hist_last_rst = rel_seq;
    }
  } else {
    if (len)
      check_history(side, kHistData, 'D');
    else if (ack)
      check_history(side, kHistAck, 'A');
  }

  // update_window: only the zero-window part matters here.
  if (p.window == 0 && !rst && peer.state != EndpointState::Closed &&
      e.state != EndpointState::Reset)
    scaled(side, 'W', e.win0_cnt, e.win0_thresh);

  if (!ep_[0].did_close || !ep_[1].did_close) last_ts_ = p.ts;

  if (fin) {
    ++e.fin_cnt;
    e.fin_seq = rel_seq + static_cast<std::uint64_t>(seg_len);
  }
  if (rst) ++e.rst_cnt;

  std::uint64_t rel_ack = 0;
  if (ack) {
    if (peer.state == EndpointState::Inactive) {
      rel_ack = 1;
      init_seqs(peer, p.ack - 1, p.ack - 1);  // init_peer
    } else {
      bool ack_underflow = false;
      rel_ack = relative_seq(peer, p.ack, peer.ack_seq, peer.ack_wraps, &ack_underflow);
      if (ack_underflow) {
        rel_ack = 0;
      } else if (!rst) {
        std::int32_t d = seq_delta(p.ack, peer.ack_seq);
        if (!(p.ack == 0 && d > kTooLargeSeqDelta) && d > 0) update_ack_seq_raw(peer, p.ack);
      }
    }
  }

  // update_last_seq
  std::int32_t delta_last = seq_delta(seq_past, e.last_seq);
  if ((syn || rst) && (delta_last > kTooLargeSeqDelta || delta_last < -kTooLargeSeqDelta)) {
    // untrusted
  } else if (fin && e.last_seq == static_cast<std::uint32_t>(e.start_seq) + 1) {
    update_last_seq_raw(e, seq_past);
  } else if (e.state == EndpointState::Reset) {
    // don't trust sequence numbers after a RST
  } else if (delta_last > 0) {
    update_last_seq_raw(e, seq_past);
  } else if (len > 0) {
    scaled(side, 'T', e.rxmt_cnt, e.rxmt_thresh);  // DidRxmit
  }

  bool do_close = false, gen_event = false;
  update_state_machine(side, p, delta_last, do_close, gen_event);

  if (ack) ack_received(1 - side, rel_ack);

  // CheckPIA_FirstPacket
  first_packet_seen_ |= is_orig(side) ? 1u : 2u;

  const std::uint64_t rel_data_seq = syn ? rel_seq + 1 : rel_seq;
  if (len > 0 && !rst && !seq_underflow && p.captured_len >= p.payload_len)
    data_sent(side, rel_data_seq, static_cast<std::uint64_t>(len));

  if (do_close) connection_closed(side);
  ++e.pkts;
}

void ZeekConnEngine::update_state_machine(int side, const ZeekPacket& p, std::int32_t delta_last,
                                          bool& do_close, bool& gen_event) {
  using E = EndpointState;
  Endpoint& e = ep_[side];
  Endpoint& peer = ep_[1 - side];
  const bool syn = p.flags & kSynBit, fin = p.flags & kFinBit, rst = p.flags & kRstBit,
             ack = p.flags & kAckBit;
  const bool orig_side = is_orig(side);
  (void)delta_last;

  switch (e.state) {
    case E::Inactive: {
      if (syn) {
        if (orig_side) {
          set_state(side, ack ? E::SynAckSent : E::SynSent);
          if (opt_.tcp_attempt_delay > 0) add_timer(p.ts + opt_.tcp_attempt_delay, Timer::Attempt);
        } else {
          if (!ack && peer.state == E::SynAckSent &&
              p.seq == static_cast<std::uint32_t>(e.start_seq)) {
            // SYN/SYN-ACK reversal: flip and establish.
            flip_roles();
            set_state(1 - side, E::Established);
          }
          if (peer.state == E::SynSent) set_state(1 - side, E::Established);
          set_state(side, E::Established);
        }
      }
      if (fin) {
        set_state(side, E::Closed);
        do_close = gen_event = true;
      }
      if (rst) {
        set_state(side, E::Reset);
        bool is_reject = false;
        if (is_orig(side)) {
          if (peer.state == E::Established) is_reject = true;
        } else if (peer.state == E::SynSent || peer.state == E::SynAckSent) {
          is_reject = true;
        }
        do_close = true;
        gen_event = !is_reject;
      }
      if (e.state == E::Inactive) {
        if (!is_orig(side) && p.payload_len == 0 && ep_[orig_].state == E::SynSent) {
          // an ACK of the SYN before the SYN-ACK: not a partial connection
        } else if (ack && peer.state == E::Established) {
          set_state(side, E::Established);
          is_partial_ = false;
          first_packet_seen_ |= is_orig(side) ? 1u : 2u;
        } else {
          set_state(side, E::Partial);
        }
      }
      break;
    }
    case E::SynSent:
    case E::SynAckSent:
      if (fin) {
        set_state(side, E::Closed);
        do_close = gen_event = true;
      }
      if (rst) {
        set_state(side, E::Reset);
        is_active_ = false;  // ConnectionReset
        do_close = true;
      }
      break;
    case E::Established:
    case E::Partial:
      if (syn && e.state == E::Partial && peer.state == E::Inactive && !ack)
        set_state(side, E::SynSent);
      if (fin && !rst) {
        set_state(side, E::Closed);
        if (peer.state == E::Reset && peer.prev_state == E::Closed)
          set_state(1 - side, E::Closed);  // FIN then RST from the peer: normal close
        do_close = gen_event = true;
      }
      if (rst) {
        set_state(side, E::Reset);
        do_close = true;
        if (peer.state != E::Reset || peer.prev_state != E::Established) is_active_ = false;
      }
      break;
    case E::Closed:
      if (rst && peer.state != E::Closed) {
        set_state(side, E::Reset);
        if (!e.did_close) do_close = true;
        add_timer(p.ts + opt_.tcp_reset_delay, Timer::Reset);
      }
      break;
    case E::Reset:
      break;
  }
  (void)gen_event;
}

void ZeekConnEngine::connection_closed(int side) {
  Endpoint& e = ep_[side];
  Endpoint& peer = ep_[1 - side];
  if (e.did_close) return;
  e.did_close = true;
  bool complete = e.state == EndpointState::Reset || peer.did_close ||
                  peer.state == EndpointState::Inactive;
  if (complete) {
    if (e.prev_state != EndpointState::Inactive || peer.state != EndpointState::Inactive)
      is_active_ = false;  // ConnectionFinished (or already reset)
    // CancelTimers(): the adapter's timers go; the session's inactivity timer stays.
    std::erase_if(timers_, [](const Timer& t) { return t.kind != Timer::Inactivity; });
    add_timer(last_ts_ + opt_.tcp_close_delay, Timer::Delete);
  } else if (e.prev_state == EndpointState::Inactive) {
    add_timer(last_ts_ + opt_.tcp_partial_close_delay, Timer::PartialClose);
  } else {
    add_timer(last_ts_ + opt_.tcp_session_timer, Timer::Expire);
  }
}

void ZeekConnEngine::ack_received(int side, std::uint64_t seq) {
  if (!opt_.reassemble) return;
  Endpoint& e = ep_[side];
  if (e.fin_cnt > 0 && seq >= e.fin_seq) seq = e.fin_seq - 1;
  if (seq <= e.trim_seq) return;
  trim_to_seq(side, seq);
}

void ZeekConnEngine::data_sent(int side, std::uint64_t seq, std::uint64_t len) {
  if (!opt_.reassemble) return;
  Endpoint& e = ep_[side];
  if (e.skip_deliveries) return;
  std::uint64_t acked = full_seq(e.ack_seq, e.ack_wraps) - static_cast<std::uint64_t>(e.start_seq);
  std::uint64_t upper = seq + len;
  if (seq < acked) {
    if (upper <= acked) return;
    seq = acked;
  }
  // Reassembler::NewBlock
  if (upper <= e.trim_seq) return;
  if (seq < e.trim_seq) seq = e.trim_seq;
  // insert [seq, upper) and merge
  // The blocks stay sorted and disjoint; merged in place, as this runs for every data segment.
  auto& b = e.blocks;
  const std::pair<std::uint64_t, std::uint64_t> block{seq, upper};
  b.insert(std::upper_bound(b.begin(), b.end(), block), block);
  std::size_t last = 0;
  for (std::size_t i = 1; i < b.size(); ++i) {
    if (b[i].first <= b[last].second)
      b[last].second = std::max(b[last].second, b[i].second);
    else
      b[++last] = b[i];
  }
  b.resize(last + 1);
  // BlockInserted: deliver what is now contiguous.
  for (const auto& r : b)
    if (r.first <= e.last_reassem_seq && r.second > e.last_reassem_seq) e.last_reassem_seq = r.second;
  if (no_data_acked(e) && opt_.tcp_max_initial_window && e.size() > opt_.tcp_max_initial_window)
    trim_to_seq(side, e.last_reassem_seq);
  // TCP_Reassembler::DataSent: too much data above a hole and nothing acked -> give up.
  if (no_data_acked(e) && opt_.tcp_max_above_hole_without_any_acks && !b.empty() &&
      b.back().second > e.last_reassem_seq &&
      b.back().second - e.last_reassem_seq > opt_.tcp_max_above_hole_without_any_acks) {
    b.clear();
    e.skip_deliveries = true;
  }
}

void ZeekConnEngine::trim_to_seq(int side, std::uint64_t seq) {
  Endpoint& e = ep_[side];
  if (seq > e.last_reassem_seq) undelivered(side, seq);
  auto& b = e.blocks;
  std::erase_if(b, [seq](const auto& r) { return r.second <= seq; });
  for (auto& r : b)
    if (r.first < seq) r.first = seq;
  if (seq > e.trim_seq) e.trim_seq = seq;
}

void ZeekConnEngine::undelivered(int side, std::uint64_t up_to) {
  Endpoint& e = ep_[side];
  if (up_to <= 2 && is_partial_) return;  // faked-up ISN of a partial connection
  if (!e.skip_deliveries) {
    for (const auto& r : e.blocks) {
      if (r.second <= e.last_reassem_seq) continue;
      if (r.first >= up_to) break;
      if (r.first > e.last_reassem_seq) {
        e.missed_bytes += r.first - e.last_reassem_seq;
        gap(side);
      }
      e.last_reassem_seq = std::max(e.last_reassem_seq, r.second);
    }
    if (up_to > e.last_reassem_seq) {
      e.missed_bytes += up_to - e.last_reassem_seq;
      gap(side);
    }
  }
  if (up_to > e.last_reassem_seq) e.last_reassem_seq = up_to;
}

void ZeekConnEngine::gap(int side) {
  Endpoint& e = ep_[side];
  // Only for cleanly established or closing connections (TCP_Reassembler::Gap).
  if (is_clean(e) && is_clean(*e.peer)) scaled(side, 'G', e.gap_cnt, e.gap_thresh);
}

bool ZeekConnEngine::fire(const Timer& t) {
  const Endpoint& o = orig();
  const Endpoint& r = resp();
  using E = EndpointState;
  switch (t.kind) {
    case Timer::Expire:
      if (!is_active_) return false;
      if (last_ts_ + opt_.tcp_connection_linger < t.at) {
        if (o.did_close || r.did_close) {
          if ((o.did_close && r.did_close) || o.state == E::Reset || r.state == E::Reset ||
              o.state == E::Inactive || r.state == E::Inactive)
            return true;
        }
        if (r.state == E::Inactive && o.state == E::Inactive) return true;
      }
      add_timer(t.at + opt_.tcp_session_timer, Timer::Expire);
      return false;
    case Timer::Attempt:
      if (!is_active_) return false;
      if ((o.state == E::SynSent || o.state == E::SynAckSent) && r.state == E::Inactive) {
        is_active_ = false;
        return true;
      }
      return false;
    case Timer::Delete:
      return true;
    case Timer::Reset:
      return is_active_;
    case Timer::PartialClose:
      if (!is_active_) return false;
      if (o.state != E::Inactive && r.state != E::Inactive && (!o.did_close || !r.did_close)) {
        if (o.state == E::Reset || r.state == E::Reset) return false;
        return true;
      }
      return false;
    case Timer::Inactivity:
      if (last_ts_ + inactivity_timeout_ <= t.at) return true;
      add_timer(last_ts_ + inactivity_timeout_, Timer::Inactivity);
      return false;
  }
  return false;
}

bool ZeekConnEngine::expired_by(double t) {
  if (removed_) return true;
  for (;;) {
    auto it = std::min_element(timers_.begin(), timers_.end(),
                               [](const Timer& a, const Timer& b) { return a.at < b.at; });
    if (it == timers_.end() || it->at > t) return false;
    Timer tm = *it;
    timers_.erase(it);
    if (fire(tm)) {
      removed_ = true;
      return true;
    }
  }
}

double ZeekConnEngine::next_timer_at() const {
  double at = std::numeric_limits<double>::infinity();
  for (const Timer& t : timers_) at = std::min(at, t.at);
  return at;
}

bool ZeekConnEngine::is_reuse(const ZeekPacket& p, double t) const {
  (void)t;
  if (!(p.flags & kSynBit)) return false;
  const Endpoint* conn_orig = &orig();
  if (p.flags & kAckBit) {
    if (orig().state != EndpointState::Inactive) return false;
    conn_orig = &resp();
  }
  bool closed = ep_[0].did_close || ep_[1].did_close;
  if (!closed) {
    if (p.seq == static_cast<std::uint32_t>(conn_orig->start_seq)) return false;
    if (!(p.flags & kAckBit) && conn_orig->state == EndpointState::SynAckSent &&
        resp().state == EndpointState::Inactive &&
        p.seq == static_cast<std::uint32_t>(resp().start_seq))
      return false;
  }
  return true;
}

bool likely_server_port(std::uint16_t port) {
  // TCP ports registered by Zeek's base protocol scripts (likely_server_ports).
  static constexpr std::uint16_t kPorts[] = {
      21,   22,   25,   53,   79,   80,   81,   88,   110,  135,  139,  143,  389,  443,
      445,  502,  563,  585,  587,  614,  631,  636,  989,  990,  992,  993,  995,  1080,
      1883, 2811, 3128, 3268, 3306, 3389, 5222, 5223, 5269, 5432, 6379, 6666, 6667, 6668,
      6669, 8000, 8080, 8888, 20000};
  return std::find(std::begin(kPorts), std::end(kPorts), port) != std::end(kPorts);
}

bool flip_at_start(std::uint16_t sport, std::uint16_t dport, std::uint16_t flags,
                   bool use_likely_server_ports) {
  bool syn = flags & kSynBit, ack = flags & kAckBit;
  if ((syn && !ack) || !use_likely_server_ports) return false;
  if (!likely_server_port(sport)) return false;
  if (likely_server_port(dport)) return !syn && sport < dport;
  return true;
}

void ZeekConnTable::on_packet(const FlowKey& key, Direction dir, ZeekPacket p, std::uint32_t* hint) {
  std::uint32_t at;
  if (hint != nullptr && *hint < live_.size() && live_[*hint].key == key)
    at = *hint;
  else
    at = find(key);
  if (at != TaggedIndex::kNone) {
    if (hint != nullptr) *hint = at;
    Live& l = live_[at];
    ZeekConnEngine& engine = awake(l);
    bool from_first = (dir == Direction::AToB) == l.first_is_a;
    p.from = from_first ? Peer::First : Peer::Second;
    bool gone = next_timer_[at] <= p.ts && engine.expired_by(p.ts);
    if (!gone && p.header_ok && engine.is_reuse(p, p.ts)) gone = true;
    if (!gone) {
      engine.on_packet(p);
      next_timer_[at] = engine.next_timer_at();
      if (freeze_ == Freeze::Always)
        freeze(l);
      else if (freeze_ == Freeze::AtRest && live_.size() > busy_above_ && engine.at_rest()) {
        resting_.push_back(l.key);  // its last ACK usually follows: frozen at the next expire()
        if (resting_.size() >= kRestingMax) freeze_resting();  // (a clock that does not move)
      }
      return;
    }
    finish_at(at);
  }
  if (hint != nullptr) *hint = static_cast<std::uint32_t>(live_.size());
  start(key, dir, p);
  // The cap holds between expire() calls too: a flood adds connections faster than timers run.
  if (max_live_ != 0 && live_.size() > max_live_) evict_oldest(max_live_);
}

// IPBasedAnalyzer::NewConn
void ZeekConnTable::start(const FlowKey& key, Direction dir, ZeekPacket& p) {
  const bool first_is_a = dir == Direction::AToB;
  const std::uint16_t sport = first_is_a ? key.port_a : key.port_b;
  const std::uint16_t dport = first_is_a ? key.port_b : key.port_a;
  const bool flip = flip_at_start(sport, dport, p.flags, opt_.use_likely_server_ports);
  std::unique_ptr<ZeekConnEngine> engine = take_engine(p.ts, flip);
  p.from = Peer::First;
  engine->on_packet(p);
  index_.insert(key.hash(), static_cast<std::uint32_t>(live_.size()));
  next_timer_.push_back(engine->next_timer_at());
  Live l;
  l.key = key;
  l.first_is_a = first_is_a;
  l.start_ts = p.ts;
  l.engine = std::move(engine);
  live_.push_back(std::move(l));
}

std::unique_ptr<ZeekConnEngine> ZeekConnTable::take_engine(double start_ts, bool flip) {
  if (spare_.empty()) return std::make_unique<ZeekConnEngine>(start_ts, flip, opt_);
  std::unique_ptr<ZeekConnEngine> engine = std::move(spare_.back());
  spare_.pop_back();
  engine->restart(start_ts, flip);
  return engine;
}

ZeekConnEngine& ZeekConnTable::awake(Live& l) {
  if (l.engine) return *l.engine;
  l.engine = take_engine(0, false);  // restarted: nothing of the engine before shows through
  l.engine->thaw(l.frozen, l.frozen_size);
  frozen_bytes_.release(l.frozen, l.frozen_size);
  l.frozen = nullptr;
  l.frozen_size = 0;
  return *l.engine;
}

void ZeekConnTable::freeze(Live& l) {
  l.engine->freeze(scratch_);
  if (scratch_.size() > compact::BlobArena::kMaxBytes) return;  // (many blocks) stays awake
  l.frozen_size = static_cast<std::uint32_t>(scratch_.size());
  l.frozen = frozen_bytes_.keep(scratch_.data(), l.frozen_size);
  l.last_ts = l.engine->last_ts();
  recycle(std::move(l.engine));
}

void ZeekConnTable::finish_at(std::size_t at) {
  Live& l = live_[at];
  awake(l);
  const auto here = static_cast<std::uint32_t>(at);
  index_.erase(l.key.hash(), [&](std::uint32_t i) { return i == here; });
  done_.push_back({l.key, l.first_is_a, std::move(l.engine)});
  if (at + 1 != live_.size()) {
    const auto last = static_cast<std::uint32_t>(live_.size() - 1);
    l = std::move(live_.back());
    next_timer_[at] = next_timer_.back();
    index_.update(l.key.hash(), [&](std::uint32_t i) { return i == last; }, here);
  }
  live_.pop_back();
  next_timer_.pop_back();
}

void ZeekConnTable::freeze_resting() {
  for (const FlowKey& key : resting_) {
    const std::uint32_t at = find(key);
    if (at == TaggedIndex::kNone) continue;
    Live& l = live_[at];
    if (l.engine && l.engine->at_rest()) freeze(l);
  }
  resting_.clear();
}

void ZeekConnTable::expire(double t, std::size_t max_live) {
  freeze_resting();
  for (std::size_t i = 0; i < live_.size();) {
    if (next_timer_[i] > t) {
      ++i;
      continue;
    }
    const bool was_frozen = live_[i].engine == nullptr;
    ZeekConnEngine& engine = awake(live_[i]);
    if (engine.expired_by(t)) {
      finish_at(i);  // the last one is now at i: look at it next
    } else {
      next_timer_[i] = engine.next_timer_at();
      if (was_frozen) freeze(live_[i]);
      ++i;
    }
  }
  if (live_.size() > max_live) evict_oldest(max_live);
}

void ZeekConnTable::evict_oldest(std::size_t max_live) {
  std::vector<std::pair<double, FlowKey>> by_age;
  by_age.reserve(live_.size());
  for (std::size_t i = 0; i < live_.size(); ++i)
    by_age.emplace_back(live_[i].engine ? live_[i].engine->last_ts() : live_[i].last_ts, live_[i].key);
  const std::size_t n = std::max<std::size_t>(live_.size() - max_live, max_live / 8);
  std::nth_element(by_age.begin(), by_age.begin() + static_cast<long>(std::min(n, by_age.size()) - 1),
                   by_age.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < n && i < by_age.size(); ++i) {
    finish_at(find(by_age[i].second));
    ++evictions_;
  }
}

void ZeekConnTable::finish() {
  std::vector<Finished> rest;
  rest.reserve(live_.size());
  for (std::size_t i = 0; i < live_.size(); ++i) {
    awake(live_[i]);
    rest.push_back({live_[i].key, live_[i].first_is_a, std::move(live_[i].engine)});
  }
  live_.clear();
  next_timer_.clear();
  index_.clear();
  std::sort(rest.begin(), rest.end(), [](const Finished& a, const Finished& b) {
    return a.engine->start_ts() < b.engine->start_ts();
  });
  for (auto& f : rest) done_.push_back(std::move(f));
}

}  // namespace tcplens::zeek
