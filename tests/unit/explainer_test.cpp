// explain/: one test per finding code (on the corpus capture that shows it, or on a
// connection built by hand where the corpus has none), checking its frames and params; the
// text rendered from findings (English, Chinese through the gettext catalog), the ladder
// (states, anomalies, folding, ASCII, -S), the summary, the message catalogs, the JSON.
#include "tcplens/explain/explainer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>

#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/engine/engine.hpp"

namespace tcplens::explain {
namespace {

using nlohmann::json;

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
  engine.add_record_sink(sinks);
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

// The findings of stream `stream` of a capture, from the JSON output.
json findings(const std::string& capture, std::uint32_t stream = 0) {
  ExplainOptions o;
  o.format = Format::Json;
  std::istringstream in(run(capture, o));
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line);
    if (j["stream"] == stream) return j["findings"];
  }
  ADD_FAILURE() << capture << ": no stream " << stream;
  return json::array();
}

const json& find(const json& list, const std::string& code) {
  static const json kNone;
  for (const json& f : list)
    if (f["code"] == code) return f;
  ADD_FAILURE() << "no " << code << " in " << list.dump();
  return kNone;
}
bool has_code(const json& list, const std::string& code) {
  for (const json& f : list)
    if (f["code"] == code) return true;
  return false;
}
std::vector<std::uint64_t> frames(const json& f) {
  return f.is_null() ? std::vector<std::uint64_t>{} : f["frames"].get<std::vector<std::uint64_t>>();
}
using Frames = std::vector<std::uint64_t>;
Frames frame_list(const Finding& f) { return Frames(f.frames().begin(), f.frames().end()); }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The ladder line of the first packet whose label contains `label`.
std::string row(const std::string& text, const std::string& label, int nth = 1) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (has(line, label) && --nth == 0) return line;
  return {};
}

// ---- handshake ----

TEST(Finding, HandshakeComplete) {
  const json f = find(findings("close/client-first-4way.pcap"), "handshake.complete");
  EXPECT_EQ(frames(f), (Frames{1, 2, 3}));
  EXPECT_EQ(f["params"]["client_isn"], 2208919922u);
  EXPECT_EQ(f["params"]["client_isn_plus_1"], 2208919923u);
  EXPECT_EQ(f["params"]["server_isn_plus_1"], 848945254u);
  // The two halves add up to the whole (capture point to server and back, to client and back).
  const double whole = f["params"]["rtt_ms"], a = f["params"]["server_half_ms"], b = f["params"]["client_half_ms"];
  EXPECT_NEAR(a + b, whole, 0.002);
  EXPECT_GT(a, 0);
}

TEST(Finding, HandshakeRefused) {
  const json f = find(findings("refused/closed-port.pcap"), "handshake.refused");
  EXPECT_EQ(frames(f), (Frames{1, 2}));
  EXPECT_EQ(f["params"]["port"], 7001);
}

TEST(Finding, HandshakeUnanswered) {
  const json list = findings("refused/connect-timeout.pcap");
  const json f = find(list, "handshake.unanswered");
  EXPECT_EQ(frames(f), (Frames{1, 2, 3}));
  EXPECT_EQ(f["params"]["syns"], 3);
  EXPECT_FALSE(has_code(list, "handshake.syn_retried"));  // unanswered says it already
  EXPECT_FALSE(has_code(list, "states.final") && has_code(list, "time_wait.one"));
}

TEST(Finding, HandshakeIcmpRejected) {
  const json list = findings("refused/reject-icmp-port.pcap");
  const json f = find(list, "handshake.icmp_rejected");
  EXPECT_EQ(frames(f), (Frames{1, 2}));  // the SYN and the ICMP error quoting it
  EXPECT_EQ(f["params"]["reason"], "port_unreachable");
  EXPECT_EQ(f["params"]["from"], "10.200.4.2");
  EXPECT_FALSE(has_code(list, "handshake.unanswered"));
}

