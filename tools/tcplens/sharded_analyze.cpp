// tcplens analyze on several threads: the capture's connections are split between worker
// threads by their 4-tuple (flow/shard.hpp), each worker runs both of tshark's passes over its
// share, and the calling thread merges the workers' rows back into frame order.
//
// Each worker reads the whole file (read once for all of them: SharedCaptureFile) but decodes
// and tracks only its own packets; the packets it passes over still drive its timers
// (StreamTracker::observe), so connections are freed at the same packets as on one thread. Stream numbers are the
// workers' own: after the first passes, the frame at which every stream began gives its
// tcp.stream (streams are numbered in the order they begin). The output is the same as on one
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

// Rows travel from a worker to the merging thread in batches of consecutive frames, through
// a few slots per worker so that workers can run ahead of the merge.
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
  std::string error;  // the read or open error, if any

  explicit Worker(const StreamTracker::Limits& limits) : first(limits), second(limits) {
    first.set_summaries_only(true);  // the second pass does the per-packet analysis
  }
};

// Reads the file and calls owned(raw, packet) for every packet of the worker's shard (and, on
// worker 0, for packets no tracker tracks, which may still get a row) and passed(raw, tracked)
// for every other packet, `tracked` when another worker's tracker tracks it. Read and open
// errors are left in w.status and w.error.
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
  if (w.status == ReadStatus::Error) w.error = source->error().message;
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
  b.full.store(true, std::memory_order_release);
  b.full.notify_one();
}

void second_pass(const std::string& path, SharedCaptureFile* shared, Worker& w, std::uint32_t shards,
                 bool print) {
  w.second.set_first_pass(&w.first);
  std::uint64_t batch = 0;
  Batch* b = &take_slot(w, 0);
  // Every frame, owned or not, hands over the batches before it: the merge then never waits
  // for a worker that is ahead in the file (the shared file makes a worker far ahead wait
  // for the slowest one).
  auto next_batch_at = [&](std::uint64_t frame) {
    const std::uint64_t in = (frame - 1) / kBatchFrames;
    while (batch < in) {
      hand_over(*b, false);
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

// Writes the workers' rows to `fd` in frame order as their batches come, straight from the
// batches (no copy); false on a write error (the batches are still taken, so that no worker
// waits for ever).
bool merge_rows(std::vector<std::unique_ptr<Worker>>& workers, int fd) {
  const std::size_t n = workers.size();
  std::vector<Batch*> batch(n, nullptr);
  std::vector<std::size_t> row(n, 0);
  std::vector<bool> done(n, false);
  std::vector<iovec> iov;
  iov.reserve(kBatchFrames);
  bool ok = true;
  std::size_t running = n;
  for (std::uint64_t j = 0; running > 0; ++j) {
    for (std::size_t k = 0; k < n; ++k) {
      if (done[k]) continue;
      Batch& b = workers[k]->slots[j % kSlots];
      b.full.wait(false, std::memory_order_acquire);
      batch[k] = &b;
      row[k] = 0;
    }
    std::size_t last_pick = n;
    for (;;) {
      std::size_t pick = n;
      for (std::size_t k = 0; k < n; ++k)
        if (!done[k] && row[k] < batch[k]->frames.size() &&
            (pick == n || batch[k]->frames[row[k]] < batch[pick]->frames[row[pick]]))
          pick = k;
      if (pick == n) break;
      const Batch& b = *batch[pick];
      const std::size_t begin = row[pick] ? b.ends[row[pick] - 1] : 0;
      const std::size_t len = b.ends[row[pick]] - begin;
      if (pick == last_pick) {
        iov.back().iov_len += len;  // the next row of the same batch: one piece
      } else {
        iov.push_back({const_cast<char*>(b.text.text().data()) + begin, len});
        last_pick = pick;
      }
      ++row[pick];
    }
    if (ok && !write_all(fd, iov)) ok = false;
    iov.clear();
    for (std::size_t k = 0; k < n; ++k) {
      if (done[k]) continue;
      Batch& b = *batch[k];
      if (b.last) {
        done[k] = true;
        --running;
      }
      b.text.clear();
      b.frames.clear();
      b.ends.clear();
      b.full.store(false, std::memory_order_release);
      b.full.notify_one();
    }
  }
  return ok;
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
  std::vector<std::thread> running;
  for (std::uint32_t k = 0; k < threads; ++k)
    running.emplace_back([&, k] { second_pass(args.read_file, shared.get(), *workers[k], threads, print); });
  const bool written = merge_rows(workers, 1);
  for (auto& t : running) t.join();
  shared.reset();
  if (!written) return 1;

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
    std::fprintf(stderr, "tcplens: %s\n", w->error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace tcplens::cli
