#include "tcplens/render/connection_summary.hpp"

#include <cstdio>
#include <cstring>
#include <string>

#include "tcplens/wire/ip_text.hpp"

namespace tcplens {

namespace {

void put_ip(Output& out, const IpAddress& ip) {
  if (ip.family == 6)
    out.put_ipv6(ip.bytes.data());
  else if (ip.family == 4)
    out.put_ipv4(ip.bytes.data());
}

// Seconds with microsecond precision, as JSON numbers ("12.000345").
void put_seconds(Output& out, double s) { out.put_fixed(s, 6); }

void put_ts(Output& out, const Timestamp& ts) {
  out.put_i64(ts.sec);
  out.put('.');
  out.put_u32_padded(static_cast<std::uint32_t>(ts.nsec / 1000), 6);
}

double seconds(const Timestamp& a, const Timestamp& b) {
  return static_cast<double>(b.sec - a.sec) + static_cast<double>(b.nsec - a.nsec) / 1e9;
}

// A JSON record's text written through one pointer into room reserved ahead: a record has a
// hundred fields, and a put() each (a room check and the buffer's end loaded and stored) was
// half of what writing one cost. Each section reserves what its longest form can take.
class JsonCursor {
 public:
  JsonCursor(Output& out, std::size_t room) : out_(out), p_(out.raw(room)) {}
  ~JsonCursor() { out_.commit(p_); }
  JsonCursor(const JsonCursor&) = delete;
  JsonCursor& operator=(const JsonCursor&) = delete;

  template <std::size_t N>
  TCPLENS_INLINE void lit(const char (&s)[N]) {
    std::memcpy(p_, s, N - 1);
    p_ += N - 1;
  }
  TCPLENS_INLINE void u32(std::uint32_t v) { p_ = Output::format_u32(p_, v); }
  TCPLENS_INLINE void u64(std::uint64_t v) { p_ = Output::format_u64(p_, v); }
  TCPLENS_INLINE void boolean(bool b) {
    if (b)
      lit("true");
    else
      lit("false");
  }
  TCPLENS_INLINE void null() { lit("null"); }
  void seconds(double s) { p_ = Output::format_fixed(p_, s, 6); }  // room: Output::kFixedRoom
  void opt_seconds(double s) {
    if (s < 0)
      null();
    else
      seconds(s);
  }
  void ts(const Timestamp& t) {  // room: 28
    std::uint64_t sec = static_cast<std::uint64_t>(t.sec);
    if (t.sec < 0) {
      *p_++ = '-';
      sec = 0 - sec;
    }
    p_ = Output::format_u64(p_, sec);
    *p_++ = '.';
    p_ = Output::format_u32_padded(p_, static_cast<std::uint32_t>(t.nsec / 1000), 6);
  }
  void ip(const IpAddress& a) {  // room: 46
    if (a.family == 6)
      p_ = format_ipv6_text(p_, a.bytes.data());
    else if (a.family == 4)
      p_ = format_ipv4_text(p_, a.bytes.data());
  }
  // One of tcplens's own names (a state, a kind, a side: nothing to escape), quoted; room:
  // kNameRoom.
  void name(std::string_view s) {
    *p_++ = '"';
    p_ = Output::format_text(p_, s);
    *p_++ = '"';
  }
  // Quoted, '"' and '\\' escaped; room: 2 * size + 2.
  void str(std::string_view s) {
    *p_++ = '"';
    for (char c : s) {
      if (c == '"' || c == '\\') *p_++ = '\\';
      *p_++ = c;
    }
    *p_++ = '"';
  }

