// report/: the timeline's buckets (coarsened and merged without losing a packet), outcomes,
// which connections are the most notable, the table's stream order, the packed data (gzip
// and base64 that decode back to the columns), and whole reports made by the engine (pages
// for the N most notable, the same page on one and two threads).
#include "tcplens/report/html_report.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <numeric>
#include <string>

#include "report/report_data.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/engine/engine.hpp"

namespace tcplens::report {
namespace {

std::string corpus(const std::string& name) {
  return std::string(TCPLENS_SOURCE_DIR) + "/../shared/corpus/live/" + name;
}

std::uint64_t total(const std::vector<std::uint32_t>& v) { return std::accumulate(v.begin(), v.end(), std::uint64_t{0}); }

TEST(Timeline, CoarsensToFitAndKeepsEveryPacket) {
  Timeline t;
  AnomalySet retrans;
  retrans.set(Anomaly::Retransmission);
  t.add(0, retrans);
  t.add(5'000, AnomalySet());
  t.add(3'600'000'000'000, retrans);  // an hour later: the buckets widen to fit
  EXPECT_LE(t.counts[0].size(), Timeline::kBuckets);
  EXPECT_EQ(total(t.counts[0]), 3u);
  EXPECT_EQ(total(t.counts[1]), 2u);
  EXPECT_GE(t.width_ns * static_cast<std::int64_t>(Timeline::kBuckets), 3'600'000'000'000);
  EXPECT_EQ(t.counts[0][0], 2u);  // the first two share the first (wide) bucket
}

TEST(Timeline, MergesDifferentWidths) {
  Timeline a, b;
  a.add(1'000, AnomalySet());
  b.add(10'000'000'000, AnomalySet());  // ten seconds: b's buckets are wider
  AnomalySet dup;
  dup.set(Anomaly::DuplicateAck);
  b.add(20'000, dup);
  a.merge(b);
  EXPECT_EQ(a.width_ns, b.width_ns);
  EXPECT_EQ(total(a.counts[0]), 3u);
  EXPECT_EQ(total(a.counts[2]), 1u);
}

TEST(Timeline, RoutineFlagsAreNoTrouble) {
  Timeline t;
  AnomalySet update;
  update.set(Anomaly::WindowUpdate);
  t.add(0, update);
  EXPECT_EQ(total(t.counts[0]), 1u);
  for (std::size_t k = 1; k < Timeline::kKinds; ++k) EXPECT_EQ(total(t.counts[k]), 0u) << k;
}

TEST(Outcome, FromHandshakeThenTeardown) {
  struct Case {
    HandshakeResult handshake;
    TeardownKind teardown;
    std::string_view outcome;
  };
  for (const Case& k : {Case{HandshakeResult::Rejected, TeardownKind::None, "refused"},
                        Case{HandshakeResult::Unanswered, TeardownKind::None, "unanswered"},
                        Case{HandshakeResult::Complete, TeardownKind::Reset, "reset"},
                        Case{HandshakeResult::Complete, TeardownKind::HalfClosed, "complete"},
                        Case{HandshakeResult::Complete, TeardownKind::FourWay, "complete"},
                        Case{HandshakeResult::Complete, TeardownKind::Open, "open"},
                        Case{HandshakeResult::NotSeen, TeardownKind::None, "other"}}) {
    Connection c;
    c.handshake = k.handshake;
    c.teardown = k.teardown;
    EXPECT_EQ(outcome(c), k.outcome) << to_string(k.handshake) << " " << to_string(k.teardown);
  }
}

TEST(Notability, TroubleBeforeSize) {
  Connection clean_big, clean_small, retrans, reset;
  clean_big.server.sent.bytes = 1u << 30;
  clean_small.server.sent.bytes = 100;
  retrans.client.sent.retransmissions = 1;
  reset.reset_seen = true;
  EXPECT_GT(notability(reset), notability(retrans));
  EXPECT_GT(notability(retrans), notability(clean_big));
  EXPECT_GT(notability(clean_big), notability(clean_small));
}

ConnectionRecord record(std::uint32_t stream, std::uint16_t port) {
  ConnectionRecord r;
  r.conn.stream = stream;
  r.conn.client.port = port;
  r.conn.first_ts = {1000 + stream, 0};
  r.conn.last_ts = {1000 + stream, 500000};
  return r;
}

const Column& column(const Table& t, const std::string& path) {
  for (const Column& c : t.columns())
    if (c.path == path) return c;
  ADD_FAILURE() << path;
  return t.columns().front();
}

TEST(Table, SortsEveryColumnByStream) {
  Table t;
  t.add(record(2, 2002));
  t.add(record(0, 2000));
  t.add(record(1, 2001));
  t.sort_by_stream();
  EXPECT_EQ(column(t, "stream").u32.values(), (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(column(t, "client.port").u32.values(), (std::vector<std::uint32_t>{2000, 2001, 2002}));
  // Times are microseconds since the first record's second (stream 2's: 1002).
  EXPECT_EQ(column(t, "first_ts").f64, (std::vector<double>{-2e6, -1e6, 0}));
  EXPECT_EQ(column(t, "duration").f64, (std::vector<double>{0.0005, 0.0005, 0.0005}));
  EXPECT_TRUE(std::isnan(column(t, "handshake.client_isn").f64[0]));  // not seen: null
}

std::string unbase64(const std::string& s) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char ch : s) {
    if (ch == '=') break;
    acc = (acc << 6) | static_cast<std::uint32_t>(kAlphabet.find(ch));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string gunzip(const std::string& z) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(z.data()));
  zs.avail_in = static_cast<uInt>(z.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

TEST(Packed, DecodesBackToTheColumnsAlignedToEight) {
  Table t;
  for (std::uint32_t k = 0; k < 5; ++k) t.add(record(k, static_cast<std::uint16_t>(3000 + k)));
  const Packed p = pack_table(t);
  const std::string bytes = gunzip(unbase64(p.gzip_base64()));
  ASSERT_EQ(bytes.size(), p.size);
  EXPECT_EQ(bytes.size() % 8, 0u);
  // Ports of 3000 and more: two bytes each.
  const std::string key = "{\"name\":\"client.port\",\"type\":\"u32\",\"offset\":";
  const std::size_t at = p.layout.find(key);
  ASSERT_NE(at, std::string::npos) << p.layout;
  const std::size_t offset = std::stoul(p.layout.substr(at + key.size()));
  EXPECT_EQ(offset % 8, 0u);
  EXPECT_NE(p.layout.find("\"length\":5,\"width\":2}", at), std::string::npos) << p.layout.substr(at, 120);
  std::uint16_t ports[5];
  std::memcpy(ports, bytes.data() + offset, sizeof ports);
  for (std::uint32_t k = 0; k < 5; ++k) EXPECT_EQ(ports[k], 3000 + k);
}

// Rows written to the temporary file in runs of 3 come back merged in stream order: the
// same packed bytes and first rows as a table kept in memory.
TEST(Table, SpilledRunsPackAsInMemory) {
  Table spilled(3), kept;
  const std::uint32_t streams[] = {7, 2, 9, 0, 4, 1, 8, 3, 6, 5, 300, 10};  // 300: a wider port and stream
  for (const std::uint32_t s : streams) {
    const ConnectionRecord r = record(s, static_cast<std::uint16_t>(s == 300 ? 60000 : 2000 + s));
    spilled.add(r);
    kept.add(r);
  }
  spilled.sort_by_stream();
  kept.sort_by_stream();
  ASSERT_TRUE(spilled.spilled());
  ASSERT_FALSE(kept.spilled());
  const Packed a = pack_table(spilled), b = pack_table(kept);
  EXPECT_EQ(a.layout, b.layout);
  EXPECT_EQ(a.size, b.size);
  EXPECT_EQ(a.gzip_base64(), b.gzip_base64());
  const Table head = spilled.head(4);
  EXPECT_EQ(head.rows(), 4u);
  EXPECT_EQ(column(head, "stream").u32.values(), (std::vector<std::uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(column(head, "client.port").u32.values(), (std::vector<std::uint32_t>{2000, 2001, 2002, 2003}));
  EXPECT_EQ(column(head, "first_ts").f64, (std::vector<double>{-7e6, -6e6, -5e6, -4e6}));
}

TEST(Packed, EmptyTableStillDecodes) {
  Table t;
  const Packed p = pack_table(t);
  EXPECT_EQ(gunzip(unbase64(p.gzip_base64())), "");
}

// A report of a corpus capture made by the engine, as the tool makes it.
std::string report_of(const std::string& capture, ReportOptions options, unsigned threads = 1) {
  EngineOptions eo;
  eo.threads = threads;
  Engine engine(eo);
  HtmlReport html(options);
  engine.add_sinks(html.sinks());
  engine.add_record_sink(html);
  const EngineResult r = engine.run_file(corpus(capture), nullptr);
  EXPECT_TRUE(r.ok()) << r.open_error;
  CaptureFacts facts;
  facts.packets = r.packets;
  return html.html(facts);
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(HtmlReport, PagesForTheMostNotable) {
  ReportOptions o;
  o.detail = 1;
  o.detect = false;
  // The 500 connections are alike (no trouble, the same bytes): the earliest wins the tie.
  const std::string page = report_of("many-connections/many-sequential-500.pcap", o);
  EXPECT_EQ(count(page, "<section class=\"conn\""), 1u);
  EXPECT_EQ(count(page, "<section class=\"conn\" id=\"conn-0\""), 1u);
  EXPECT_NE(page.find("{\"rows\":500,"), std::string::npos);
}

TEST(HtmlReport, TheLossyTransferHasItsRetransmissionsAndStory) {
  ReportOptions o;
  const std::string page = report_of("data-transfer/bulk-loss-nft.pcap", o);
  // explain's story, from its findings, in both languages.
  EXPECT_NE(page.find("<li data-code=\"retransmission.timeout\">The server retransmitted 26 segment(s) after a timeout"),
            std::string::npos);
  EXPECT_NE(page.find("<li data-code=\"retransmission.fast\">The server made 9 fast retransmission(s)"), std::string::npos);
  EXPECT_NE(page.find("<ol class=\"story\" lang=\"zh\"><li data-code=\"handshake.complete\">三次握手"), std::string::npos);
  // explain's ladder: 85 entries, 77 packets and 8 folded runs, the longest one with its summary.
  EXPECT_EQ(count(page, "<g class=\"arrow"), 77u);
  EXPECT_EQ(count(page, "<g class=\"span\""), 8u);
  EXPECT_NE(page.find("<g class=\"span\" data-first=\"473\" data-last=\"2333\">"), std::string::npos);
  EXPECT_NE(page.find("1861 packets in 0.012 s: data 0 B in 0 segments from the client, 2467248 B in 1732 from the "
                      "server; 26 retransmitted"),
            std::string::npos);
  EXPECT_NE(page.find("! fast retransmission of #433"), std::string::npos);  // frame 455's note
}

TEST(HtmlReport, SameOnOneAndTwoThreads) {
  ReportOptions o;
  o.detail = 50;
  EXPECT_EQ(report_of("syn-flood-scan/scan-hping3.pcap", o, 1), report_of("syn-flood-scan/scan-hping3.pcap", o, 2));
}

}  // namespace
}  // namespace tcplens::report