TEST(Finding, HandshakeSynAckRetried) {
  // A spoofed SYN of the flood: the server's SYN-ACK, sent three times, is never acknowledged.
  const json list = findings("syn-flood-scan/synflood-nocookies.pcap");
  EXPECT_TRUE(has_code(list, "handshake.no_final_ack"));
  const json f = find(list, "handshake.syn_ack_retried");
  EXPECT_EQ(f["params"]["count"], 3);
  EXPECT_EQ(frames(f), (Frames{2, 352, 402}));
  EXPECT_FALSE(has_code(findings("close/client-first-4way.pcap"), "handshake.syn_ack_retried"));
}

TEST(Finding, HandshakePortReused) {
  EXPECT_FALSE(has_code(findings("many-connections/reuse-server-timewait.pcap", 0), "handshake.port_reused"));
  const json f = find(findings("many-connections/reuse-server-timewait.pcap", 1), "handshake.port_reused");
  EXPECT_EQ(f["params"]["side"], "client");
  EXPECT_EQ(frames(f).size(), 1u);
}

TEST(Finding, OptionsNegotiated) {
  const json f = find(findings("close/client-first-4way.pcap"), "options.negotiated");
  EXPECT_EQ(frames(f), (Frames{1, 2}));
  EXPECT_EQ(f["params"]["client_mss"], 1460);
  EXPECT_EQ(f["params"]["window_scale"], "agreed");
  EXPECT_EQ(f["params"]["client_window_scale"], 10);
  EXPECT_EQ(f["params"]["sack"], "agreed");
  EXPECT_EQ(f["params"]["timestamps"], "agreed");
  EXPECT_EQ(f["params"]["ecn"], "none");
}

// ---- data ----

TEST(Finding, DataEachWay) {
  const json list = findings("close/client-first-4way.pcap");
  const json c = find(list, "data.client_to_server");
  EXPECT_EQ(frames(c), (Frames{4}));
  EXPECT_EQ(c["params"]["bytes"], 6);
  EXPECT_EQ(c["params"]["segments"], 1);
  EXPECT_EQ(frames(find(list, "data.server_to_client")), (Frames{6}));
  EXPECT_EQ(frames(find(findings("seed-nc/nc-openbsd.pcap"), "data.none")), (Frames{1, 6}));
}

TEST(Finding, HttpRequestAndResponse) {
  const json list = findings("http-get/redirect-302.pcap");
  const json req = find(list, "http.request");
  EXPECT_EQ(req["params"]["request"].get<std::string>().rfind("GET /", 0), 0u) << req;
  EXPECT_EQ(find(list, "http.response")["params"]["status"], "302 Found");
}

TEST(Finding, PiggybackedAck) {
  // half-close: the server's ACK of the client's FIN rides on its first data segment.
  const json f = find(findings("close/half-close.pcap"), "data.piggybacked_ack");
  EXPECT_EQ(f["params"]["side"], "server");
  EXPECT_EQ(frames(f)[0], 7u);
}

// ---- trouble ----

TEST(Finding, RetransmissionFastAndTimeout) {
  const json list = findings("data-transfer/bulk-loss-nft.pcap");
  const json fast = find(list, "retransmission.fast");
  EXPECT_EQ(fast["params"]["side"], "server");
  EXPECT_EQ(fast["params"]["count"], 9);
  EXPECT_EQ(frames(fast), (Frames{185, 292, 455, 468}));
  // The record's 35 retransmissions: 9 fast, the rest after a timeout.
  EXPECT_EQ(find(list, "retransmission.timeout")["params"]["count"], 26);
  // A sender-side capture, nft dropping after it: all 35 originals passed the capture point.
  EXPECT_EQ(find(list, "retransmission.lost_after_capture")["params"]["count"], 35);
  EXPECT_FALSE(has_code(list, "retransmission.lost_before_capture"));
  EXPECT_FALSE(has_code(list, "retransmission.spurious"));
}

