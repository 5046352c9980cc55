// A live capture shared by N workers with Linux packet fanout (PACKET_FANOUT_HASH): each
// worker's socket receives the packets of its share of the flows, both directions (the
// kernel's hash is symmetric; fragments are reassembled before hashing), and writes them to
// a shard of its own (DIR/shard-K.pcap), as `tcplens split` would have (capture_split.hpp).
//
// At close() the workers' packets are put in one order, by timestamp (a tie: the lower
// worker first), which numbers the frames of the whole capture and gives the clock's ticks:
// each shard's index (shard_index.hpp) is then written, so that the shards are analysed and
// merged exactly as the shards of a file holding every packet in that order
// (docs/scale-out.md). Timestamps are kept in memory until then (16 bytes a packet).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tcplens/capture/pcap/live_source.hpp"

namespace tcplens {

class FanoutCapture {
 public:
  // Opens `workers` captures of `options` in one fanout group and their shard files in `dir`.
  static std::unique_ptr<FanoutCapture> open(const LiveOptions& options, const std::string& dir,
                                             unsigned workers, std::string& error);
  ~FanoutCapture();
  // Captures until stop() (or an interface fails): one thread a worker.
  void run();
  // Ends the capture (async-signal-safe).
  void stop();
  // Writes the shards' indexes and closes every file.
  bool close();

  unsigned workers() const { return static_cast<unsigned>(workers_.size()); }
  const std::string& dir() const { return dir_; }
  const std::string& error() const { return error_; }
  const SourceInfo& info() const;
  std::vector<std::string> listening_lines() const;
  LiveStats stats() const;          // summed over the workers
  std::uint64_t captured_by(unsigned worker) const;

 private:
  struct Worker;
  FanoutCapture();
  std::vector<std::unique_ptr<Worker>> workers_;
  std::string dir_;
  std::string error_;
};

}  // namespace tcplens
