#include "cli_common.hpp"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "commands.hpp"
#include "tcplens/capture/capture_split.hpp"
#include "tcplens/capture/pcap_file_source.hpp"

namespace tcplens::cli {

namespace {

std::atomic<Engine*> g_engine{nullptr};
std::atomic<PcapLiveSource*> g_live{nullptr};
std::atomic<FanoutCapture*> g_fanout{nullptr};

// A live capture stops taking packets (what it took is still processed); a file's run ends
// at the next packet.
void request_stop(int) {
  if (FanoutCapture* fanout = g_fanout.load())
    fanout->stop();
  else if (PcapLiveSource* live = g_live.load())
    live->stop();
  else if (Engine* e = g_engine.load())
    e->request_stop();
}

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);
  // A file size limit must surface as a write error (EFBIG), not kill the process.
  signal(SIGXFSZ, SIG_IGN);
}

// tcpdump's default -Z user (Debian builds tcpdump to give up root for it).
constexpr const char* kDefaultUser = "tcpdump";

const char* plural(std::uint64_t n) { return n == 1 ? "" : "s"; }

// Progress of a long read on a terminal: done, rate, time left; nothing when stderr is not
// a terminal or the read is short.
class Progress {
 public:
  explicit Progress(Engine& engine) : engine_(engine) {
    if (!::isatty(2)) return;
    thread_ = std::thread([this] { run(); });
  }
  ~Progress() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_one();
    thread_.join();
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  void run() {
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    // Only a read that lasts: the first report after a second.
    if (wake_.wait_for(lock, std::chrono::seconds(1), [this] { return done_; })) return;
    do {
      const double total = static_cast<double>(engine_.progress_total());
      if (total <= 0) continue;
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double bytes = static_cast<double>(engine_.progress_bytes());
      const double rate = bytes / std::max(elapsed, 1e-3);
      const double left = rate > 0 ? (total - bytes) / rate : 0;
      std::fprintf(stderr, "\r\033[K%3.0f%%  %.0f of %.0f MB read  %.0f MB/s  %.0f s left",
                   100.0 * bytes / total, bytes / 1e6, total / 1e6, rate / 1e6, std::max(left, 0.0));
      std::fflush(stderr);
      shown_ = true;
    } while (!wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return done_; }));
  }

  Engine& engine_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  bool shown_ = false;
};

}  // namespace

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

void add_display_filter_option(CLI::App& app, std::string& filter) {
  app.add_option("-Y,--display-filter", filter,
                 "Show only what matches this Wireshark display filter (tshark -Y; every packet is "
                 "still analysed; see docs/display-filters.md)");
}

std::unique_ptr<DisplayFilter> compile_display_filter(const std::string& text, bool& ok) {
  ok = true;
  if (text.empty()) return nullptr;
  DfilterError error;
  auto filter = DisplayFilter::compile(text, error);
  if (!filter) {
    std::fputs(format_dfilter_error(text, error).c_str(), stderr);
    ok = false;
  }
  return filter;
}