TEST(Finding, RetransmissionLostBeforeOrAfterTheCapturePoint) {
  // rto-blackhole's wire log: 347 retransmissions = 269 fills of the 30 holes the sender's
  // tbf left before the capture point + 78 repeats of segments the capture had seen.
  const json list = findings("data-transfer/rto-blackhole.pcap");
  EXPECT_EQ(find(list, "retransmission.lost_before_capture")["params"]["count"], 269);
  EXPECT_EQ(find(list, "retransmission.lost_after_capture")["params"]["count"], 78);
}

TEST(Finding, RetransmissionSpurious) {
  const json f = find(findings("data-transfer/bulk-reorder-rx.pcap"), "retransmission.spurious");
  EXPECT_EQ(f["params"]["count"], 1);
  EXPECT_EQ(frames(f), (Frames{264}));
}

TEST(Finding, NetworkDuplicateIsNoRetransmission) {
  const json list = findings("data-transfer/bulk-dup.pcap");
  EXPECT_EQ(find(list, "segment.network_duplicate")["params"]["count"], 9);
  EXPECT_FALSE(has_code(list, "retransmission.timeout"));
  EXPECT_FALSE(has_code(list, "retransmission.spurious"));
}

TEST(Finding, DuplicateAckAndOutOfOrder) {
  const json list = findings("data-transfer/bulk-loss-nft.pcap");
  const json dup = find(list, "ack.duplicate");
  EXPECT_EQ(dup["params"]["side"], "client");
  EXPECT_EQ(frames(dup), (Frames{166, 167, 183, 184}));
  // Receiver side, segments delayed by the relay: out of order, after gaps, not lost.
  const json rx = findings("data-transfer/bulk-reorder-rx.pcap");
  const json ooo = find(rx, "segment.out_of_order");
  EXPECT_EQ(ooo["params"]["side"], "server");
  EXPECT_EQ(frames(ooo)[0], 180u);
  EXPECT_EQ(frames(find(rx, "segment.not_captured"))[0], 155u);
  EXPECT_FALSE(has_code(rx, "retransmission.lost_before_capture"));  // the one retransmission is spurious
}

TEST(Finding, ZeroWindowAndItsProbes) {
  const json list = findings("data-transfer/zero-window.pcap");
  const json f = find(list, "window.zero");
  EXPECT_EQ(f["params"]["side"], "client");
  EXPECT_EQ(f["params"]["peer"], "server");
  EXPECT_EQ(f["params"]["count"], 38);
  // tshark calls the three probes keep-alives; sent into a zero window they are probes.
  EXPECT_EQ(f["params"]["probes"], 3);
  EXPECT_EQ(frames(f), (Frames{12, 14, 17, 20, 13, 15, 16}));
  EXPECT_FALSE(has_code(list, "keepalive"));
}

TEST(Finding, KeepAlive) {
  const json f = find(findings("data-transfer/keepalive.pcap"), "keepalive");
  EXPECT_EQ(f["params"]["side"], "client");
  EXPECT_EQ(f["params"]["count"], 4);
  EXPECT_EQ(frames(f), (Frames{8, 10, 12, 14}));
}

// ---- close ----

TEST(Finding, TeardownFourWay) {
  const json list = findings("close/client-first-4way.pcap");
  const json f = find(list, "teardown.four_way");
  EXPECT_EQ(frames(f), (Frames{8, 10}));
  EXPECT_EQ(f["params"]["closer"], "client");
  EXPECT_FALSE(has_code(list, "teardown.half_close_data"));
}

TEST(Finding, TeardownThreePacket) {
  const json f = find(findings("close/server-first-3way.pcap"), "teardown.three_packet");
  EXPECT_EQ(frames(f), (Frames{8, 9}));
  EXPECT_EQ(f["params"]["closer"], "server");
}

TEST(Finding, TeardownSimultaneousAndBothInTimeWait) {
  const json list = findings("close/simultaneous.pcap");
  EXPECT_EQ(frames(find(list, "teardown.simultaneous")), (Frames{6, 7}));
  EXPECT_EQ(frames(find(list, "time_wait.both")).size(), 2u);
}

TEST(Finding, HalfCloseThenData) {
  const json f = find(findings("close/half-close.pcap"), "teardown.half_close_data");
  EXPECT_EQ(f["params"]["closer"], "client");
  EXPECT_EQ(frames(f), (Frames{6}));
}

