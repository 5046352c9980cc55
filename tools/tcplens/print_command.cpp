// tcplens print: read a capture, filter it with a BPF expression, print it as tcpdump does
// or write the matching packets to a pcap file.
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "tcplens/capture/link_type.hpp"
#include "tcplens/capture/pcap/bpf_filter.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/capture/pcap_writer.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"

namespace tcplens::cli {

void add_print_options(CLI::App& app, PrintArgs& args) {
  app.add_option("-r", args.read_file, "Read packets from FILE (pcap or pcapng; - for stdin)")
      ->required();
  app.add_option("-w", args.write_file,
                 "Write the packets that pass the filter to FILE (pcap) instead of printing");
  app.add_option("-c", args.count, "Exit after N packets (that pass the filter)");
  app.add_option("-F", args.filter_file, "Read the filter expression from FILE");
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
  app.add_option("expression", args.expression,
                 "Filter expression in tcpdump's (libpcap's) syntax, e.g. 'tcp port 80'");
  app.footer(
      "Exit status: 0 when every packet was read; 1 when the file cannot be opened, the\n"
      "filter does not compile, the file is damaged (every packet before the damage is\n"
      "printed first) or the output cannot be written; 2 for a usage error.");
}

namespace {

// Set by SIGINT/SIGTERM: the loop stops at the next packet, so that a -w file is completed
// and renamed into place, and everything printed so far is flushed.
volatile std::sig_atomic_t g_stop = 0;

void request_stop(int) { g_stop = 1; }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // A file size limit must surface as a write error (EFBIG), not kill the process.
  signal(SIGXFSZ, SIG_IGN);
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

}  // namespace

int run_print(const PrintArgs& args) {
  if (args.style == "wireshark") {
    std::string expression = join(args.expression);
    if (!args.filter_file.empty()) {
      std::ifstream in(args.filter_file);
      if (!in) {
        std::fprintf(stderr, "tcplens: can't open %s: %s\n", args.filter_file.c_str(),
                     std::strerror(errno));
        return 1;
      }
      std::stringstream text;
      text << in.rdbuf();
      expression = text.str();
    }
    return run_print_wireshark(args, expression);
  }
  std::string error;
  auto source = PcapFileSource::open(args.read_file, error);
  if (!source) {
    std::fprintf(stderr, "tcplens: %s: %s\n", args.read_file.c_str(), error.c_str());
    return 1;
  }
  const SourceInfo& info = source->info();
  LinkTypeName name = link_type_name(info.linktype);
  if (!name.name.empty()) {
    std::fprintf(stderr, "reading from file %s, link-type %.*s (%.*s), snapshot length %u\n",
                 args.read_file.c_str(), static_cast<int>(name.name.size()), name.name.data(),
                 static_cast<int>(name.description.size()), name.description.data(),
                 info.snaplen);
  } else {
    std::fprintf(stderr, "reading from file %s, link-type %u, snapshot length %u\n",
                 args.read_file.c_str(), info.linktype, info.snaplen);
  }
  if (info.linktype == linktype::kLinuxSll2)
    std::fprintf(stderr, "Warning: interface names might be incorrect\n");

  std::string expression = join(args.expression);
  if (!args.filter_file.empty()) {
    std::ifstream in(args.filter_file);
    if (!in) {
      std::fprintf(stderr, "tcplens: can't open %s: %s\n", args.filter_file.c_str(),
                   std::strerror(errno));
      return 1;
    }
    std::stringstream text;
    text << in.rdbuf();
    expression = text.str();
  }
  std::unique_ptr<BpfFilter> filter;
  if (!expression.empty()) {
    filter = BpfFilter::compile(expression, info.linktype, info.snaplen, error);
    if (!filter) {
      std::fprintf(stderr, "tcplens: %s\n", error.c_str());
      return 1;
    }
  }

  const bool nano = args.nano || args.precision == "nano";
  PcapWriter writer;
  const bool writing = !args.write_file.empty();
  if (writing && !writer.open(args.write_file, info.linktype, info.snaplen, nano)) {
    std::fprintf(stderr, "tcplens: %s\n", writer.error().c_str());
    return 1;
  }

  TcpdumpOptions options;
  options.absolute_seq = args.absolute_seq;
  options.time_format = args.t_count;
  options.verbose = args.v_count;
  options.link_header = args.link_header;
  options.quiet = args.q_count;
  options.hex = args.x_count;
  options.hex_ascii = args.X_count;
  options.ascii = args.A_count;
  options.nano = nano;
  options.packet_number = args.packet_number;

  Output out(STDOUT_FILENO);
  TcpdumpRenderer renderer(out, options);
  RawPacket packet;
  long long shown = 0;
  int status = 0;
  install_stop_handlers();
  for (;;) {
    if (g_stop) break;
    if (args.count >= 0 && shown >= args.count) break;
    ReadStatus rs = source->next(packet);
    if (rs == ReadStatus::End) break;
    if (rs == ReadStatus::Error) {
      if (g_stop) break;  // interrupted while waiting for input: a normal end
      out.flush();
      report_read_error(args.read_file, source->error());
      status = 1;
      break;
    }
    if (filter && !filter->matches(packet)) continue;
    ++shown;
    if (writing) {
      if (!writer.write(packet)) {
        std::fprintf(stderr, "tcplens: %s\n", writer.error().c_str());
        status = 1;
        break;
      }
      continue;
    }
    renderer.render(packet);
    if (!out.flush_if_large()) break;
  }
  out.flush();
  if (out.failed()) {
    std::fprintf(stderr, "tcplens: error writing output: %s\n", std::strerror(errno));
    status = 1;
  }
  if (writing && !writer.close() && status == 0) {
    std::fprintf(stderr, "tcplens: %s\n", writer.error().c_str());
    status = 1;
  }
  return status;
}

}  // namespace tcplens::cli
