// tcplens analyze: per-packet TCP analysis. With --per-packet --format tsv it prints one row
// per TCP packet with the columns of the corpus's NAME.tshark-tcp.tsv.
//
// tshark makes that file with two passes (-2); so do we: a first pass tracks every stream
// to its end, a second pass replays the capture and prints each packet with its stream's
// final values (relative-number bases, window scale, initial RTT, completeness). Standard
// input cannot be read twice: there the values known at each packet are printed.
#include <cstdio>

#include "commands.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/tshark_tsv.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens::cli {

void add_analyze_options(CLI::App& app, AnalyzeArgs& args) {
  app.add_option("-r", args.read_file, "Read packets from FILE (pcap or pcapng; - for stdin)")
      ->required();
  app.add_flag("--per-packet", args.per_packet, "One row per TCP packet");
  app.add_option("--format", args.format, "Output format: tsv (tshark-tcp.tsv columns)")
      ->check(CLI::IsMember({"tsv"}));
  app.add_flag("--single-pass", args.single_pass,
               "Show the values known at each packet instead of each stream's final ones");
}

namespace {

// Runs a tracker over the whole file; returns false on an open error.
bool first_pass(const std::string& path, StreamTracker& tracker, std::string& error) {
  auto source = PcapFileSource::open(path, error);
  if (!source) return false;
  PacketDecoder decoder;
  RawPacket raw;
  while (source->next(raw) == ReadStatus::Ok)
    tracker.on_packet(decoder.decode(raw), raw.number, raw.ts);
  return true;
}

}  // namespace

int run_analyze(const AnalyzeArgs& args) {
  if (!args.per_packet) {
    std::fprintf(stderr, "tcplens analyze: only --per-packet is implemented so far\n");
    return 2;
  }
  const bool two_pass = !args.single_pass && args.read_file != "-";
  std::string error;
  StreamTracker final_state;
  if (two_pass && !first_pass(args.read_file, final_state, error)) {
    std::fprintf(stderr, "tcplens: %s: %s\n", args.read_file.c_str(), error.c_str());
    return 1;
  }
  final_state.release_live_state();
  auto source = PcapFileSource::open(args.read_file, error);
  if (!source) {
    std::fprintf(stderr, "tcplens: %s: %s\n", args.read_file.c_str(), error.c_str());
    return 1;
  }
  Output out(1);
  TsharkTsvWriter writer(out);
  writer.header();
  PacketDecoder decoder;
  StreamTracker tracker;
  if (two_pass) tracker.set_first_pass(&final_state);
  RawPacket raw;
  ReadStatus st;
  while ((st = source->next(raw)) == ReadStatus::Ok) {
    const DecodedPacket& pkt = decoder.decode(raw);
    const TcpPacketAnalysis& a = tracker.on_packet(pkt, raw.number, raw.ts);
    if (!a.tracked) {
      if (pkt.has(Layer::Tcp) && pkt.tcp.ports_valid && !pkt.tcp.fixed_valid &&
          !pkt.has(Layer::Icmp) && !pkt.has(Layer::Icmpv6))
        writer.short_row(raw, pkt);
      continue;
    }
    const StreamSummary& s = two_pass ? final_state.summary(a.stream) : tracker.summary(a.stream);
    writer.row(raw, pkt, a, s);
    out.flush_if_large();
  }
  if (!out.flush()) return 1;
  if (tracker.evictions())
    std::fprintf(stderr,
                 "tcplens: %llu idle connections were evicted to stay under the connection cap; "
                 "a 4-tuple that came back after eviction was counted as a new stream\n",
                 static_cast<unsigned long long>(tracker.evictions()));
  if (st == ReadStatus::Error) {
    std::fprintf(stderr, "tcplens: %s\n", source->error().message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace tcplens::cli