TEST(Finding, ResetAbortWithUnreadData) {
  const json f = find(findings("close/unread-rst.pcap"), "reset.abort");
  EXPECT_EQ(f["params"]["resetter"], "server");
  EXPECT_EQ(f["params"]["state"], "ESTABLISHED");
  EXPECT_EQ(frames(f), (Frames{18}));
}

TEST(Finding, ResetDataAfterClose) {
  const json f = find(findings("close/write-after-close.pcap"), "reset.data_after_close");
  EXPECT_EQ(f["params"]["resetter"], "client");
  EXPECT_EQ(f["params"]["bytes"], 12);
  EXPECT_EQ(frames(f), (Frames{11, 10, 8}));
}

TEST(Finding, TimeWaitOneUntil2Msl) {
  const json list = findings("close/client-first-4way.pcap");
  const json f = find(list, "time_wait.one");
  EXPECT_EQ(f["params"]["waiter"], "client");
  EXPECT_EQ(frames(f), (Frames{11}));
  const double until = f["params"]["until"];
  EXPECT_GT(until, 60.0);
  EXPECT_LT(until, 62.0);
  const json s = find(list, "states.final");
  EXPECT_EQ(s["params"]["client_state"], "TIME_WAIT");
  EXPECT_EQ(s["params"]["server_state"], "CLOSED");
  EXPECT_EQ(frames(s), (Frames{11}));
  EXPECT_TRUE(has_code(findings("close/unread-rst.pcap"), "time_wait.none_reset"));
}

// Findings on connections built by hand, for what the corpus does not show.
struct Built {
  Connection c;
  ConnectionTrace t;
  Built() {
    c.client.ip.family = c.server.ip.family = 4;
    c.client.ip.bytes[0] = 10;
    c.server.ip.bytes[0] = 11;
    c.client.port = 40000;
    c.server.port = 80;
  }
};

TEST(Finding, SynRetriedThenAnswered) {
  Built b;
  b.c.handshake = HandshakeResult::Complete;
  b.c.client_syns = 3;
  for (std::uint64_t f : {1, 2, 3}) b.t.syns.add(f);
  const FindingList list = connection_findings(b.c, b.t);
  ASSERT_GE(list.size(), 2u);
  EXPECT_EQ(list[1].code, "handshake.syn_retried");
  EXPECT_EQ(list[1].param("syns"), "3");
  EXPECT_EQ(frame_list(list[1]), (Frames{1, 2, 3}));
}

TEST(Finding, NoHandshakeAndOneDirection) {
  Built b;
  b.c.first_frame = 5;
  b.t.packets_by_side[0] = 4;
  const FindingList list = connection_findings(b.c, b.t);
  EXPECT_EQ(list[0].code, "handshake.not_seen");
  EXPECT_EQ(frame_list(list[0]), (Frames{5}));
  EXPECT_EQ(list[1].code, "capture.one_direction");
  EXPECT_EQ(frame_list(list[1]), (Frames{5}));
  EXPECT_EQ(list[1].param("side"), "server");
}

TEST(Finding, ResetLateFinAndAfterFin) {
  Built b;
  b.c.handshake = HandshakeResult::Complete;
  b.c.established = true;
  b.c.teardown = TeardownKind::Reset;
  b.c.reset_seen = true;
  b.c.server.fin_sent = true;
  b.c.server.fin_frame = 8;
  b.t.rst_frame = 12;
  b.t.rst_from = Side::Server;
  b.t.rst_sender_state = TcpState::Closed;
  b.t.before_rst_flags = 0x011;  // the client's FIN-ACK
  b.t.before_rst_frame = 11;
  FindingList list = connection_findings(b.c, b.t);
  auto reset = [&] {
    for (const Finding& f : list)
      if (f.code.substr(0, 6) == "reset.") return f;
    return Finding{};
  };
  EXPECT_EQ(reset().code, "reset.late_fin");
  EXPECT_EQ(reset().param("resetter"), "server");
  EXPECT_EQ(frame_list(reset()), (Frames{12, 11, 8}));
  b.t.before_rst_flags = 0x010;  // a bare ACK: a RST after the FIN, for no data
  list = connection_findings(b.c, b.t);
  EXPECT_EQ(reset().code, "reset.after_fin");
  b.c.server.fin_sent = false;  // no FIN, no data: a plain reset
  list = connection_findings(b.c, b.t);
  EXPECT_EQ(reset().code, "reset.plain");
}

