// explain/: the ladder states and the story's key sentences on corpus captures (a four-way,
// a three-packet, a simultaneous close, a half-close, a refused port, a RST after a FIN),
// the row cap, the message catalogs and the JSON form.
#include "tcplens/explain/explainer.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>

#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/engine/engine.hpp"

namespace tcplens::explain {
namespace {

std::string corpus(const std::string& name) {
  return std::string(TCPLENS_SOURCE_DIR) + "/../shared/corpus/live/" + name;
}

// Runs the engine with the explain sinks over a corpus capture; returns what it wrote.
std::string run(const std::string& capture, ExplainOptions options = {}) {
  char path[] = "/tmp/tcplens-explain-XXXXXX";
  const int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  EngineOptions eo;
  eo.out_fd = fd;
  Engine engine(eo);
  ExplainSinks sinks(options);
  engine.add_sinks(sinks);
  std::string error;
  auto source = PcapFileSource::open(corpus(capture), error);
  EXPECT_TRUE(source) << error;
  const EngineResult r = engine.run_file(corpus(capture), std::move(source));
  EXPECT_TRUE(r.ok()) << r.open_error;
  ::close(fd);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  ::unlink(path);
  return text.str();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The ladder row of the first packet whose label starts with `label`, from the `nth` match.
std::string row(const std::string& text, const std::string& label, int nth = 1) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (has(line, label) && --nth == 0) return line;
  return {};
}

// Every part is in the output.
void expect_says(const std::string& out, std::initializer_list<const char*> parts) {
  for (const char* part : parts) EXPECT_TRUE(has(out, part)) << part << "\n" << out;
}

TEST(Explainer, FourWayCloseClientFirst) {
  const std::string out = run("close/client-first-4way.pcap");
  EXPECT_TRUE(has(row(out, "-- SYN seq=0 len=0"), "SYN_SENT"));
  EXPECT_TRUE(has(row(out, "SYN-ACK seq=0 ack=1"), "SYN_RECEIVED"));
  EXPECT_TRUE(has(row(out, "FIN-ACK seq=7 ack=7"), "FIN_WAIT_1"));
  const std::string ack_of_fin = row(out, "- ACK seq=7 ack=8");
  EXPECT_TRUE(has(ack_of_fin, "FIN_WAIT_2")) << out;
  EXPECT_TRUE(has(ack_of_fin, "CLOSE_WAIT"));
  EXPECT_TRUE(has(row(out, "FIN-ACK seq=7 ack=8"), "LAST_ACK"));
  const std::string last = row(out, "-- ACK seq=8 ack=8");
  EXPECT_TRUE(has(last, "TIME_WAIT"));
  EXPECT_TRUE(has(last, "CLOSED"));
  EXPECT_TRUE(has(out, "x = 2208919922")) << out;
  expect_says(out, {"acknowledging x+1 = 2208919923",
                    "y+1 = 848945254"});
  EXPECT_TRUE(has(out, "MSS 1460 (client) / 1460 (server), window scaling (client shift 10, server shift 10), "
                       "SACK permitted, timestamps"));
  expect_says(out, {"Four-way close: the client sent the first FIN",
                    "The client closed first, so it waits in TIME_WAIT for 2MSL",
                    "Final states: client TIME_WAIT, server CLOSED."});
}

TEST(Explainer, ThreePacketCloseServerFirst) {
  const std::string out = run("close/server-first-3way.pcap");
  expect_says(out, {"Three-packet close: the server sent the first FIN",
                    "FIN rode on the ACK",
                    "The server closed first, so it waits in TIME_WAIT"});
  const std::string fin_ack = row(out, "-- FIN-ACK seq=7 ack=8");
  EXPECT_TRUE(has(fin_ack, "LAST_ACK")) << out;
  EXPECT_TRUE(has(fin_ack, "FIN_WAIT_2"));
}

TEST(Explainer, SimultaneousCloseBothPassClosing) {
  const std::string out = run("close/simultaneous.pcap");
  expect_says(out, {"Simultaneous close",
                    "Both sides wait in TIME_WAIT"});
  EXPECT_TRUE(has(row(out, "-- ACK seq=22 ack=2"), "CLOSING")) << out;
  EXPECT_TRUE(has(out, "Final states: client TIME_WAIT, server TIME_WAIT."));
}

TEST(Explainer, HalfCloseAndRowCap) {
  const std::string out = run("close/half-close.pcap");
  expect_says(out, {"The server kept sending data after the client's FIN (a half-close)",
                    "Server to client: 20000 bytes of data in 20 segment(s)."});
  // 48 packets: the first 20, a gap line, the last 10.
  EXPECT_TRUE(has(out, "... 18 packets of data ..."));
  std::size_t rows = 0;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (has(line, " seq=")) ++rows;
  EXPECT_EQ(rows, 30u);
  EXPECT_TRUE(has(row(out, "FIN-ACK seq=20001"), "LAST_ACK"));
}

TEST(Explainer, RefusedPort) {
  const std::string out = run("refused/closed-port.pcap");
  expect_says(out, {"Connection refused",
                    "nothing listens on port 7001"});
  EXPECT_TRUE(has(row(out, "RST-ACK seq=0 ack=1"), "CLOSED"));
}

TEST(Explainer, RstAfterFinAndSynRetries) {
  const std::string out = run("close/write-after-close.pcap");
  expect_says(out, {"ended by a RST from the client after the client had sent a FIN",
                    "Nobody waits in TIME_WAIT"});
  const std::string retried = run("refused/connect-timeout.pcap");
  EXPECT_TRUE(has(retried, "never got an answer"));
  EXPECT_TRUE(has(retried, "The SYN was sent 3 times"));
}

TEST(Explainer, ChineseAndJson) {
  ExplainOptions zh;
  zh.lang = Lang::Zh;
  const std::string out = run("close/client-first-4way.pcap", zh);
  EXPECT_TRUE(has(out, "四次挥手：客户端先发送 FIN")) << out;
  EXPECT_TRUE(has(out, "最终状态：客户端 TIME_WAIT，服务器 CLOSED。"));
  ExplainOptions json;
  json.format = Format::Json;
  const std::string j = run("close/server-first-3way.pcap", json);
  EXPECT_EQ(j.rfind("{\"stream\":0,\"lang\":\"en\",\"client\":\"10.200.3.1:49318\"", 0), 0u) << j;
  EXPECT_TRUE(has(j, "\"teardown\":\"three_way\""));
  EXPECT_TRUE(has(j, "\"time_wait\":\"server\""));
  EXPECT_TRUE(has(j, "{\"code\":\"close_three_way\",\"text\":\"Three-packet close"));
  EXPECT_TRUE(has(j, "\"ladder\":[{\"frame\":1,\"time\":0.000000,\"from\":\"client\",\"flags\":\"SYN\",\"seq\":0,"
                       "\"len\":0,\"client_state\":\"SYN_SENT\",\"server_state\":\"LISTEN\"}"));
  EXPECT_TRUE(has(j, "\"ladder_omitted\":0,"));
  EXPECT_EQ(j.back(), '\n');
  EXPECT_EQ(j.find('\n'), j.size() - 1);  // one line per connection
}

TEST(Explainer, OnlyOneStream) {
  ExplainOptions one;
  one.one_stream = true;
  one.only_stream = 1;
  EXPECT_EQ(run("close/client-first-4way.pcap", one), "");
}

TEST(Messages, EveryMessageHasTheSameFieldsInBothLanguages) {
  auto fields = [](std::string_view p) {
    std::multiset<std::string> out;
    for (std::size_t at = p.find('{'); at != std::string_view::npos; at = p.find('{', at + 1))
      out.insert(std::string(p.substr(at, p.find('}', at) - at + 1)));
    return out;
  };
  for (std::size_t k = 0; k < static_cast<std::size_t>(Msg::kCount); ++k) {
    const auto m = static_cast<Msg>(k);
    EXPECT_FALSE(code(m).empty()) << k;
    EXPECT_FALSE(pattern(Lang::En, m).empty()) << code(m);
    EXPECT_FALSE(pattern(Lang::Zh, m).empty()) << code(m);
    EXPECT_EQ(fields(pattern(Lang::En, m)), fields(pattern(Lang::Zh, m))) << code(m);
  }
}

TEST(Messages, FormatsNamedFieldsInAnyOrder) {
  EXPECT_EQ(format_message("{b} then {a}, {c}", {{"a", "1"}, {"b", "2"}}), "2 then 1, {c}");
  EXPECT_EQ(lang_from_env(nullptr, nullptr, "zh_CN.UTF-8"), Lang::Zh);
  EXPECT_EQ(lang_from_env("C", nullptr, "zh_CN.UTF-8"), Lang::En);
  EXPECT_EQ(lang_from_env("", nullptr, nullptr), Lang::En);
  EXPECT_EQ(flags_name(0x012), "SYN-ACK");
  EXPECT_EQ(flags_name(0x019), "FIN-PSH-ACK");
}

}  // namespace
}  // namespace tcplens::explain

