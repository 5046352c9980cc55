// A file split between worker threads: each worker reads the whole file (read once for all
// of them: SharedCaptureFile), runs the clock on every packet and its pipeline on the packets
// of its share of the connections (flow/shard.hpp; packets no TCP stream owns go to worker
// 0), and keeps its items in batches of consecutive frames. The batches are written in the
// order one thread writes (the merge below): by frame, then phase, then the whole input's
// stream number, then sink, then worker. Stream numbers: a two-pass run learns them after the
// first pass (streams are numbered in the order they began); a single pass learns them at the
// merge, from the markers the workers leave where a stream began, and patches the text.
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <mutex>
#include <thread>

#include "engine_runs.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/flow/shard.hpp"

namespace tcplens::engine_detail {

namespace {

// A worker's items wait to be written in batches of consecutive frames, in a few slots per
// worker so that workers can run ahead of one another.
constexpr std::uint64_t kBatchFrames = 1024;
constexpr std::size_t kSlots = 8;

struct Item {
  enum class Kind : std::uint8_t { Text, Began, Shown, Record };
  std::uint64_t frame = 0;
  std::uint64_t sort_key = 0;
  std::uint32_t stream = kNoStream;  // the worker's number
  std::uint32_t begin = 0, end = 0;  // text, in the batch
  std::uint32_t patch_begin = 0;     // in Batch::patches
  std::uint16_t patch_count = 0;
  std::uint16_t sink = 0;
  std::uint32_t record = 0;  // in Batch::records
  Phase phase = Phase::Packet;
  Kind kind = Kind::Text;
  bool shown = false;
};

// How far a worker's items are given once one of its batches is: every item of the frames
// before `frames_end`; or, for a batch cut between the chunks of records ended together (at
// cut_frame, cut_phase), the group's items up to the worker's stream `cut_stream`; or all
// of them (`last`: the worker has no more items after this batch).
struct Given {
  std::uint64_t frames_end = 0;
  bool last = false;
  bool cut = false;
  std::uint64_t cut_frame = 0;
  Phase cut_phase = Phase::Timers;
  std::uint32_t cut_stream = 0;
};

struct Batch {
  Output text{-1, std::size_t{1} << 16};
  std::vector<Item> items;
  std::vector<Emitter::Patch> patches;
  std::vector<ConnectionRecord> records;
  Given given;
  std::atomic<bool> full{false};  // handed over by the worker, not yet written
  // Ready for the next frames. A batch that held a burst (a timer that ends thousands of
  // connections at one packet: their records, their explanations) gives the memory back, or
  // every slot of every worker would keep the largest burst it ever held.
  void clear() {
    text.clear_and_trim(kTextKept);
    items.clear();
    patches.clear();
    if (records.capacity() > kRecordsKept) std::vector<ConnectionRecord>().swap(records);
    records.clear();
    given = Given{};
  }
  static constexpr std::size_t kTextKept = std::size_t{256} << 10;
  static constexpr std::size_t kRecordsKept = 256;
};

struct Worker;
class Merge;

// A batch holding this much text is handed over between two chunks of records ended
// together, so that the text of thousands of records ended at one packet (a second's sweep,
// the end of input) is written as it is made, not held in one batch.
constexpr std::size_t kCutAbove = std::size_t{256} << 10;

class BatchTarget final : public ItemTarget {
 public:
  explicit BatchTarget(Worker& w) : w_(w) {}
  void item(const ItemMeta& meta, Emitter& e) override;
  void record(const ItemMeta& meta, ConnectionRecord& r) override;
  void marker(const ItemMeta& meta) override;
  void chunk_done(const ItemMeta& meta) override;