TEST(Finding, LostBeforeTheCapturePoint) {
  // A gap seen at the capture point, filled later by a retransmission: the original never
  // passed the capture point.
  Built b;
  b.c.handshake = HandshakeResult::Complete;
  b.c.client.isn_seen = b.c.server.isn_seen = true;
  b.c.client.isn = 1000;
  b.c.server.isn = 5000;
  DecodedPacket pkt;
  TcpPacketAnalysis a;
  pkt.ip.src = b.c.client.ip;
  pkt.tcp.src_port = b.c.client.port;
  pkt.tcp.flags = 0x010;
  pkt.tcp.ack = 5001;
  pkt.tcp.payload_len = 100;
  TraceOptions o;
  pkt.tcp.seq = 1001;
  b.t.add(b.c, pkt, a, 4, Timestamp{1, 0}, o);
  pkt.tcp.seq = 1201;  // 1101..1200 missing
  a.anomalies.set(Anomaly::LostSegment);
  b.t.add(b.c, pkt, a, 5, Timestamp{1, 1}, o);
  a = TcpPacketAnalysis{};
  pkt.tcp.seq = 1101;
  a.anomalies.set(Anomaly::Retransmission);
  b.t.add(b.c, pkt, a, 6, Timestamp{1, 2}, o);
  b.c.client.sent.retransmissions = 1;
  const FindingList list = connection_findings(b.c, b.t);
  bool before = false, after = false;
  for (const Finding& f : list) {
    before = before || f.code == "retransmission.lost_before_capture";
    after = after || f.code == "retransmission.lost_after_capture";
  }
  EXPECT_TRUE(before);
  EXPECT_FALSE(after);
}

TEST(Finding, EveryCodeIsDocumentedAndHasAMessage) {
  std::ifstream in(std::string(TCPLENS_SOURCE_DIR) + "/docs/explain.md");
  std::stringstream doc;
  doc << in.rdbuf();
  for (std::string_view code : finding_codes()) {
    EXPECT_TRUE(has(doc.str(), "`" + std::string(code) + "`")) << code;
    EXPECT_NE(message(Lang::En, code), code) << code;
  }
}

// ---- text ----

TEST(Story, EverySentenceEndsWithItsFrames) {
  const std::string out = run("close/client-first-4way.pcap");
  EXPECT_TRUE(has(out, "Three-way handshake: the client sent a SYN")) << out;
  EXPECT_TRUE(has(out, "(frames 1, 2, 3)"));
  EXPECT_TRUE(has(out, "Four-way close: the client closed first with a FIN"));
  EXPECT_TRUE(has(out, "The client closed first, so it waits in TIME_WAIT for 2MSL"));
  EXPECT_TRUE(has(out, "Final states: client TIME_WAIT, server CLOSED. (frame 11)"));
  const std::vector<Finding> none;
  EXPECT_TRUE(story(none, Lang::En).empty());
}

TEST(Story, ChineseFromTheCatalog) {
  ASSERT_TRUE(use_language(Lang::Zh)) << "no catalog in " << catalog_dir();
  ExplainOptions zh;
  zh.lang = Lang::Zh;
  zh.width = 200;
  const std::string out = run("close/client-first-4way.pcap", zh);
  EXPECT_TRUE(has(out, "四次挥手：客户端先发送 FIN")) << out;
  EXPECT_TRUE(has(out, "三次握手"));
  EXPECT_TRUE(has(out, "初始序列号 (ISN)"));
  EXPECT_TRUE(has(out, "最终状态：客户端 TIME_WAIT，服务器 CLOSED。（帧 11）"));
  EXPECT_TRUE(has(out, "经过："));
}

