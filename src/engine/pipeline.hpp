// One worker's part of the engine: decode -> track -> connections -> filters -> sinks, for
// the packets the worker owns, and the clock for every packet.
//
// The pipeline does not know whether it runs alone or beside other workers: it writes each
// sink call's text as an item through an ItemTarget, which either writes it out at once (one
// thread) or keeps it with its place in the order for the merge (ordered_merge.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "connection_recorder.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/engine/engine.hpp"
#include "tcplens/engine/sink.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens::engine_detail {

// What a run computes: the union of what its sinks and filters need.
struct Plan {
  std::uint32_t needs = 0;
  bool decode = false;
  bool track = false;
  bool records = false;
  bool zeek = false;
  bool zeek_log = false;
  bool final_values = false;  // two passes wanted
  bool stream_numbers = false;
  bool shown_order = false;
  bool filter_needs_state = false;  // a filter reads the decoding or the tracking
  bool has_record_sinks = false;
  // A sink takes packets (need::kPackets) or a filter reads them; else a packet only feeds
  // the tracking and the records, and no PacketEvent is made.
  bool packet_events = false;
  std::vector<const PacketFilter*> filters;
  std::vector<SinkFactory*> factories;
  std::vector<RecordSink*> record_sinks;
  EngineOptions options;
};

// Where an item sits in the order one thread writes: by frame, then phase, then stream
// (records ended at the same packet), then sink.
enum class Phase : std::uint8_t {
  Timers = 0,  // records of streams the clock's timers ended before the packet
  Before = 1,  // records of streams the packet ended (a cap, a reused 4-tuple)
  Began = 2,   // the packet began a stream (no text: the merge numbers streams by it)
  Packet = 3,  // the packet's own lines
  After = 4,   // records released by the packet (Zeek finished the connection they waited for)
  Waited = 5,  // end of input: records that had waited for Zeek's view
  Finish = 6,  // end of input: every other stream, and the sinks' last words
};
inline constexpr std::uint32_t kNoStream = 0xffffffffu;
inline constexpr std::uint64_t kFinishFrame = ~std::uint64_t{0};

struct ItemMeta {
  std::uint64_t frame = 0;
  Phase phase = Phase::Packet;
  std::uint32_t stream = kNoStream;  // the worker's stream number (records, markers)
  std::uint16_t sink = 0;
  bool shown_packet = false;  // Phase::Packet: the packet passed the filters (counts for -c)
};

class ItemTarget {
 public:
  virtual ~ItemTarget() = default;
  // An item was written through `emitter` (its text from emitter.item_start() on).
  virtual void item(const ItemMeta& meta, Emitter& emitter) = 0;
  // A record for the record sinks (moved), at `meta`'s place.
  virtual void record(const ItemMeta& meta, ConnectionRecord& record) = 0;
  // A marker without text (a stream began, a shown packet no sink wrote for).
  virtual void marker(const ItemMeta& meta) = 0;
  // Records ended together (a second's sweep, the end of input) are made a chunk at a time:
  // every item of (meta.frame, meta.phase) for the streams up to meta.stream has been given,
  // and the items after are for later streams. A sharded run may hand its batch over here.
  virtual void chunk_done(const ItemMeta& meta) { (void)meta; }
};

class alignas(64) Pipeline {  // (one per worker: no line shared with another's, as PacketSink)
 public:
  Pipeline(const Plan& plan, unsigned worker, const StreamTracker::Limits& limits,
           Output& text, ItemTarget& target);
  ~Pipeline();

  // Two passes: this pipeline's second pass shows `first`'s final values, and `numbers`
  // maps its streams to the whole input's (null: its own numbers are the input's).
  void set_first_pass(const StreamTracker* first, const std::uint32_t* numbers);
  // Where the items' text goes from now on (a sharded run moves from batch to batch).
  void set_output(Output& text) {
    text_ = &text;
    emitter_.set_output(&text);
  }
  // Streams ended together are made into records this many at a time (tests: 1).
  void set_record_chunk(std::size_t n) { record_chunk_ = n == 0 ? 1 : n; }
  // Patch stream numbers at the merge (a sharded single pass).
  void set_patching(bool on) {
    patching_ = on;
    emitter_.set_patching(on);
  }

