// The engine under every command: source -> decode -> track -> analyse -> sinks.
//
// One pass of tracking feeds every sink of a run (sink.hpp). The engine owns the loop, the
// worker threads and the merge: with several threads each worker has a share of the
// connections (flow/shard.hpp) and the engine writes the workers' items in the order one
// thread writes them, so output is byte-identical for every thread count. The only
// exception is what the caps evict (--max-conns): each worker has its share of the cap.
//
// Time: the engine's clock advances with every packet's timestamp. Once per second of capture
// time every worker frees what the timers allow (closed and lingered, idle) and runs Zeek's
// timers, before the packet that crossed the second; records ended there come in stream
// order. Each worker sees every packet's time (a file is read by all of them; a source read
// once hands its packets out from one thread that also sends the ticks), so each frees
// exactly what one thread would free.
//
// Filters choose what sinks show, never what is tracked (tshark's -Y): every packet is
// decoded and tracked; PacketEvent::shown and ConnectionRecord::selected carry the verdict.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tcplens/capture/packet_source.hpp"
#include "tcplens/engine/sink.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens {

// A filter the engine applies to every packet (the BPF of tcplens_pcap, a display filter).
// Const and free of per-call state, so workers share one instance.
class PacketFilter {
 public:
  virtual ~PacketFilter() = default;
  // What matches() reads (need::kDecode, kTrack, kConnections, kStreamNumbers).
  virtual std::uint32_t needs() const { return 0; }
  virtual bool matches(const PacketEvent& event) const = 0;
  // Does the filter choose this connection by its record alone (conn.* fields)? A
  // connection is selected when one of its packets matches, or when this says so.
  virtual bool matches_record(const ConnectionRecord&) const { return false; }
};

struct EngineOptions {
  StreamTracker::Limits limits;
  bool ground_truth = true;           // --compat none (false: tshark's flags exactly)
  bool zeek_verify_checksums = true;  // false: zeek -C
  bool zeek_likely_server_ports = true;  // false: Zeek's bare mode (zeek -b) has none
  unsigned threads = 1;               // 0: one per processor, at most 8
  bool single_pass = false;           // never replay a file, even for need::kFinalValues
  std::int64_t max_shown = -1;        // stop after this many shown packets (-c); -1: no limit
  int out_fd = 1;
  bool flush_each_packet = false;     // write every item as soon as it is in order (-l, live)
};

struct EngineResult {
  bool ok() const { return open_error.empty() && !read_failed && !output_failed; }
  std::string open_error;   // the input could not be opened (libpcap's wording)
  bool read_failed = false;  // the input is damaged: read_error says where
  SourceError read_error;
  bool output_failed = false;  // writing the output failed (errno kept in output_errno)
  int output_errno = 0;
  bool stopped = false;        // request_stop() or max_shown ended the run early
  std::uint64_t packets = 0;   // packets read
  std::uint64_t shown = 0;     // packets shown
  TrackerCounters tracker;     // summed over the workers
  std::uint64_t zeek_evictions = 0;
  unsigned threads = 1;        // workers that ran
  bool two_pass = false;       // the input was replayed for final values
};

class Engine {
 public:
  explicit Engine(const EngineOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void add_filter(const PacketFilter& filter) { filters_.push_back(&filter); }
  void add_sinks(SinkFactory& factory) { factories_.push_back(&factory); }
  void add_record_sink(RecordSink& sink) { record_sinks_.push_back(&sink); }

  // Runs over a capture file ("-": standard input). `opened` is the caller's source for it
  // (already opened, so that the caller could read its link type): used as is when the file
  // is read once on one thread, else (or when it is null) the engine opens what it needs.
  EngineResult run_file(const std::string& path, std::unique_ptr<PacketSource> opened);
  // Runs over a source that can be read once (standard input, a live capture).
  EngineResult run(PacketSource& source);

  // Runs over one shard of `tcplens split` (its pcap and index) as the whole input's run
  // would over those packets, and writes items for merge_shards() instead of text
  // (docs/scale-out.md).
  EngineResult run_shard(const std::string& path, const std::string& index_path);
  // Writes the shards' items as one run over the whole input writes its text.
  EngineResult merge_shards(const std::vector<std::string>& item_files);
  // Runs every shard of DIR (shard-K.pcap and .idx, K < shards) on a thread of its own,
  // then merges them (a --fanout capture's shards).
  EngineResult run_shards(const std::string& dir, unsigned shards);

  // Ends the run at the next packet (async-signal-safe): what was read is still written.
  void request_stop() { stop_.store(true, std::memory_order_relaxed); }
  // How far the run is, in bytes read, of progress_total() (the file's size times its
  // passes; 0 until known, or when the input is not a regular file): for a progress report
  // from another thread.
  std::uint64_t progress_bytes() const { return progress_.load(std::memory_order_relaxed); }
  std::uint64_t progress_total() const { return progress_total_.load(std::memory_order_relaxed); }
  static unsigned default_threads();

 private:
  EngineOptions options_;
  std::vector<const PacketFilter*> filters_;
  std::vector<SinkFactory*> factories_;
  std::vector<RecordSink*> record_sinks_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> progress_{0};
  std::atomic<std::uint64_t> progress_total_{0};
};

}  // namespace tcplens