TEST(Story, TeachPointsAtFrames) {
  ExplainOptions o;
  o.teach = true;
  o.width = 300;
  const std::string out = run("close/server-first-3way.pcap", o);
  EXPECT_TRUE(has(row(out, "Why three packets to open"), "(frames 1, 2, 3)")) << out;
  EXPECT_TRUE(has(row(out, "Why only three here"), "(frames 8, 9)"));
  EXPECT_TRUE(has(out, "Why TIME_WAIT lasts 2MSL"));
  EXPECT_FALSE(has(run("close/server-first-3way.pcap"), "Why three packets"));
}

TEST(Ladder, StatesAnomaliesAndFolding) {
  ExplainOptions o;
  const std::string out = run("close/client-first-4way.pcap", o);
  EXPECT_TRUE(has(row(out, "SYN seq=0 len=0"), "SYN_SENT")) << out;
  EXPECT_TRUE(has(row(out, "SYN seq=0 len=0"), "LISTEN"));
  EXPECT_TRUE(has(out, "mss 1460, sack, ts, ws 10"));
  EXPECT_TRUE(has(row(out, "FIN-ACK seq=7 ack=7"), "FIN_WAIT_1"));
  const std::string last = row(out, "ACK seq=8 ack=8");
  EXPECT_TRUE(has(last, "TIME_WAIT") && has(last, "CLOSED")) << last;
  EXPECT_TRUE(has(last, "\u2500\u25B6\u2502"));  // Unicode arrow to the server's line

  const std::string loss = run("data-transfer/bulk-loss-nft.pcap");
  EXPECT_TRUE(has(loss, "\u22EF #")) << loss.substr(0, 3000);  // a folded span
  EXPECT_TRUE(has(loss, "retransmitted"));
  o.full = true;
  const std::string full = run("data-transfer/bulk-loss-nft.pcap", o);
  EXPECT_FALSE(has(full, "\u22EF #"));
  EXPECT_TRUE(has(full, "! fast retransmission of #")) << full.substr(0, 2000);
  EXPECT_TRUE(has(full, "! dup ACK #1 of #"));
}

TEST(Ladder, AsciiAbsoluteAndWidth) {
  ExplainOptions o;
  o.ascii = true;
  o.absolute = true;
  const std::string out = run("close/client-first-4way.pcap", o);
  EXPECT_TRUE(has(out, "SYN seq=2208919922 len=0")) << out;
  for (const char ch : out) EXPECT_EQ(static_cast<unsigned char>(ch) & 0x80, 0) << out;
  std::istringstream in(out);
  bool in_ladder = false;
  for (std::string line; std::getline(in, line);) {
    if (has(line, "Stream 0")) in_ladder = true;
    if (has(line, "What happened")) break;
    if (in_ladder) EXPECT_LE(display_width(line), 80u) << line;
  }
}

TEST(Summary, CountsAndChecksumOffloadOnce) {
  const std::string out = run("seed-nc/nc-openbsd.pcap");
  EXPECT_EQ(out.rfind("Capture summary:\n  1 TCP connection(s): 1 opened and closed normally", 0), 0u) << out;
  // Loopback: checksums left to the NIC, said once.
  EXPECT_TRUE(has(out, "checksum offload")) << out;
  EXPECT_EQ(out.find("checksum offload"), out.rfind("checksum offload"));
  EXPECT_FALSE(has(run("close/client-first-4way.pcap"), "checksum offload"));  // a veth with checksums
  ExplainOptions wide;
  wide.width = 200;
  const std::string many = run("refused/syn-dropped-giveup.pcap", wide);
  EXPECT_TRUE(has(many, "0 opened and closed normally, 0 refused, 0 reset, 1 unanswered, 0 half-open")) << many;
  EXPECT_FALSE(has(many, "never completed the handshake"));  // one connection is no flood
  const std::string flood = run("syn-flood-scan/synflood-nocookies.pcap", wide);
  EXPECT_TRUE(has(flood, "300 of them never completed the handshake")) << flood.substr(0, 600);
}

