// Sinks: what the engine feeds. A command is a choice of sinks (tools/tcplens/).
//
// Two kinds, because the engine may run on several worker threads, each with a share of the
// connections (a direction-independent hash of the 4-tuple):
//
//  - PacketSink: one instance per worker (SinkFactory::make). It sees every packet of its
//    worker's share in frame order (and, on worker 0, every packet no TCP stream owns), the
//    streams its worker frees and the connection records its worker ends. It writes text
//    through an Emitter: each call's text is one item, and the engine writes the items of all
//    workers in the order one thread would have written them (by frame; records ended at the
//    same packet by stream number). So output is byte-identical for every thread count.
//  - RecordSink: one instance. It receives the selected connection records in that same
//    order, in one thread, with the whole input's stream numbers: for sinks that gather
//    (explain's summary, a report, detect's verdicts) rather than write as they go.
//
// Watch out: in a worker, a stream number is the worker's own unless the engine knows the
// whole input's numbering (one thread, or a two-pass run): write it with Emitter::put_stream,
// which the merge replaces by the right number.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "tcplens/engine/connection_record.hpp"
#include "tcplens/engine/packet_event.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/tcp/zeek_conn.hpp"

namespace tcplens {

// What a sink needs the engine to compute (a bit set): the engine does the least that
// satisfies every sink of a run.
namespace need {
inline constexpr std::uint32_t kPackets = 1;       // on_packet() for every packet
inline constexpr std::uint32_t kDecode = 2;        // PacketEvent::pkt
inline constexpr std::uint32_t kTrack = 4;         // PacketEvent::tcp, summary; on_stream_end()
inline constexpr std::uint32_t kConnections = 8;   // records (on_connection), PacketEvent::connection
inline constexpr std::uint32_t kZeek = 16;         // records with Zeek's conn_state and history
inline constexpr std::uint32_t kFinalValues = 32;  // tshark's two passes over a regular file
inline constexpr std::uint32_t kStreamNumbers = 64;  // PacketEvent::stream known in the worker
inline constexpr std::uint32_t kZeekLog = 128;     // on_zeek_connection() as Zeek logs them
inline constexpr std::uint32_t kShownOrder = 256;  // PacketEvent::shown_number, prev_shown_ts
}  // namespace need

class Emitter {
 public:
  // Where this item's text goes.
  Output& text() { return *out_; }
  // Writes tcp.stream for `stream` as PacketEvent::tcp->stream or ConnectionRecord::conn.stream
  // gave it to this worker: the whole input's number, now or at the merge.
  void put_stream(std::uint32_t stream);
  // Orders this item among the others of an OrderedText stage that sorts (Zeek's conn.log
  // is in order of start time); items keep their engine order by default.
  void set_sort_key(std::uint64_t key) { sort_key_ = key; }
  // The worker that owns this emitter (0 on one thread).
  unsigned worker() const { return worker_; }

  // (For the engine.)
  struct Patch {
    std::uint32_t at;      // offset in the item
    std::uint32_t stream;  // the worker's stream number
  };
  Emitter(Output* out, unsigned worker) : out_(out), worker_(worker) {}
  void set_output(Output* out) { out_ = out; }
  void set_numbers(const std::uint32_t* numbers) { numbers_ = numbers; }
  void begin_item() {
    item_start_ = out_->size();
    patch_count_ = 0;
    sort_key_ = 0;
  }
  std::size_t item_start() const { return item_start_; }
  std::uint64_t sort_key() const { return sort_key_; }
  static constexpr std::size_t kMaxPatches = 4;
  std::size_t patch_count() const { return patch_count_; }
  const Patch* patches() const { return patches_; }
  // Patches are wanted (a sharded single pass): put_stream records them instead of writing.
  void set_patching(bool on) { patching_ = on; }

 private:
  Output* out_;
  unsigned worker_ = 0;
  const std::uint32_t* numbers_ = nullptr;  // worker stream -> whole input's, when known
  bool patching_ = false;
  std::size_t item_start_ = 0;
  std::uint64_t sort_key_ = 0;
  Patch patches_[kMaxPatches];
  std::size_t patch_count_ = 0;
};

// Cache-line aligned (so every sink's size is whole lines): each worker's sinks are made one
// after another, and a sink whose fields shared a line with the next worker's made the two
// processors pass it back and forth on every packet (print -n on two threads, real.pcap:
// 0.26 -> 0.33 s when one bool was added to the tcpdump options).
class alignas(64) PacketSink {
 public:
  virtual ~PacketSink() = default;
  // Every packet, in frame order (see the header comment for which ones).
  virtual void on_packet(const PacketEvent&, Emitter&) {}
  // The tracker freed a stream's state (closed and lingered, idle, evicted, reused 4-tuple,
  // end of input): per-stream state a sink keeps can go.
  virtual void on_stream_end(const EndedStream&) {}
  // A connection ended (selected records only).
  virtual void on_connection(const ConnectionRecord&, Emitter&) {}
  // A connection ended whose record the filters did not select: no on_connection comes.
  virtual void on_record_skipped(std::uint32_t stream) { (void)stream; }
  // Zeek removed a connection (need::kZeekLog): a conn.log line.
  virtual void on_zeek_connection(const zeek::ZeekConnTable::Finished&, Emitter&) {}
  // End of input: a last item (a footer, totals).
  virtual void on_finish(Emitter&) {}
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // What the records must hold beyond need::kConnections (need::kZeek for Zeek's columns).
  virtual std::uint32_t needs() const { return 0; }
  virtual void on_connection(ConnectionRecord&) {}
  virtual void on_finish() {}
};

// The text items of all workers, in order, pass through one OrderedText before they reach
// the output: the default writes them as they come; a stage may hold them (a table that
// needs its column widths, a log sorted by start time) within bounded memory.
class OrderedText {
 public:
  virtual ~OrderedText() = default;
  // One item; `sort_key` as the Emitter set it. False: the output failed (stop).
  virtual bool write(std::string_view item, std::uint64_t sort_key) = 0;
  // Everything was written; write what is held, flush. False on a write error.
  virtual bool finish() = 0;
};

// Makes a command's per-worker sinks, and says what they need.
class SinkFactory {
 public:
  virtual ~SinkFactory() = default;
  virtual std::uint32_t needs() const = 0;
  virtual std::unique_ptr<PacketSink> make(unsigned worker) = 0;
  // The stage the items pass through (null: straight to the output).
  virtual std::unique_ptr<OrderedText> ordered_text(int /*fd*/) { return nullptr; }
};

}  // namespace tcplens
