// ConnectionRecorder: turns one worker's packets into connection records (the conns
// record): ConnectionAnalyzer's conclusions joined with tshark's completeness and, when
// asked, Zeek's conn_state and history.
//
// Records are made when the tracker frees a stream (StreamTracker::ended()) and at the end of
// the input. Zeek splits connections by its own timers, so a stream takes the Zeek
// connection on its 4-tuple that started last before the stream ended; a stream whose Zeek
// connection is still live waits for it to finish. Finished Zeek connections are kept, by
// tracker slot, only while a stream is live on their 4-tuple (most often one, finished by the
// same close as the stream). Everything is per 4-tuple, so a worker that owns a share of the
// 4-tuples makes exactly the records one process would make for them.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "tcplens/engine/connection_record.hpp"
#include "tcplens/tcp/connection.hpp"
#include "tcplens/tcp/stream_tracker.hpp"
#include "tcplens/tcp/zeek_conn.hpp"

namespace tcplens::engine_detail {

class ConnectionRecorder {
 public:
  struct Options {
    bool records = true;      // stream records (ConnectionAnalyzer)
    bool zeek = false;        // Zeek's view: joined to the records, and zeek_finished()
    bool zeek_log = false;    // keep Zeek's finished connections for zeek_finished()
    bool verify_checksums = true;  // false: zeek -C
    bool likely_server_ports = true;  // false: zeek -b
    std::size_t max_live = 100000;
  };
  ConnectionRecorder(const StreamTracker& tracker, const Options& options);

  // The tracker freed these streams (before the packet that follows, if any); their records
  // are made (made()) in the order given, or wait for Zeek's view.
  void streams_ended(const std::vector<EndedStream>& ended) {
    streams_ended(ended.data(), ended.data() + ended.size());
  }
  void streams_ended(const EndedStream* begin, const EndedStream* end);
  // One packet, after StreamTracker::on_packet.
  void on_packet(const DecodedPacket& pkt, const TcpPacketAnalysis& a, const RawPacket& raw);
  // The engine's clock ticked: Zeek's timers run.
  void tick(double now);
  // End of input, in two steps: Zeek's connections first (so that no stream waits for one),
  // then the streams the tracker still had (StreamTracker::finish()'s ended(), in stream
  // order) through streams_ended(), in as many calls as the caller likes: their records come
  // in stream order.
  void finish_zeek();

  // Records made since the last take, in the order made; the caller sorts by stream.
  std::vector<ConnectionRecord>& made() { return made_; }
  // Zeek connections finished since the last take (Options::zeek_log).
  std::vector<zeek::ZeekConnTable::Finished>& zeek_finished() { return zeek_done_; }
  const Connection* live(std::uint32_t stream) const { return analyzer_.live(stream); }
  // A Zeek connection taken from zeek_finished() is written: its engine serves the next one.
  void recycle(zeek::ZeekConnTable::Finished& f) { zeek_table_.recycle(std::move(f.engine)); }
  std::uint64_t zeek_evictions() const { return zeek_table_.evictions(); }

 private:
  struct ZeekInfo {
    double start = 0, last = 0;
    const char* state = "";
    std::string history;
  };
  struct KeyHash {
    std::size_t operator()(const FlowKey& k) const { return static_cast<std::size_t>(k.hash()); }
  };
  struct Waiting {
    Connection c;
    std::uint8_t completeness = 0;
    StreamEnd why = StreamEnd::Finish;
    std::vector<ZeekInfo> candidates;  // finished while it was live
  };
  void end_stream(const EndedStream& e);
  void on_decided(Connection& c);
  // The Zeek connections that finished while the stream in `slot` was live (grows the table).
  std::vector<ZeekInfo>& finished_in(std::uint32_t slot);
  void emit(Connection& c, std::uint8_t completeness, StreamEnd why, const ZeekInfo* z);
  void drain_zeek();
  static const ZeekInfo* best_of(const Connection& c, const std::vector<ZeekInfo>* cands,
                                 const ZeekInfo* extra);

  const StreamTracker& tracker_;
  Options options_;
  ConnectionAnalyzer analyzer_;
  zeek::ZeekConnTable zeek_table_;
  // By the tracker's slot of a packet's stream: where its connection and its 4-tuple's Zeek
  // connection were last (the hints of on_packet), which spares two lookups at most packets.
  struct SlotHints {
    std::uint32_t connection = ~0u;
    std::uint32_t zeek = ~0u;
  };
  std::vector<SlotHints> hints_;
  StreamEnd why_ = StreamEnd::Finish;       // of the stream being decided
  std::uint32_t slot_ = StreamTracker::kNoSlot;  // its tracker slot
  std::vector<std::vector<ZeekInfo>> finished_by_slot_;
  std::unordered_map<FlowKey, std::vector<Waiting>, KeyHash> waiting_;
  std::vector<ConnectionRecord> made_;
  std::vector<zeek::ZeekConnTable::Finished> zeek_done_;
};

}  // namespace tcplens::engine_detail
