// tcplens analyze: per-packet TCP analysis. With --per-packet --format tsv it prints one row
// per TCP packet with the columns of the corpus's NAME.tshark-tcp.tsv.
//
// tshark makes that file with two passes (-2); so does the engine (need::kFinalValues): a
// first pass tracks every stream to its end, a second pass shows each packet with its
// stream's final values. Only a regular file can be read twice: from standard input, a pipe
// or a device the values known at each packet are shown.
#include <cstdio>

#include "commands.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/sinks.hpp"
#include "tcplens/render/tshark_tsv.hpp"

namespace tcplens::cli {

void add_analyze_options(CLI::App& app, AnalyzeArgs& args) {
  add_input_options(app, args.input, true);
  app.add_flag("--per-packet", args.per_packet, "One row per TCP packet");
  app.add_option("--format", args.format,
                 "Output format: tsv (tshark-tcp.tsv columns), or none (analyse, print nothing: "
                 "to measure the analysis alone)")
      ->check(CLI::IsMember({"tsv", "none"}));
  app.add_flag("--single-pass", args.single_pass,
               "Show the values known at each packet instead of each stream's final ones");
  add_threads_option(app, args.input.threads);
  add_shard_options(app, args.input);
  add_compat_option(app, args.compat);
  add_track_limit_options(app, args.limits);
  add_expression_option(app, args.input,
                        "Show only the rows of packets matching this filter (tcpdump syntax); every "
                        "packet is still tracked");
}

void add_compat_option(CLI::App& app, std::string& compat) {
  app.add_option("--compat", compat,
                 "tcp.analysis flags: none (default) corrects tshark where the capture proves it "
                 "wrong (retransmission vs out-of-order by the sender's IP ID or TSval, network "
                 "duplicates, Linux zero-window probes); tshark gives tshark 4.0's flags exactly "
                 "(docs/differences.md)")
      ->check(CLI::IsMember({"none", "tshark"}));
}

void add_connection_options(CLI::App& app, InputArgs& input, std::string& compat, TrackLimitArgs& limits,
                            const char* filter_help) {
  add_compat_option(app, compat);
  add_track_limit_options(app, limits);
  add_expression_option(app, input, filter_help);
}

void add_track_limit_options(CLI::App& app, TrackLimitArgs& args) {
  app.add_option("--max-conns", args.max_conns,
                 "Cap on connections tracked at once (default 100000: memory stays under 512 MiB even "
                 "in a 5 M SYN flood; tests/flood). When reached, closed connections go first, then "
                 "idle ones, then the least recently seen, an eighth of the cap at a time; evictions "
                 "are reported on stderr")
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

EngineOptions engine_options(const TrackLimitArgs& limits, const std::string& compat, unsigned threads) {
  EngineOptions o;
  o.limits = to_limits(limits);
  o.ground_truth = compat != "tshark";
  o.threads = threads;
  return o;
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

int run_analyze(const AnalyzeArgs& args) {
  if (!args.per_packet) {
    std::fprintf(stderr, "tcplens analyze: only --per-packet is implemented so far\n");
    return 2;
  }
  PreparedInput in = prepare_input(args.input, false);
  if (!in.ok()) return in.status;
  EngineOptions options = engine_options(args.limits, args.compat, args.input.threads);
  apply_input_options(args.input, in, options);
  options.single_pass = args.single_pass;
  Engine engine(options);
  CaptureWriteSinks write_sinks(in.writer.get(), engine);
  const bool print = args.format != "none";
  TsharkTsvSinks rows(true, print);
  engine.add_sinks(rows);
  if (print && args.input.writes_text()) {
    Output header(1);
    TsharkTsvWriter(header).header();
    if (!header.flush()) return 1;
  }
  const EngineResult result = run_engine(engine, args.input, in, &write_sinks);
  return report_result(result, args.input, in);
}

}  // namespace tcplens::cli
