#include "tcplens/render/connection_summary.hpp"

#include <cstdio>
#include <string>

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

void put_bool(Output& out, bool b) { out.put(b ? "true" : "false"); }

// Quoted, with '"' and '\\' escaped (the strings are tcplens's own names, addresses and
// Zeek's history letters). Written through one pointer: a put() per character was a
// twentieth of `conns --format json`.
void put_str(Output& out, std::string_view s) {
  char* p = out.raw(2 * s.size() + 2);
  *p++ = '"';
  for (char c : s) {
    if (c == '"' || c == '\\') *p++ = '\\';
    *p++ = c;
  }
  *p++ = '"';
  out.commit(p);
}

void put_options(Output& out, const OfferedOptions& o) {
  if (!o.seen) {
    out.put("null");
    return;
  }
  out.put("{\"mss\":");
  if (o.has_mss)
    out.put_u32(o.mss);
  else
    out.put("null");
  out.put(",\"window_scale\":");
  if (o.has_window_scale)
    out.put_u32(o.window_scale);
  else
    out.put("null");
  out.put(",\"sack_permitted\":");
  put_bool(out, o.sack_permitted);
  out.put(",\"timestamps\":");
  put_bool(out, o.timestamps);
  out.put(",\"ecn\":");
  put_bool(out, o.ecn);
  out.put(",\"tfo\":");
  put_bool(out, o.tfo);
  out.put('}');
}

// What the handshake settled (RFC 9293 3.7.1, RFC 7323, RFC 2018, RFC 3168): each side's MSS
// is what the other may send; window scaling, SACK and timestamps need both offers; ECN
// needs an ECN-setup SYN and SYN-ACK. Null when either SYN was not captured.
void put_agreed(Output& out, const OfferedOptions& c, const OfferedOptions& s) {
  if (!c.seen || !s.seen) {
    out.put("null");
    return;
  }
  out.put("{\"client_mss\":");
  if (c.has_mss)
    out.put_u32(c.mss);
  else
    out.put("null");
  out.put(",\"server_mss\":");
  if (s.has_mss)
    out.put_u32(s.mss);
  else
    out.put("null");
  const bool scaling = c.has_window_scale && s.has_window_scale;
  out.put(",\"window_scaling\":");
  put_bool(out, scaling);
  out.put(",\"client_window_shift\":");
  if (scaling)
    out.put_u32(c.window_scale > 14 ? 14 : c.window_scale);
  else
    out.put("null");
  out.put(",\"server_window_shift\":");
  if (scaling)
    out.put_u32(s.window_scale > 14 ? 14 : s.window_scale);
  else
    out.put("null");
  out.put(",\"sack\":");
  put_bool(out, c.sack_permitted && s.sack_permitted);
  out.put(",\"timestamps\":");
  put_bool(out, c.timestamps && s.timestamps);
  out.put(",\"ecn\":");
  put_bool(out, c.ecn && s.ecn);
  out.put(",\"tfo\":");
  put_bool(out, c.tfo && s.tfo);
  out.put('}');
}

void put_rtt(Output& out, std::int64_t ns, bool have) {
  if (have)
    put_seconds(out, static_cast<double>(ns) / 1e9);
  else
    out.put("null");
}

void put_direction(Output& out, const DirectionStats& d) {
  out.put("{\"packets\":");
  out.put_u64(d.packets);
  out.put(",\"bytes\":");
  out.put_u64(d.bytes);
  out.put(",\"unique_bytes\":");
  out.put_u64(d.unique_bytes);
  out.put(",\"retransmissions\":");
  out.put_u32(d.retransmissions);
  out.put(",\"network_duplicates\":");
  out.put_u32(d.network_duplicates);
  out.put(",\"tshark_retransmissions\":");
  out.put_u32(d.tshark_retransmissions);
  out.put(",\"fast_retransmissions\":");
  out.put_u32(d.fast_retransmissions);
  out.put(",\"spurious_retransmissions\":");
  out.put_u32(d.spurious_retransmissions);
  out.put(",\"out_of_order\":");
  out.put_u32(d.out_of_order);
  out.put(",\"lost_segments\":");
  out.put_u32(d.lost_segments);
  out.put(",\"dup_acks\":");
  out.put_u32(d.dup_acks);
  out.put(",\"zero_windows\":");
  out.put_u32(d.zero_windows);
  out.put(",\"zero_window_probes\":");
  out.put_u32(d.zero_window_probes);
  out.put(",\"keep_alives\":");
  out.put_u32(d.keep_alives);
  const bool have = d.rtt_samples > 0;
  out.put(",\"rtt_min\":");
  put_rtt(out, d.rtt_min_ns, have);
  out.put(",\"rtt_avg\":");
  put_rtt(out, have ? d.rtt_sum_ns / d.rtt_samples : 0, have);
  out.put(",\"rtt_max\":");
  put_rtt(out, d.rtt_max_ns, have);
  out.put('}');
}