 private:
  Worker& w_;
};

struct alignas(64) Worker {  // (no line shared with another worker's, as PacketSink)
  unsigned index = 0;
  std::unique_ptr<StreamTracker> first;  // two passes: every stream's final summary
  std::vector<std::uint64_t> began;      // first pass: frame at which each of its streams began
  std::vector<std::uint32_t> numbers;    // its stream -> the whole input's
  BatchTarget target{*this};
  std::array<Batch, kSlots> slots;
  Batch* batch = nullptr;  // being filled
  std::uint64_t batch_no = 0;  // the frames it holds: batch_no * kBatchFrames + 1 on
  std::uint64_t slot_no = 0;   // batches handed over before it (cut ones too)
  Merge* merge = nullptr;
  std::size_t cut_above = kCutAbove;
  std::unique_ptr<Pipeline> pipe;
  ReadStatus status = ReadStatus::End;
  std::string error;       // the open error, if any
  SourceError read_error;  // the read error, if any
  std::uint64_t packets = 0;
};

// A new item at `meta`'s place, with no text yet (at the end of the batch's text). Filled
// in place: an Item built on the stack and copied in is read back wider than it was written,
// and that store-forwarding stall cost a tenth of `print -n`'s time.
Item& placed(const ItemMeta& meta, Batch& b, Item::Kind kind) {
  Item& it = b.items.emplace_back();
  it.frame = meta.frame;
  it.phase = meta.phase;
  it.stream = meta.stream;
  it.sink = meta.sink;
  it.shown = meta.shown_packet;
  it.kind = kind;
  it.begin = it.end = static_cast<std::uint32_t>(b.text.size());
  return it;
}

void BatchTarget::item(const ItemMeta& meta, Emitter& e) {
  Batch& b = *w_.batch;
  Item& it = placed(meta, b, Item::Kind::Text);
  it.sort_key = e.sort_key();
  it.begin = static_cast<std::uint32_t>(e.item_start());
  it.patch_begin = static_cast<std::uint32_t>(b.patches.size());
  it.patch_count = static_cast<std::uint16_t>(e.patch_count());
  for (std::size_t i = 0; i < e.patch_count(); ++i) b.patches.push_back(e.patches()[i]);
}

void BatchTarget::record(const ItemMeta& meta, ConnectionRecord& r) {
  Batch& b = *w_.batch;
  Item& it = placed(meta, b, Item::Kind::Record);
  it.record = static_cast<std::uint32_t>(b.records.size());
  b.records.push_back(std::move(r));
}

void BatchTarget::marker(const ItemMeta& meta) {
  Batch& b = *w_.batch;
  placed(meta, b, meta.phase == Phase::Began ? Item::Kind::Began : Item::Kind::Shown);
}

// Writes all of `iov` to `fd` (and consumes it); false on an error.
bool write_all(int fd, std::vector<iovec>& iov) {
  std::size_t first = 0;
  while (first < iov.size()) {
    const int count = static_cast<int>(std::min<std::size_t>(iov.size() - first, IOV_MAX));
    const ssize_t w = ::writev(fd, iov.data() + first, count);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    // Skip what was written, splitting an item written in part.
    for (auto done = static_cast<std::size_t>(w); done > 0 && first < iov.size();) {
      if (done >= iov[first].iov_len) {
        done -= iov[first++].iov_len;
      } else {
        iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + done;
        iov[first].iov_len -= done;
        done = 0;
      }
    }
  }
  iov.clear();
  return true;
}

// The workers' items written in order. There is no merging thread: after handing a batch
// over, a worker writes every item that is sure to come next (no worker can still give an
// item before it: each batch says how far its worker's items are given), so that no third
// thread competes with the workers for the processors. A batch is given back once written.
class Merge {
 public:
  Merge(const Plan& plan, std::vector<std::unique_ptr<Worker>>& workers, OrderedText* stage,
        std::atomic<bool>& stop)
      : plan_(plan), workers_(workers), stage_(stage), stop_(stop), done_(workers.size(), false),
        batch_(workers.size(), nullptr), at_(workers.size(), 0), cur_(workers.size(), 0),
        given_(workers.size()), global_(workers.size()) {
    iov_.reserve(1024);
    digits_.resize(kDigitsSize);
  }

