// One shard of a split capture run as one worker of the whole input's run, and the merge
// of the shards' items into what one process writes (docs/scale-out.md).
//
// A shard run is the sharded engine's worker with the other workers on other machines: it
// owns every packet of its file (each numbered with its frame in the whole input, from the
// shard's index), and the clock ticks at the whole input's tick packets, which the index
// lists. Instead of text it writes its items, each with its place in the order one thread
// writes (frame, phase, the shard's stream number, sink) and its stream-number patches,
// and a marker where each of its streams began. The merge reads every shard's items and
// writes them as sharded.cpp's Merge does: by frame, then phase, then the whole input's
// stream number (streams numbered in the order they began), then sink, then shard; stream
// numbers patched; through the command's OrderedText stage (a sorted Zeek log, a table).
//
// Items file: "TLITEMS1", u32 shard, u32 shards, then records: a 32-byte header (u64 frame,
// u64 sort key, u32 stream, u32 text length, u16 sink, u8 phase, u8 kind, u16 patch count,
// u16 zero), the patches (u32 offset, u32 stream), the text; an End record closes the file
// (a file without one was cut short). Host byte order: shards and merge run on one kind of
// machine.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

#include "engine_runs.hpp"
#include "tcplens/capture/capture_split.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/capture/shard_index.hpp"

namespace tcplens {

namespace engine_detail {
namespace {

constexpr char kItemsMagic[8] = {'T', 'L', 'I', 'T', 'E', 'M', 'S', '1'};

enum class ItemKind : std::uint8_t { Text = 0, Began = 1, End = 2 };

struct ItemHeader {
  std::uint64_t frame = 0;
  std::uint64_t sort_key = 0;
  std::uint32_t stream = kNoStream;
  std::uint32_t text_len = 0;
  std::uint16_t sink = 0;
  std::uint8_t phase = 0;
  std::uint8_t kind = 0;
  std::uint16_t patch_count = 0;
  std::uint16_t zero = 0;
};
static_assert(sizeof(ItemHeader) == 32);

// Writes the pipeline's items to the items file (a shard run).
class ItemFileTarget final : public ItemTarget {
 public:
  ItemFileTarget(Output& out, Output& scratch) : out_(out), scratch_(scratch) {}
  void start(std::uint32_t shard, std::uint32_t shards) {
    out_.put(std::string_view(kItemsMagic, sizeof kItemsMagic));
    put_raw(&shard, 4);
    put_raw(&shards, 4);
  }
  void item(const ItemMeta& meta, Emitter& e) override {
    const std::string_view text = scratch_.text().substr(e.item_start());
    ItemHeader h = header(meta, ItemKind::Text);
    h.sort_key = e.sort_key();
    h.text_len = static_cast<std::uint32_t>(text.size());
    h.patch_count = static_cast<std::uint16_t>(e.patch_count());
    put_raw(&h, sizeof h);
    put_raw(e.patches(), e.patch_count() * sizeof(Emitter::Patch));
    out_.put(text);
    scratch_.truncate(e.item_start());
    if (!out_.flush_if_large()) failed_ = true;
  }
  void record(const ItemMeta&, ConnectionRecord&) override {}
  void marker(const ItemMeta& meta) override {
    if (meta.phase != Phase::Began) return;  // (shown markers count for -c, not merged)
    const ItemHeader h = header(meta, ItemKind::Began);
    put_raw(&h, sizeof h);
  }
  void end() {
    const ItemHeader h = header({}, ItemKind::End);
    put_raw(&h, sizeof h);
  }
  bool failed() const { return failed_; }

 private:
  static ItemHeader header(const ItemMeta& meta, ItemKind kind) {
    ItemHeader h;
    h.frame = meta.frame;
    h.stream = meta.stream;
    h.sink = meta.sink;
    h.phase = static_cast<std::uint8_t>(meta.phase);
    h.kind = static_cast<std::uint8_t>(kind);
    return h;
  }
  void put_raw(const void* p, std::size_t n) { out_.put(std::string_view(static_cast<const char*>(p), n)); }

