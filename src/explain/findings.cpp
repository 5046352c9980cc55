// The findings of a connection, from the tracker's Connection (the same values as its
// `conns` record) and the explainer's trace (frames, anomalies, HTTP lines).
#include "tcplens/explain/finding.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "tcplens/render/output.hpp"
#include "tcplens/wire/tcp.hpp"

namespace tcplens::explain {

namespace {

// "10.0.0.1:80", "[fd00::1]:80" at `out` (64 bytes); returns its length.
std::size_t endpoint_text(const Endpoint& e, char* out) {
  std::size_t n = 0;
  if (e.ip.family == 6) out[n++] = '[';
  n += format_ip(e.ip, out + n);
  if (e.ip.family == 6) out[n++] = ']';
  out[n++] = ':';
  return static_cast<std::size_t>(Output::format_u32(out + n, e.port) - out);
}

double seconds_between(const Timestamp& a, const Timestamp& b) {
  return static_cast<double>(b.sec - a.sec) + static_cast<double>(b.nsec - a.nsec) / 1e9;
}

// The change that moved `e` into `state` (the first time), if it ever went there.
std::optional<StateChange> state_change(const Endpoint& e, TcpState state) {
  for (const StateChange s : e.history)  // (a value: the history unpacks its entries)
    if (s.state == state) return s;
  return std::nullopt;
}
// Its frame, 0 when it never went there.
std::uint64_t state_frame(const Endpoint& e, TcpState state) {
  const std::optional<StateChange> s = state_change(e, state);
  return s ? s->frame : 0;
}

std::string_view side_key(Side s) { return s == Side::Client ? "client" : "server"; }

const FrameTally& tally(const ConnectionTrace& t, Side s, Event e) { return t.tally(s, e); }

// "agreed", "client" / "server" (offered by that side only) or "none".
std::string_view offered(bool client, bool server) {
  return client && server ? "agreed" : client ? "client" : server ? "server" : "none";
}

void handshake(FindingList& out, const Connection& c, const ConnectionTrace& t) {
  const std::uint64_t syn = t.syns.count > 0 ? t.syns.frames[0] : state_frame(c.client, TcpState::SynSent);
  switch (c.handshake) {
    case HandshakeResult::Complete: {
      Finding& f = out.add("handshake.complete");
      f.frame(syn).frame(t.syn_ack_frame()).frame(state_frame(c.server, TcpState::Established));
      f.num("client_isn", c.client.isn)
          .num("server_isn", c.server.isn)
          .num("client_isn_plus_1", static_cast<std::uint32_t>(c.client.isn + 1))
          .num("server_isn_plus_1", static_cast<std::uint32_t>(c.server.isn + 1));
      const double rtt = c.irtt_s(), server_half = c.rtt_server_s(), client_half = c.rtt_client_s();
      f.real("rtt_ms", rtt < 0 ? 0 : rtt * 1000, 3)
          .real("server_half_ms", server_half < 0 ? 0 : server_half * 1000, 3)
          .real("client_half_ms", client_half < 0 ? 0 : client_half * 1000, 3);
      break;
    }
    case HandshakeResult::SimultaneousOpen:
      out.add("handshake.simultaneous").frame(syn).num("client_isn", c.client.isn).num("server_isn", c.server.isn);
      break;
    case HandshakeResult::Unanswered: {
      if (t.icmp) {
        // RFC 1122 section 4.2.3.9: an ICMP port or protocol unreachable aborts the connection
        // attempt (Linux: connect() fails with ECONNREFUSED, host unreachable EHOSTUNREACH).
        const bool v6 = t.icmp->family == 6;
        const std::uint8_t type = t.icmp->type, code = t.icmp->code;
        std::string_view reason = "other";
        if ((!v6 && type == 3 && code == 3) || (v6 && type == 1 && code == 4)) reason = "port_unreachable";
        else if ((!v6 && type == 3 && (code == 9 || code == 10 || code == 13)) || (v6 && type == 1 && code == 1))
          reason = "admin_prohibited";
        else if ((!v6 && type == 3) || (v6 && type == 1)) reason = "host_unreachable";
        char server[64], from[64];
        out.add("handshake.icmp_rejected")
            .frames(t.syns)
            .frame(t.icmp->frame)
            .num("client_isn", c.client.isn)
            .text("server", std::string_view(server, endpoint_text(c.server, server)))
            .text("from", std::string_view(from, format_ip(t.icmp->from, from)))
            .num("type", type)
            .num("code", code)
            .text("reason", reason);
        break;
      }
      char server[64];
      out.add("handshake.unanswered")
          .frames(t.syns)
          .num("syns", c.client_syns)
          .num("client_isn", c.client.isn)
          .text("server", std::string_view(server, endpoint_text(c.server, server)));
      break;
    }
    case HandshakeResult::Rejected: {
      char server_ip[64];
      out.add("handshake.refused")
          .frame(syn)
          .frame(t.rst_frame)
          .num("client_isn", c.client.isn)
          .text("server_ip", std::string_view(server_ip, format_ip(c.server.ip, server_ip)))
          .num("port", c.server.port);
      break;
    }
    case HandshakeResult::NoFinalAck:
      out.add("handshake.no_final_ack")
          .frame(syn)
          .frame(t.syn_ack_frame())
          .num("client_isn", c.client.isn)
          .num("server_isn", c.server.isn);
      break;
    case HandshakeResult::NotSeen:
      out.add("handshake.not_seen").frame(c.first_frame);
      break;
  }
  // A RST before the connection was established, other than a refusal: the SYN-ACK (or the
  // SYN) was not wanted, as a SYN scanner's kernel answers the SYN-ACK of a probe it never
  // made a socket for (RFC 9293 section 3.10.7.3).
  if (c.reset_seen && !c.established && c.handshake != HandshakeResult::Rejected && t.rst_frame != 0)
    out.add("handshake.reset")
        .frame(t.rst_frame)
        .text("resetter", side_key(t.rst_from))
        .text("peer", side_key(other(t.rst_from)));
  if (c.client_syns > 1 && c.handshake != HandshakeResult::Unanswered)
    out.add("handshake.syn_retried").frames(t.syns).num("syns", c.client_syns);
  // A SYN-ACK sent again: its ACK did not come (RFC 9293 3.8.1: SYN_RECEIVED retransmits).
  if (t.syn_acks.count > 1 && c.handshake == HandshakeResult::NoFinalAck)
    out.add("handshake.syn_ack_retried").frames(t.syn_acks).num("count", t.syn_acks.count);
  for (const Side s : {Side::Client, Side::Server})
    if (const FrameTally& r = tally(t, s, Event::ReusedPorts); r.count > 0)
      out.add("handshake.port_reused").frames(r).text("side", side_key(s));
  if (c.handshake == HandshakeResult::NotSeen)
    for (const Side s : {Side::Client, Side::Server})
      if (t.packets_by_side[index(s)] == 0)
        out.add("capture.one_direction").frame(c.first_frame).frame(c.last_frame).text("side", side_key(s));

  // What each side offered in its SYN; scaling, SACK and timestamps are in use only when
  // both offered them (RFC 7323 section 2.2, RFC 2018 section 2), ECN likewise (RFC 3168 6.1.1).
  const OfferedOptions& oc = c.client.options;
  const OfferedOptions& os = c.server.options;
  if (oc.seen && os.seen) {
    Finding& f = out.add("options.negotiated");
    f.frame(syn).frame(t.syn_ack_frame());
    if (oc.has_mss) f.num("client_mss", oc.mss);
    if (os.has_mss) f.num("server_mss", os.mss);
    f.text("window_scale", offered(oc.has_window_scale, os.has_window_scale));
    if (oc.has_window_scale) f.num("client_window_scale", oc.window_scale);
    if (os.has_window_scale) f.num("server_window_scale", os.window_scale);
    f.text("sack", offered(oc.sack_permitted, os.sack_permitted))
        .text("timestamps", offered(oc.timestamps, os.timestamps))
        .text("ecn", offered(oc.ecn, os.ecn))
        .text("tfo", offered(oc.tfo, os.tfo));
  }
}

void data(FindingList& out, const Connection& c, const ConnectionTrace& t) {
  if (c.client.sent.bytes == 0 && c.server.sent.bytes == 0) {
    if (c.established) out.add("data.none").frame(c.first_frame).frame(c.last_frame);
    return;
  }
  for (const Side s : {Side::Client, Side::Server}) {
    const std::size_t k = index(s);
    const std::uint64_t bytes = c.side(s).sent.bytes;
    if (bytes == 0) continue;  // the other direction's sentence says there was data
    Finding& f = out.add(s == Side::Client ? "data.client_to_server" : "data.server_to_client");
    f.frame(t.first_data_frame[k]);
    if (t.last_data_frame[k] != t.first_data_frame[k]) f.frame(t.last_data_frame[k]);
    f.num("bytes", bytes).num("segments", t.data_segments[k]);
  }
  for (const Side s : {Side::Client, Side::Server})
    for (std::size_t k = 0; t.http && k < t.http->count[index(s)]; ++k)
      out.add(s == Side::Client ? "http.request" : "http.response")
          .frame(t.http->frames[index(s)][k])
          .text_ref(s == Side::Client ? "request" : "status", t.http->line(s, k));
  for (const Side s : {Side::Client, Side::Server})
    if (const FrameTally& p = tally(t, s, Event::PiggybackedAck); p.count > 0)
      out.add("data.piggybacked_ack").frames(p).text("side", side_key(s)).num("count", p.count);
}

void trouble(FindingList& out, const Connection& c, const ConnectionTrace& t) {
  for (const Side s : {Side::Client, Side::Server}) {
    const DirectionStats& st = c.side(s).sent;
    const std::string_view side = side_key(s);
    // The counts are the connection record's (conns' retransmissions): a segment repeated by
    // the network (same IP ID and bytes) is a duplicate, not a retransmission.
    const std::uint32_t total = st.retransmissions;
    if (total > 0) {
      const FrameTally& fast = tally(t, s, Event::FastRetransmission);
      const FrameTally& spurious = tally(t, s, Event::Spurious);
      const std::uint32_t n_fast = fast.count < total ? fast.count : total;
      const std::uint32_t n_spurious = spurious.count < total - n_fast ? spurious.count : total - n_fast;
      const std::uint32_t n_timeout = total - n_fast - n_spurious;
      if (n_timeout > 0)
        out.add("retransmission.timeout").frames(tally(t, s, Event::Retransmission)).text("side", side).num("count", n_timeout);
      if (n_fast > 0) out.add("retransmission.fast").frames(fast).text("side", side).num("count", n_fast);
      if (n_spurious > 0) out.add("retransmission.spurious").frames(spurious).text("side", side).num("count", n_spurious);
      if (const FrameTally& a = tally(t, s, Event::LostAfterCapture); a.count > 0)
        out.add("retransmission.lost_after_capture").frames(a).text("side", side).num("count", a.count);
      if (const FrameTally& b = tally(t, s, Event::LostBeforeCapture); b.count > 0)
        out.add("retransmission.lost_before_capture").frames(b).text("side", side).num("count", b.count);
    }
    if (st.network_duplicates > 0) out.add("segment.network_duplicate").text("side", side).num("count", st.network_duplicates);
    struct Told {
      Event event;
      std::string_view code;
    };
    static constexpr Told kTold[] = {{Event::LostSegment, "segment.not_captured"},
                                     {Event::OutOfOrder, "segment.out_of_order"},
                                     {Event::DupAck, "ack.duplicate"},
                                     {Event::KeepAlive, "keepalive"}};
    for (const Told& told : kTold)
      if (const FrameTally& e = tally(t, s, told.event); e.count > 0)
        out.add(told.code).frames(e).text("side", side).num("count", e.count);
    if (const FrameTally& z = tally(t, s, Event::ZeroWindow); z.count > 0) {
      const FrameTally& probes = tally(t, other(s), Event::ZeroWindowProbe);
      Finding& f = out.add("window.zero").frames(z);
      for (std::uint64_t p : probes.kept()) f.frame(p);
      f.text("side", side).text("peer", side_key(other(s))).num("count", z.count).num("probes", probes.count);
    }
  }
}

void teardown(FindingList& out, const Connection& c, const ConnectionTrace& t) {
  const Side closer = c.close_initiator, peer = other(closer);
  const std::string_view closer_key = side_key(closer), peer_key = side_key(peer);
  const std::uint64_t closer_fin = c.side(closer).fin_sent ? c.side(closer).fin_frame : 0;
  const std::uint64_t peer_fin = c.side(peer).fin_sent ? c.side(peer).fin_frame : 0;
  auto closing = [&](std::string_view code) {
    out.add(code).frame(closer_fin).frame(peer_fin).text("closer", closer_key).text("peer", peer_key);
  };
  switch (c.teardown) {
    case TeardownKind::FourWay:
      closing("teardown.four_way");
      if (t.data_after_peer_fin[index(peer)])
        out.add("teardown.half_close_data").frame(closer_fin).text("closer", closer_key).text("peer", peer_key);
      break;
    case TeardownKind::ThreeWay: closing("teardown.three_packet"); break;
    case TeardownKind::Simultaneous: closing("teardown.simultaneous"); break;
    case TeardownKind::HalfClosed: closing("teardown.half_close"); break;
    case TeardownKind::Open: out.add("teardown.open").frame(c.last_frame); break;
    case TeardownKind::Reset: {
      // Why a RST: RFC 9293 section 3.10.7 (a segment for a closed socket), RFC 2525 section
      // 2.17 (close() with unread data sends a RST instead of a FIN, as Linux does).
      const Side resetter = t.rst_frame != 0 ? t.rst_from : c.reset_by;
      const Endpoint& r = c.side(resetter);
      const bool peer_fin_before = (t.before_rst_flags & tcpflag::kFin) != 0;
      std::string_view code = "reset.plain";
      if (r.fin_sent && r.fin_frame < t.rst_frame && peer_fin_before)
        code = "reset.late_fin";
      else if (r.fin_sent && r.fin_frame < t.rst_frame && t.before_rst_len > 0)
        code = "reset.data_after_close";
      else if (!r.fin_sent && c.side(other(resetter)).sent.bytes > 0)
        code = "reset.abort";
      else if (r.fin_sent || c.side(other(resetter)).fin_sent)
        code = "reset.after_fin";
      Finding& f = out.add(code);
      f.frame(t.rst_frame);
      if (code == "reset.late_fin" || code == "reset.data_after_close") f.frame(t.before_rst_frame);
      f.text("resetter", side_key(resetter)).text("peer", side_key(other(resetter)));
      if (t.rst_sender_state != TcpState::Unknown) f.text("state", to_string(t.rst_sender_state));
      if (code == "reset.late_fin" || code == "reset.data_after_close" || code == "reset.after_fin") f.frame(r.fin_frame);
      if (code == "reset.data_after_close") f.num("bytes", t.before_rst_len);
      break;
    }
    case TeardownKind::None: break;
  }
  const std::string_view tw = c.time_wait();
  if (tw == "both") {
    out.add("time_wait.both")
        .frame(state_frame(c.client, TcpState::TimeWait))
        .frame(state_frame(c.server, TcpState::TimeWait));
  } else if (tw == "client" || tw == "server") {
    const Side waiter = tw == "client" ? Side::Client : Side::Server;
    Finding& f = out.add("time_wait.one");
    const std::optional<StateChange> entered = state_change(c.side(waiter), TcpState::TimeWait);
    if (entered) {
      f.frame(entered->frame);
      // 2MSL: Linux's TCP_TIMEWAIT_LEN is 60 s (RFC 9293 section 3.4.2 says MSL 2 minutes).
      f.real("until", seconds_between(c.first_ts, entered->ts) + 60.0, 3);
    }
    f.text("waiter", tw);
  } else if (c.reset_seen && c.established) {
    out.add("time_wait.none_reset").frame(t.rst_frame);
  }
  out.add("states.final")
      .frame(c.last_frame)
      .text("client_state", to_string(c.client.state))
      .text("server_state", to_string(c.server.state));
}

}  // namespace

void Finding::push_frame(std::uint64_t f) {
  if (frame_count_ == kMaxFrames) throw std::length_error("explain: more frames than Finding::kMaxFrames");
  frames_[frame_count_++] = f;
}

FindingParam& Finding::push_param(std::string_view key, bool number) {
  if (param_count_ == kMaxParams) throw std::length_error("explain: more parameters than Finding::kMaxParams");
  FindingParam& p = params_[param_count_++];
  p.key = key;
  p.number = number;
  p.outside_ = {};
  p.size_ = 0;
  return p;
}

Finding& Finding::num(std::string_view key, std::uint64_t v) {
  FindingParam& p = push_param(key, true);
  p.size_ = static_cast<std::uint8_t>(Output::format_u64(p.text_, v) - p.text_);
  return *this;
}

Finding& Finding::real(std::string_view key, double v, int decimals) {
  // As printf's "%.*f" into a 48-byte buffer (the parameter's), cut where it ends.
  char buf[Output::kFixedRoom];
  const char* end = Output::format_fixed(buf, v, decimals);
  const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(end - buf), FindingParam::kInline - 1);
  FindingParam& p = push_param(key, true);
  std::memcpy(p.text_, buf, n);
  p.size_ = static_cast<std::uint8_t>(n);
  return *this;
}

