// tcplens report -o FILE: one self-contained HTML file (overview, connection table, and for
// the most notable connections a ladder, a story in English and Chinese and graphs),
// docs/report.md.
#include <cstdio>
#include <limits>

#include "commands.hpp"
#include "tcplens/capture/link_type.hpp"
#include "tcplens/report/html_report.hpp"

namespace tcplens::cli {

void add_report_options(CLI::App& app, ReportArgs& args) {
  app.add_option("-o,--output", args.output, "The HTML file to write (replaced whole, never half-written)")->required();
  add_input_options(app, args.input, false, false);
  app.add_option("--detail", args.detail,
                 "Connections shown in detail with graphs: all, or the N most notable (default 200)");
  app.add_option("--max-points", args.max_points, "Packets drawn per connection in its graphs (default 20000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--stream", args.stream, "Report only this connection (tcp.stream, as conns numbers it)");
  app.add_flag("--no-detect", args.no_detect, "Leave out detect's findings (floods, scans, weak ISNs)");
  add_threads_option(app, args.input.threads);
  add_connection_options(app, args.input, args.compat, args.limits,
                         "Report only connections with a packet matching this filter (tcpdump syntax); "
                         "every packet is still tracked");
  app.footer("The report is described in docs/report.md. Exit status: 0 when every packet was read and the\n"
             "report written; 1 when the file cannot be opened, the filter does not compile, the file is\n"
             "damaged (the report still shows what was read) or the report cannot be written; 2 for a\n"
             "usage error.");
}

std::string link_type_text(std::uint32_t linktype) {
  const LinkTypeName name = link_type_name(linktype);
  return name.name.empty() ? std::to_string(linktype)
                           : std::string(name.name) + " (" + std::string(name.description) + ")";
}

// The report's settings from the parsed options; false (message printed) when --detail is bad.
static bool report_options(const ReportArgs& args, const std::string& input_name, std::uint32_t linktype,
                    report::ReportOptions& o) {
  o.input_name = input_name;
  o.link_type = link_type_text(linktype);
  if (args.detail == "all") {
    o.detail = std::numeric_limits<std::size_t>::max();
  } else if (!args.detail.empty()) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(args.detail.c_str(), &end, 10);
    if (end == args.detail.c_str() || *end != '\0') {
      std::fprintf(stderr, "tcplens: --detail: expected all or a number, got '%s'\n", args.detail.c_str());
      return false;
    }
    o.detail = static_cast<std::size_t>(n);
  }
  o.max_points = args.max_points;
  o.detect = !args.no_detect;
  return true;
}

int run_report(const ReportArgs& args) {
  PreparedInput in = prepare_input(args.input, false);
  if (!in.ok()) return in.status;
  report::ReportOptions ro;
  const std::string input_name = args.input.live() ? join_words(args.input.interfaces) : args.input.read_file;
  if (!report_options(args, input_name, in.info.linktype, ro)) return 2;
  ro.live = args.input.live();
  ro.only_stream = args.stream;
  EngineOptions options = engine_options(args.limits, args.compat, args.input.threads);
  apply_input_options(args.input, in, options);
  if (args.stream >= 0) options.threads = 1;  // the stream's number must be known in the worker
  Engine engine(options);
  report::HtmlReport html(ro);
  engine.add_sinks(html.sinks());
  engine.add_record_sink(html);
  const EngineResult result = run_engine(engine, args.input, in, nullptr);
  int status = report_result(result, args.input, in);
  if (!result.open_error.empty()) return status;
  report::CaptureFacts facts;
  facts.packets = result.packets;
  facts.live = in.live != nullptr;
  if (in.live) {
    const LiveStats s = in.live->stats();
    facts.received = s.received;
    facts.dropped = s.dropped;
    facts.if_dropped = s.if_dropped;
  }
  facts.damaged = result.read_failed;
  if (result.read_failed)
    facts.damage = result.read_error.message + (result.read_error.record ? " (packet " + std::to_string(result.read_error.record) + ")" : "");
  std::string error;
  if (!html.write(args.output, facts, error)) {
    std::fprintf(stderr, "tcplens: %s\n", error.c_str());
    return 1;
  }
  return status;
}

}  // namespace tcplens::cli
