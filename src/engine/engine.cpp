#include "tcplens/engine/engine.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "engine_runs.hpp"
#include "pipeline.hpp"
#include "tcplens/capture/pcap_file_source.hpp"

namespace tcplens {

void Emitter::put_stream(std::uint32_t stream) {
  if (numbers_ != nullptr) {
    out_->put_u32(numbers_[stream]);
  } else if (!patching_) {
    out_->put_u32(stream);
  } else if (patch_count_ < kMaxPatches) {
    patches_[patch_count_++] = {static_cast<std::uint32_t>(out_->size() - item_start_), stream};
  }
}

Engine::Engine(const EngineOptions& options) : options_(options) {}
Engine::~Engine() = default;

unsigned Engine::default_threads() {
  return std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
}

namespace engine_detail {

Plan make_plan(const EngineOptions& options, const std::vector<const PacketFilter*>& filters,
               const std::vector<SinkFactory*>& factories, const std::vector<RecordSink*>& record_sinks) {
  Plan p;
  p.options = options;
  p.filters = filters;
  p.factories = factories;
  p.record_sinks = record_sinks;
  p.has_record_sinks = !record_sinks.empty();
  for (const SinkFactory* f : factories) p.needs |= f->needs();
  if (p.has_record_sinks) p.needs |= need::kConnections;
  for (const RecordSink* s : record_sinks) p.needs |= s->needs();
  std::uint32_t filter_needs = 0;
  for (const PacketFilter* f : filters) filter_needs |= f->needs();
  p.filter_needs_state = (filter_needs & (need::kDecode | need::kTrack | need::kConnections |
                                          need::kStreamNumbers)) != 0;
  p.needs |= filter_needs;
  // Each need implies what it is computed from.
  if (p.needs & need::kZeek) p.needs |= need::kConnections;
  // Zeek's log is Zeek's own splitting of the packets: it needs no tshark stream tracking.
  if (p.needs & need::kZeekLog) p.needs |= need::kDecode;
  if (p.needs & (need::kConnections | need::kFinalValues | need::kStreamNumbers)) p.needs |= need::kTrack;
  if (p.needs & need::kTrack) p.needs |= need::kDecode;
  p.decode = p.needs & need::kDecode;
  p.track = p.needs & need::kTrack;
  p.records = (p.needs & need::kConnections) != 0;
  p.zeek = p.needs & need::kZeek;
  p.zeek_log = p.needs & need::kZeekLog;
  p.final_values = p.needs & need::kFinalValues;
  p.stream_numbers = p.needs & need::kStreamNumbers;
  p.shown_order = p.needs & need::kShownOrder;
  p.packet_events = (p.needs & need::kPackets) || !filters.empty();
  return p;
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void add_counters(TrackerCounters& total, const TrackerCounters& c) {
  total.closed_freed += c.closed_freed;
  total.idle_evicted += c.idle_evicted;
  total.cap_evicted += c.cap_evicted;
  total.resumed += c.resumed;
  total.remembered_dropped += c.remembered_dropped;
  total.peak_live += c.peak_live;
}

namespace {

// Writes every item as it comes (one thread, no stage).
class DirectTarget final : public ItemTarget {
 public:
  DirectTarget(Output& out, const Plan& plan) : out_(out), plan_(plan) {}
  void item(const ItemMeta&, Emitter&) override {
    if (plan_.options.flush_each_packet ? !out_.flush() : !out_.flush_if_large()) failed_ = true;
  }
  void record(const ItemMeta&, ConnectionRecord& r) override {
    for (RecordSink* s : plan_.record_sinks) s->on_connection(r);
  }
  void marker(const ItemMeta&) override {}
  bool failed() const { return failed_; }

 private:
  Output& out_;
  const Plan& plan_;
  bool failed_ = false;
};

// Passes every item through an OrderedText stage (one thread).
class StagedTarget final : public ItemTarget {
 public:
  StagedTarget(Output& scratch, OrderedText& stage, const Plan& plan)
      : scratch_(scratch), stage_(stage), plan_(plan) {}
  void item(const ItemMeta&, Emitter& e) override {
    const std::string_view all = scratch_.text();
    if (!stage_.write(all.substr(e.item_start()), e.sort_key())) failed_ = true;
    scratch_.clear();
  }
  void record(const ItemMeta&, ConnectionRecord& r) override {
    for (RecordSink* s : plan_.record_sinks) s->on_connection(r);
  }
  void marker(const ItemMeta&) override {}
  bool failed() const { return failed_; }

 private:
  Output& scratch_;
  OrderedText& stage_;
  const Plan& plan_;
  bool failed_ = false;
};

}  // namespace

std::unique_ptr<OrderedText> make_stage(const Plan& plan) {
  for (SinkFactory* f : plan.factories)
    if (auto stage = f->ordered_text(plan.options.out_fd)) return stage;
  return nullptr;
}

std::unique_ptr<StreamTracker> run_first_pass(const std::string& path, const StreamTracker::Limits& limits,
                                              std::string& error, std::atomic<std::uint64_t>& progress) {
  auto source = PcapFileSource::open(path, error);
  if (!source) return nullptr;
  auto first = std::make_unique<StreamTracker>(limits);
  first->set_summaries_only(true);  // the second pass does the per-packet analysis
  PacketDecoder decoder;
  RawPacket raw;
  while (source->next(raw) == ReadStatus::Ok) {
    if ((raw.number & 4095) == 0) progress.store(raw.file_offset, std::memory_order_relaxed);
    first->observe(raw.ts);  // the engine's clock: every packet's time (engine.hpp)
    first->on_packet(decoder.decode(raw), raw.number, raw.ts);
  }
  first->release_live_state();
  return first;
}

EngineResult run_serial(PacketSource& source, const Plan& plan, const StreamTracker* first,
                        const std::atomic<bool>& stop, std::atomic<std::uint64_t>& progress) {
  EngineResult result;
  Output out(plan.options.out_fd);
  Output scratch(-1, std::size_t{1} << 16);
  std::unique_ptr<OrderedText> stage = make_stage(plan);
  DirectTarget direct(out, plan);
  std::unique_ptr<StagedTarget> staged;
  if (stage) staged = std::make_unique<StagedTarget>(scratch, *stage, plan);
  ItemTarget& target = staged ? static_cast<ItemTarget&>(*staged) : direct;
  Pipeline pipe(plan, 0, plan.options.limits, stage ? scratch : out, target);
  if (first != nullptr) {
    pipe.set_first_pass(first, nullptr);
    result.two_pass = true;
  }
  // A second pass continues the first one's progress.
  const std::uint64_t progress_base = progress.load(std::memory_order_relaxed) ? progress.load() : 0;
  RawPacket raw;
  for (;;) {
    if (stop.load(std::memory_order_relaxed)) {
      result.stopped = true;
      break;
    }
    if (plan.options.max_shown >= 0 && static_cast<std::int64_t>(pipe.shown()) >= plan.options.max_shown) {
      result.stopped = true;
      break;
    }
    // A live capture's lines go out while it waits for packets.
    if (source.idle() && !out.flush()) break;
    const ReadStatus rs = source.next(raw);
    if (rs == ReadStatus::End) break;
    if (rs == ReadStatus::Idle) {
      pipe.idle(raw.ts);
      if (direct.failed() || (staged && staged->failed())) break;
      continue;
    }
    if (rs == ReadStatus::Error) {
      if (stop.load(std::memory_order_relaxed)) {  // interrupted while waiting: a normal end
        result.stopped = true;
        break;
      }
      result.read_failed = true;
      result.read_error = source.error();
      break;
    }
    if ((++result.packets & 4095) == 0) progress.store(progress_base + raw.file_offset, std::memory_order_relaxed);
    pipe.clock(raw, true);
    pipe.process(raw, nullptr);
    if (direct.failed() || (staged && staged->failed())) break;
  }
  pipe.finish();
  bool ok = !direct.failed() && !(staged && staged->failed());
  if (stage) ok = stage->finish() && ok;
  ok = out.flush() && ok;
  for (RecordSink* s : plan.record_sinks) s->on_finish();
  if (!ok) {
    result.output_failed = true;
    result.output_errno = errno;
  }
  result.shown = pipe.shown();
  result.tracker = pipe.tracker().counters();
  result.zeek_evictions = pipe.zeek_evictions();
  return result;
}

}  // namespace engine_detail

using namespace engine_detail;

EngineResult Engine::run_file(const std::string& path, std::unique_ptr<PacketSource> opened) {
  const Plan p = make_plan(options_, filters_, factories_, record_sinks_);
  unsigned threads = options_.threads ? options_.threads : default_threads();
  // The shown order of packets spread over workers is known only when the filters read the
  // bytes alone (every worker then judges every packet).
  if (p.shown_order && p.filter_needs_state) threads = 1;
  // A display filter on tcp.stream needs the whole input's numbers in the worker: one thread
  // unless a first pass numbers the streams anyway.
  if (p.stream_numbers && !p.final_values) threads = 1;
  const bool regular = is_regular_file(path);
  const bool two_pass = p.final_values && !options_.single_pass && regular;
  if (regular) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) progress_total_.store(static_cast<std::uint64_t>(st.st_size) * (two_pass ? 2 : 1));
  }
  if (threads > 1 && regular) return run_sharded_file(path, p, threads, two_pass, stop_, progress_);
  std::unique_ptr<StreamTracker> first;
  if (two_pass) {
    std::string error;
    first = run_first_pass(path, options_.limits, error, progress_);
    if (!first) {
      EngineResult r;
      r.open_error = error;
      return r;
    }
    // The second pass reads the file again from its start.
    opened = PcapFileSource::open(path, error);
    if (!opened) {
      EngineResult r;
      r.open_error = error;
      return r;
    }
  }
  if (!opened) {
    std::string error;
    opened = PcapFileSource::open(path, error);
    if (!opened) {
      EngineResult r;
      r.open_error = error;
      return r;
    }
  }
  return run_serial(*opened, p, first.get(), stop_, progress_);
}

EngineResult Engine::run(PacketSource& source) {
  const Plan p = make_plan(options_, filters_, factories_, record_sinks_);
  return run_serial(source, p, nullptr, stop_, progress_);
}

}  // namespace tcplens