  // Writes what is ready, unless another worker is writing: that one then looks again when
  // it is done, so that no handed-over batch is left waiting.
  void ready() {
    requests_.fetch_add(1);
    for (;;) {
      std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
      if (!lock.owns_lock()) return;
      const std::uint64_t seen = requests_.load();
      while (write_batch()) {
      }
      lock.unlock();
      if (requests_.load() == seen) return;
    }
  }
  // After every worker has ended (nothing can be waiting then).
  void drain() {
    std::lock_guard<std::mutex> lock(mutex_);
    while (write_batch()) {
    }
  }
  bool ok() const { return ok_; }
  int saved_errno() const { return errno_; }
  std::uint64_t shown() const { return shown_; }

 private:
  static constexpr std::size_t kDigitsSize = 1 << 16;

  static constexpr std::uint64_t kAll = ~std::uint64_t{0};

  bool write_batch();
  // The input's streams below which worker k has given all its items of (frame, phase):
  // kAll when it has given the whole group, 0 when none of it yet.
  std::uint64_t given_below(std::size_t k, std::uint64_t frame, Phase phase) const;
  void give_back(std::size_t k, Batch& b);
  bool handle_group(std::uint64_t frame, Phase phase, std::uint64_t below);
  void handle(std::size_t worker, const Item& it);
  void put_text(const Batch& b, const Item& it, std::size_t worker);
  void flush_iov() {
    if (!iov_.empty() && ok_ && !write_all(plan_.options.out_fd, iov_)) fail();
    iov_.clear();
    digits_used_ = 0;
    last_end_ = nullptr;
  }
  void fail() {
    if (ok_) errno_ = errno;
    ok_ = false;
    stop_.store(true, std::memory_order_relaxed);
  }
  std::uint32_t global_of(std::size_t worker, std::uint32_t stream) const {
    const auto& g = global_[worker];
    return stream < g.size() ? g[stream] : stream;
  }

