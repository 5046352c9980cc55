// tcplens trace [options] -- CMD [ARGS...]: runs CMD in a network namespace of its own
// (trace_netns.hpp) and captures exactly its traffic and its children's: packet lines as it
// runs (or -w FILE), then one record per connection. The exit status is CMD's.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "commands.hpp"
#include "trace_netns.hpp"
#include "tcplens/render/connection_summary.hpp"
#include "tcplens/report/html_report.hpp"
#include "tcplens/render/ordered_text.hpp"
#include "tcplens/render/sinks.hpp"

namespace tcplens::cli {

namespace {

std::atomic<pid_t> g_child{0};
std::atomic<PcapLiveSource*> g_capture{nullptr};

// Ctrl-C reaches CMD from the terminal; a SIGTERM or SIGHUP to trace is passed on to it.
// Either way the capture ends once CMD has.
void forward_signal(int sig) {
  const pid_t child = g_child.load();
  if (child > 0) {
    if (sig != SIGINT) ::kill(child, sig);
  } else if (PcapLiveSource* live = g_capture.load()) {
    live->stop();
  }
}

// The records, gathered in order, written as the conns table at the end.
class RecordTable final : public RecordSink {
 public:
  std::uint32_t needs() const override { return need::kZeek; }
  void on_connection(ConnectionRecord& r) override {
    Output row(-1, 256);
    write_connection_table_row(row, r.conn, extras_of(r, nullptr));
    rows_.append(row.text());
  }
  bool write(int fd) {
    AlignedTable table(fd, connection_table_header());
    bool ok = true;
    rows_.read_lines([&](std::string_view row) { return ok = table.write(row, 0); });
    return table.finish() && ok;
  }

 private:
  SpillBuffer rows_{16u << 20};
};

}  // namespace

void add_trace_options(CLI::App& app, TraceArgs& args) {
  app.add_flag("-n", args.print.n_count, "Accepted for tcpdump compatibility (tcplens never looks up names)");
  app.add_flag("-S", args.print.absolute_seq, "Absolute TCP sequence numbers");
  app.add_flag("-t", args.print.t_count, "Timestamps as tcpdump's -t, -tt, -ttt, -tttt, -ttttt");
  app.add_flag("-v", args.print.v_count, "More detail (-v, -vv, -vvv)");
  app.add_flag("-e", args.print.link_header, "Print the link-level header");
  app.add_flag("-x", args.print.x_count, "Hex dump of each packet");
  app.add_flag("-X", args.print.X_count, "Hex and ASCII dump of each packet");
  app.add_flag("-A", args.print.A_count, "ASCII dump of each packet");
  app.add_flag("-q,--quiet", args.quiet, "No packet lines: only the connections at the end");
  app.add_option("-w", args.print.input.write_file, "Write CMD's packets to FILE (pcap) as they come");
  add_display_filter_option(app, args.print.input.display_filter);
  app.add_option("-s,--snapshot-length", args.print.input.snaplen, "Capture at most N bytes of each packet");
  app.add_option("--report", args.report, "Also write an HTML report of CMD's traffic to FILE (as tcplens report)");
  app.add_option("--user", args.user, "Run CMD as USER (default: as tcplens runs, root)");
  app.add_option("--linger", args.linger,
                 "After CMD exits, keep capturing this many seconds (its last FINs and ACKs; default 0.5)")
      ->check(CLI::Range(0.0, 60.0));
  app.add_flag("--explain", args.explain,
               "End with `tcplens explain` of CMD's connections (summary, ladders, stories) instead of the table");
  app.add_option("--lang", args.lang, "With --explain: en or zh (default: from the locale)")
      ->check(CLI::IsMember({"en", "zh"}));
  app.add_option("command", args.command, "The command and its arguments, after --")->required();
  app.footer(
      "CMD runs in a network namespace of its own, joined to this host by a veth pair with NAT, so\n"
      "the capture holds exactly its traffic and its children's. It needs root. What it cannot do\n"
      "(docs/live-capture.md): reach a server on this host's loopback (127.0.0.1 in CMD is its own),\n"
      "use a DNS resolver on this host's loopback, or IPv6. Exit status: CMD's; 2 for an invalid -Y filter; 1 (before CMD runs)\n"
      "when the namespace or the capture cannot be made, or when CMD succeeded but the capture,\n"
      "the table or the -w file failed.");
}

int run_trace(const TraceArgs& args) {
  // As everywhere: an invalid display filter is reported before anything runs, status 2.
  bool display_ok = true;
  const std::unique_ptr<DisplayFilter> display = compile_display_filter(args.print.input.display_filter, display_ok);
  if (!display_ok) return 2;
  TraceNamespace ns;
  std::string error;
  if (!ns.create(error)) {
    std::fprintf(stderr, "tcplens: %s\n", error.c_str());
    return 1;
  }
  LiveOptions o;
  o.interfaces = {ns.inner_interface()};
  o.snaplen = args.print.input.snaplen;
  o.immediate = true;
  std::unique_ptr<PcapLiveSource> live;
  if (!ns.run_inside([&] { return (live = PcapLiveSource::open(o, error)) != nullptr; }, error) || !live) {
    std::fprintf(stderr, "tcplens: %s\n", error.c_str());
    return 1;
  }
  std::unique_ptr<CaptureFiles> files;
  // --explain reads the packets again from a file once CMD is done (explain's stories need
  // each connection whole): -w FILE, else a temporary file.
  std::string explain_file = args.print.input.write_file;
  const bool temp_file = args.explain && explain_file.empty();
  if (temp_file) {
    char path[] = "/tmp/tcplens-trace-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) {
      std::fprintf(stderr, "tcplens: cannot make a temporary file: %s\n", std::strerror(errno));
      return 1;
    }
    ::close(fd);
    explain_file = path;
  }
  if (!explain_file.empty()) {
    RotationOptions r;
    r.path = explain_file;
    files = std::make_unique<CaptureFiles>();
    if (!files->open(r, live->info().linktype, live->info().snaplen, false)) {
      std::fprintf(stderr, "tcplens: %s\n", files->error().c_str());
      return 1;
    }
  }
  std::fprintf(stderr, "tcplens: tracing `%s` in network namespace %s (%s)\n", join_words(args.command).c_str(),
               ns.name().c_str(), ns.inner_address().c_str());
  g_capture.store(live.get());
  struct sigaction action {};
  action.sa_handler = forward_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
  live->start();
  const pid_t child = ns.spawn(args.command, args.user, error);
  if (child < 0) {
    live->stop();
    std::fprintf(stderr, "tcplens: %s\n", error.c_str());
    return 127;
  }
  g_child.store(child);
  std::atomic<int> child_status{0};
  std::thread waiter([&] {
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    child_status.store(status);
    g_child.store(0);
    std::this_thread::sleep_for(std::chrono::duration<double>(args.linger));
    live->stop();
  });

