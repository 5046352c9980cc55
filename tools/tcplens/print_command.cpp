// tcplens print: every packet as tcpdump prints it (or as tshark, --style wireshark), or the
// packets that pass the filter written to a pcap file (-w).
#include <cstdio>

#include "commands.hpp"
#include "tcplens/capture/link_type.hpp"
#include "tcplens/capture/pcap_writer.hpp"
#include "tcplens/render/sinks.hpp"

namespace tcplens::cli {

void add_print_options(CLI::App& app, PrintArgs& args) {
  add_read_option(app, args.input);
  app.add_option("-w", args.write_file,
                 "Write the packets that pass the filter to FILE (pcap) instead of printing");
  app.add_option("-c", args.count, "Exit after N packets (that pass the filter)");
  app.add_flag("-n", args.n_count,
               "Don't convert addresses or ports to names (tcplens never does; accepted for "
               "tcpdump compatibility)");
  app.add_flag("-S", args.absolute_seq, "Print absolute, not relative, TCP sequence numbers");
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
  app.add_option("--time-stamp-precision", args.precision,
                 "Timestamp precision: micro (default) or nano")
      ->check(CLI::IsMember({"micro", "nano"}));
  app.add_flag("--nano", args.nano, "Same as --time-stamp-precision=nano");
  app.add_option("--style", args.style,
                 "Output style: tcpdump (default) or wireshark (lines as `tshark -n -r FILE`)")
      ->check(CLI::IsMember({"tcpdump", "wireshark"}));
  add_compat_option(app, args.compat);
  add_threads_option(app, args.input.threads);
  add_expression_option(app, args.input, "Filter expression in tcpdump's (libpcap's) syntax, e.g. 'tcp port 80'");
  app.footer(
      "Exit status: 0 when every packet was read; 1 when the file cannot be opened, the\n"
      "filter does not compile, the file is damaged (every packet before the damage is\n"
      "printed first) or the output cannot be written; 2 for a usage error.");
}

namespace {

// print -w: the shown packets written to a pcap file (renamed into place when complete).
class PcapWriteSinks final : public SinkFactory {
 public:
  explicit PcapWriteSinks(PcapWriter& writer, Engine& engine) : writer_(writer), engine_(engine) {}
  std::uint32_t needs() const override { return need::kPackets; }
  std::unique_ptr<PacketSink> make(unsigned) override { return std::make_unique<Sink>(*this); }
  bool failed() const { return failed_; }

 private:
  struct Sink final : PacketSink {
    explicit Sink(PcapWriteSinks& owner) : owner(owner) {}
    void on_packet(const PacketEvent& e, Emitter&) override {
      if (!e.shown || owner.failed_) return;
      if (!owner.writer_.write(*e.raw)) {
        owner.failed_ = true;
        owner.engine_.request_stop();
      }
    }
    PcapWriteSinks& owner;
  };
  PcapWriter& writer_;
  Engine& engine_;
  bool failed_ = false;
};

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

int run_print(const PrintArgs& args) {
  PreparedInput in = prepare_input(args.input);
  if (!in.ok()) return in.status;
  const SourceInfo info = in.source->info();
  const bool wireshark = args.style == "wireshark";
  if (!wireshark) print_reading_from(args.input.read_file, info);

  EngineOptions options = engine_options(TrackLimitArgs{}, args.compat, args.input.threads);
  options.max_shown = args.count;
  const bool writing = !args.write_file.empty();
  if (writing) options.threads = 1;  // one file, written in order: nothing to share out
  Engine engine(options);

  const bool nano = args.nano || args.precision == "nano";
  PcapWriter writer;
  if (writing && !writer.open(args.write_file, info.linktype, info.snaplen, nano)) {
    std::fprintf(stderr, "tcplens: %s\n", writer.error().c_str());
    return 1;
  }
  PcapWriteSinks write_sinks(writer, engine);
  TcpdumpOptions tcpdump;
  tcpdump.absolute_seq = args.absolute_seq;
  tcpdump.time_format = args.t_count;
  tcpdump.verbose = args.v_count;
  tcpdump.link_header = args.link_header;
  tcpdump.quiet = args.q_count;
  tcpdump.hex = args.x_count;
  tcpdump.hex_ascii = args.X_count;
  tcpdump.ascii = args.A_count;
  tcpdump.nano = nano;
  tcpdump.packet_number = args.packet_number;
  TcpdumpSinks tcpdump_sinks(tcpdump);
  WiresharkOptions ws;
  ws.nanosecond = info.nanosecond_file;
  WiresharkSinks wireshark_sinks(ws);
  if (writing)
    engine.add_sinks(write_sinks);
  else if (wireshark)
    engine.add_sinks(wireshark_sinks);
  else
    engine.add_sinks(tcpdump_sinks);

  const EngineResult result = run_engine(engine, args.input, in);
  int status = report_result(result, args.input.read_file);
  if (writing) {
    if (write_sinks.failed()) {
      std::fprintf(stderr, "tcplens: %s\n", writer.error().c_str());
      status = 1;
    }
    if (!writer.close() && status == 0) {
      std::fprintf(stderr, "tcplens: %s\n", writer.error().c_str());
      status = 1;
    }
  }
  return status;
}

}  // namespace tcplens::cli