 private:
  Output& out_;
  char* p_;
};

// Room for the longest of our names a name() writes (states, kinds, sides), quoted.
constexpr std::size_t kNameRoom = 2 * 32 + 2;

void put_options(JsonCursor& j, const OfferedOptions& o) {
  if (!o.seen) {
    j.null();
    return;
  }
  j.lit("{\"mss\":");
  if (o.has_mss)
    j.u32(o.mss);
  else
    j.null();
  j.lit(",\"window_scale\":");
  if (o.has_window_scale)
    j.u32(o.window_scale);
  else
    j.null();
  j.lit(",\"sack_permitted\":");
  j.boolean(o.sack_permitted);
  j.lit(",\"timestamps\":");
  j.boolean(o.timestamps);
  j.lit(",\"ecn\":");
  j.boolean(o.ecn);
  j.lit(",\"tfo\":");
  j.boolean(o.tfo);
  j.lit("}");
}

// What the handshake settled (RFC 9293 3.7.1, RFC 7323, RFC 2018, RFC 3168): each side's MSS
// is what the other may send; window scaling, SACK and timestamps need both offers; ECN
// needs an ECN-setup SYN and SYN-ACK. Null when either SYN was not captured.
void put_agreed(JsonCursor& j, const OfferedOptions& c, const OfferedOptions& s) {
  if (!c.seen || !s.seen) {
    j.null();
    return;
  }
  j.lit("{\"client_mss\":");
  if (c.has_mss)
    j.u32(c.mss);
  else
    j.null();
  j.lit(",\"server_mss\":");
  if (s.has_mss)
    j.u32(s.mss);
  else
    j.null();
  const bool scaling = c.has_window_scale && s.has_window_scale;
  j.lit(",\"window_scaling\":");
  j.boolean(scaling);
  j.lit(",\"client_window_shift\":");
  if (scaling)
    j.u32(c.window_scale > 14 ? 14 : c.window_scale);
  else
    j.null();
  j.lit(",\"server_window_shift\":");
  if (scaling)
    j.u32(s.window_scale > 14 ? 14 : s.window_scale);
  else
    j.null();
  j.lit(",\"sack\":");
  j.boolean(c.sack_permitted && s.sack_permitted);
  j.lit(",\"timestamps\":");
  j.boolean(c.timestamps && s.timestamps);
  j.lit(",\"ecn\":");
  j.boolean(c.ecn && s.ecn);
  j.lit(",\"tfo\":");
  j.boolean(c.tfo && s.tfo);
  j.lit("}");
}

void put_rtt(JsonCursor& j, std::int64_t ns, bool have) {
  if (have)
    j.seconds(static_cast<double>(ns) / 1e9);
  else
    j.null();
}

// Room: the keys (about 330 bytes), three u64 and eleven u32 numbers, three seconds.
constexpr std::size_t kDirectionRoom = 640 + 3 * Output::kFixedRoom;

void put_direction(JsonCursor& j, const DirectionStats& d) {
  j.lit("{\"packets\":");
  j.u64(d.packets);
  j.lit(",\"bytes\":");
  j.u64(d.bytes);
  j.lit(",\"unique_bytes\":");
  j.u64(d.unique_bytes);
  j.lit(",\"retransmissions\":");
  j.u32(d.retransmissions);
  j.lit(",\"network_duplicates\":");
  j.u32(d.network_duplicates);
  j.lit(",\"tshark_retransmissions\":");
  j.u32(d.tshark_retransmissions);
  j.lit(",\"fast_retransmissions\":");
  j.u32(d.fast_retransmissions);
  j.lit(",\"spurious_retransmissions\":");
  j.u32(d.spurious_retransmissions);
  j.lit(",\"out_of_order\":");
  j.u32(d.out_of_order);
  j.lit(",\"lost_segments\":");
  j.u32(d.lost_segments);
  j.lit(",\"dup_acks\":");
  j.u32(d.dup_acks);
  j.lit(",\"zero_windows\":");
  j.u32(d.zero_windows);
  j.lit(",\"zero_window_probes\":");
  j.u32(d.zero_window_probes);
  j.lit(",\"keep_alives\":");
  j.u32(d.keep_alives);
  const bool have = d.rtt_samples > 0;
  j.lit(",\"rtt_min\":");
  put_rtt(j, d.rtt_min_ns, have);
  j.lit(",\"rtt_avg\":");
  put_rtt(j, have ? d.rtt_sum_ns / d.rtt_samples : 0, have);
  j.lit(",\"rtt_max\":");
  put_rtt(j, d.rtt_max_ns, have);
  j.lit("}");
}

void put_endpoint(JsonCursor& j, const Endpoint& e) {  // room: 80
  j.lit("{\"ip\":\"");
  j.ip(e.ip);
  j.lit("\",\"port\":");
  j.u32(e.port);
  j.lit("}");
}

void put_stream(Output& out, const Connection& c, const ConnectionExtras& x) {
  if (x.stream_writer != nullptr)
    x.stream_writer->put_stream(c.stream);
  else
    out.put_u32(c.stream);
}

}  // namespace

ConnectionExtras extras_of(const ConnectionRecord& r, Emitter* stream_writer) {
  ConnectionExtras x;
  x.completeness = r.completeness;
  if (r.has_zeek) {
    x.zeek_conn_state = r.zeek_conn_state;
    x.zeek_history = r.zeek_history;
  }
  x.stream_writer = stream_writer;
  return x;
}

void write_connection_json(Output& out, const Connection& c, const ConnectionExtras& x) {
  write_connection_json_fields(out, c, x);
  out.put("}\n");
}

void write_connection_json_fields(Output& out, const Connection& c, const ConnectionExtras& x) {
  out.put("{\"stream\":");
  put_stream(out, c, x);  // (an emitter's patch: through the Output)
  {
    // Room: keys and names (about 900 bytes), two endpoints, two times, four seconds, three
    // options objects.
    JsonCursor j(out, 1400 + 2 * 80 + 2 * 28 + 4 * Output::kFixedRoom);
    j.lit(",\"client\":");
    put_endpoint(j, c.client);
    j.lit(",\"server\":");
    put_endpoint(j, c.server);
    j.lit(",\"roles_from_syn\":");
    j.boolean(c.roles_from_syn);
    j.lit(",\"first_ts\":");
    j.ts(c.first_ts);
    j.lit(",\"last_ts\":");
    j.ts(c.last_ts);
    j.lit(",\"duration\":");
    j.seconds(seconds(c.first_ts, c.last_ts));
    j.lit(",\"handshake\":{\"result\":");
    j.name(to_string(c.handshake));
    j.lit(",\"syns\":");
    j.u32(c.client_syns);
    j.lit(",\"syn_acks\":");
    j.u32(c.server_syn_acks);
    j.lit(",\"client_isn\":");
    if (c.client.isn_seen)
      j.u32(c.client.isn);
    else
      j.null();
    j.lit(",\"server_isn\":");
    if (c.server.isn_seen)
      j.u32(c.server.isn);
    else
      j.null();
    j.lit(",\"irtt\":");
    j.opt_seconds(c.irtt_s());
    j.lit(",\"rtt_client\":");
    j.opt_seconds(c.rtt_client_s());
    j.lit(",\"rtt_server\":");
    j.opt_seconds(c.rtt_server_s());
    j.lit(",\"client_options\":");
    put_options(j, c.client.options);
    j.lit(",\"server_options\":");
    put_options(j, c.server.options);
    j.lit(",\"agreed\":");
    put_agreed(j, c.client.options, c.server.options);
  }
  {
    JsonCursor j(out, 2 * (32 + kDirectionRoom));
    j.lit("},\"client_to_server\":");
    put_direction(j, c.client.sent);
    j.lit(",\"server_to_client\":");
    put_direction(j, c.server.sent);
  }
  {
    // Every state each side went through, with the frame that moved it there.
    constexpr std::size_t kChangeRoom = 20 + 20 + kNameRoom;
    JsonCursor j(out, 200 + 6 * kNameRoom +
                          (c.client.history.size() + c.server.history.size()) * kChangeRoom);
    j.lit(",\"teardown\":{\"kind\":");
    j.name(to_string(c.teardown));
    j.lit(",\"initiator\":");
    j.name(c.initiator());
    j.lit(",\"reset_by\":");
    j.name(c.reset_by_name());
    j.lit(",\"time_wait\":");
    j.name(c.time_wait());
    j.lit("},\"states\":{\"client\":");
    j.name(to_string(c.client.state));
    j.lit(",\"server\":");
    j.name(to_string(c.server.state));
    for (Side side : {Side::Client, Side::Server}) {
      if (side == Side::Client)
        j.lit(",\"client_changes\":[");
      else
        j.lit(",\"server_changes\":[");
      const auto& changes = c.side(side).history;
      for (std::size_t i = 0; i < changes.size(); ++i) {
        if (i) j.lit(",");
        j.lit("{\"frame\":");
        j.u64(changes[i].frame);
        j.lit(",\"state\":");
        j.name(to_string(changes[i].state));
        j.lit("}");
      }
      j.lit("]");
    }
    j.lit("}");
  }
  char tunnel[128];
  const std::size_t tunnel_size = c.encap.empty() ? 0 : format_encap(c.encap, tunnel, sizeof tunnel);
  JsonCursor j(out, 100 + 2 * (x.zeek_conn_state.size() + x.zeek_history.size()) + 2 * tunnel_size);
  if (!x.zeek_conn_state.empty()) {
    j.lit(",\"zeek\":{\"conn_state\":");
    j.str(x.zeek_conn_state);
    j.lit(",\"history\":");
    j.str(x.zeek_history);
    j.lit("}");
  }
  j.lit(",\"completeness\":");
  j.u32(x.completeness);
  j.lit(",\"tunnel\":");
  if (c.encap.empty())
    j.null();
  else
    j.str(std::string_view(tunnel, tunnel_size));
}

namespace {

constexpr const char* kCsvColumns =
    "stream,client_ip,client_port,server_ip,server_port,first_ts,last_ts,duration,handshake,syns,"
    "client_isn,server_isn,irtt,c2s_packets,c2s_bytes,c2s_retransmissions,s2c_packets,s2c_bytes,"
    "s2c_retransmissions,teardown,initiator,reset_by,time_wait,state_client,state_server,"
    "zeek_conn_state,zeek_history,completeness,tunnel";

}  // namespace

void write_connection_csv_header(Output& out) {
  out.put(kCsvColumns);
  out.put('\n');
}

void write_connection_csv(Output& out, const Connection& c, const ConnectionExtras& x) {
  put_stream(out, c, x);
  out.put(',');
  put_ip(out, c.client.ip);
  out.put(',');
  out.put_u32(c.client.port);
  out.put(',');
  put_ip(out, c.server.ip);
  out.put(',');
  out.put_u32(c.server.port);
  out.put(',');
  put_ts(out, c.first_ts);
  out.put(',');
  put_ts(out, c.last_ts);
  out.put(',');
  put_seconds(out, seconds(c.first_ts, c.last_ts));
  out.put(',');
  out.put(to_string(c.handshake));
  out.put(',');
  out.put_u32(c.client_syns);
  out.put(',');
  if (c.client.isn_seen) out.put_u32(c.client.isn);
  out.put(',');
  if (c.server.isn_seen) out.put_u32(c.server.isn);
  out.put(',');
  if (c.irtt_s() >= 0) put_seconds(out, c.irtt_s());
  out.put(',');
  out.put_u64(c.client.sent.packets);
  out.put(',');
  out.put_u64(c.client.sent.bytes);
  out.put(',');
  out.put_u32(c.client.sent.retransmissions);
  out.put(',');
  out.put_u64(c.server.sent.packets);
  out.put(',');
  out.put_u64(c.server.sent.bytes);
  out.put(',');
  out.put_u32(c.server.sent.retransmissions);
  out.put(',');
  out.put(to_string(c.teardown));
  out.put(',');
  out.put(c.initiator());
  out.put(',');
  out.put(c.reset_by_name());
  out.put(',');
  out.put(c.time_wait());
  out.put(',');
  out.put(to_string(c.client.state));
  out.put(',');
  out.put(to_string(c.server.state));
  out.put(',');
  out.put(x.zeek_conn_state);
  out.put(',');
  out.put(x.zeek_history);
  out.put(',');
  out.put_u32(x.completeness);
  out.put(',');
  char tunnel[128];
  out.put(std::string_view(tunnel, format_encap(c.encap, tunnel, sizeof tunnel)));
  out.put('\n');
}

const std::vector<std::string>& connection_table_header() {
  static const std::vector<std::string> head = {
      "stream",     "client",     "server",      "handshake",  "teardown", "closed by", "client state",
      "server state", "c->s bytes", "s->c bytes", "retrans c/s", "duration", "zeek"};
  return head;
}

void write_connection_table_row(Output& out, const Connection& c, const ConnectionExtras& x) {
  put_stream(out, c, x);
  out.put('\t');
  put_ip(out, c.client.ip);
  out.put(':');
  out.put_u32(c.client.port);
  out.put('\t');
  put_ip(out, c.server.ip);
  out.put(':');
  out.put_u32(c.server.port);
  out.put('\t');
  out.put(to_string(c.handshake));
  out.put('\t');
  out.put(to_string(c.teardown));
  out.put('\t');
  // Who closed first, and who sent a reset if anyone did: "client", "server, RST server".
  const bool closed = c.initiator() != "none", reset = c.reset_by_name() != "none";
  if (closed) out.put(c.initiator());
  if (reset) {
    if (closed) out.put(", ");
    out.put("RST ");
    out.put(c.reset_by_name());
  }
  if (!closed && !reset) out.put('-');
  out.put('\t');
  out.put(to_string(c.client.state));
  out.put('\t');
  out.put(to_string(c.server.state));
  out.put('\t');
  out.put_u64(c.client.sent.bytes);
  out.put('\t');
  out.put_u64(c.server.sent.bytes);
  out.put('\t');
  out.put_u32(c.client.sent.retransmissions);
  out.put('/');
  out.put_u32(c.server.sent.retransmissions);
  out.put('\t');
  put_seconds(out, seconds(c.first_ts, c.last_ts));
  out.put(" s\t");
  if (!x.zeek_conn_state.empty()) {
    out.put(x.zeek_conn_state);
    out.put(' ');
    out.put(x.zeek_history);
  }
  out.put('\n');
}

}  // namespace tcplens