  Output& out_;
  Output& scratch_;
  bool failed_ = false;
};

// The clock of a shard run: the whole input's tick packets that are in other shards are
// given to the pipeline (or first pass) as packets it does not own, before the shard's
// next packet.
class ShardClock {
 public:
  explicit ShardClock(const std::vector<ShardTick>& ticks) : ticks_(ticks) {}
  template <typename Tick>
  void before(std::uint64_t frame, Tick tick) {
    while (at_ < ticks_.size() && ticks_[at_].frame < frame) {
      phantom_.number = ticks_[at_].frame;
      phantom_.ts = ticks_[at_++].ts;
      tick(phantom_);
    }
    if (at_ < ticks_.size() && ticks_[at_].frame == frame) ++at_;  // the packet's own tick
  }
  template <typename Tick>
  void rest(Tick tick) { before(~std::uint64_t{0}, tick); }

 private:
  const std::vector<ShardTick>& ticks_;
  std::size_t at_ = 0;
  RawPacket phantom_;
};

// Reads the shard's packets numbered with their frames in the whole input; `each(raw)`.
template <typename Each>
bool for_each_shard_packet(const std::string& path, ShardIndex& index, EngineResult& result,
                           const std::atomic<bool>& stop, Each each) {
  std::string error;
  auto source = PcapFileSource::open(path, error);
  if (!source) {
    result.open_error = error;
    return false;
  }
  if (!index.rewind()) {
    result.open_error = index.error();
    return false;
  }
  RawPacket raw;
  ReadStatus rs;
  result.packets = 0;
  while ((rs = source->next(raw)) == ReadStatus::Ok && !stop.load(std::memory_order_relaxed)) {
    std::uint64_t frame = 0;
    if (!index.next_frame(frame)) {
      result.open_error = index.error().empty() ? "the shard has more packets than its index" : index.error();
      return false;
    }
    raw.number = frame;
    ++result.packets;
    each(raw);
  }
  if (rs == ReadStatus::Error) {
    result.read_failed = true;
    result.read_error = source->error();
  } else if (std::uint64_t frame = 0; rs == ReadStatus::End && index.next_frame(frame)) {
    result.open_error = "the shard has fewer packets than its index";
    return false;
  }
  return true;
}

}  // namespace

EngineResult run_shard(const std::string& path, const std::string& index_path, const Plan& plan,
                       std::atomic<bool>& stop) {
  EngineResult result;
  if (plan.has_record_sinks) {
    result.open_error = "this command gathers its records and cannot run on a shard";
    return result;
  }
  ShardIndex index;
  if (!index.open(index_path)) {
    result.open_error = index.error();
    return result;
  }
  const StreamTracker::Limits& limits = plan.options.limits;
  std::unique_ptr<StreamTracker> first;
  if (plan.final_values && !plan.options.single_pass) {
    // tshark's first pass over the shard, on the whole input's clock.
    first = std::make_unique<StreamTracker>(limits);
    first->set_summaries_only(true);
    PacketDecoder decoder;
    ShardClock clock(index.ticks());
    auto observe = [&](const RawPacket& tick) { first->observe(tick.ts); };
    if (!for_each_shard_packet(path, index, result, stop, [&](const RawPacket& raw) {
          clock.before(raw.number, observe);
          first->observe(raw.ts);
          first->on_packet(decoder.decode(raw), raw.number, raw.ts);
        }))
      return result;
    first->release_live_state();
    result.two_pass = true;
  }
  Output out(plan.options.out_fd);
  Output scratch(-1, std::size_t{1} << 16);
  ItemFileTarget target(out, scratch);
  target.start(index.shard(), index.shards());
  // Shards of one process (run_shards) make their sinks one at a time, as the engine's
  // workers do: a factory's make() need not be thread-safe.
  static std::mutex making;
  std::unique_lock<std::mutex> made(making);
  Pipeline pipe(plan, index.shard(), limits, scratch, target);
  made.unlock();
  if (first) pipe.set_first_pass(first.get(), nullptr);
  pipe.set_patching(true);  // the shard's stream numbers become the input's at the merge
  ShardClock clock(index.ticks());
  auto tick = [&](const RawPacket& phantom) { pipe.clock(phantom, false); };
  if (!for_each_shard_packet(path, index, result, stop, [&](const RawPacket& raw) {
        clock.before(raw.number, tick);
        pipe.clock(raw, true);
        pipe.process(raw, nullptr);
      }))
    return result;
  clock.rest(tick);
  pipe.finish();
  target.end();
  if (target.failed() || !out.flush()) {
    result.output_failed = true;
    result.output_errno = errno;
  }
  result.tracker = pipe.tracker().counters();
  result.zeek_evictions = pipe.zeek_evictions();
  result.shown = pipe.shown();
  return result;
}

namespace {

// One shard's items file, read one record at a time.
class ItemReader {
 public:
  bool open(const std::string& path, std::string& error) {
    path_ = path;
    file_ = std::fopen(path.c_str(), "rb");
    if (file_ == nullptr) return fail(error, std::strerror(errno));
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
    char magic[8];
    if (std::fread(magic, 1, 8, file_) != 8 || std::memcmp(magic, kItemsMagic, 8) != 0 ||
        std::fread(&shard_, 4, 1, file_) != 1 || std::fread(&shards_, 4, 1, file_) != 1)
      return fail(error, "not a tcplens items file (written by a run with --shard-index)");
    return true;
  }
  ~ItemReader() {
    if (file_ != nullptr) std::fclose(file_);
  }
  // The next record into head(), patches(), text(); false at the End record or on an error.
  bool next(std::string& error) {
    if (std::fread(&head_, sizeof head_, 1, file_) != 1) return fail(error, "cut short (no end record)");
    if (head_.kind == static_cast<std::uint8_t>(ItemKind::End)) {
      done_ = true;
      return false;
    }
    patches_.resize(head_.patch_count);
    text_.resize(head_.text_len);
    if ((head_.patch_count && std::fread(patches_.data(), sizeof(Emitter::Patch), head_.patch_count, file_) !=
                                  head_.patch_count) ||
        (head_.text_len && std::fread(text_.data(), 1, head_.text_len, file_) != head_.text_len))
      return fail(error, "cut short in an item");
    return true;
  }
  bool done() const { return done_; }
  const ItemHeader& head() const { return head_; }
  const std::vector<Emitter::Patch>& patches() const { return patches_; }
  const std::string& text() const { return text_; }
  std::uint32_t shard() const { return shard_; }
  std::uint32_t shards() const { return shards_; }

