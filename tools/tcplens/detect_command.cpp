// tcplens detect: SYN, ACK and RST floods, SYN-ACK reflection, port scans and weak ISNs
// (docs/detect.md), as a table for people or JSON lines. One detector sees every packet the
// filter shows, so the engine runs it on one worker; it needs decoded headers only.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "commands.hpp"
#include "tcplens/capture/shard_index.hpp"
#include "tcplens/detect/detect_sink.hpp"
#include "tcplens/detect/detect_state.hpp"

namespace tcplens::cli {

namespace {

// The language of the locale (LC_ALL, LC_MESSAGES, LANG, as gettext reads them), else English.
detect::Lang locale_lang() {
  detect::Lang lang = detect::Lang::En;
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') {
      detect::parse_lang(v, lang);
      break;
    }
  }
  return lang;
}

// What a state file records of the run, for the merge to refuse other runs' states.
detect::DetectStateHeader state_header(const DetectArgs& args) {
  detect::DetectStateHeader h;
  h.options = args.options;
  h.filter = join_words(args.input.expression);
  if (!args.input.filter_file.empty()) h.filter += " -F " + args.input.filter_file;
  if (!args.input.display_filter.empty()) h.filter += " -Y " + args.input.display_filter;
  return h;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "tcplens: %s\n", message.c_str());
  return 1;
}

// --merge STATE...: one Detector replays every shard's events in the whole input's order.
int run_detect_merge(const DetectArgs& args, const detect::DetectSettings& settings) {
  detect::Detector detector(settings.options);
  detector.set_report_random_isns(settings.report_random_isns);
  Output out(1);
  bool replaying = true;  // as the sink, raised findings are written while packets come
  if (settings.live)
    detector.set_on_raise([&](const detect::Finding& f) {
      if (!replaying) return;
      detect::write_raised_finding(out, f, settings);
      out.flush();
    });
  detect::DetectMergeResult merged;
  std::string error;
  if (!detect::merge_detect_states(args.input.merge_items, state_header(args), detector, merged, error)) {
    out.flush();
    return fail(error);
  }
  replaying = false;
  detector.finish();
  detect::write_final_findings(out, detector, settings);
  if (!out.flush()) return fail(std::string("writing the findings: ") + std::strerror(errno));
  return 0;
}

}  // namespace

