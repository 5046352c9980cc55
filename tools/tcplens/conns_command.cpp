// tcplens conns: one record per TCP connection (handshake, data, teardown, each side's
// final state), as a table for people, JSON lines or CSV.
#include <unistd.h>

#include <cstdio>
#include <deque>
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
  add_compat_option(app, args.compat);
  add_track_limit_options(app, args.limits);
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
  StreamTracker tracker = make_tracker(args.limits, args.compat);
  ConnectionAnalyzer connections;
  zeek::ZeekConnTable zeek_table;
  zeek_table.set_max_live(args.limits.max_conns);
  const bool zeek_format = args.format == "zeek";
  std::vector<bool> selected;  // by stream: one bit each
  Output out(STDOUT_FILENO);
  if (args.format == "csv") write_connection_csv_header(out);

  // Records are written as connections end (StreamTracker::ended(): closed and lingered,
  // idle, evicted, port reuse; the rest at the end of the capture in stream order), so
  // memory follows live connections. The table format needs every row for its column
  // widths, so it keeps them.
  std::vector<Connection> table_rows;
  std::vector<ConnectionExtras> table_extras;
  struct ZeekInfo {
    double start = 0, last = 0;
    std::string_view state;
    std::string history;
  };
  struct KeyHash {
    std::size_t operator()(const FlowKey& k) const { return static_cast<std::size_t>(k.hash()); }
  };
  struct Waiting {
    Connection c;
    std::uint8_t completeness = 0;
  };
  // Zeek splits connections by its own rules (timers), so a stream takes the Zeek connection
  // on the same 4-tuple that started last before it ended. Finished Zeek connections are
  // kept only while a stream is live on their 4-tuple; a stream whose Zeek connection is
  // still live waits for it.
  std::unordered_map<FlowKey, std::vector<ZeekInfo>, KeyHash> recent;
  std::unordered_map<FlowKey, std::vector<Waiting>, KeyHash> waiting;
  std::deque<std::string> table_history;

  auto emit = [&](Connection& c, std::uint8_t completeness, const ZeekInfo* z) {
    if (c.stream < selected.size() && !selected[c.stream]) return;
    ConnectionExtras x;
    x.completeness = completeness;
    if (z != nullptr) {
      x.zeek_conn_state = z->state;
      x.zeek_history = z->history;
    }
    if (args.format == "json") {
      write_connection_json(out, c, x);
      out.flush_if_large();
    } else if (args.format == "csv") {
      write_connection_csv(out, c, x);
      out.flush_if_large();
    } else {
      if (z != nullptr) {
        table_history.push_back(z->history);
        x.zeek_history = table_history.back();
      }
      table_rows.push_back(std::move(c));
      table_extras.push_back(x);
    }
  };
  auto best_of = [](const Connection& c, const std::vector<ZeekInfo>* cands,
                    const ZeekInfo* extra) -> const ZeekInfo* {
    const double first = static_cast<double>(c.first_ts.sec) + static_cast<double>(c.first_ts.nsec) / 1e9;
    const double last = static_cast<double>(c.last_ts.sec) + static_cast<double>(c.last_ts.nsec) / 1e9;
    const ZeekInfo* best = nullptr;
    auto consider = [&](const ZeekInfo& f) {
      if (f.start > last + 1e-6 || f.last < first - 1e-6) return;
      if (best == nullptr || f.start > best->start) best = &f;
    };
    if (cands != nullptr)
      for (const ZeekInfo& f : *cands) consider(f);
    if (extra != nullptr) consider(*extra);
    return best;
  };
  auto key_of = [](const Connection& c) {
    Direction dir;
    return FlowKey::make(c.client.ip, c.client.port, c.server.ip, c.server.port, 6, dir);
  };
  connections.set_sink([&](Connection& c) {
    if (c.first_frame == 0 || zeek_format) return;  // first_frame 0: only a quoted ICMP header
    const std::uint8_t completeness = tracker.summary(c.stream).completeness;
    const FlowKey key = key_of(c);
    const double last = static_cast<double>(c.last_ts.sec) + static_cast<double>(c.last_ts.nsec) / 1e9;
    auto ls = zeek_table.live_start(key);
    if (ls && *ls <= last + 1e-6) {
      waiting[key].push_back({std::move(c), completeness});
      return;
    }
    auto it = recent.find(key);
    emit(c, completeness, best_of(c, it == recent.end() ? nullptr : &it->second, nullptr));
    if (it != recent.end() && !tracker.is_live(key) && !waiting.count(key)) recent.erase(it);
  });
  auto drain_zeek = [&]() {
    auto& done = zeek_table.finished();
    if (zeek_format) return;
    for (auto& f : done) {
      ZeekInfo info{f.engine->start_ts(), f.engine->last_ts(), zeek::to_string(f.engine->conn_state()),
                    f.engine->history()};
      auto w = waiting.find(f.key);
      auto r = recent.find(f.key);
      if (w != waiting.end()) {
        for (Waiting& x : w->second)
          emit(x.c, x.completeness, best_of(x.c, r == recent.end() ? nullptr : &r->second, &info));
        waiting.erase(w);
      }
      if (tracker.is_live(f.key))
        recent[f.key].push_back(std::move(info));
      else if (r != recent.end())
        recent.erase(r);
    }
    done.clear();
  };

  RawPacket raw;
  int status = 0;
  bool swept = false;
  double next_sweep = 0;
  for (;;) {
    ReadStatus rs = source->next(raw);
    if (rs == ReadStatus::End) break;
    if (rs == ReadStatus::Error) {
      report_read_error(args.read_file, source->error());
      status = 1;
      break;
    }
    const DecodedPacket& pkt = decoder.decode(raw);
    const TcpPacketAnalysis& a = tracker.on_packet(pkt, raw.number, raw.ts);
    for (const EndedStream& e : tracker.ended()) connections.end_stream(e.stream);
    connections.on_packet(pkt, a, raw.number, raw.ts);
    FlowKey zkey;
    Direction zdir;
    zeek::ZeekPacket zp;
    if (zeek::to_zeek_packet(pkt, raw.ts, !args.zeek_ignore_checksums, zkey, zdir, zp)) {
      zeek_table.on_packet(zkey, zdir, zp);
      if (!zeek_format && (!swept || zp.ts >= next_sweep)) {
        // Zeek's timers, once per second of capture time, and its share of the cap.
        if (swept) zeek_table.expire(zp.ts, args.limits.max_conns);
        swept = true;
        next_sweep = zp.ts + 1;
      }
      drain_zeek();
    }
    if (a.tracked) {
      if (a.stream >= selected.size()) selected.resize(a.stream + 1, !filter);
      if (filter && filter->matches(raw)) selected[a.stream] = true;
    }
  }
  connections.finish();
  zeek_table.finish();
  if (zeek_format) {
    write_zeek_conn_log(out, zeek_table.finished());
    out.flush();
    report_tracker(tracker.counters());
    return status;
  }
  drain_zeek();
  for (auto& [k, list] : waiting)  // not expected: every Zeek connection has finished
    for (Waiting& x : list) emit(x.c, x.completeness, nullptr);
  waiting.clear();
  if (args.format == "table") {
    std::vector<const Connection*> shown;
    shown.reserve(table_rows.size());
    for (const Connection& c : table_rows) shown.push_back(&c);
    write_connection_table(out, shown, table_extras);
  }
  out.flush();
  report_tracker(tracker.counters());
  if (zeek_table.evictions())
    std::fprintf(stderr, "tcplens: %llu connections were evicted from Zeek's view (--max-conns)\n",
                 static_cast<unsigned long long>(zeek_table.evictions()));
  return status;
}

}  // namespace tcplens::cli
