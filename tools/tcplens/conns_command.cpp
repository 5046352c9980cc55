// tcplens conns: one record per TCP connection (handshake, data, teardown, each side's
// final state), as a table for people, JSON lines or CSV.
#include <unistd.h>

#include <cstdio>
#include <unordered_map>

#include "commands.hpp"
#include "tcplens/capture/pcap/bpf_filter.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/render/connection_summary.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/zeek_conn_log.hpp"
#include "tcplens/tcp/connection.hpp"
#include "tcplens/tcp/stream_tracker.hpp"
#include "tcplens/tcp/zeek_conn.hpp"
#include "tcplens/tcp/zeek_decode.hpp"

namespace tcplens::cli {

void add_conns_options(CLI::App& app, ConnsArgs& args) {
  app.add_option("-r", args.read_file, "Read packets from FILE (pcap or pcapng; - for stdin)")
      ->required();
  app.add_option("--format", args.format,
                 "table (default), json (one object per line), csv, or zeek (a conn.log of the "
                 "connections as Zeek splits them)")
      ->check(CLI::IsMember({"table", "json", "csv", "zeek"}));
  app.add_flag("-C,--zeek-ignore-checksums", args.zeek_ignore_checksums,
               "Zeek columns as `zeek -C` computes them: do not drop packets with a bad TCP "
               "checksum (loopback and offloaded captures have them)");
  app.add_option("expression", args.expression,
                 "Show only connections with a packet matching this filter (tcpdump syntax); "
                 "every packet is still tracked");
  app.footer(
      "Fields are described in docs/conns.md. Exit status: 0 when every packet was read; 1 when\n"
      "the file cannot be opened, the filter does not compile or the file is damaged (every\n"
      "connection seen before the damage is still reported); 2 for a usage error.");
}

int run_conns(const ConnsArgs& args) {
  std::string error;
  auto source = PcapFileSource::open(args.read_file, error);
  if (!source) {
    std::fprintf(stderr, "tcplens: %s: %s\n", args.read_file.c_str(), error.c_str());
    return 1;
  }
  std::string expression;
  for (const auto& w : args.expression) expression += (expression.empty() ? "" : " ") + w;
  std::unique_ptr<BpfFilter> filter;
  if (!expression.empty()) {
    filter = BpfFilter::compile(expression, source->info().linktype, source->info().snaplen, error);
    if (!filter) {
      std::fprintf(stderr, "tcplens: %s\n", error.c_str());
      return 1;
    }
  }
  PacketDecoder decoder;
  StreamTracker tracker;
  ConnectionAnalyzer connections;
  zeek::ZeekConnTable zeek_table;
  std::vector<bool> selected;
  RawPacket raw;
  int status = 0;
  for (;;) {
    ReadStatus rs = source->next(raw);
    if (rs == ReadStatus::End) break;
    if (rs == ReadStatus::Error) {
      const SourceError& e = source->error();
      std::fprintf(stderr, "tcplens: %s: packet %llu (byte offset %llu): %s\n",
                   args.read_file.c_str(), static_cast<unsigned long long>(e.record),
                   static_cast<unsigned long long>(e.file_offset), e.message.c_str());
      status = 1;
      break;
    }
    const DecodedPacket& pkt = decoder.decode(raw);
    const TcpPacketAnalysis& a = tracker.on_packet(pkt, raw.number, raw.ts);
    connections.on_packet(pkt, a, raw.number, raw.ts);
    FlowKey zkey;
    Direction zdir;
    zeek::ZeekPacket zp;
    if (zeek::to_zeek_packet(pkt, raw.ts, !args.zeek_ignore_checksums, zkey, zdir, zp))
      zeek_table.on_packet(zkey, zdir, zp);
    if (a.tracked) {
      if (a.stream >= selected.size()) selected.resize(a.stream + 1, !filter);
      if (filter && filter->matches(raw)) selected[a.stream] = true;
    }
  }
  connections.finish();
  zeek_table.finish();
  if (args.format == "zeek") {
    Output out(STDOUT_FILENO);
    write_zeek_conn_log(out, zeek_table.finished());
    out.flush();
    return status;
  }
  // Zeek's view of each connection: Zeek splits connections by its own rules (timers), so a
  // stream takes the Zeek connection on the same 4-tuple that started last before it ended.
  std::vector<std::pair<std::string_view, std::string_view>> zeek_of(connections.connections().size());
  {
    // Zeek connections by 4-tuple, in start order.
    struct KeyHash {
      std::size_t operator()(const FlowKey& k) const {
        std::size_t h = (std::size_t{k.port_a} << 16) ^ k.port_b ^ (std::size_t{k.protocol} << 32);
        for (std::size_t i = 0; i < 16; ++i) h = h * 131 + k.addr_a.bytes[i] * 7 + k.addr_b.bytes[i];
        return h;
      }
    };
    std::unordered_map<FlowKey, std::vector<const zeek::ZeekConnTable::Finished*>, KeyHash> by_key;
    for (const auto& f : zeek_table.finished()) by_key[f.key].push_back(&f);
    for (const Connection& c : connections.connections()) {
      if (c.first_frame == 0) continue;
      Direction dir;
      FlowKey key = FlowKey::make(c.client.ip, c.client.port, c.server.ip, c.server.port, 6, dir);
      auto it = by_key.find(key);
      if (it == by_key.end()) continue;
      const double first = static_cast<double>(c.first_ts.sec) + static_cast<double>(c.first_ts.nsec) / 1e9;
      const double last = static_cast<double>(c.last_ts.sec) + static_cast<double>(c.last_ts.nsec) / 1e9;
      const zeek::ZeekConnTable::Finished* best = nullptr;
      for (const auto* f : it->second) {
        const double s = f->engine->start_ts();
        if (s > last + 1e-6 || f->engine->last_ts() < first - 1e-6) continue;
        if (best == nullptr || s > best->engine->start_ts()) best = f;
      }
      if (best != nullptr)
        zeek_of[c.stream] = {zeek::to_string(best->engine->conn_state()), best->engine->history()};
    }
  }

  Output out(STDOUT_FILENO);
  std::vector<const Connection*> shown;
  std::vector<ConnectionExtras> extras;
  for (const Connection& c : connections.connections()) {
    if (c.first_frame == 0) continue;  // a stream index used only by a quoted ICMP header
    if (c.stream < selected.size() && !selected[c.stream]) continue;
    ConnectionExtras x;
    x.completeness = tracker.summary(c.stream).completeness;
    x.zeek_conn_state = zeek_of[c.stream].first;
    x.zeek_history = zeek_of[c.stream].second;
    shown.push_back(&c);
    extras.push_back(x);
  }
  if (args.format == "json") {
    for (std::size_t i = 0; i < shown.size(); ++i) {
      write_connection_json(out, *shown[i], extras[i]);
      out.flush_if_large();
    }
  } else if (args.format == "csv") {
    write_connection_csv_header(out);
    for (std::size_t i = 0; i < shown.size(); ++i) {
      write_connection_csv(out, *shown[i], extras[i]);
      out.flush_if_large();
    }
  } else {
    write_connection_table(out, shown, extras);
  }
  out.flush();
  return status;
}

}  // namespace tcplens::cli
