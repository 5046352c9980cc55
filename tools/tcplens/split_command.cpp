// tcplens split: a capture (-r FILE, or live with -i) cut into N flow-complete shards for
// processes on other machines (docs/scale-out.md), each with its index of frame numbers.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "commands.hpp"
#include "tcplens/capture/capture_split.hpp"

namespace tcplens::cli {

void add_split_options(CLI::App& app, SplitArgs& args) {
  add_input_options(app, args.input, false);
  app.add_option("-o,--output-dir", args.dir, "Directory for shard-K.pcap and shard-K.idx (made if missing)")
      ->required();
  app.add_option("-n,--shards", args.shards, "Number of shards")->required()->check(CLI::Range(1u, 4096u));
  add_fanout_option(app, args.input, "-n must be the same N: the kernel makes the shards");
  app.footer(
      "Every packet of a TCP connection (both ways, its IP fragments, ICMP errors quoting it) goes\n"
      "to one shard, chosen by the hash `--threads` uses; other packets go to shard 0. Each shard\n"
      "is a pcap file with the input's link type, snapshot length and timestamp precision; its\n"
      ".idx file gives each packet's frame number in the input and the clock's ticks, so that\n"
      "`tcplens conns|analyze|detect -r shard-K.pcap --shard-index shard-K.idx` writes what a\n"
      "run over the whole input writes, for `--merge` (docs/scale-out.md). Exit status: 0 when every\n"
      "packet was read and written; 1 on a read or write error; 2 for a usage error.");
}

namespace {

// Hands every packet to the splitter (one sink: the engine runs it on one thread).
class SplitSinks final : public SinkFactory {
 public:
  SplitSinks(CaptureSplitter& splitter, Engine& engine) : splitter_(splitter), engine_(engine) {}
  std::uint32_t needs() const override { return need::kPackets; }
  std::unique_ptr<PacketSink> make(unsigned) override { return std::make_unique<Sink>(*this); }
  bool failed() const { return failed_; }

 private:
  struct Sink final : PacketSink {
    explicit Sink(SplitSinks& parent) : owner(parent) {}
    void on_packet(const PacketEvent& e, Emitter&) override {
      if (owner.failed_) return;
      if (!owner.splitter_.add(*e.raw)) {
        owner.failed_ = true;
        owner.engine_.request_stop();
      }
    }
    SplitSinks& owner;
  };
  CaptureSplitter& splitter_;
  Engine& engine_;
  bool failed_ = false;
};

}  // namespace

int run_split(const SplitArgs& args) {
  if (::mkdir(args.dir.c_str(), 0755) != 0 && errno != EEXIST) {
    std::fprintf(stderr, "tcplens: %s: %s\n", args.dir.c_str(), std::strerror(errno));
    return 1;
  }
  InputArgs input = args.input;
  if (input.live()) input.fanout_dir = args.dir;
  if (input.fanout > 1) {
    // The kernel shares the flows between the capture workers: a shard each.
    if (input.fanout != args.shards) {
      std::fprintf(stderr, "tcplens: --fanout takes -n shards: give them the same number\n");
      return 2;
    }
  }
  PreparedInput in = prepare_input(input, false);
  if (!in.ok()) return in.status;
  if (in.fanout) {
    const bool ok = capture_fanout(in);
    const EngineResult nothing_else;
    return report_result(nothing_else, input, in) == 0 && ok ? 0 : 1;
  }
  CaptureSplitter splitter;
  if (!splitter.open(args.dir, args.shards, in.info)) {
    std::fprintf(stderr, "tcplens: %s\n", splitter.error().c_str());
    return 1;
  }
  EngineOptions options;
  apply_input_options(args.input, in, options);
  options.threads = 1;  // one splitter, fed in frame order
  Engine engine(options);
  SplitSinks sinks(splitter, engine);
  engine.add_sinks(sinks);
  const EngineResult result = run_engine(engine, args.input, in);
  int status = report_result(result, args.input, in);
  const bool closed = splitter.close();
  if (sinks.failed() || !closed) {
    std::fprintf(stderr, "tcplens: %s%s%s\n", args.input.read_file.c_str(),
                 args.input.read_file.empty() ? "" : ": ", splitter.error().c_str());
    status = 1;
  }
  return status;
}

}  // namespace tcplens::cli