  EngineOptions options = engine_options(TrackLimitArgs{}, "none", 1);
  options.flush_each_packet = true;
  // veth and loopback hand packets to the capture before their checksums are filled in.
  options.zeek_verify_checksums = false;
  Engine engine(options);
  if (display) engine.add_filter(*display);
  TcpdumpSinks lines(tcpdump_options(args.print));
  CaptureWriteSinks writes(files.get(), engine);
  RecordTable table;
  if (files) engine.add_sinks(writes);
  if (!args.quiet && (!files || temp_file)) engine.add_sinks(lines);
  engine.add_record_sink(table);
  std::unique_ptr<report::HtmlReport> html;
  if (!args.report.empty()) {
    report::ReportOptions ro;
    ro.input_name = "trace: " + join_words(args.command);
    ro.link_type = link_type_text(live->info().linktype);
    ro.live = true;
    html = std::make_unique<report::HtmlReport>(ro);
    engine.add_sinks(html->sinks());
    engine.add_record_sink(*html);
  }
  const EngineResult result = engine.run(*live);
  waiter.join();
  g_capture.store(nullptr);

  bool failed = false;  // tcplens's own output or capture
  if (!args.quiet && (!files || temp_file)) std::printf("\n");
  std::fflush(stdout);
  if (files && !files->close()) {
    std::fprintf(stderr, "tcplens: %s\n", files->error().c_str());
    failed = true;
  }
  if (args.explain) {
    ExplainArgs explain;
    explain.input.read_file = explain_file;
    explain.input.threads = 1;
    explain.lang = args.lang;
    if (!failed && run_explain(explain) != 0) failed = true;
    if (temp_file) ::unlink(explain_file.c_str());
  } else if (!table.write(1)) {
    std::fprintf(stderr, "tcplens: standard output: %s\n", std::strerror(errno));
    failed = true;
  }
  if (result.read_failed) {
    std::fprintf(stderr, "tcplens: %s\n", result.read_error.message.c_str());
    failed = true;
  }
  const LiveStats s = live->stats();
  if (html) {
    report::CaptureFacts facts;
    facts.packets = result.packets;
    facts.live = true;
    facts.received = s.received;
    facts.dropped = s.dropped;
    facts.if_dropped = s.if_dropped;
    std::string report_error;
    if (!html->write(args.report, facts, report_error)) {
      std::fprintf(stderr, "tcplens: %s\n", report_error.c_str());
      failed = true;
    }
  }
  std::fprintf(stderr, "%llu packets captured\n%llu packets dropped by kernel\n",
               static_cast<unsigned long long>(s.captured), static_cast<unsigned long long>(s.dropped));
  // CMD's status, unless CMD succeeded and what tcplens was to show or save is incomplete.
  const int cs = child_status.load();
  if (WIFEXITED(cs)) return WEXITSTATUS(cs) == 0 && failed ? 1 : WEXITSTATUS(cs);
  if (WIFSIGNALED(cs)) return 128 + WTERMSIG(cs);
  return 1;
}

}  // namespace tcplens::cli
