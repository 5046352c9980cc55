// tcplens analyze: per-packet TCP analysis. With --per-packet --format tsv it prints one row
// per TCP packet with the columns of the corpus's NAME.tshark-tcp.tsv.
//
// tshark makes that file with two passes (-2); so do we: a first pass tracks every stream
// to its end, a second pass replays the capture and prints each packet with its stream's
// final values (relative-number bases, window scale, initial RTT, completeness). Only a
// regular file can be read twice: from standard input, a pipe or a device the values known at
// each packet are printed. A file's passes run on worker threads (sharded_analyze.cpp).
#include <algorithm>
#include <cstdio>
#include <thread>

#include <sys/stat.h>

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
  app.add_option("--format", args.format,
                 "Output format: tsv (tshark-tcp.tsv columns), or none (analyse, print nothing: "
                 "to measure the analysis alone)")
      ->check(CLI::IsMember({"tsv", "none"}));
  app.add_flag("--single-pass", args.single_pass,
               "Show the values known at each packet instead of each stream's final ones");
  app.add_option("--threads", args.threads,
                 "Worker threads for a file's two passes, each with a share of the connections "
                 "(0, the default: one per processor, at most 8). The output is the same as with 1, "
                 "except which connections --max-conns evicts (each worker has its share of the cap)")
      ->check(CLI::Range(0u, 64u));
  add_compat_option(app, args.compat);
  add_track_limit_options(app, args.limits);
}

void add_compat_option(CLI::App& app, std::string& compat) {
  app.add_option("--compat", compat,
                 "tcp.analysis flags: none (default) corrects tshark where the capture proves it "
                 "wrong (retransmission vs out-of-order by the sender's IP ID or TSval, network "
                 "duplicates, Linux zero-window probes); tshark gives tshark 4.0's flags exactly "
                 "(docs/differences.md)")
      ->check(CLI::IsMember({"none", "tshark"}));
}

StreamTracker make_tracker(const TrackLimitArgs& limits, const std::string& compat) {
  StreamTracker tracker(to_limits(limits));
  tracker.set_ground_truth(compat != "tshark");
  return tracker;
}

void add_track_limit_options(CLI::App& app, TrackLimitArgs& args) {
  app.add_option("--max-conns", args.max_conns,
                 "Cap on connections tracked at once (default 100000: memory stays under 512 MiB even "
                 "in a 5 M SYN flood, about 0.4 GiB with conns and 0.3 with analyze; tests/flood). When "
                 "reached, closed connections go first, then idle ones, then the least recently seen, an "
                 "eighth of the cap at a time; evictions are reported on stderr")
      ->check(CLI::Range(std::size_t{8}, std::size_t{1} << 31));
  app.add_option("--idle-timeout", args.idle_timeout,
                 "Forget a connection after this many seconds of capture time without a "
                 "packet (default 3600; a connection that comes back after it is reported twice by conns)")
      ->check(CLI::Range(0.0, 1e9));
  app.add_option("--close-linger", args.close_linger,
                 "Free a closed connection (both FINs acknowledged, or a RST) after this many "
                 "seconds of capture time without a packet (default 5, as Zeek's tcp_close_delay)")
      ->check(CLI::Range(0.0, 1e9));
}

StreamTracker::Limits to_limits(const TrackLimitArgs& a) {
  StreamTracker::Limits l;
  l.max_live = a.max_conns;
  l.idle_timeout_sec = static_cast<std::int64_t>(a.idle_timeout);
  l.close_linger_sec = static_cast<std::int64_t>(a.close_linger);
  return l;
}

void report_tracker(const TrackerCounters& c) {
  if (c.evictions() == 0 && c.resumed == 0 && c.remembered_dropped == 0) return;
  std::fprintf(stderr,
               "tcplens: connection cap or idle timeout acted: %llu evicted at the cap "
               "(--max-conns), %llu idle (--idle-timeout), %llu closed and freed; %llu came back "
               "after being freed and were analysed from a fresh state%s (peak %zu tracked)\n",
               static_cast<unsigned long long>(c.cap_evicted),
               static_cast<unsigned long long>(c.idle_evicted),
               static_cast<unsigned long long>(c.closed_freed),
               static_cast<unsigned long long>(c.resumed),
               c.remembered_dropped ? "; older freed connections were forgotten, so one that came "
                                      "back started a new stream"
                                    : "",
               c.peak_live);
}

void report_read_error(const std::string& file, const SourceError& e) {
  std::fprintf(stderr, "tcplens: %s: packet %llu (byte offset %llu): %s\n", file.c_str(),
               static_cast<unsigned long long>(e.record), static_cast<unsigned long long>(e.file_offset),
               e.message.c_str());
}

namespace {

// Runs a tracker over the whole file; returns false on an open error.
bool first_pass(const std::string& path, StreamTracker& tracker, std::string& error) {
  // Watch out: both passes must use the same limits, so that they number streams alike.
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
  // Only a regular file can be read twice (not standard input, a FIFO or a device).
  struct stat file {};
  const bool two_pass = !args.single_pass && args.read_file != "-" &&
                        stat(args.read_file.c_str(), &file) == 0 && S_ISREG(file.st_mode);
  std::string error;
  const unsigned threads =
      args.threads ? args.threads : std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  if (two_pass && threads > 1) {
    if (!PcapFileSource::open(args.read_file, error)) {
      std::fprintf(stderr, "tcplens: %s: %s\n", args.read_file.c_str(), error.c_str());
      return 1;
    }
    return run_analyze_sharded(args, threads);
  }
  const StreamTracker::Limits limits = to_limits(args.limits);
  StreamTracker final_state(limits);
  final_state.set_summaries_only(true);  // the second pass does the per-packet analysis
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
  const bool print = args.format != "none";
  Output out(1);
  TsharkTsvWriter writer(out);
  if (print) writer.header();
  PacketDecoder decoder;
  StreamTracker tracker = make_tracker(args.limits, args.compat);
  if (two_pass) tracker.set_first_pass(&final_state);
  RawPacket raw;
  ReadStatus st;
  while ((st = source->next(raw)) == ReadStatus::Ok) {
    const DecodedPacket& pkt = decoder.decode(raw);
    const TcpPacketAnalysis& a = tracker.on_packet(pkt, raw.number, raw.ts);
    if (!print) continue;
    if (!a.tracked) {
      if (TsharkTsvWriter::has_short_row(pkt)) writer.short_row(raw, pkt);
      continue;
    }
    const StreamSummary& s = two_pass ? final_state.summary(a.stream) : tracker.summary(a.stream);
    writer.row(raw, pkt, a, s);
    out.flush_if_large();
  }
  if (!out.flush()) return 1;
  report_tracker(tracker.counters());
  if (st == ReadStatus::Error) {
    report_read_error(args.read_file, source->error());
    return 1;
  }
  return 0;
}

}  // namespace tcplens::cli