void add_input_options(CLI::App& app, InputArgs& in, bool with_write, bool short_file_size) {
  app.add_option("-r", in.read_file, "Read packets from FILE (pcap or pcapng; - for stdin)");
  app.add_option("-i,--interface", in.interfaces,
                 "Capture live on IFACE (any: every interface); give -i again for several")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->expected(1)
      ->allow_extra_args(false);  // `-i lo port 80`: the words after IFACE are the filter
  app.add_flag("-D,--list-interfaces", in.list_interfaces, "List the interfaces to capture on, as tcpdump -D");
  app.add_option("-c", in.count, "Exit after N packets (that pass the filter)");
  add_display_filter_option(app, in.display_filter);
  app.add_option("-s,--snapshot-length", in.snaplen, "Capture at most N bytes of each packet (default 262144)");
  app.add_option("-B,--buffer-size", in.buffer_kib, "The kernel's capture buffer, in KiB");
  app.add_flag("-p,--no-promiscuous-mode", in.no_promiscuous, "Don't put the interface in promiscuous mode");
  app.add_flag("--immediate-mode", in.immediate, "Hand every packet over at once, not in blocks");
  app.add_option("-Q,--direction", in.direction, "Capture only packets sent (out), received (in), or both")
      ->check(CLI::IsMember({"in", "out", "inout"}));
  app.add_option("-j,--time-stamp-type", in.tstamp_type, "Time stamp type (as tcpdump -J lists them)");
  app.add_option("--time-stamp-precision", in.precision, "Timestamp precision: micro (default) or nano")
      ->check(CLI::IsMember({"micro", "nano"}));
  app.add_flag("--nano", in.nano, "Same as --time-stamp-precision=nano");
  app.add_flag("-l", in.line_buffered, "Write each line at once (as tcpdump -l)");
  app.add_flag("-U,--packet-buffered", in.packet_buffered, "Write each packet to -w's file at once");
  app.add_option("-Z,--relinquish-privileges", in.user,
                 "After opening the interfaces, run as USER (by default tcpdump's user, where it exists)");
  if (!with_write) return;
  app.add_option("-w", in.write_file, "Write the packets (that pass the filter) to FILE (pcap)");
  app.add_option(short_file_size ? "-C,--file-size" : "--file-size", in.rotate_mb,
                 "With -w: a new file once this one holds more than N million bytes");
  app.add_option("-W", in.rotate_files, "With -C: at most N files, reused in turn; with -G: stop after N files");
  app.add_option("-G", in.rotate_seconds, "With -w: a new file every N seconds (FILE through strftime)");
  app.add_flag("--print", in.print_too, "With -w: print the packets too");
}

void add_expression_option(CLI::App& app, InputArgs& in, const char* help) {
  app.add_option("-F", in.filter_file, "Read the filter expression from FILE");
  app.add_option("expression", in.expression, help);
}

void add_threads_option(CLI::App& app, unsigned& threads) {
  app.add_option("--threads", threads,
                 "Worker threads, each with a share of the connections (0, the default: one per "
                 "processor, at most 8). The output is the same for every count, except which "
                 "connections --max-conns evicts (each worker has its share of the cap)")
      ->check(CLI::Range(0u, 64u));
}

void add_shard_options(CLI::App& app, InputArgs& in) {
  app.add_option("--shard-index", in.shard_index,
                 "-r is one shard of `tcplens split`, this its .idx: write merge items (frames and "
                 "stream numbers of the whole input) instead of text, for --merge (docs/scale-out.md)");
  app.add_option("--merge", in.merge_items,
                 "Merge the items files of every shard (runs with --shard-index) into what one run "
                 "over the whole input writes; takes the place of -r");
  add_fanout_option(app, in, "analysed on N threads and merged when the capture ends (a signal)");
}

void add_fanout_option(CLI::App& app, InputArgs& in, const char* what) {
  app.add_option("--fanout", in.fanout,
                 std::string("With -i: N capture workers share the interface by flow (Linux packet "
                             "fanout, as Zeek's and Suricata's workers), each writing a shard; ") +
                     what + " (docs/scale-out.md)")
      ->check(CLI::Range(1u, 64u));
}

bool capture_fanout(PreparedInput& prepared) {
  install_stop_handlers();
  g_fanout.store(prepared.fanout.get());
  prepared.fanout->run();
  g_fanout.store(nullptr);
  if (prepared.fanout->close()) return true;
  std::fprintf(stderr, "tcplens: %s\n", prepared.fanout->error().c_str());
  return false;
}