  const Plan& plan_;
  std::vector<std::unique_ptr<Worker>>& workers_;
  OrderedText* stage_;
  std::atomic<bool>& stop_;
  std::atomic<std::uint64_t> requests_{0};
  std::mutex mutex_;  // held by the worker that writes
  // Under mutex_:
  std::vector<bool> done_;  // the worker's last batch is written
  std::vector<Batch*> batch_;    // each worker's oldest batch not written, if handed over
  std::vector<std::size_t> at_;  // its next item
  std::vector<std::uint64_t> cur_;  // its number (Worker::slot_no)
  std::vector<Given> given_;  // from the last of its batches looked at
  std::vector<std::vector<std::uint32_t>> global_;  // worker's stream -> the input's (single pass)
  std::uint32_t next_global_ = 0;
  std::vector<iovec> iov_;
  const char* last_end_ = nullptr;  // where the last iovec ends, to extend it
  std::vector<char> digits_;        // patched numbers, pointed at by iov_
  std::size_t digits_used_ = 0;
  std::string assembled_;           // an item for the stage, patches applied
  struct Pick {
    std::size_t worker;
    std::size_t item;
    std::uint64_t stream;  // the input's number, or kNoStream
    std::uint16_t sink;
  };
  std::vector<Pick> group_;
  std::uint64_t shown_ = 0;
  bool limit_reached_ = false;
  bool ok_ = true;
  int errno_ = 0;
};

std::uint64_t Merge::given_below(std::size_t k, std::uint64_t frame, Phase phase) const {
  if (done_[k]) return kAll;
  const Given& g = given_[k];
  if (g.last) return kAll;
  if (!g.cut) return frame < g.frames_end ? kAll : 0;
  if (frame != g.cut_frame) return frame < g.cut_frame ? kAll : 0;
  if (phase != g.cut_phase) return phase < g.cut_phase ? kAll : 0;
  // Its streams are numbered in the input's order, and its stream cut_stream began before
  // this group (its marker is written): the rest of its group is for later streams.
  return std::uint64_t{global_of(k, g.cut_stream)} + 1;
}

void Merge::give_back(std::size_t k, Batch& b) {
  flush_iov();  // the iovecs point into its text
  if (b.given.last) done_[k] = true;
  b.clear();
  b.full.store(false, std::memory_order_release);
  b.full.notify_one();  // its worker may be waiting for the slot
  ++cur_[k];
  at_[k] = 0;
}

bool Merge::write_batch() {
  const std::size_t n = workers_.size();
  bool progress = false;
  for (;;) {
    // Each worker's oldest batch with items left; the ones written are given back.
    for (std::size_t k = 0; k < n; ++k) {
      batch_[k] = nullptr;
      while (!done_[k]) {
        Batch& b = workers_[k]->slots[cur_[k] % kSlots];
        if (!b.full.load(std::memory_order_acquire)) break;
        given_[k] = b.given;
        if (at_[k] < b.items.size()) {
          batch_[k] = &b;
          break;
        }
        give_back(k, b);
        progress = true;
      }
    }
    // The earliest (frame, phase) among the workers' next items.
    std::size_t pick = n;
    for (std::size_t k = 0; k < n; ++k) {
      if (!batch_[k]) continue;
      const Item& it = batch_[k]->items[at_[k]];
      if (pick == n) {
        pick = k;
        continue;
      }
      const Item& best = batch_[pick]->items[at_[pick]];
      if (it.frame < best.frame || (it.frame == best.frame && it.phase < best.phase)) pick = k;
    }
    if (pick == n) break;
    const Item& first = batch_[pick]->items[at_[pick]];
    std::uint64_t below = kAll;
    for (std::size_t k = 0; k < n; ++k) below = std::min(below, given_below(k, first.frame, first.phase));
    if (below == 0) break;  // a worker has yet to give items of this group
    // The common case: a packet's lines, from one worker only.
    if (first.phase == Phase::Packet && below == kAll) {
      bool alone = true;
      for (std::size_t k = 0; k < n && alone; ++k)
        if (k != pick && batch_[k] && batch_[k]->items[at_[k]].frame == first.frame) alone = false;
      if (alone) {
        const Batch& b = *batch_[pick];
        const std::uint64_t frame = first.frame;
        while (at_[pick] < b.items.size() && b.items[at_[pick]].frame == frame &&
               b.items[at_[pick]].phase == Phase::Packet)
          handle(pick, b.items[at_[pick]++]);
        progress = true;
        continue;
      }
    }
    if (!handle_group(first.frame, first.phase, below)) break;
    progress = true;
  }
  flush_iov();
  return progress;
}

bool Merge::handle_group(std::uint64_t frame, Phase phase, std::uint64_t below) {
  // Markers first (they number the streams the group's records name), then the rest sorted
  // by (stream, sink, worker) as one thread orders them: the items of streams below `below`
  // (each worker gives a group's items in stream order, its log lines, of no stream, last).
  group_.clear();
  bool any = false;
  for (std::size_t k = 0; k < workers_.size(); ++k) {
    if (!batch_[k]) continue;
    const Batch& b = *batch_[k];
    while (at_[k] < b.items.size() && b.items[at_[k]].frame == frame && b.items[at_[k]].phase == phase) {
      const Item& it = b.items[at_[k]];
      if (it.kind == Item::Kind::Began) {
        handle(k, it);
      } else {
        const std::uint64_t stream = it.stream == kNoStream ? kNoStream : global_of(k, it.stream);
        if (stream >= below) break;
        group_.push_back({k, at_[k], stream, it.sink});
      }
      ++at_[k];
      any = true;
    }
  }
  // The item index makes the order total, so std::sort (no temporary buffer, unlike
  // stable_sort) keeps each worker's items in the order it made them.
  if (group_.size() > 1)
    std::sort(group_.begin(), group_.end(), [](const Pick& a, const Pick& b) {
      if (a.stream != b.stream) return a.stream < b.stream;
      if (a.sink != b.sink) return a.sink < b.sink;
      if (a.worker != b.worker) return a.worker < b.worker;
      return a.item < b.item;
    });
  for (const Pick& p : group_) handle(p.worker, batch_[p.worker]->items[p.item]);
  return any;
}

void Merge::handle(std::size_t worker, const Item& it) {
  if (it.kind == Item::Kind::Began) {
    auto& g = global_[worker];
    if (g.size() <= it.stream) g.resize(it.stream + 1, kNoStream);
    g[it.stream] = next_global_++;
    return;
  }
  if (limit_reached_ || !ok_) return;
  if (it.kind == Item::Kind::Record) {
    ConnectionRecord& r = batch_[worker]->records[it.record];
    r.conn.stream = global_of(worker, r.conn.stream);
    for (RecordSink* s : plan_.record_sinks) s->on_connection(r);
    return;
  }
  if (it.kind == Item::Kind::Text && it.end > it.begin) put_text(*batch_[worker], it, worker);
  else if (it.kind == Item::Kind::Text && it.patch_count) put_text(*batch_[worker], it, worker);
  if (it.shown && plan_.options.max_shown >= 0 &&
      static_cast<std::int64_t>(++shown_) >= plan_.options.max_shown) {
    limit_reached_ = true;
    stop_.store(true, std::memory_order_relaxed);
  }
}

void Merge::put_text(const Batch& b, const Item& it, std::size_t worker) {
  const char* base = b.text.text().data();
  if (stage_ != nullptr) {
    assembled_.clear();
    std::uint32_t at = it.begin;
    for (std::uint16_t i = 0; i < it.patch_count; ++i) {
      const Emitter::Patch& p = b.patches[it.patch_begin + i];
      assembled_.append(base + at, it.begin + p.at - at);
      assembled_ += std::to_string(global_of(worker, p.stream));
      at = it.begin + p.at;
    }
    assembled_.append(base + at, it.end - at);
    if (!stage_->write(assembled_, it.sort_key)) fail();
    return;
  }
  auto piece = [&](const char* p, std::size_t len) {
    if (len == 0) return;
    if (p == last_end_) {
      iov_.back().iov_len += len;
    } else {
      iov_.push_back({const_cast<char*>(p), len});
    }
    last_end_ = p + len;
    if (iov_.size() >= 4096) flush_iov();
  };
  std::uint32_t at = it.begin;
  for (std::uint16_t i = 0; i < it.patch_count; ++i) {
    const Emitter::Patch& p = b.patches[it.patch_begin + i];
    piece(base + at, it.begin + p.at - at);
    if (digits_used_ + 16 > digits_.size()) flush_iov();
    char* d = digits_.data() + digits_used_;
    char* e = Output::format_u32(d, global_of(worker, p.stream));
    digits_used_ += static_cast<std::size_t>(e - d);
    piece(d, static_cast<std::size_t>(e - d));
    at = it.begin + p.at;
  }
  piece(base + at, it.end - at);
}

Batch& take_slot(Worker& w, std::uint64_t no) {
  Batch& b = w.slots[no % kSlots];
  b.full.wait(true, std::memory_order_acquire);
  return b;
}

void hand_over(Worker& w, Merge& merge, bool last) {
  w.batch->given.last = last;
  w.batch->full.store(true, std::memory_order_release);
  merge.ready();
}

// The next batch to fill, once the one before is handed over.
void next_slot(Worker& w) {
  w.batch = &take_slot(w, ++w.slot_no);
  w.pipe->set_output(w.batch->text);
}

void BatchTarget::chunk_done(const ItemMeta& meta) {
  Batch& b = *w_.batch;
  if (w_.merge == nullptr || b.text.size() < w_.cut_above) return;
  b.given.cut = true;
  b.given.cut_frame = meta.frame;
  b.given.cut_phase = meta.phase;
  b.given.cut_stream = meta.stream;
  hand_over(w_, *w_.merge, false);
  next_slot(w_);
}

// Reads the file and calls owned(raw, decoded) for every packet of the worker's share and
// passed(raw) for every other; the decoding is given when sharding needed it (else null).
template <typename Owned, typename Passed>
void for_each_packet(const std::string& path, SharedCaptureFile* shared, Worker& w, unsigned shards,
                     PacketDecoder& decoder, const std::atomic<bool>& stop, std::atomic<std::uint64_t>& progress,
                     std::uint64_t progress_base, Owned owned, Passed passed) {
  auto source = shared ? PcapFileSource::open_shared(*shared, w.index, w.error)
                       : PcapFileSource::open(path, w.error);
  if (!source) {
    w.status = ReadStatus::Error;
    return;
  }
  RawPacket raw;
  while ((w.status = source->next(raw)) == ReadStatus::Ok) {
    if (stop.load(std::memory_order_relaxed)) {
      w.status = ReadStatus::End;
      break;
    }
    if ((++w.packets & 4095) == 0 && w.index == 0)
      progress.store(progress_base + raw.file_offset, std::memory_order_relaxed);
    std::uint32_t shard = peek_shard(raw, shards);
    const DecodedPacket* decoded = nullptr;
    if (shard == kShardUnknown) {
      decoded = &decoder.decode(raw);  // (every worker: each reassembles every datagram)
      shard = shard_of_decoded(*decoded, shards);
    }
    if (shard == w.index || (shard == kShardUnknown && w.index == 0))
      owned(raw, decoded);
    else
      passed(raw);
  }
  if (w.status == ReadStatus::Error) w.read_error = source->error();
}

// tcp.stream numbers streams in the order they began: merge the workers' lists of first frames.
void number_streams(std::vector<std::unique_ptr<Worker>>& workers) {
  std::vector<std::size_t> at(workers.size(), 0);
  for (std::uint32_t next = 0;; ++next) {
    Worker* earliest = nullptr;
    for (auto& w : workers) {
      if (at[w->index] < w->began.size() &&
          (!earliest || w->began[at[w->index]] < earliest->began[at[earliest->index]]))
        earliest = w.get();
    }
    if (!earliest) break;
    earliest->numbers.push_back(next);
    ++at[earliest->index];
  }
  for (auto& w : workers) std::vector<std::uint64_t>().swap(w->began);
}

void first_pass(const std::string& path, SharedCaptureFile* shared, Worker& w, unsigned shards,
                const std::atomic<bool>& stop, std::atomic<std::uint64_t>& progress) {
  PacketDecoder decoder;
  StreamTracker& t = *w.first;
  for_each_packet(
      path, shared, w, shards, decoder, stop, progress, 0,
      [&](const RawPacket& raw, const DecodedPacket* decoded) {
        t.observe(raw.ts);  // the engine's clock (engine.hpp)
        const std::size_t before = t.stream_count();
        t.on_packet(decoded ? *decoded : decoder.decode(raw), raw.number, raw.ts);
        for (std::size_t i = before; i < t.stream_count(); ++i) w.began.push_back(raw.number);
      },
      [&](const RawPacket& raw) { t.observe(raw.ts); });
  t.release_live_state();
}

void second_pass(const std::string& path, SharedCaptureFile* shared, Worker& w, unsigned shards,
                 Merge& merge, const std::atomic<bool>& stop, std::atomic<std::uint64_t>& progress,
                 std::uint64_t progress_base) {
  Pipeline& pipe = *w.pipe;
  w.batch_no = 0;
  w.slot_no = 0;
  w.merge = &merge;
  w.batch = &take_slot(w, 0);
  pipe.set_output(w.batch->text);
  // Every frame, owned or not, hands over the batches before it: the writing then never waits
  // for a worker that is ahead in the file (the shared file makes a worker far ahead wait for
  // the slowest one).
  auto next_batch_at = [&](std::uint64_t frame) {
    const std::uint64_t in = (frame - 1) / kBatchFrames;
    if (w.batch_no < in) {
      // (No batch for the frames between with no item: the next one holds them.)
      w.batch->given.frames_end = in * kBatchFrames + 1;
      hand_over(w, merge, false);
      w.batch_no = in;
      next_slot(w);
    }
  };
  for_each_packet(
      path, shared, w, shards, pipe.decoder(), stop, progress, progress_base,
      [&](const RawPacket& raw, const DecodedPacket* decoded) {
        next_batch_at(raw.number);
        pipe.clock(raw, true);
        pipe.process(raw, decoded);
      },
      [&](const RawPacket& raw) {
        next_batch_at(raw.number);
        pipe.clock(raw, false);
      });
  pipe.finish();
  w.batch->given.frames_end = kFinishFrame;
  hand_over(w, merge, true);
}

}  // namespace

EngineResult run_sharded_file(const std::string& path, const Plan& plan, unsigned threads,
                              bool two_pass, std::atomic<bool>& outer_stop,
                              std::atomic<std::uint64_t>& progress) {
  EngineResult result;
  result.threads = threads;
  result.two_pass = two_pass;
  // Each worker has its share of the caps, so that together they keep to them.
  StreamTracker::Limits limits = plan.options.limits;
  limits.max_live = std::max<std::size_t>(1, limits.max_live / threads);
  limits.max_remembered = std::max<std::size_t>(2, limits.max_remembered / threads);
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned k = 0; k < threads; ++k) {
    workers.push_back(std::make_unique<Worker>());
    workers.back()->index = k;
  }
  // The workers stop at the caller's request, or the merge's (-c reached, output failed).
  std::atomic<bool>& stop = outer_stop;
  auto run_all = [&](auto&& pass) {
    std::vector<std::thread> running;
    for (unsigned k = 1; k < threads; ++k) running.emplace_back([&, k] { pass(*workers[k]); });
    pass(*workers[0]);
    for (auto& t : running) t.join();
  };
  if (two_pass) {
    auto shared = SharedCaptureFile::open(path, threads);
    run_all([&](Worker& w) {
      w.first = std::make_unique<StreamTracker>(limits);
      w.first->set_summaries_only(true);
      first_pass(path, shared.get(), w, threads, stop, progress);
    });
    shared.reset();
    number_streams(workers);
    malloc_trim(0);  // what the first passes freed, before the second passes grow
  }