void put_endpoint(Output& out, const Endpoint& e) {
  out.put("{\"ip\":\"");
  put_ip(out, e.ip);
  out.put("\",\"port\":");
  out.put_u32(e.port);
  out.put('}');
}

void put_opt_seconds(Output& out, double s) {
  if (s < 0)
    out.put("null");
  else
    put_seconds(out, s);
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
  put_stream(out, c, x);
  out.put(",\"client\":");
  put_endpoint(out, c.client);
  out.put(",\"server\":");
  put_endpoint(out, c.server);
  out.put(",\"roles_from_syn\":");
  put_bool(out, c.roles_from_syn);
  out.put(",\"first_ts\":");
  put_ts(out, c.first_ts);
  out.put(",\"last_ts\":");
  put_ts(out, c.last_ts);
  out.put(",\"duration\":");
  put_seconds(out, seconds(c.first_ts, c.last_ts));
  out.put(",\"handshake\":{\"result\":");
  put_str(out, to_string(c.handshake));
  out.put(",\"syns\":");
  out.put_u32(c.client_syns);
  out.put(",\"syn_acks\":");
  out.put_u32(c.server_syn_acks);
  out.put(",\"client_isn\":");
  if (c.client.isn_seen)
    out.put_u32(c.client.isn);
  else
    out.put("null");
  out.put(",\"server_isn\":");
  if (c.server.isn_seen)
    out.put_u32(c.server.isn);
  else
    out.put("null");
  out.put(",\"irtt\":");
  put_opt_seconds(out, c.irtt_s());
  out.put(",\"rtt_client\":");
  put_opt_seconds(out, c.rtt_client_s());
  out.put(",\"rtt_server\":");
  put_opt_seconds(out, c.rtt_server_s());
  out.put(",\"client_options\":");
  put_options(out, c.client.options);
  out.put(",\"server_options\":");
  put_options(out, c.server.options);
  out.put(",\"agreed\":");
  put_agreed(out, c.client.options, c.server.options);
  out.put("},\"client_to_server\":");
  put_direction(out, c.client.sent);
  out.put(",\"server_to_client\":");
  put_direction(out, c.server.sent);
  out.put(",\"teardown\":{\"kind\":");
  put_str(out, to_string(c.teardown));
  out.put(",\"initiator\":");
  put_str(out, c.initiator());
  out.put(",\"reset_by\":");
  put_str(out, c.reset_by_name());
  out.put(",\"time_wait\":");
  put_str(out, c.time_wait());
  out.put("},\"states\":{\"client\":");
  put_str(out, to_string(c.client.state));
  out.put(",\"server\":");
  put_str(out, to_string(c.server.state));
  // Every state each side went through, with the frame that moved it there.
  for (Side side : {Side::Client, Side::Server}) {
    out.put(side == Side::Client ? ",\"client_changes\":[" : ",\"server_changes\":[");
    const auto& changes = c.side(side).history;
    for (std::size_t i = 0; i < changes.size(); ++i) {
      if (i) out.put(',');
      out.put("{\"frame\":");
      out.put_u64(changes[i].frame);
      out.put(",\"state\":");
      put_str(out, to_string(changes[i].state));
      out.put('}');
    }
    out.put(']');
  }
  out.put('}');
  if (!x.zeek_conn_state.empty()) {
    out.put(",\"zeek\":{\"conn_state\":");
    put_str(out, x.zeek_conn_state);
    out.put(",\"history\":");
    put_str(out, x.zeek_history);
    out.put('}');
  }
  out.put(",\"completeness\":");
  out.put_u32(x.completeness);
  out.put(",\"tunnel\":");
  if (c.encap.empty()) {
    out.put("null");
  } else {
    char tunnel[128];
    put_str(out, std::string_view(tunnel, format_encap(c.encap, tunnel, sizeof tunnel)));
  }
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
