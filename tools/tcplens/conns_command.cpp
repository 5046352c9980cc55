// tcplens conns: one record per TCP connection (handshake, data, teardown, each side's
// final state, Zeek's view), as a table for people, JSON lines, CSV or Zeek's conn.log.
#include "commands.hpp"
#include "tcplens/render/connection_summary.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/sinks.hpp"

namespace tcplens::cli {

void add_conns_options(CLI::App& app, ConnsArgs& args) {
  add_input_options(app, args.input, true, false);
  app.add_option("--format", args.format,
                 "table (default), json (one object per line), csv, or zeek (a conn.log of the "
                 "connections as Zeek splits them)")
      ->check(CLI::IsMember({"table", "json", "csv", "zeek"}));
  app.add_flag("-C,--zeek-ignore-checksums", args.zeek_ignore_checksums,
               "Zeek columns as `zeek -C` computes them: do not drop packets with a bad TCP "
               "checksum (loopback and offloaded captures have them)");
  add_threads_option(app, args.input.threads);
  add_shard_options(app, args.input);
  add_connection_options(app, args.input, args.compat, args.limits,
                         "Show only connections with a packet matching this filter (tcpdump syntax); "
                        "every packet is still tracked");
  app.footer(
      "Fields are described in docs/conns.md. Exit status: 0 when every packet was read; 1 when\n"
      "the file cannot be opened, the filter does not compile or the file is damaged (every\n"
      "connection seen before the damage is still reported); 2 for a usage error.");
}

int run_conns(const ConnsArgs& args) {
  PreparedInput in = prepare_input(args.input, false);
  if (!in.ok()) return in.status;
  EngineOptions options = engine_options(args.limits, args.compat, args.input.threads);
  apply_input_options(args.input, in, options);
  options.zeek_verify_checksums = !args.zeek_ignore_checksums;
  Engine engine(options);
  CaptureWriteSinks write_sinks(in.writer.get(), engine);
  using Format = ConnectionRecordSinks::Format;
  const Format format = args.format == "json"  ? Format::Json
                        : args.format == "csv" ? Format::Csv
                        : args.format == "zeek" ? Format::Zeek
                                                : Format::Table;
  ConnectionRecordSinks records(format, true);
  if (in.live) records.rows_at_once();
  engine.add_sinks(records);
  if (format == Format::Csv && args.input.writes_text()) {
    Output header(1);
    write_connection_csv_header(header);
    if (!header.flush()) return 1;
  }
  const EngineResult result = run_engine(engine, args.input, in, &write_sinks);
  return report_result(result, args.input, in);
}

}  // namespace tcplens::cli