void add_detect_options(CLI::App& app, DetectArgs& args) {
  add_input_options(app, args.input, true);
  app.add_option("--format", args.format, "table (default: findings and their explanations) or json (one object a line)")
      ->check(CLI::IsMember({"table", "json"}));
  app.add_option("--lang", args.lang, "Language of the explanations: en or zh (default: the locale's, else en)")
      ->check(CLI::IsMember({"en", "zh"}));
  app.add_flag("--live", args.live,
               "Write each finding as soon as its threshold is crossed, then all of them, final, at the end");
  app.add_flag("--isn-report", args.isn_report, "Also list the hosts whose ISNs look random (kind isn_quality)");
  detect::DetectOptions& o = args.options;
  auto group = app.add_option_group("Thresholds", "docs/detect.md explains each one");
  struct Real {
    const char* name;
    double* value;
    const char* help;
    bool share;  // 0 to 1, else any positive number
  };
  for (const Real& r : {
           Real{"--window", &o.window_sec, "Seconds over which flood rates are measured (10)", false},
           Real{"--syn-rate", &o.syn_rate, "Half-open SYNs a second to one IP:port that make a SYN flood (20)", false},
           Real{"--syn-halfopen-ratio", &o.syn_halfopen_ratio, "Their least share of the window's SYN attempts (0.5)", true},
           Real{"--ack-rate", &o.ack_rate, "ACKs of no connection a second to one IP:port: an ACK flood (20)", false},
           Real{"--rst-rate", &o.rst_rate, "RSTs of no connection a second to one IP:port: a RST flood (20)", false},
           Real{"--reflection-rate", &o.reflection_rate,
                "SYN-ACKs answering no SYN a second to one address: reflection (20)", false},
           Real{"--orphan-ratio", &o.orphan_ratio, "Least share of those never proved to belong to a connection (0.8)", true},
           Real{"--scan-max-success", &o.scan_max_success,
                "Largest share of a scanner's probes that led to a used connection (0.5)", true},
           Real{"--isn-predictable-ratio", &o.isn_predictable_ratio,
                "Least share of predictable ISN increments of a weak host (0.7)", true},
       })
    group->add_option(r.name, *r.value, r.help)
        ->check(r.share ? CLI::Validator(CLI::Range(0.0, 1.0)) : CLI::Validator(CLI::PositiveNumber));
  group->add_option("--scan-ports", o.scan_ports, "Distinct ports of one host that make a vertical scan (10)")
      ->check(CLI::Range(2u, 65536u));
  group->add_option("--scan-hosts", o.scan_hosts, "Distinct hosts on one port that make a horizontal scan (16)")
      ->check(CLI::Range(2u, 1u << 30));
  group->add_option("--isn-min-samples", o.isn_min_samples,
                    "Connections (distinct 4-tuples) before a host's ISNs are judged (16)")
      ->check(CLI::Range(3u, 32u));
  app.add_option("--shard-index", args.input.shard_index,
                 "-r is one shard of `tcplens split`, this its .idx: write the detectors' input (a state "
                 "file, to standard output) instead of findings, for --merge (docs/scale-out.md)");
  app.add_option("--merge", args.input.merge_items,
                 "Replay the state files of every shard (runs with --shard-index) into one detector: "
                 "the findings one run over the whole input writes; takes the place of -r");
  add_expression_option(app, args.input, "Look only at packets matching this filter (tcpdump syntax)");
  app.footer(
      "Findings, their fields and the thresholds are described in docs/detect.md. Exit status: 0\n"
      "when every packet was read (with or without findings); 1 when the file cannot be opened,\n"
      "the filter does not compile or the file is damaged (what was read is still judged); 2 for\n"
      "a usage error.");
}

int run_detect(const DetectArgs& args) {
  PreparedInput in = prepare_input(args.input, false);
  if (!in.ok()) return in.status;
  detect::DetectSettings settings;
  settings.options = args.options;
  settings.json = args.format == "json";
  settings.lang = locale_lang();
  if (!args.lang.empty()) detect::parse_lang(args.lang, settings.lang);
  settings.live = args.live || args.input.live();  // a capture has no end to wait for
  settings.report_random_isns = args.isn_report;
  const bool sharded = !args.input.merge_items.empty() || !args.input.shard_index.empty();
  if (sharded && args.input.count >= 0) {
    std::fprintf(stderr, "tcplens: -c counts the whole input's packets: not with --shard-index or --merge\n");
    return 2;
  }
  if (!args.input.merge_items.empty()) return run_detect_merge(args, settings);
  std::unique_ptr<Output> state_out;
  std::unique_ptr<detect::DetectStateWriter> state;
  if (!args.input.shard_index.empty()) {
    ShardIndex index;
    if (!index.open(args.input.shard_index)) return fail(index.error());
    detect::DetectStateHeader header = state_header(args);
    header.shard = index.shard();
    header.shards = index.shards();
    header.input_packets = index.total_packets();
    state_out = std::make_unique<Output>(1);
    state = std::make_unique<detect::DetectStateWriter>(*state_out);
    state->start(header);
    settings.state = state.get();
  }
  EngineOptions options;
  apply_input_options(args.input, in, options);
  options.threads = 1;  // one detector sees every packet: scans and floods cross connections
  options.flush_each_packet = settings.live || args.input.line_buffered;
  if (state) options.out_fd = -1;  // a shard run's text items are empty: the state is its output
  Engine engine(options);
  CaptureWriteSinks write_sinks(in.writer.get(), engine);
  detect::DetectSinkFactory sinks(settings);
  engine.add_sinks(sinks);
  const int status = report_result(run_engine(engine, args.input, in, &write_sinks), args.input, in);
  if (state && !state->finish())
    return fail(args.input.read_file + ": writing the detect state failed (" +
                (state_out->failed() ? std::string(std::strerror(errno)) : "events out of frame order") + ")");
  return status;
}

}  // namespace tcplens::cli
