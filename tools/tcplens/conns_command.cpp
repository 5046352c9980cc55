// tcplens conns: one record per TCP connection (handshake, data, teardown, each side's
// final state), as a table for people, JSON lines or CSV.
#include <unistd.h>

#include <cstdio>

#include "commands.hpp"
#include "tcplens/capture/pcap/bpf_filter.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/render/connection_summary.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/tcp/connection.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens::cli {

void add_conns_options(CLI::App& app, ConnsArgs& args) {
  app.add_option("-r", args.read_file, "Read packets from FILE (pcap or pcapng; - for stdin)")
      ->required();
  app.add_option("--format", args.format, "table (default), json (one object per line) or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
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
    if (a.tracked) {
      if (a.stream >= selected.size()) selected.resize(a.stream + 1, !filter);
      if (filter && filter->matches(raw)) selected[a.stream] = true;
    }
  }
  connections.finish();

  Output out(STDOUT_FILENO);
  std::vector<const Connection*> shown;
  std::vector<ConnectionExtras> extras;
  for (const Connection& c : connections.connections()) {
    if (c.first_frame == 0) continue;  // a stream index used only by a quoted ICMP header
    if (c.stream < selected.size() && !selected[c.stream]) continue;
    ConnectionExtras x;
    x.completeness = tracker.summary(c.stream).completeness;
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
