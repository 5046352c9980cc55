#include "tcplens/render/zeek_conn_log.hpp"

#include <algorithm>
#include <functional>
#include <cstdio>

namespace tcplens {

namespace {

void put_ip(Output& out, const IpAddress& ip) {
  if (ip.family == 6)
    out.put_ipv6(ip.bytes.data());
  else
    out.put_ipv4(ip.bytes.data());
}

void put_fixed6(Output& out, double v) { out.put_fixed(v, 6); }

// Zeek's uids are random; these are stable so that two runs can be compared: "C" and the
// connection's number in base 62.
void put_uid(Output& out, std::uint64_t n) {
  static constexpr char kDigits[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  char buf[16];
  int len = 0;
  do {
    buf[len++] = kDigits[n % 62];
    n /= 62;
  } while (n != 0);
  out.put('C');
  while (len > 0) out.put(buf[--len]);
}

}  // namespace

const std::string& zeek_conn_log_header() {
  static const std::string header =
      "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
      "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
      "orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\t"
      "orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n"
      "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\t"
      "string\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n";
  return header;
}

void write_zeek_conn_line(Output& out, const zeek::ZeekConnTable::Finished& c) {
  const zeek::ZeekConnEngine& e = *c.engine;
  // The originator is the first sender unless Zeek flipped the roles.
  const bool orig_is_a = c.first_is_a == e.orig_is_first();
  const IpAddress oh = orig_is_a ? c.key.addr_a() : c.key.addr_b();
  const IpAddress rh = orig_is_a ? c.key.addr_b() : c.key.addr_a();
  const std::uint16_t op = orig_is_a ? c.key.port_a : c.key.port_b;
  const std::uint16_t rp = orig_is_a ? c.key.port_b : c.key.port_a;
  put_fixed6(out, e.start_ts());
  out.put('\t');
  put_ip(out, oh);
  out.put('\t');
  out.put_u32(op);
  out.put('\t');
  put_ip(out, rh);
  out.put('\t');
  out.put_u32(rp);
  out.put("\ttcp\t-\t");
  put_fixed6(out, e.last_ts() - e.start_ts());
  out.put('\t');
  out.put_u64(e.orig().size());
  out.put('\t');
  out.put_u64(e.resp().size());
  out.put('\t');
  out.put(zeek::to_string(e.conn_state()));
  out.put("\t-\t-\t");
  out.put_u64(e.orig().missed_bytes + e.resp().missed_bytes);
  out.put('\t');
  out.put(e.history().empty() ? std::string_view("-") : std::string_view(e.history()));
  out.put('\t');
  out.put_u64(e.orig().pkts);
  out.put("\t-\t");
  out.put_u64(e.resp().pkts);
  out.put("\t-\t-\n");
}

void put_zeek_line_with_uid(std::uint64_t n, std::string_view line, Output& out) {
  const std::size_t tab = line.find('\t');
  out.put(line.substr(0, tab + 1));
  put_uid(out, n);
  out.put('\t');
  out.put(line.substr(tab + 1));
}

void write_zeek_conn_log(Output& out, const std::vector<zeek::ZeekConnTable::Finished>& conns) {
  out.put(zeek_conn_log_header());
  // In order of first packet, as Zeek logs by start time when nothing is pending.
  std::vector<const zeek::ZeekConnTable::Finished*> order;
  order.reserve(conns.size());
  for (const auto& c : conns) order.push_back(&c);
  // Ties keep the table's order (the pointers are into one vector).
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) {
    if (a->engine->start_ts() != b->engine->start_ts()) return a->engine->start_ts() < b->engine->start_ts();
    return std::less<>()(a, b);
  });
  Output line(-1, 256);
  std::size_t n = 0;
  for (const auto* c : order) {
    line.clear();
    write_zeek_conn_line(line, *c);
    put_zeek_line_with_uid(++n, line.text(), out);
    out.flush_if_large();
  }
}

}  // namespace tcplens