TEST(Json, TheConnsRecordPlusFindings) {
  ExplainOptions o;
  o.format = Format::Json;
  const std::string j = run("close/server-first-3way.pcap", o);
  EXPECT_EQ(j.find('\n'), j.size() - 1);  // one line per connection
  const json x = json::parse(j);
  EXPECT_EQ(x["teardown"]["kind"], "three_way");
  EXPECT_EQ(x["teardown"]["time_wait"], "server");
  EXPECT_TRUE(x.contains("zeek"));
  EXPECT_EQ(x["findings"][0]["code"], "handshake.complete");
  EXPECT_EQ(x["findings"].back()["code"], "states.final");
}

TEST(Json, OnlyOneStream) {
  ExplainOptions one;
  one.one_stream = true;
  one.only_stream = 1;
  EXPECT_EQ(run("close/client-first-4way.pcap", one), "");
}

// ---- catalogs ----

std::multiset<std::string> fields(std::string_view p) {
  std::multiset<std::string> out;
  for (std::size_t at = p.find('{'); at != std::string_view::npos; at = p.find('{', at + 1))
    out.insert(std::string(p.substr(at, p.find('}', at) - at + 1)));
  return out;
}

TEST(Catalog, EveryMessageTranslatedWithTheSameFields) {
  ASSERT_TRUE(use_language(Lang::Zh)) << "no catalog in " << catalog_dir();
  for (const MessageEntry& m : all_messages()) {
    const std::string_view zh = message(Lang::Zh, m.id);
    EXPECT_EQ(message(Lang::En, m.id), m.english);
    EXPECT_EQ(fields(zh), fields(m.english)) << m.id;
    if (m.english != "ECN") EXPECT_NE(zh, m.english) << m.id << " is not translated";
  }
}

TEST(Catalog, PotIsUpToDate) {
  // Every message of the code is in po/tcplens.pot (scripts/update-po.sh writes it).
  std::ifstream in(std::string(TCPLENS_SOURCE_DIR) + "/po/tcplens.pot");
  std::stringstream pot;
  pot << in.rdbuf();
  std::size_t contexts = 0;
  for (std::size_t at = pot.str().find("msgctxt "); at != std::string::npos; at = pot.str().find("msgctxt ", at + 1))
    ++contexts;
  EXPECT_EQ(contexts, all_messages().size());
  for (const MessageEntry& m : all_messages())
    EXPECT_TRUE(has(pot.str(), "msgctxt \"" + std::string(m.id) + "\"")) << m.id;
}

TEST(Catalog, FormatAndLanguageChoice) {
  EXPECT_EQ(format_message("{b} then {a}, {c}", {{"a", "1"}, {"b", "2"}}), "2 then 1, {c}");
  EXPECT_EQ(lang_from_env(nullptr, nullptr, "zh_CN.UTF-8"), Lang::Zh);
  EXPECT_EQ(lang_from_env("C", nullptr, "zh_CN.UTF-8"), Lang::En);
  EXPECT_EQ(lang_from_env("", "zh_TW", nullptr), Lang::Zh);
  EXPECT_EQ(lang_from_env("", nullptr, nullptr), Lang::En);
  EXPECT_EQ(flags_name(0x012), "SYN-ACK");
  EXPECT_EQ(flags_name(0x019), "FIN-PSH-ACK");
}

TEST(Text, WrapsAtTheWidthInBothScripts) {
  EXPECT_EQ(wrap("one two three four", 10, 2, 4), "  one two\n    three\n    four");
  const std::string zh = wrap("三次握手：客户端发送 SYN，带上初始序列号", 12, 0, 2);
  std::istringstream in(zh);
  for (std::string line; std::getline(in, line);) EXPECT_LE(display_width(line), 12u) << zh;
  EXPECT_EQ(display_width("客户端"), 6u);
  EXPECT_EQ(display_width("\u2500\u25B6"), 2u);
}

}  // namespace
}  // namespace tcplens::explain