  // Every packet of the input, in frame order, owned by this worker or not: the clock (and,
  // for a packet another worker owns, what this worker's sinks must know of it).
  void clock(const RawPacket& raw, bool owned);
  // A packet this worker owns, after clock(); `decoded` if the caller decoded it already.
  void process(const RawPacket& raw, const DecodedPacket* decoded);
  // A live source is idle at `now`: the clock goes on as if a packet had come (timers end
  // connections; their records go out) without one.
  void idle(Timestamp now);
  // End of input.
  void finish();

  // For the shown order of packets another worker owns (need::kShownOrder with a filter on
  // the bytes alone): the verdict of the capture filters on `raw`.
  bool raw_filters_pass(const RawPacket& raw) const;

  const StreamTracker& tracker() const { return tracker_; }
  StreamTracker& tracker() { return tracker_; }
  std::uint64_t zeek_evictions() const { return recorder_ ? recorder_->zeek_evictions() : 0; }
  std::uint64_t shown() const { return shown_; }
  bool decode_all() const { return plan_.decode; }
  PacketDecoder& decoder() { return decoder_; }

 private:
  // The clock's timers at `raw`'s time; their records are written at (frame, phase).
  void tick(const RawPacket& raw, std::uint64_t frame, Phase phase);
  void tell_sinks_ended(const std::vector<EndedStream>& ended);  // PacketSink::on_stream_end
  void ended_streams(const std::vector<EndedStream>& ended);
  // Every packet is shown, to no sink (no PacketEvent): the count, the times and -c's marker.
  void shown_to_no_sink(const RawPacket& raw);
  // Makes the records of `ended` (in stream order) a few hundred at a time, each lot written
  // before the next is made, so that thousands of streams ended at once are not all held.
  void end_in_chunks(const std::vector<EndedStream>& ended, std::uint64_t frame, Phase phase);
  // Writes the records made so far (sorted by stream) at (frame, phase); with `upto`, only
  // those of streams up to it, the others kept for the next call.
  void flush_records(std::uint64_t frame, Phase phase, std::uint32_t upto = kNoStream);
  void zeek_lines(std::uint64_t frame, Phase phase);
  bool selected(const ConnectionRecord& r) const;
  const StreamSummary& summary_of(std::uint32_t stream);

  const Plan& plan_;
  unsigned worker_;
  Output* text_;
  ItemTarget& target_;
  Emitter emitter_;
  std::vector<std::unique_ptr<PacketSink>> sinks_;
  PacketDecoder decoder_;
  DecodedPacket empty_packet_;
  TcpPacketAnalysis no_analysis_;  // what the recorder is given when nothing is tracked
  StreamTracker tracker_;
  std::unique_ptr<ConnectionRecorder> recorder_;
  const StreamTracker* first_pass_ = nullptr;
  const std::uint32_t* numbers_ = nullptr;
  bool patching_ = false;
  std::size_t record_chunk_ = 256;

  // The clock: ticks once per second of capture time (see engine.hpp).
  bool clock_started_ = false;
  std::int64_t next_tick_ns_ = 0;
  bool have_first_ = false;
  Timestamp first_ts_, prev_ts_, prev_shown_ts_, first_shown_ts_;
  std::uint64_t last_frame_ = 0;
  std::uint64_t shown_ = 0;  // shown packets so far (all workers' when kShownOrder)

  std::vector<EndedStream> swept_;  // the timers' ended streams, by stream (reused)
  std::vector<std::uint64_t> selected_;  // bit per stream: one of its packets was shown
  // Final summaries of recent streams (unpacking one for every packet costs more than this).
  struct CachedSummary {
    std::uint32_t stream = ~0u;
    StreamSummary summary;
  };
  std::vector<CachedSummary> summaries_;
  StreamSummary live_summary_;
};

}  // namespace tcplens::engine_detail