  std::unique_ptr<OrderedText> stage = make_stage(plan);
  Merge merge(plan, workers, stage.get(), stop);
  // Tests: a batch cut after every record ended with others (the corpus's captures are too
  // small to fill a batch), so that the merge of cut batches is checked on all of them.
  const bool cut_every_record = std::getenv("TCPLENS_TEST_CUT_BATCHES") != nullptr;
  for (auto& w : workers) {
    w->pipe = std::make_unique<Pipeline>(plan, w->index, limits, w->slots[0].text, w->target);
    if (cut_every_record) {
      w->cut_above = 0;
      w->pipe->set_record_chunk(1);
    }
    if (two_pass)
      w->pipe->set_first_pass(w->first.get(), w->numbers.data());
    else
      w->pipe->set_patching(true);
  }
  auto shared = SharedCaptureFile::open(path, threads);
  const std::uint64_t progress_base = two_pass ? progress.load() : 0;
  run_all([&](Worker& w) { second_pass(path, shared.get(), w, threads, merge, stop, progress, progress_base); });
  shared.reset();
  merge.drain();
  if (stop.load()) result.stopped = true;

  bool ok = merge.ok();
  int saved = merge.saved_errno();
  if (stage && !stage->finish() && ok) {
    ok = false;
    saved = errno;
  }
  for (RecordSink* s : plan.record_sinks) s->on_finish();
  if (!ok) {
    result.output_failed = true;
    result.output_errno = saved;
  }
  for (auto& w : workers) {
    add_counters(result.tracker, w->pipe->tracker().counters());
    result.zeek_evictions += w->pipe->zeek_evictions();
    result.shown += w->pipe->shown();
  }
  result.packets = workers[0]->packets;
  if (plan.options.max_shown >= 0) result.shown = merge.shown();
  // Every worker reads the same file, so they stop at the same damaged record.
  for (auto& w : workers) {
    if (w->status != ReadStatus::Error) continue;
    if (w->read_error.record == 0 && !w->error.empty()) {
      result.open_error = w->error;
    } else {
      result.read_failed = true;
      result.read_error = w->read_error;
    }
    break;
  }
  return result;
}

}  // namespace tcplens::engine_detail