 private:
  bool fail(std::string& error, const char* why) {
    error = path_ + ": " + why;
    done_ = true;
    return false;
  }
  std::FILE* file_ = nullptr;
  std::string path_;
  std::uint32_t shard_ = 0, shards_ = 0;
  ItemHeader head_;
  std::vector<Emitter::Patch> patches_;
  std::string text_;
  bool done_ = false;
};

}  // namespace

EngineResult merge_shards(const std::vector<std::string>& paths, const Plan& plan) {
  EngineResult result;
  std::vector<std::unique_ptr<ItemReader>> readers;
  std::string error;
  for (const std::string& p : paths) {
    readers.push_back(std::make_unique<ItemReader>());
    if (!readers.back()->open(p, error)) {
      result.open_error = error;
      return result;
    }
  }
  // By shard, as the threaded merge orders by worker; every shard once, or the merge would
  // be wrong without a word.
  std::stable_sort(readers.begin(), readers.end(),
                   [](const auto& a, const auto& b) { return a->shard() < b->shard(); });
  for (std::size_t k = 0; k < readers.size(); ++k)
    if (readers[k]->shard() != k || readers[k]->shards() != readers.size()) {
      std::string got;
      for (const auto& r : readers) got += (got.empty() ? "" : ", ") + std::to_string(r->shard());
      result.open_error = "--merge needs the items of every shard of one split, once each (a split into " +
                          std::to_string(readers[k]->shards()) + "): got shards " + got;
      return result;
    }
  for (auto& r : readers)
    if (!r->next(error) && !error.empty()) {
      result.open_error = error;
      return result;
    }
  const std::size_t n = readers.size();
  std::vector<std::vector<std::uint32_t>> global(n);  // shard's stream -> the input's
  std::uint32_t next_global = 0;
  auto global_of = [&](std::size_t k, std::uint32_t stream) {
    return stream < global[k].size() ? global[k][stream] : stream;
  };
  Output out(plan.options.out_fd);
  std::unique_ptr<OrderedText> stage = make_stage(plan);
  std::string assembled;
  bool ok = true;
  // An item of no stream in the (frame, phase) being written, copied out of its reader.
  struct Pending {
    std::uint16_t sink;
    std::size_t shard;
    std::uint64_t sort_key;
    std::string text;  // patched
  };
  std::vector<Pending> group;
  std::size_t group_used = 0;
  std::vector<bool> in_group(n, false);  // the reader's next item is a record of the group
  auto patched = [&](std::size_t k, std::string& to) {
    const ItemReader& r = *readers[k];
    to.clear();
    std::uint32_t at = 0;
    char digits[16];
    for (const Emitter::Patch& p : r.patches()) {
      to.append(r.text(), at, p.at - at);
      to.append(digits, Output::format_u32(digits, global_of(k, p.stream)));
      at = p.at;
    }
    to.append(r.text(), at, std::string::npos);
  };
  // The current item of reader k, written as it is read (a packet's lines, one shard's).
  auto write_now = [&](std::size_t k) {
    const ItemReader& r = *readers[k];
    if (stage) {
      patched(k, assembled);
      return stage->write(assembled, r.head().sort_key);
    }
    const std::string_view text = r.text();
    std::uint32_t at = 0;
    for (const Emitter::Patch& p : r.patches()) {
      out.put(text.substr(at, p.at - at));
      out.put_u32(global_of(k, p.stream));
      at = p.at;
    }
    out.put(text.substr(at));
    return out.flush_if_large();
  };
  while (ok) {
    std::size_t pick = n;
    for (std::size_t k = 0; k < n; ++k) {
      if (readers[k]->done()) continue;
      if (pick == n) {
        pick = k;
        continue;
      }
      const ItemHeader &a = readers[k]->head(), &b = readers[pick]->head();
      if (a.frame < b.frame || (a.frame == b.frame && a.phase < b.phase)) pick = k;
    }
    if (pick == n) break;
    const std::uint64_t frame = readers[pick]->head().frame;
    const std::uint8_t phase = readers[pick]->head().phase;
    // The common case: a packet's lines, from one shard only, in its order (as the
    // threaded merge does).
    if (phase == static_cast<std::uint8_t>(Phase::Packet)) {
      bool alone = true;
      for (std::size_t k = 0; k < n && alone; ++k)
        if (k != pick && !readers[k]->done() && readers[k]->head().frame == frame &&
            readers[k]->head().phase == phase)
          alone = false;
      if (alone) {
        ItemReader& r = *readers[pick];
        while (ok && !r.done() && r.head().frame == frame && r.head().phase == phase) {
          if (!write_now(pick)) ok = false;
          if (!r.next(error) && !error.empty()) ok = false;
        }
        continue;
      }
    }
    // The rest of the group: each shard's items come sorted by (stream, sink) (the pipeline
    // writes a group's records in stream order, and the input's numbers keep each shard's
    // order), except those of no stream (Zeek's lines, last words), which come last in the
    // threaded merge: those wait (copied), the others are merged as they are read, so that
    // a large group (every connection still open at the end) is never held in memory.
    group_used = 0;
    auto take = [&](std::size_t k) {  // past markers and waiting items: is a record next?
      ItemReader& r = *readers[k];
      while (ok && !r.done() && r.head().frame == frame && r.head().phase == phase) {
        const ItemHeader& h = r.head();
        if (h.kind == static_cast<std::uint8_t>(ItemKind::Began)) {
          auto& g = global[k];
          if (g.size() <= h.stream) g.resize(h.stream + 1, kNoStream);
          g[h.stream] = next_global++;
        } else if (h.stream == kNoStream) {
          if (group_used == group.size()) group.emplace_back();
          Pending& p = group[group_used++];
          p.sink = h.sink;
          p.shard = k;
          p.sort_key = h.sort_key;
          patched(k, p.text);
        } else {
          return true;
        }
        if (!r.next(error) && !error.empty()) ok = false;
      }
      return false;
    };
    for (std::size_t k = 0; k < n; ++k) in_group[k] = take(k);
    for (;;) {
      std::size_t next = n;
      std::uint32_t best_stream = 0;
      for (std::size_t k = 0; k < n; ++k) {
        if (!in_group[k]) continue;
        const std::uint32_t stream = global_of(k, readers[k]->head().stream);
        if (next == n || stream < best_stream ||
            (stream == best_stream && readers[k]->head().sink < readers[next]->head().sink)) {
          next = k;
          best_stream = stream;
        }
      }
      if (next == n) break;
      if (!write_now(next)) ok = false;
      if (!readers[next]->next(error) && !error.empty()) ok = false;
      in_group[next] = take(next);
    }
    std::stable_sort(group.begin(), group.begin() + static_cast<std::ptrdiff_t>(group_used),
                     [](const Pending& x, const Pending& y) {
                       return x.sink != y.sink ? x.sink < y.sink : x.shard < y.shard;
                     });
    for (std::size_t i = 0; i < group_used; ++i) {
      const Pending& p = group[i];
      if (stage) {
        if (!stage->write(p.text, p.sort_key)) ok = false;
      } else {
        out.put(p.text);
        if (!out.flush_if_large()) ok = false;
      }
    }
  }
  if (!error.empty()) {
    result.open_error = error;
    return result;
  }
  bool written = ok;
  if (stage) written = stage->finish() && written;
  written = out.flush() && written;
  if (!written) {
    result.output_failed = true;
    result.output_errno = errno;
  }
  return result;
}

}  // namespace engine_detail

EngineResult Engine::run_shard(const std::string& path, const std::string& index_path) {
  const engine_detail::Plan p = engine_detail::make_plan(options_, filters_, factories_, record_sinks_);
  return engine_detail::run_shard(path, index_path, p, stop_);
}

EngineResult Engine::run_shards(const std::string& dir, unsigned shards) {
  const engine_detail::Plan p = engine_detail::make_plan(options_, filters_, factories_, record_sinks_);
  std::vector<std::string> items(shards);
  std::vector<EngineResult> results(shards);
  std::vector<std::thread> threads;
  for (unsigned k = 0; k < shards; ++k) {
    items[k] = CaptureSplitter::shard_path(dir, k, ".items");
    threads.emplace_back([&, k] {
      engine_detail::Plan own = p;
      own.options.out_fd = ::open(items[k].c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (own.options.out_fd < 0) {
        results[k].open_error = items[k] + ": " + std::strerror(errno);
        return;
      }
      results[k] = engine_detail::run_shard(CaptureSplitter::shard_path(dir, k, ".pcap"),
                                            CaptureSplitter::shard_path(dir, k, ".idx"), own, stop_);
      ::close(own.options.out_fd);
    });
  }
  for (auto& t : threads) t.join();
  for (const EngineResult& r : results)
    if (!r.ok()) return r;
  EngineResult merged = engine_detail::merge_shards(items, p);
  for (const EngineResult& r : results) {
    engine_detail::add_counters(merged.tracker, r.tracker);
    merged.zeek_evictions += r.zeek_evictions;
    merged.packets += r.packets;
  }
  merged.threads = shards;
  return merged;
}

EngineResult Engine::merge_shards(const std::vector<std::string>& item_files) {
  const engine_detail::Plan p = engine_detail::make_plan(options_, filters_, factories_, record_sinks_);
  return engine_detail::merge_shards(item_files, p);
}

}  // namespace tcplens