namespace tcplens::explain {
namespace {

// A long connection keeps the first head_rows and the last tail_rows rows only.
TEST(ConnectionTrace, KeepsHeadAndTailOfALongConnection) {
  Connection c;
  c.client.ip.family = 4;
  c.client.ip.bytes[0] = 10;
  c.client.port = 1000;
  c.server.ip.family = 4;
  c.server.ip.bytes[0] = 11;
  c.server.port = 80;
  c.client.isn_seen = c.server.isn_seen = true;
  c.client.isn = 100;
  c.server.isn = 5000;
  DecodedPacket pkt;
  ExplainOptions options;
  ConnectionTrace trace;
  for (std::uint32_t k = 0; k < 1000; ++k) {
    const bool from_client = k % 2 == 0;
    pkt.ip.src = from_client ? c.client.ip : c.server.ip;
    pkt.tcp.src_port = from_client ? c.client.port : c.server.port;
    pkt.tcp.flags = 0x010;
    pkt.tcp.seq = from_client ? 101 + k : 5001;
    pkt.tcp.ack = from_client ? 5001 : 101 + k;
    pkt.tcp.payload_len = from_client ? 1 : 0;
    trace.add(c, pkt, k + 1, Timestamp{k, 0}, options);
  }
  std::uint64_t omitted = 0;
  const std::vector<LadderRow> rows = trace.rows(omitted);
  ASSERT_EQ(rows.size(), 30u);
  EXPECT_EQ(omitted, 970u);
  EXPECT_EQ(rows[0].frame, 1u);
  EXPECT_EQ(rows[19].frame, 20u);
  EXPECT_EQ(rows[20].frame, 991u);
  EXPECT_EQ(rows[29].frame, 1000u);
  EXPECT_EQ(rows[29].from, Side::Server);
  EXPECT_EQ(rows[28].rel_seq, 999u);  // frame 999 from the client: seq 101 + 998 - 100
  EXPECT_EQ(trace.data_segments[0], 500u);
  EXPECT_EQ(trace.tail.size(), 10u);
}

}  // namespace
}  // namespace tcplens::explain