Finding& Finding::text(std::string_view key, std::string_view v) {
  if (v.size() > FindingParam::kInline) throw std::length_error("explain: a parameter longer than FindingParam::kInline");
  FindingParam& p = push_param(key, false);
  std::memcpy(p.text_, v.data(), v.size());
  p.size_ = static_cast<std::uint8_t>(v.size());
  return *this;
}

Finding& Finding::text_ref(std::string_view key, std::string_view v) {
  FindingParam& p = push_param(key, false);
  p.outside_ = v.data() != nullptr ? v : std::string_view("");
  return *this;
}

std::string_view Finding::param(std::string_view key) const {
  for (const FindingParam& p : params())
    if (p.key == key) return p.value();
  return {};
}

Finding& FindingList::add(std::string_view code) {
  if (size_ == storage_.size()) storage_.emplace_back();
  Finding& f = storage_[size_++];
  f.reset(code);
  return f;
}

std::string endpoint_name(const Endpoint& e) {
  char buf[64];
  return std::string(buf, endpoint_text(e, buf));
}

const std::vector<std::string_view>& finding_codes() {
  static const std::vector<std::string_view> kCodes = {
      "handshake.complete", "handshake.simultaneous", "handshake.unanswered", "handshake.icmp_rejected", "handshake.refused",
      "handshake.no_final_ack", "handshake.not_seen", "handshake.reset", "handshake.syn_retried", "handshake.syn_ack_retried", "handshake.port_reused",
      "capture.one_direction", "options.negotiated", "data.client_to_server", "data.server_to_client",
      "data.none", "http.request", "http.response", "data.piggybacked_ack", "retransmission.timeout",
      "retransmission.fast", "retransmission.spurious", "retransmission.lost_after_capture",
      "retransmission.lost_before_capture", "segment.network_duplicate", "segment.not_captured",
      "segment.out_of_order", "ack.duplicate", "keepalive", "window.zero", "teardown.four_way",
      "teardown.half_close_data", "teardown.three_packet", "teardown.simultaneous", "teardown.half_close",
      "teardown.open", "reset.late_fin", "reset.data_after_close", "reset.abort", "reset.after_fin",
      "reset.plain", "time_wait.one", "time_wait.both", "time_wait.none_reset", "states.final"};
  return kCodes;
}

void connection_findings(const Connection& c, const ConnectionTrace& t, FindingList& out) {
  out.clear();
  handshake(out, c, t);
  data(out, c, t);
  trouble(out, c, t);
  teardown(out, c, t);
}

FindingList connection_findings(const Connection& c, const ConnectionTrace& t) {
  FindingList out;
  connection_findings(c, t, out);
  return out;
}

}  // namespace tcplens::explain