bool drop_privileges(const std::string& user, std::string& error) {
  if (::getuid() != 0 && ::geteuid() != 0) return true;
  const std::string name = user.empty() ? kDefaultUser : user;
  const passwd* pw = ::getpwnam(name.c_str());
  if (pw == nullptr) {
    if (user.empty()) return true;  // no such user on this machine: stay as we are
    error = "Couldn't find user '" + name + "'";
    return false;
  }
  if (::initgroups(pw->pw_name, pw->pw_gid) != 0 || ::setgid(pw->pw_gid) != 0 || ::setuid(pw->pw_uid) != 0) {
    error = "Couldn't change to '" + name + "' uid=" + std::to_string(pw->pw_uid) +
            " gid=" + std::to_string(pw->pw_gid) + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

namespace {

// The file's owner becomes the user a live capture drops to (nothing when none is found).
bool hand_file_to(const std::string& user, const std::string& path, std::string& error) {
  if (::getuid() != 0 && ::geteuid() != 0) return true;
  const passwd* pw = ::getpwnam((user.empty() ? kDefaultUser : user).c_str());
  if (pw == nullptr) return true;  // drop_privileges reports a named user that is missing
  if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    error = path + ": cannot hand it to user '" + pw->pw_name + "': " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

PreparedInput prepare_input(const InputArgs& in, bool verbose_note) {
  PreparedInput p;
  auto fail = [&p](int status, const std::string& message) {
    std::fprintf(stderr, "tcplens: %s\n", message.c_str());
    p.status = status;
    return std::move(p);
  };
  if (in.list_interfaces) {
    std::vector<std::string> lines;
    std::string error;
    if (!list_interfaces(lines, error)) return fail(1, error);
    for (const std::string& l : lines) std::printf("%s\n", l.c_str());
    std::fflush(stdout);
    p.done = true;
    return p;
  }
  if (!in.merge_items.empty()) {
    if (!in.read_file.empty() || in.live() || !in.shard_index.empty())
      return fail(2, "--merge takes the place of -r, -i and --shard-index");
    return p;
  }
  if (!in.shard_index.empty() && (in.live() || !in.write_file.empty()))
    return fail(2, "--shard-index reads a shard file (-r), without -w");
  if (!in.read_file.empty() && in.live()) return fail(2, "-r and -i cannot be used together");
  if (in.read_file.empty() && !in.live())
    return fail(2, "give a capture file (-r FILE) or an interface to capture on (-i IFACE); see --help");
  if (!in.write_file.empty() && in.rotate_mb < 0) return fail(2, "invalid file size " + std::to_string(in.rotate_mb));

  std::string expression = join_words(in.expression);
  if (!in.filter_file.empty()) {
    std::ifstream file(in.filter_file);
    if (!file) return fail(1, "can't open " + in.filter_file + ": " + std::strerror(errno));
    std::stringstream text;
    text << file.rdbuf();
    expression = text.str();
  }
  std::string error;
  // As tshark: an invalid display filter is reported before any input is opened, status 2.
  bool display_ok = true;
  p.display = compile_display_filter(in.display_filter, display_ok);
  if (!display_ok) {
    p.status = 2;
    return p;
  }
  if (!in.shard_index.empty() && p.display && (p.display->needs() & need::kStreamNumbers))
    // A shard numbers its own streams; the whole input's numbers are learned only at the
    // merge, too late for a filter that chooses what is shown.
    return fail(2, "a -Y filter on tcp.stream or application fields needs the whole input's stream numbers: "
                   "not with --shard-index");
  if (in.live()) {
    LiveOptions o;
    o.interfaces = in.interfaces;
    o.snaplen = in.snaplen;
    o.buffer_kib = in.buffer_kib;
    o.promiscuous = !in.no_promiscuous;
    // On a terminal, lines come at once, as a person watching expects.
    o.immediate = in.immediate || (in.write_file.empty() && ::isatty(1));
    o.direction = in.direction;
    o.tstamp_type = in.tstamp_type;
    o.nano = in.nanosecond();
    o.filter = expression;
    std::vector<std::string> listening;
    if (in.fanout > 1) {
      if (!in.write_file.empty()) return fail(2, "--fanout writes shards, not -w");
      if (in.count >= 0) return fail(2, "a --fanout capture ends with a signal, not -c");
      std::string dir = in.fanout_dir;
      if (dir.empty()) {
        char temp[] = "/tmp/tcplens-fanout.XXXXXX";
        if (::mkdtemp(temp) == nullptr) return fail(1, std::string("mkdtemp: ") + std::strerror(errno));
        dir = temp;
        p.fanout_temp_dir = true;
      }
      p.fanout = FanoutCapture::open(o, dir, in.fanout, error);
      if (!p.fanout) return fail(1, error);
      p.info = p.fanout->info();
      listening = p.fanout->listening_lines();
      // The shards' directory goes with the user the capture becomes (its indexes are
      // written at the end).
      if (!hand_file_to(in.user, dir, error)) return fail(1, error);
    } else {
      p.live = PcapLiveSource::open(o, error);
      if (!p.live) return fail(1, error);
      p.info = p.live->info();
      listening = p.live->listening_lines();
      // (split -i: its shards are made in this directory once the link type is known.)
      if (!in.fanout_dir.empty() && !hand_file_to(in.user, in.fanout_dir, error)) return fail(1, error);
    }
    for (const std::string& line : listening)
      std::fprintf(stderr, "%s%s\n",
                   verbose_note ? "tcplens: verbose output suppressed, use -v[v]... for full protocol decode\n"
                                : "tcplens: ",
                   line.c_str());
    std::fflush(stderr);
  } else {
    auto source = PcapFileSource::open(in.read_file, error);
    if (!source) return fail(1, in.read_file + ": " + error);
    p.info = source->info();
    if (!expression.empty()) {
      auto bpf = BpfFilter::compile(expression, p.info.linktype, p.info.snaplen, error);
      if (!bpf) return fail(1, error);
      p.bpf = std::make_unique<BpfPacketFilter>(std::move(bpf));
    }
    p.source = std::move(source);
  }
  if (!in.write_file.empty()) {
    RotationOptions r;
    r.path = in.write_file;
    r.max_bytes = static_cast<std::uint64_t>(std::llround(in.rotate_mb * 1e6));
    r.max_files = in.rotate_files;
    r.seconds = in.rotate_seconds;
    r.flush_each = in.packet_buffered;
    r.mode = in.live() ? PcapWriter::Mode::InPlace : PcapWriter::Mode::Replace;
    p.writer = std::make_unique<CaptureFiles>();
    if (!p.writer->open(r, p.info.linktype, p.info.snaplen, in.nanosecond())) return fail(1, p.writer->error());
  }
  // As tcpdump: a live capture gives up root once its interfaces and first file are open (the
  // file handed to the user it becomes, so that rotation can go on writing beside it). Reading
  // a file needs no privilege to give up; its -w output is written as the caller.
  if (in.live()) {
    if (p.writer && !hand_file_to(in.user, p.writer->current_name(), error)) return fail(1, error);
    if (!drop_privileges(in.user, error)) return fail(1, error);
  }
  return p;
}

void apply_input_options(const InputArgs& in, const PreparedInput& prepared, EngineOptions& options) {
  options.threads = in.threads;
  options.max_shown = in.count;
  options.flush_each_packet = in.line_buffered;
  // One file written in order, or a live capture: one analysis thread (the capture has its own).
  if (prepared.writer || prepared.live) options.threads = 1;
}

struct CaptureWriteSinks::Sink final : PacketSink {
  explicit Sink(CaptureWriteSinks& parent) : owner(parent) {}
  void on_packet(const PacketEvent& e, Emitter&) override {
    if (!e.shown || owner.failed_) return;
    if (!owner.files_->write(*e.raw)) {
      owner.failed_ = true;
      owner.engine_.request_stop();
    }
  }
  CaptureWriteSinks& owner;
};

std::unique_ptr<PacketSink> CaptureWriteSinks::make(unsigned) { return std::make_unique<Sink>(*this); }

namespace {
// A temporary shard directory and what is in it.
void remove_shards(const std::string& dir, unsigned shards) {
  for (unsigned k = 0; k < shards; ++k)
    for (const char* ext : {".pcap", ".idx", ".items"}) std::remove(CaptureSplitter::shard_path(dir, k, ext).c_str());
  ::rmdir(dir.c_str());
}
}  // namespace

EngineResult run_engine(Engine& engine, const InputArgs& in, PreparedInput& prepared,
                        CaptureWriteSinks* write_sinks) {
  if (prepared.bpf) engine.add_filter(*prepared.bpf);
  if (prepared.display) engine.add_filter(*prepared.display);
  if (write_sinks != nullptr && prepared.writer) engine.add_sinks(*write_sinks);
  g_engine.store(&engine);
  g_live.store(prepared.live.get());
  install_stop_handlers();
  EngineResult r;
  if (prepared.fanout) {
    if (capture_fanout(prepared)) {
      r = engine.run_shards(prepared.fanout->dir(), prepared.fanout->workers());
    } else {
      r.read_failed = true;
      r.read_error.message = prepared.fanout->error();
    }
    if (prepared.fanout_temp_dir) remove_shards(prepared.fanout->dir(), prepared.fanout->workers());
  } else if (prepared.live) {
    prepared.live->start();
    r = engine.run(*prepared.live);
    prepared.live->stop();
  } else if (!in.merge_items.empty()) {
    r = engine.merge_shards(in.merge_items);
  } else if (!in.shard_index.empty()) {
    r = engine.run_shard(in.read_file, in.shard_index);
  } else {
    Progress progress(engine);
    r = engine.run_file(in.read_file, std::move(prepared.source));
  }
  g_live.store(nullptr);
  g_engine.store(nullptr);
  return r;
}

int report_result(const EngineResult& r, const InputArgs& in, PreparedInput& prepared) {
  int status = 0;
  const std::string& input = in.read_file;
  if (!r.open_error.empty()) {
    std::fprintf(stderr, "tcplens: %s%s%s\n", input.c_str(), input.empty() ? "" : ": ", r.open_error.c_str());
    return 1;
  }
  if (r.output_failed) {
    std::fprintf(stderr, "tcplens: error writing output: %s\n", std::strerror(r.output_errno));
    status = 1;
  }
  if (prepared.writer) {
    const bool closed = prepared.writer->close();
    if (!closed || (!prepared.writer->error().empty() && !prepared.writer->limit_reached())) {
      std::fprintf(stderr, "tcplens: %s\n", prepared.writer->error().c_str());
      status = 1;
    } else if (prepared.writer->limit_reached()) {
      std::fprintf(stderr, "%s\n", prepared.writer->error().c_str());
    }
  }
  report_tracker(r.tracker);
  if (r.zeek_evictions)
    std::fprintf(stderr, "tcplens: %llu connections were evicted from Zeek's view (--max-conns)\n",
                 static_cast<unsigned long long>(r.zeek_evictions));
  if (r.read_failed) {
    if (prepared.live || prepared.fanout)
      std::fprintf(stderr, "tcplens: %s\n", r.read_error.message.c_str());
    else
      report_read_error(input, r.read_error);
    status = 1;
  }
  if (prepared.live || prepared.fanout) {
    const LiveStats s = prepared.live ? prepared.live->stats() : prepared.fanout->stats();
    std::fprintf(stderr, "%llu packet%s captured\n%llu packet%s received by filter\n%llu packet%s dropped by kernel\n",
                 static_cast<unsigned long long>(s.captured), plural(s.captured),
                 static_cast<unsigned long long>(s.received), plural(s.received),
                 static_cast<unsigned long long>(s.dropped), plural(s.dropped));
    if (s.if_dropped != 0)
      std::fprintf(stderr, "%llu packet%s dropped by interface\n", static_cast<unsigned long long>(s.if_dropped),
                   plural(s.if_dropped));
  }
  return status;
}

}  // namespace tcplens::cli
