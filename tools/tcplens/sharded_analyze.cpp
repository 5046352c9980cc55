// tcplens analyze on several threads: the capture's connections are split between worker
// threads by their 4-tuple (flow/shard.hpp), each worker runs both of tshark's passes over its
// share, and the workers write their rows in frame order between them (Merge).
//
// Each worker reads the whole file (read once for all of them: SharedCaptureFile) but decodes
// and tracks only its own packets; the packets it passes over still drive its timers
// (StreamTracker::observe), so connections are freed at the same packets as on one thread.
// Stream numbers are the workers' own: after the first passes, the frame at which every stream
// began gives its tcp.stream (streams are numbered in the order they begin). The output is the same as on one
// thread, except when the cap on tracked connections acts: each worker then has its share of
// the cap (docs/tcp-analysis.md).
#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <malloc.h>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <sys/uio.h>

#include "commands.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/flow/shard.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/tshark_tsv.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens::cli {

namespace {

// A worker's rows wait to be written in batches of consecutive frames, in a few slots per
// worker so that workers can run ahead of one another.
constexpr std::uint64_t kBatchFrames = 1024;
constexpr std::size_t kSlots = 8;

struct Batch {
  Output text{-1, std::size_t{1} << 16};
  TsharkTsvWriter writer{text};
  std::vector<std::uint64_t> frames;  // frame number of each row, ascending
  std::vector<std::size_t> ends;      // where each row ends in `text`
  bool last = false;                  // the worker has no more rows after this batch
  std::atomic<bool> full{false};      // written by the worker, not yet merged
};

struct Worker {
  std::uint32_t index = 0;
  StreamTracker first;   // first pass: every stream's final summary
  StreamTracker second;  // second pass: the per-packet analysis
  std::vector<std::uint64_t> began;    // frame at which each of its streams began
  std::vector<std::uint32_t> numbers;  // its stream -> tcp.stream
  std::array<Batch, kSlots> slots;
  // The first pass's summaries of the streams of recent rows (unpacking one for every row
  // costs more than this look-up).
  struct CachedSummary {
    std::uint32_t stream = ~0u;
    StreamSummary summary;
  };
  std::array<CachedSummary, 64> summaries;
  ReadStatus status = ReadStatus::End;
  std::string error;        // the open error, if any
  SourceError read_error;   // the read error, if any

