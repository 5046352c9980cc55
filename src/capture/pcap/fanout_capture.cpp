#include "tcplens/capture/pcap/fanout_capture.hpp"

#include <unistd.h>

#include <thread>

#include "tcplens/capture/capture_split.hpp"
#include "tcplens/capture/pcap_writer.hpp"
#include "tcplens/capture/shard_index.hpp"

namespace tcplens {

struct FanoutCapture::Worker {
  std::unique_ptr<PcapLiveSource> source;
  PcapWriter writer;
  std::vector<Timestamp> times;  // of each packet written, in order
  std::string error;
};

FanoutCapture::FanoutCapture() = default;
FanoutCapture::~FanoutCapture() = default;

std::unique_ptr<FanoutCapture> FanoutCapture::open(const LiveOptions& options, const std::string& dir,
                                                   unsigned workers, std::string& error) {
  std::unique_ptr<FanoutCapture> f(new FanoutCapture());
  f->dir_ = dir;
  LiveOptions o = options;
  // One group per process: the group id is the process id's low 16 bits, as Suricata's default.
  o.fanout_group = static_cast<int>(::getpid() & 0xffff);
  for (unsigned k = 0; k < workers; ++k) {
    auto w = std::make_unique<Worker>();
    w->source = PcapLiveSource::open(o, error);
    if (!w->source) return nullptr;
    const SourceInfo& info = w->source->info();
    if (!w->writer.open(CaptureSplitter::shard_path(dir, k, ".pcap"), info.linktype, info.snaplen,
                        info.nanosecond_file)) {
      error = w->writer.error();
      return nullptr;
    }
    f->workers_.push_back(std::move(w));
  }
  return f;
}

const SourceInfo& FanoutCapture::info() const { return workers_.front()->source->info(); }

std::vector<std::string> FanoutCapture::listening_lines() const {
  std::vector<std::string> lines = workers_.front()->source->listening_lines();
  for (std::string& l : lines) l += ", " + std::to_string(workers_.size()) + " fanout workers";
  return lines;
}

void FanoutCapture::run() {
  std::vector<std::thread> threads;
  for (auto& wp : workers_) {
    Worker* w = wp.get();
    w->source->start();
    threads.emplace_back([w] {
      RawPacket raw;
      ReadStatus rs;
      // Idle (the interface was quiet for a read timeout) is no end: the capture goes on.
      while ((rs = w->source->next(raw)) == ReadStatus::Ok || rs == ReadStatus::Idle) {
        if (rs == ReadStatus::Idle) continue;
        if (!w->writer.write(raw)) {
          w->error = w->writer.error();
          w->source->stop();
          continue;  // (take what the source still holds)
        }
        w->times.push_back(raw.ts);
      }
      if (rs == ReadStatus::Error && w->error.empty()) w->error = w->source->error().message;
    });
  }
  for (auto& t : threads) t.join();
  for (auto& w : workers_) w->source->stop();
}

void FanoutCapture::stop() {
  for (auto& w : workers_) w->source->stop();
}

bool FanoutCapture::close() {
  bool ok = true;
  for (auto& w : workers_)
    if (!w->error.empty() && error_.empty()) {
      error_ = w->error;
      ok = false;
    }
  const std::uint32_t n = static_cast<std::uint32_t>(workers_.size());
  std::vector<ShardIndexWriter> indexes(n);
  for (std::uint32_t k = 0; k < n; ++k)
    if (!indexes[k].open(CaptureSplitter::shard_path(dir_, k, ".idx"), k, n)) {
      error_ = indexes[k].error();
      return false;
    }
  // One order for every packet: by time, a tie to the lower worker (a k-way merge: each
  // worker's packets keep their order, so every shard's frames rise).
  std::vector<std::size_t> at(n, 0);
  std::vector<ShardTick> ticks;
  TickClock clock;
  std::uint64_t frame = 0;
  auto before = [](const Timestamp& a, const Timestamp& b) {
    return a.sec < b.sec || (a.sec == b.sec && a.nsec < b.nsec);
  };
  for (;;) {
    std::uint32_t pick = n;
    for (std::uint32_t k = 0; k < n; ++k) {
      const auto& t = workers_[k]->times;
      if (at[k] < t.size() && (pick == n || before(t[at[k]], workers_[pick]->times[at[pick]]))) pick = k;
    }
    if (pick == n) break;
    const Timestamp ts = workers_[pick]->times[at[pick]++];
    ++frame;
    if (clock.advance(ts)) ticks.push_back({frame, ts});
    if (!indexes[pick].add_frame(frame) && ok) {
      error_ = indexes[pick].error();
      ok = false;
    }
  }
  for (std::uint32_t k = 0; k < n; ++k) {
    if (!workers_[k]->writer.close() && ok) {
      error_ = workers_[k]->writer.error();
      ok = false;
    }
    if (!indexes[k].close(ticks, frame) && ok) {
      error_ = indexes[k].error();
      ok = false;
    }
  }
  return ok;
}

LiveStats FanoutCapture::stats() const {
  LiveStats total;
  for (const auto& w : workers_) {
    const LiveStats s = w->source->stats();
    total.captured += s.captured;
    total.received += s.received;
    total.dropped += s.dropped;
    total.if_dropped += s.if_dropped;
  }
  return total;
}

std::uint64_t FanoutCapture::captured_by(unsigned worker) const { return workers_[worker]->times.size(); }

}  // namespace tcplens
