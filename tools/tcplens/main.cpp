// tcplens command-line tool: option parsing and wiring only; all analysis is in the library.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "commands.hpp"

namespace {

// A subcommand with its options bound to `args`.
template <typename Args>
CLI::App* subcommand(CLI::App& app, const char* name, Args& args, void (*add_options)(CLI::App&, Args&),
                     const char* help) {
  CLI::App* command = app.add_subcommand(name, help);
  add_options(*command, args);
  return command;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "tcplens: read captures and explain every TCP connection in them.\n"
      "  print    packets exactly as tcpdump prints them (or as tshark, --style wireshark)\n"
      "  analyze  every TCP packet as tshark analyses it (tcp.stream, tcp.analysis.*)\n"
      "  conns    every connection: handshake, data, teardown, each side's state, Zeek's view\n"
      "  explain  each connection as a ladder diagram and a plain-language story (en, zh)\n"
      "  trace    run a command and capture exactly its traffic (-- CMD [ARGS...])\n"
      "  detect   SYN floods (and ACK, RST, reflection), port scans, predictable ISNs\n"
      "  report   one HTML file: overview, every connection, ladders and graphs (-o FILE)\n"
      "  split    a capture cut into flow-complete shards for other machines (docs/scale-out.md)\n"
      "Run `tcplens SUBCOMMAND --help` for its options.",
      "tcplens"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("tcplens ") + TCPLENS_VERSION);

  tcplens::cli::PrintArgs print_args;
  CLI::App* print = subcommand(app, "print", print_args, tcplens::cli::add_print_options,
      "Print every packet as tcpdump 4.99 prints it (same options, same BPF filter syntax).");

  tcplens::cli::AnalyzeArgs analyze_args;
  CLI::App* analyze = subcommand(app, "analyze", analyze_args, tcplens::cli::add_analyze_options,
      "Analyse every TCP packet as tshark 4.0 does (tcp.stream, tcp.analysis.*).");

  tcplens::cli::ConnsArgs conns_args;
  CLI::App* conns = subcommand(app, "conns", conns_args, tcplens::cli::add_conns_options,
      "One record per TCP connection: handshake, data each way, teardown, each side's state.");

  tcplens::cli::ExplainArgs explain_args;
  CLI::App* explain = subcommand(app, "explain", explain_args, tcplens::cli::add_explain_options,
      "Explain each TCP connection: a ladder diagram with each side's state, and its story.");

  tcplens::cli::TraceArgs trace_args;
  CLI::App* trace = subcommand(app, "trace", trace_args, tcplens::cli::add_trace_options,
      "Run CMD in a network namespace of its own and show exactly its traffic, then its connections.");

  tcplens::cli::DetectArgs detect_args;
  CLI::App* detect = subcommand(app, "detect", detect_args, tcplens::cli::add_detect_options,
      "Find SYN, ACK and RST floods, SYN-ACK reflection, port scans and weak ISNs.");

  tcplens::cli::ReportArgs report_args;
  CLI::App* report = subcommand(app, "report", report_args, tcplens::cli::add_report_options,
      "Write one self-contained HTML report: overview, connection table, ladders, stories and graphs.");
  tcplens::cli::SplitArgs split_args;
  CLI::App* split = subcommand(app, "split", split_args, tcplens::cli::add_split_options,
      "Split a capture into N flow-complete shards (pcap + index) for tcplens_dask.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (print->parsed()) return tcplens::cli::run_print(print_args);
  if (analyze->parsed()) return tcplens::cli::run_analyze(analyze_args);
  if (conns->parsed()) return tcplens::cli::run_conns(conns_args);
  if (explain->parsed()) return tcplens::cli::run_explain(explain_args);
  if (trace->parsed()) return tcplens::cli::run_trace(trace_args);
  if (detect->parsed()) return tcplens::cli::run_detect(detect_args);
  if (report->parsed()) return tcplens::cli::run_report(report_args);
  if (split->parsed()) return tcplens::cli::run_split(split_args);
  return 2;
}