  explicit Worker(const StreamTracker::Limits& limits) : first(limits), second(limits) {
    first.set_summaries_only(true);  // the second pass does the per-packet analysis
  }
};

// Reads the file and calls owned(raw, packet) for every packet of the worker's shard (and, on
// worker 0, for packets no tracker tracks, which may still get a row) and passed(raw, tracked)
// for every other packet, `tracked` when another worker's tracker tracks it. Read and open
// errors are left in w.status, w.read_error and w.error.
template <typename Owned, typename Passed>
void for_each_packet(const std::string& path, SharedCaptureFile* shared, Worker& w, std::uint32_t shards,
                     Owned owned, Passed passed) {
  auto source = shared ? PcapFileSource::open_shared(*shared, w.index, w.error)
                      : PcapFileSource::open(path, w.error);
  if (!source) {
    w.status = ReadStatus::Error;
    return;
  }
  PacketDecoder decoder;
  RawPacket raw;
  while ((w.status = source->next(raw)) == ReadStatus::Ok) {
    std::uint32_t shard = peek_shard(raw, shards);
    if (shard != kShardUnknown) {
      if (shard == w.index)
        owned(raw, decoder.decode(raw));
      else
        passed(raw, true);
      continue;
    }
    const DecodedPacket& pkt = decoder.decode(raw);
    FlowKey key;
    shard = StreamTracker::tracked_key(pkt, key) ? shard_of(key, shards) : kShardUnknown;
    if (shard == w.index || (shard == kShardUnknown && w.index == 0))
      owned(raw, pkt);
    else
      passed(raw, shard != kShardUnknown);
  }
  if (w.status == ReadStatus::Error) w.read_error = source->error();
}

void first_pass(const std::string& path, SharedCaptureFile* shared, Worker& w, std::uint32_t shards) {
  for_each_packet(
      path, shared, w, shards,
      [&](const RawPacket& raw, const DecodedPacket& pkt) {
        const std::size_t before = w.first.stream_count();
        w.first.on_packet(pkt, raw.number, raw.ts);
        for (std::size_t i = before; i < w.first.stream_count(); ++i) w.began.push_back(raw.number);
      },
      [&](const RawPacket& raw, bool tracked) {
        if (tracked) w.first.observe(raw.ts);
      });
  w.first.release_live_state();
}

// tcp.stream numbers streams in the order they began: merge the workers' lists of first frames.
void number_streams(std::vector<std::unique_ptr<Worker>>& workers) {
  std::vector<std::size_t> at(workers.size(), 0);
  for (std::uint32_t next = 0;; ++next) {
    Worker* earliest = nullptr;
    for (std::size_t k = 0; k < workers.size(); ++k) {
      Worker& w = *workers[k];
      if (at[k] < w.began.size() && (!earliest || w.began[at[k]] < earliest->began[at[earliest->index]]))
        earliest = &w;
    }
    if (!earliest) break;
    earliest->numbers.push_back(next);
    ++at[earliest->index];
  }
  for (auto& w : workers) std::vector<std::uint64_t>().swap(w->began);
}

Batch& take_slot(Worker& w, std::uint64_t batch) {
  Batch& b = w.slots[batch % kSlots];
  b.full.wait(true, std::memory_order_acquire);
  return b;
}

void hand_over(Batch& b, bool last) {
  b.last = last;
  b.full.store(true, std::memory_order_release);  // (nobody waits for this: see merge_ready)
}

// Writes all of `iov` to `fd` (and consumes it); false on an error.
bool write_all(int fd, std::vector<iovec>& iov) {
  std::size_t first = 0;
  while (first < iov.size()) {
    const int count = static_cast<int>(std::min<std::size_t>(iov.size() - first, IOV_MAX));
    ssize_t w = ::writev(fd, iov.data() + first, count);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    // Skip what was written, splitting a row written in part.
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
  return true;
}

// The workers' rows written in frame order, straight from their batches (no copy). There is
// no merging thread: after handing a batch over, a worker writes every batch that all workers
// have handed over, so that no third thread competes with the workers for the processors (it
// used to wake for every batch, and the workers yielded to it).
struct Merge {
  int fd = 1;
  std::atomic<std::uint64_t> requests{0};  // calls of merge_ready() so far
  std::mutex mutex;                        // held by the worker that writes
  // Under `mutex`:
  std::uint64_t next = 0;         // the next batch to write
  std::vector<bool> done;         // the worker's last batch is written
  std::vector<Batch*> batch;      // each worker's batch being written, or nullptr
  std::vector<std::size_t> row;   // its next row
  std::vector<iovec> iov;
  bool ok = true;  // no write error so far (batches are still taken after one)
};

// Writes batch m.next of every worker still running if all have handed it over; false when
// they have not, or all are done. Called with m.mutex held.
bool write_batch(std::vector<std::unique_ptr<Worker>>& workers, Merge& m) {
  const std::size_t n = workers.size();
  std::vector<Batch*>& batch = m.batch;
  std::vector<std::size_t>& row = m.row;
  bool any = false;
  for (std::size_t k = 0; k < n; ++k) {
    batch[k] = nullptr;
    row[k] = 0;
    if (m.done[k]) continue;
    Batch& b = workers[k]->slots[m.next % kSlots];
    if (!b.full.load(std::memory_order_acquire)) return false;
    batch[k] = &b;
    any = true;
  }
  if (!any) return false;
  std::size_t last_pick = n;
  for (;;) {
    std::size_t pick = n;
    for (std::size_t k = 0; k < n; ++k)
      if (batch[k] && row[k] < batch[k]->frames.size() &&
          (pick == n || batch[k]->frames[row[k]] < batch[pick]->frames[row[pick]]))
        pick = k;
    if (pick == n) break;
    const Batch& b = *batch[pick];
    const std::size_t begin = row[pick] ? b.ends[row[pick] - 1] : 0;
    const std::size_t len = b.ends[row[pick]] - begin;
    if (pick == last_pick) {
      m.iov.back().iov_len += len;  // the next row of the same batch: one piece
    } else {
      m.iov.push_back({const_cast<char*>(b.text.text().data()) + begin, len});
      last_pick = pick;
    }
    ++row[pick];
  }
  if (m.ok && !write_all(m.fd, m.iov)) m.ok = false;
  m.iov.clear();
  for (std::size_t k = 0; k < n; ++k) {
    Batch* b = batch[k];
    if (b == nullptr) continue;
    if (b->last) m.done[k] = true;
    b->text.clear();
    b->frames.clear();
    b->ends.clear();
    b->full.store(false, std::memory_order_release);
    b->full.notify_one();  // its worker may be waiting for the slot
  }
  ++m.next;
  return true;
}

// Writes what is ready, unless another worker is writing: that one then looks again when it
// is done, so no handed-over batch is left waiting.
void merge_ready(std::vector<std::unique_ptr<Worker>>& workers, Merge& m) {
  m.requests.fetch_add(1);
  for (;;) {
    std::unique_lock<std::mutex> lock(m.mutex, std::try_to_lock);
    if (!lock.owns_lock()) return;
    const std::uint64_t seen = m.requests.load();
    while (write_batch(workers, m)) {
    }
    lock.unlock();
    if (m.requests.load() == seen) return;
  }
}

void second_pass(const std::string& path, SharedCaptureFile* shared, Worker& w, std::uint32_t shards,
                 bool print, std::vector<std::unique_ptr<Worker>>& workers, Merge& merge) {
  w.second.set_first_pass(&w.first);
  std::uint64_t batch = 0;
  Batch* b = &take_slot(w, 0);
  // Every frame, owned or not, hands over the batches before it: the writing then never waits
  // for a worker that is ahead in the file (the shared file makes a worker far ahead wait
  // for the slowest one).
  auto next_batch_at = [&](std::uint64_t frame) {
    const std::uint64_t in = (frame - 1) / kBatchFrames;
    while (batch < in) {
      hand_over(*b, false);
      merge_ready(workers, merge);
      b = &take_slot(w, ++batch);
    }
  };
  for_each_packet(
      path, shared, w, shards,
      [&](const RawPacket& raw, const DecodedPacket& pkt) {
        next_batch_at(raw.number);
        const TcpPacketAnalysis& a = w.second.on_packet(pkt, raw.number, raw.ts);
        if (!print) return;
        TsharkTsvWriter& writer = b->writer;
        if (!a.tracked) {
          if (!TsharkTsvWriter::has_short_row(pkt)) return;
          writer.short_row(raw, pkt);
        } else {
          Worker::CachedSummary& cached = w.summaries[a.stream & 63];
          if (cached.stream != a.stream) {
            cached.summary = w.first.summary(a.stream);
            cached.stream = a.stream;
          }
          writer.row(raw, pkt, a, cached.summary, w.numbers[a.stream]);
        }
        b->frames.push_back(raw.number);
        b->ends.push_back(b->text.size());
      },
      [&](const RawPacket& raw, bool tracked) {
        next_batch_at(raw.number);
        if (tracked) w.second.observe(raw.ts);
      });
  hand_over(*b, true);
  merge_ready(workers, merge);
}

}  // namespace

int run_analyze_sharded(const AnalyzeArgs& args, std::uint32_t threads) {
  // Each worker has its share of the caps, so that together they keep to them.
  StreamTracker::Limits limits = to_limits(args.limits);
  limits.max_live = std::max<std::size_t>(1, limits.max_live / threads);
  limits.max_remembered = std::max<std::size_t>(2, limits.max_remembered / threads);
  std::vector<std::unique_ptr<Worker>> workers;
  for (std::uint32_t k = 0; k < threads; ++k) {
    workers.push_back(std::make_unique<Worker>(limits));
    workers.back()->index = k;
    workers.back()->second.set_ground_truth(args.compat != "tshark");
  }
  auto run_all = [&](auto&& pass) {
    std::vector<std::thread> running;
    for (std::uint32_t k = 1; k < threads; ++k) running.emplace_back([&, k] { pass(*workers[k]); });
    pass(*workers[0]);
    for (auto& t : running) t.join();
  };

  // The workers read the file together: read once per pass, when it can be.
  auto shared = SharedCaptureFile::open(args.read_file, threads);
  run_all([&](Worker& w) { first_pass(args.read_file, shared.get(), w, threads); });
  shared.reset();
  number_streams(workers);
  malloc_trim(0);  // what the first passes freed, before the second passes grow

  const bool print = args.format != "none";
  Output out(1);
  if (print) TsharkTsvWriter(out).header();
  if (!out.flush()) return 1;
  shared = SharedCaptureFile::open(args.read_file, threads);
  Merge merge;
  merge.done.assign(threads, false);
  merge.batch.assign(threads, nullptr);
  merge.row.assign(threads, 0);
  merge.iov.reserve(kBatchFrames);
  run_all([&](Worker& w) {
    second_pass(args.read_file, shared.get(), w, threads, print, workers, merge);
  });
  shared.reset();
  {
    std::lock_guard<std::mutex> lock(merge.mutex);
    while (write_batch(workers, merge)) {  // (each worker's last call wrote all: nothing left)
    }
    if (!merge.ok) return 1;
  }

  TrackerCounters total;
  for (auto& w : workers) {
    const TrackerCounters& c = w->second.counters();
    total.closed_freed += c.closed_freed;
    total.idle_evicted += c.idle_evicted;
    total.cap_evicted += c.cap_evicted;
    total.resumed += c.resumed;
    total.remembered_dropped += c.remembered_dropped;
    total.peak_live += c.peak_live;
  }
  report_tracker(total);
  // Every worker reads the same file, so they stop at the same damaged record.
  for (auto& w : workers) {
    if (w->status != ReadStatus::Error) continue;
    if (w->read_error.record == 0)  // it could not open the file
      std::fprintf(stderr, "tcplens: %s: %s\n", args.read_file.c_str(), w->error.c_str());
    else
      report_read_error(args.read_file, w->read_error);
    return 1;
  }
  return 0;
}

}  // namespace tcplens::cli
