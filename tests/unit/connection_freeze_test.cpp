// Frozen connections (ConnectionAnalyzer::Freeze): a connection that waits frozen and thaws
// for a late packet, or is read while frozen, has every field it had.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include "corpus_captures.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/render/connection_summary.hpp"
#include "tcplens/tcp/connection.hpp"
#include "tcplens/tcp/zeek_conn.hpp"
#include "tcplens/tcp/zeek_decode.hpp"

namespace tcplens {
namespace {

std::string json_of(const Connection* c) {
  if (c == nullptr) return "(none)";
  Output out(-1, 4096);
  write_connection_json(out, *c, ConnectionExtras{});
  return std::string(out.text());
}

// Three analysers over the same packets: freezing nothing, the closed connections (the
// default), and every connection at every change of stream.
struct AnalyzerRun {
  explicit AnalyzerRun(ConnectionAnalyzer::Freeze when) {
    analyzer.set_freeze(when, 0);  // however few are live
    analyzer.set_sink([this](Connection& c) { records += json_of(&c); });
  }
  ConnectionAnalyzer analyzer;
  std::string records;
};

TEST(ConnectionFreeze, EveryConnectionOfTheCorpusIsTheSameFrozenOrNot) {
  std::size_t froze_closed = 0, peeks = 0;
  const std::size_t files = test::for_each_corpus_capture([&](const std::filesystem::path& path,
                                                              PcapFileSource& source) {
    PacketDecoder decoder;
    StreamTracker tracker;
    AnalyzerRun never(ConnectionAnalyzer::Freeze::Never), closed(ConnectionAnalyzer::Freeze::Closed),
        always(ConnectionAnalyzer::Freeze::Always);
    AnalyzerRun* runs[] = {&never, &closed, &always};
    RawPacket raw;
    bool have_previous = false;
    std::uint32_t previous = 0;
    while (source.next(raw) == ReadStatus::Ok) {
      const DecodedPacket& pkt = decoder.decode(raw);
      const TcpPacketAnalysis& a = tracker.on_packet(pkt, raw.number, raw.ts);
      for (AnalyzerRun* r : runs) {
        for (const EndedStream& e : tracker.ended()) r->analyzer.end_stream(e.stream);
        r->analyzer.on_packet(pkt, a, raw.number, raw.ts);
      }
      if (!a.tracked) continue;
      ASSERT_EQ(json_of(never.analyzer.live(a.stream)), json_of(always.analyzer.live(a.stream)))
          << path << " packet " << raw.number;
      // The stream before, if another, is frozen in `always` by now: read through the copy.
      if (have_previous && previous != a.stream && never.analyzer.live(previous) != nullptr) {
        ASSERT_EQ(json_of(never.analyzer.live(previous)), json_of(always.analyzer.live(previous)))
            << path << " packet " << raw.number << " stream " << previous;
        ++peeks;
      }
      froze_closed += closed.analyzer.frozen_count();
      have_previous = true;
      previous = a.stream;
    }
    tracker.finish();
    for (AnalyzerRun* r : runs) {
      for (const EndedStream& e : tracker.ended()) r->analyzer.end_stream(e.stream);
      r->analyzer.finish();
    }
    EXPECT_EQ(never.records, closed.records) << path;
    EXPECT_EQ(never.records, always.records) << path;
  });
  EXPECT_GT(files, 200u);
  EXPECT_GT(froze_closed, 0u);  // closed connections do wait frozen
  EXPECT_GT(peeks, 1000u);
}

// Zeek's view the same way: a connection at rest waits for its close timers frozen.
struct ZeekRun {
  explicit ZeekRun(zeek::ZeekConnTable::Freeze when) { table.set_freeze(when, 0); }
  void take() {
    for (auto& f : table.finished()) {
      char times[64];
      std::snprintf(times, sizeof times, "%.6f %.6f ", f.engine->start_ts(), f.engine->last_ts());
      log += times;
      log += zeek::to_string(f.engine->conn_state());
      log += ' ';
      log += f.engine->history();
      log += '\n';
      table.recycle(std::move(f.engine));
    }
    table.finished().clear();
  }
  zeek::ZeekConnTable table;
  std::string log;
};

TEST(ConnectionFreeze, EveryZeekConnectionOfTheCorpusIsTheSameFrozenOrNot) {
  std::size_t connections = 0;
  const std::size_t files = test::for_each_corpus_capture([&](const std::filesystem::path& path,
                                                              PcapFileSource& source) {
    PacketDecoder decoder;
    ZeekRun never(zeek::ZeekConnTable::Freeze::Never), at_rest(zeek::ZeekConnTable::Freeze::AtRest),
        always(zeek::ZeekConnTable::Freeze::Always);
    ZeekRun* runs[] = {&never, &at_rest, &always};
    RawPacket raw;
    double next_tick = 0;
    while (source.next(raw) == ReadStatus::Ok) {
      const DecodedPacket& pkt = decoder.decode(raw);
      const double now = static_cast<double>(raw.ts.sec) + static_cast<double>(raw.ts.nsec) / 1e9;
      if (now >= next_tick) {  // the timers, once a second of capture time
        for (ZeekRun* r : runs) {
          r->table.expire(now, 100000);
          r->take();
        }
        next_tick = now + 1;
      }
      FlowKey key;
      Direction dir;
      zeek::ZeekPacket zp;
      if (!zeek::to_zeek_packet(pkt, raw.ts, true, key, dir, zp)) continue;
      for (ZeekRun* r : runs) {
        r->table.on_packet(key, dir, zp);
        r->take();
      }
    }
    for (ZeekRun* r : runs) {
      r->table.finish();
      r->take();
    }
    connections += static_cast<std::size_t>(std::count(never.log.begin(), never.log.end(), '\n'));
    EXPECT_EQ(never.log, at_rest.log) << path;
    EXPECT_EQ(never.log, always.log) << path;
  });
  EXPECT_GT(files, 200u);
  EXPECT_GT(connections, 1000u);
}

}  // namespace
}  // namespace tcplens
