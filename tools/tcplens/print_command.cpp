// tcplens print: every packet as tcpdump prints it (or as tshark, --style wireshark), or the
// packets that pass the filter written to a pcap file (-w).
#include <cstdio>

#include "commands.hpp"
#include "tcplens/capture/link_type.hpp"
#include "tcplens/render/sinks.hpp"

namespace tcplens::cli {

void add_print_options(CLI::App& app, PrintArgs& args) {
  add_input_options(app, args.input, true);
  app.add_flag("-n", args.n_count,
               "Don't convert addresses or ports to names (tcplens never does; accepted for "
               "tcpdump compatibility)");
  app.add_flag("-S", args.absolute_seq, "Print absolute, not relative, TCP sequence numbers");
  app.add_flag("-K,--dont-verify-checksums", args.no_checksums,
               "Don't verify IP, TCP or UDP checksums (-v prints them unchecked)");
  app.add_flag("-t", args.t_count,
               "Timestamps: -t none, -tt seconds since 1970, -ttt delta from previous packet, "
               "-tttt date and time, -ttttt delta from first packet");
  app.add_flag("-v", args.v_count, "More detail (-v, -vv, -vvv)");
  app.add_flag("-e", args.link_header, "Print the link-level header");
  app.add_flag("-q", args.q_count, "Quick (quiet) output: less protocol information");
  app.add_flag("-x", args.x_count, "Print each packet in hex (-xx: including link header)");
  app.add_flag("-X", args.X_count,
               "Print each packet in hex and ASCII (-XX: including link header)");
  app.add_flag("-A", args.A_count, "Print each packet in ASCII (-AA: including link header)");
  app.add_flag("-#,--number", args.packet_number, "Print a packet number at the start of each line");
  app.add_flag("--count", args.count_only,
               "Print only the number of packets (that pass the filter), as \"N packets\"");
  app.add_flag("-N,-u,-O,-H,-b", args.ignored,
               "Accepted for tcpdump compatibility, no effect: -N (names are never looked up), "
               "-u (NFS is not decoded), -O (the filter's optimizer), -H (802.11s mesh "
               "headers), -b (BGP is not decoded)");
  app.add_option("--style", args.style,
                 "Output style: tcpdump (default) or wireshark (lines as `tshark -n -r FILE`)")
      ->check(CLI::IsMember({"tcpdump", "wireshark"}));
  add_compat_option(app, args.compat);
  add_threads_option(app, args.input.threads);
  add_expression_option(app, args.input, "Filter expression in tcpdump's (libpcap's) syntax, e.g. 'tcp port 80'");
  app.footer(
      "Exit status: 0 when every packet was read; 1 when the file or interface cannot be opened,\n"
      "the filter does not compile, the file is damaged or the interface fails (every packet\n"
      "before is printed first) or the output cannot be written; 2 for a usage error.");
}

namespace {

void print_reading_from(const std::string& path, const SourceInfo& info) {
  const LinkTypeName name = link_type_name(info.linktype);
  if (!name.name.empty()) {
    std::fprintf(stderr, "reading from file %s, link-type %.*s (%.*s), snapshot length %u\n", path.c_str(),
                 static_cast<int>(name.name.size()), name.name.data(),
                 static_cast<int>(name.description.size()), name.description.data(), info.snaplen);
  } else {
    std::fprintf(stderr, "reading from file %s, link-type %u, snapshot length %u\n", path.c_str(),
                 info.linktype, info.snaplen);
  }
  if (info.linktype == linktype::kLinuxSll2) std::fprintf(stderr, "Warning: interface names might be incorrect\n");
}

}  // namespace

TcpdumpOptions tcpdump_options(const PrintArgs& args) {
  TcpdumpOptions tcpdump;
  tcpdump.absolute_seq = args.absolute_seq;
  tcpdump.no_checksums = args.no_checksums;
  tcpdump.time_format = args.t_count;
  tcpdump.verbose = args.v_count;
  tcpdump.link_header = args.link_header;
  tcpdump.quiet = args.q_count;
  tcpdump.hex = args.x_count;
  tcpdump.hex_ascii = args.X_count;
  tcpdump.ascii = args.A_count;
  tcpdump.nano = args.input.nanosecond();
  tcpdump.packet_number = args.packet_number;
  return tcpdump;
}

int run_print(const PrintArgs& args) {
  const InputArgs& input = args.input;
  const bool wireshark = args.style == "wireshark";
  PreparedInput in = prepare_input(input, !wireshark && args.v_count == 0 && input.write_file.empty());
  if (!in.ok()) return in.status;
  const SourceInfo info = in.info;
  if (!wireshark && !input.live()) print_reading_from(input.read_file, info);

  EngineOptions options = engine_options(TrackLimitArgs{}, args.compat, input.threads);
  apply_input_options(input, in, options);
  Engine engine(options);
  CaptureWriteSinks write_sinks(in.writer.get(), engine);
  TcpdumpSinks tcpdump_sinks(tcpdump_options(args));
  WiresharkOptions ws;
  ws.nanosecond = info.nanosecond_file;
  WiresharkSinks wireshark_sinks(ws);
  const bool writing = in.writer != nullptr;
  if (args.count_only) {
    // tcpdump --count: the packets that pass the filter (and -c), counted, none printed.
  } else if (!writing || input.print_too) {
    if (wireshark)
      engine.add_sinks(wireshark_sinks);
    else
      engine.add_sinks(tcpdump_sinks);
  }
  const EngineResult result = run_engine(engine, input, in, &write_sinks);
  if (args.count_only && result.open_error.empty()) {
    std::printf("%llu packet%s\n", static_cast<unsigned long long>(result.shown), result.shown == 1 ? "" : "s");
    std::fflush(stdout);
  }
  return report_result(result, input, in);
}

}  // namespace tcplens::cli
