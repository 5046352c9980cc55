// Display filters: each operator and literal type on hand-made packets, multi-occurrence
// semantics (tshark 4.0: == any, != all, === all, ~= any), and the errors tshark gives.
#include "tcplens/dfilter/display_filter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "packet_builder.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens {
namespace {

using test::kClient;
using test::kServer;
using test::segment;

// A handshake and a GET request from 10.0.0.1:40000 to 10.0.0.2:80, decoded and tracked;
// event(i) is packet i (0-based) as the engine hands it to a filter.
class DisplayFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::Segment syn = segment(kClient, 1000, 0, tcpflag::kSyn);
    syn.options = {2, 4, 0x05, 0xb4, 1, 3, 3, 7};  // MSS 1460, NOP, window scale 7
    add(syn);
    test::Segment syn_ack = segment(kServer, 5000, 1001, tcpflag::kSyn | tcpflag::kAck);
    syn_ack.options = {2, 4, 0x05, 0x78, 1, 3, 3, 2};
    add(syn_ack, 0, 100000000);
    add(segment(kClient, 1001, 5001, tcpflag::kAck), 0, 200000000);
    const std::string get = "GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.88\r\n\r\n";
    test::Segment data = segment(kClient, 1001, 5001, tcpflag::kAck | tcpflag::kPsh, 0);
    add(data, 0, 300000000, get);
  }

  void add(const test::Segment& s, std::int64_t sec = 0, std::uint32_t nsec = 0, const std::string& payload = "") {
    std::vector<std::uint8_t> b = test::build_ipv4_tcp(s);
    if (!payload.empty()) {
      b.insert(b.end(), payload.begin(), payload.end());
      const std::size_t total = b.size();
      b[2] = static_cast<std::uint8_t>(total >> 8);
      b[3] = static_cast<std::uint8_t>(total);
    }
    bytes_.push_back(b);
    times_.push_back({sec, nsec});
  }

  // Runs the packets up to `index` through decoder and tracker; evaluates `filter` on the last.
  bool match(const std::string& filter, std::size_t index) {
    DfilterError error;
    auto f = DisplayFilter::compile(filter, error);
    EXPECT_TRUE(f) << filter << ": " << error.message;
    if (!f) return false;
    PacketDecoder decoder;
    StreamTracker tracker;
    bool result = false;
    Timestamp first{times_[0].first, times_[0].second}, prev = first;
    for (std::size_t i = 0; i <= index; ++i) {
      RawPacket raw = test::raw_packet(bytes_[i], i + 1, times_[i].first, times_[i].second);
      const DecodedPacket& pkt = decoder.decode(raw);
      const TcpPacketAnalysis& a = tracker.on_packet(pkt, raw.number, raw.ts);
      StreamSummary summary = a.tracked ? tracker.summary(a.stream) : StreamSummary{};
      PacketEvent ev;
      ev.raw = &raw;
      ev.pkt = &pkt;
      ev.tcp = &a;
      ev.summary = a.tracked ? &summary : nullptr;
      ev.stream = a.stream;
      ev.stream_known = true;
      ev.first_ts = first;
      ev.prev_ts = prev;
      result = f->matches(ev);  // every packet, as the engine does (application state)
      prev = raw.ts;
    }
    return result;
  }

  static DfilterError error_of(const std::string& filter) {
    DfilterError error;
    EXPECT_FALSE(DisplayFilter::compile(filter, error)) << filter;
    return error;
  }

  std::vector<std::vector<std::uint8_t>> bytes_;
  std::vector<std::pair<std::int64_t, std::uint32_t>> times_;
};

TEST_F(DisplayFilterTest, ProtocolsAndExistence) {
  EXPECT_TRUE(match("tcp", 0));
  EXPECT_TRUE(match("ip", 0));
  EXPECT_FALSE(match("udp", 0));
  EXPECT_TRUE(match("!udp", 0));
  EXPECT_FALSE(match("not tcp", 0));
  EXPECT_TRUE(match("tcp.options.mss_val", 0));
  EXPECT_FALSE(match("tcp.options.mss_val", 2));
  EXPECT_TRUE(match("frame", 1));
}

// `ip.addr == A` and `tcp.port == P` (and their src/dst forms) take a fast path; a set of one
// member takes the general one: both say the same of every packet.
TEST_F(DisplayFilterTest, FastEqualityAgreesWithTheGeneralPath) {
  const std::vector<std::string> fields = {"ip.src", "ip.dst", "ip.addr"};
  const std::vector<std::string> addresses = {"10.0.0.1", "10.0.0.2", "10.0.0.3"};
  const std::vector<std::string> ports = {"tcp.srcport", "tcp.dstport", "tcp.port"};
  const std::vector<std::string> numbers = {"40000", "80", "81"};
  int matched = 0;
  for (std::size_t i = 0; i < bytes_.size(); ++i) {
    for (const auto& f : fields)
      for (const auto& a : addresses) {
        const bool fast = match(f + "==" + a, i);
        EXPECT_EQ(fast, match(f + " in {" + a + "}", i)) << f << " " << a << " packet " << i;
        matched += fast;
      }
    for (const auto& f : ports)
      for (const auto& n : numbers) {
        const bool fast = match(f + "==" + n, i);
        EXPECT_EQ(fast, match(f + " in {" + n + "}", i)) << f << " " << n << " packet " << i;
        matched += fast;
      }
  }
  // Each packet: src, dst and addr match once each for both hosts' fields (4 of 9 address
  // tests, 4 of 9 port tests).
  EXPECT_EQ(matched, static_cast<int>(bytes_.size()) * 8);
  EXPECT_FALSE(match("ip.addr==10.0.0.0/8 and not ip.addr==10.0.0.1", 0));  // CIDR: not fast
}

TEST_F(DisplayFilterTest, IntegerComparisons) {
  EXPECT_TRUE(match("tcp.srcport == 40000", 0));
  EXPECT_TRUE(match("tcp.srcport eq 40000", 0));
  EXPECT_TRUE(match("tcp.dstport == 0x50", 0));
  EXPECT_TRUE(match("tcp.dstport == 0120", 0));  // octal
  EXPECT_TRUE(match("tcp.options.mss_val > 1000", 0));
  EXPECT_TRUE(match("tcp.options.mss_val gt 1000 and tcp.options.mss_val lt 1461", 0));
  EXPECT_TRUE(match("tcp.options.mss_val >= 1460 && tcp.options.mss_val <= 1460", 0));
  EXPECT_FALSE(match("tcp.options.mss_val ge 1461", 0));
  EXPECT_TRUE(match("frame.number == 2", 1));
  EXPECT_TRUE(match("tcp.len == 0", 0));
  EXPECT_TRUE(match("tcp.len > 0", 3));
  // A negative literal for an unsigned field is accepted and matches nothing (tshark 4.0).
  EXPECT_FALSE(match("tcp.stream == -1", 0));
  EXPECT_FALSE(match("tcp.stream > -1", 0));
}

TEST_F(DisplayFilterTest, MultipleOccurrences) {
  // tcp.port has two occurrences: == is "any", != "all differ", === "all equal", ~= "any differs".
  EXPECT_TRUE(match("tcp.port == 80", 0));
  EXPECT_TRUE(match("tcp.port == 40000", 0));
  EXPECT_FALSE(match("tcp.port != 80", 0));
  EXPECT_TRUE(match("tcp.port != 81", 0));
  EXPECT_FALSE(match("tcp.port === 80", 0));
  EXPECT_TRUE(match("tcp.port ~= 80", 0));
  EXPECT_TRUE(match("tcp.port !== 80", 0));
  EXPECT_TRUE(match("ip.addr == 10.0.0.2", 0));
  // != needs the field: a packet without it does not match.
  EXPECT_FALSE(match("udp.port != 53", 0));
  EXPECT_TRUE(match("!(udp.port == 53)", 0));
}

TEST_F(DisplayFilterTest, BooleansAndFlags) {
  EXPECT_TRUE(match("tcp.flags.syn == 1 and tcp.flags.ack == 0", 0));
  EXPECT_FALSE(match("tcp.flags.syn == 1 and tcp.flags.ack == 0", 1));
  EXPECT_TRUE(match("tcp.flags.syn == 2", 0));  // any non-zero is true
  EXPECT_TRUE(match("tcp.flags.syn == True", 0));
  EXPECT_TRUE(match("tcp.flags == 0x012", 1));
  EXPECT_TRUE(match("tcp.flags & 0x12 == 0x12", 1));
  EXPECT_TRUE(match("tcp.flags & 0x02", 0));
  EXPECT_FALSE(match("tcp.flags & 0x04", 0));
  EXPECT_TRUE(match("tcp.flags bitwise_and 0x02", 0));
}

TEST_F(DisplayFilterTest, Addresses) {
  EXPECT_TRUE(match("ip.src == 10.0.0.1", 0));
  EXPECT_FALSE(match("ip.src == 10.0.0.2", 0));
  EXPECT_TRUE(match("ip.src == 10.0.0.0/8", 0));
  EXPECT_TRUE(match("ip.dst == 10.0.0.0/30", 0));
  EXPECT_FALSE(match("ip.dst == 10.0.1.0/24", 0));
  EXPECT_TRUE(match("ip.src < 10.0.0.2", 0));
  EXPECT_TRUE(match("ip.src in {10.0.0.1, 10.0.0.9}", 0));
  EXPECT_TRUE(match("ip.addr in {10.0.0.0/24}", 0));
  EXPECT_FALSE(match("ipv6.addr == ::1", 0));
  EXPECT_TRUE(match("ip.src_host == \"10.0.0.1\"", 0));
}

TEST_F(DisplayFilterTest, SetsAndRanges) {
  EXPECT_TRUE(match("tcp.dstport in {80, 443, 8080}", 0));
  EXPECT_FALSE(match("tcp.dstport in {443, 8080}", 0));
  EXPECT_TRUE(match("tcp.dstport in {70..90}", 0));
  EXPECT_TRUE(match("tcp.dstport in {1, 70 .. 90}", 0));
  EXPECT_FALSE(match("tcp.dstport not in {70..90}", 0));
  EXPECT_TRUE(match("tcp.dstport not in {81..90}", 0));
}

TEST_F(DisplayFilterTest, BytesSlicesAndStrings) {
  EXPECT_TRUE(match("tcp.payload[0:3] == \"GET\"", 3));
  EXPECT_TRUE(match("tcp.payload[0:3] == 47:45:54", 3));
  EXPECT_TRUE(match("tcp.payload[0-2] == 47.45.54", 3));
  EXPECT_TRUE(match("tcp.payload[:4] == \"GET \"", 3));
  EXPECT_TRUE(match("tcp.payload[-2:] == 0d:0a", 3));
  EXPECT_TRUE(match("tcp.payload[0] == 47", 3));
  EXPECT_TRUE(match("tcp.payload[0:1,2:1] == \"GT\"", 3));
  EXPECT_TRUE(match("tcp.payload contains \"Host\"", 3));
  EXPECT_TRUE(match("tcp.payload contains 48:6f:73:74", 3));
  EXPECT_FALSE(match("tcp.payload contains \"POST\"", 3));
  EXPECT_TRUE(match("frame contains \"example\"", 3));
  EXPECT_TRUE(match("ip.src[0] == 0a", 0));
  EXPECT_TRUE(match("ip.src[3] & 1", 0));
  EXPECT_TRUE(match("len(tcp.payload) > 10", 3));
  EXPECT_TRUE(match("count(tcp.port) == 2", 0));
  EXPECT_TRUE(match("tcp.payload[0:3] == \"\\x47\\105T\"", 3));  // escapes: hex and octal
}

TEST_F(DisplayFilterTest, Http) {
  EXPECT_TRUE(match("http", 3));
  EXPECT_FALSE(match("http", 2));
  EXPECT_TRUE(match("http.request.method == \"GET\"", 3));
  EXPECT_TRUE(match("http.request.method == GET", 3));  // an unquoted word is a string
  EXPECT_TRUE(match("http.request.uri == \"/index.html\"", 3));
  EXPECT_TRUE(match("http.host == \"example.com\"", 3));
  EXPECT_TRUE(match("http.user_agent contains \"curl\"", 3));
  EXPECT_TRUE(match("http.user_agent ~ \"^curl/7\"", 3));
  EXPECT_TRUE(match("http.request.method matches \"get\"", 3));  // case-insensitive, as 4.0
  EXPECT_FALSE(match("http.request.method matches \"(?-i)get\"", 3));
  EXPECT_TRUE(match("lower(http.host) == \"example.com\"", 3));
  EXPECT_TRUE(match("upper(http.request.method) == \"GET\"", 3));
  EXPECT_TRUE(match("http.request.full_uri == \"http://example.com/index.html\"", 3));
  EXPECT_FALSE(match("http.response", 3));
}

TEST_F(DisplayFilterTest, TcpAnalysisAndTime) {
  EXPECT_TRUE(match("tcp.seq == 0", 0));     // relative
  EXPECT_TRUE(match("tcp.seq_raw == 1000", 0));
  EXPECT_TRUE(match("tcp.seq == 1 and tcp.ack == 1", 3));
  EXPECT_TRUE(match("tcp.stream == 0", 3));
  EXPECT_TRUE(match("tcp.window_size_value == 64240", 0));
  EXPECT_TRUE(match("tcp.analysis.initial_rtt", 3));
  EXPECT_FALSE(match("tcp.analysis.initial_rtt", 1));
  EXPECT_TRUE(match("tcp.analysis.initial_rtt == 0.2", 3));
  EXPECT_TRUE(match("frame.time_relative == 0.3", 3));
  EXPECT_TRUE(match("frame.time_delta >= 0.1", 3));
  EXPECT_TRUE(match("tcp.analysis.ack_rtt == 0.1", 1));
  EXPECT_FALSE(match("tcp.analysis.flags", 3));
  EXPECT_TRUE(match("!tcp.analysis.retransmission", 3));
}

TEST_F(DisplayFilterTest, Precedence) {
  // and binds tighter than or; not tighter than and.
  EXPECT_TRUE(match("udp and tcp or tcp", 0));
  EXPECT_TRUE(match("tcp or udp and tcp.port == 1", 0));
  EXPECT_FALSE(match("not tcp and tcp", 0));
  EXPECT_TRUE(match("(tcp.port==25 || tcp.port==80) && tcp.len == 0", 0));
}

TEST_F(DisplayFilterTest, ErrorsAsTsharkWordsThem) {
  struct Case {
    const char* filter;
    const char* message;
    int at, len;
  };
  const Case cases[] = {
      {"tcp.flgs.syn==1", "Left side of \"==\" expression must be a field or function, not tcp.flgs.syn.", 0, 12},
      {"tcp.flgs", "tcp.flgs is neither a field nor a protocol name.", 0, 8},
      {"ip.src == 1.2.3", "\"1.2.3\" is not a valid hostname or IPv4 address.", 10, 5},
      {"(tcp.port==80 and ip.src==10.0.0.1", "Unexpected end of filter expression.", -1, 0},
      {"tcp.port==80)", "\")\" was unexpected in this context.", 12, 1},
      {"tcp.port == \"x\"", "Unsigned integer (2 bytes) cannot be converted from a string (\"x\").", 12, 3},
      {"tcp.port == 70000", "\"70000\" too big for this field, maximum 65535.", 12, 5},
      {"tcp.flags.syn = 1", "\"=\" was unexpected in this context.", 14, 1},
      {"tcp.dstport in {80 443 8080}", "\"443\" was unexpected in this context.", 19, 3},
      {"eth.addr == 00:11:22:33:44", "\"00:11:22:33:44\" contains too few bytes to be a valid Ethernet address.", 12,
       14},
      {"tcp.payload[0:3 == \"GET\"", "The right bracket was missing from a slice.", 24, 1},
      {"http.host matches \"(\"", "Regex compilation error: missing closing parenthesis.", -1, 0},
      {"tcp.analysis.ack_rtt > abc", "\"abc\" is not a valid time.", 23, 3},
      {"ip.addr == 10.0.0.0/33", "Netmask bits in a CIDR IPv4 address should be <= 32, not 33", 11, 11},
      {"http.request.method == \"GET", "The final quote was missing from a quoted string.", 27, 1},
      {"tcp.port == abc", "\"abc\" is not a valid number.", 12, 3},
      {"tcp.port[0] == 1", "\"tcp.port\" is a Unsigned integer (2 bytes) and cannot be sliced into a sequence of bytes.", 0,
       8},
      {"ip.src == \"1.2.3.4\"", "IPv4 address cannot be converted from a string (\"1.2.3.4\").", 10, 9},
      {"== 1", "\"==\" was unexpected in this context.", 0, 2},
      {"tcp.port == 80 xor udp", "\"xor\" was unexpected in this context.", 15, 3},
      {"tcp.flags.syn ==", "Unexpected end of filter expression.", -1, 0},
  };
  for (const Case& c : cases) {
    const DfilterError e = error_of(c.filter);
    EXPECT_EQ(e.message, c.message) << c.filter;
    EXPECT_EQ(e.at, c.at) << c.filter;
    if (c.at >= 0) EXPECT_EQ(e.len, c.len) << c.filter;
  }
}

// tshark 4.0.17's TCP header fields: tcp.ack and tcp.ack_raw on every segment (the number
// as sent without ACK), the flags as text, each option's kind and length.
TEST_F(DisplayFilterTest, TcpHeaderFieldsAsTshark) {
  EXPECT_TRUE(match("tcp.ack == 0 && tcp.ack_raw == 0", 0));  // the SYN: no ACK flag
  EXPECT_FALSE(match("tcp.ack.nonzero", 0));
  EXPECT_TRUE(match("tcp.ack == 1 && tcp.ack_raw == 1001", 1));
  EXPECT_TRUE(match("tcp.flags.str == \"\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7S\u00b7\"", 0));
  EXPECT_TRUE(match("tcp.flags.str contains \"A\" && tcp.flags.str contains \"S\"", 1));
  EXPECT_TRUE(match("tcp.flags.ae == 0 && tcp.flags.ece == 0 && tcp.flags.cwr == 0", 0));
  EXPECT_FALSE(match("tcp.flags.ace", 2));  // no AccECN handshake
  EXPECT_TRUE(match("tcp.option_kind == 1 && tcp.option_kind == 3", 0));  // MSS, NOP, WS
  EXPECT_TRUE(match("tcp.option_len == 4 && tcp.option_len == 3", 0));
  EXPECT_FALSE(match("tcp.option_len == 1", 0));  // NOP has no length
  EXPECT_FALSE(match("tcp.option_kind", 2));
  EXPECT_TRUE(match("tcp.checksum.status == 2", 3));
  EXPECT_TRUE(match("tcp.time_relative == 0 && tcp.time_delta == 0", 0));
  EXPECT_TRUE(match("tcp.time_delta == 0.1", 1));
  EXPECT_TRUE(match("tcp.time_relative == 0.3 && tcp.time_delta == 0.1", 3));
  EXPECT_TRUE(match("tcp.payload[0] == 0x47 && tcp.payload[0] == 47", 3));  // one byte, "G"
  EXPECT_EQ(error_of("tcp.payload[0] == 0x7").message, "\"0x7\" is not a valid byte string.");
  EXPECT_EQ(error_of("tcp.flags.ns == 1").message,
            "Left side of \"==\" expression must be a field or function, not tcp.flags.ns.");
}

// An ICMP error quotes the offending datagram's IPv4 header: tshark dissects it as a second IP
// layer, so every ip.* field has an occurrence from each header.
TEST_F(DisplayFilterTest, IpFieldsOfAQuotedHeader) {
  std::vector<std::uint8_t> quoted = {0x45, 0x10, 0x00, 0x24, 0x12, 0x34, 0x40, 0x00, 7, 17, 0xab, 0xcd,
                                      10, 0, 0, 1, 10, 0, 0, 2,
                                      0x9c, 0x40, 0x00, 0x35, 0x00, 0x10, 0x00, 0x00};  // UDP 40000 -> 53
  std::vector<std::uint8_t> b = {0x45, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 64, 1, 0x00, 0x00,
                                 10, 0, 0, 2, 10, 0, 0, 1,
                                 3, 3, 0, 0, 0, 0, 0, 0};  // ICMP port unreachable
  b.insert(b.end(), quoted.begin(), quoted.end());
  b[3] = static_cast<std::uint8_t>(b.size());
  bytes_ = {b};
  times_ = {{0, 0}};
  EXPECT_TRUE(match("ip.ttl == 64 && ip.ttl == 7", 0));
  EXPECT_TRUE(match("ip.id == 0x1234", 0));
  EXPECT_TRUE(match("ip.id == 7", 0));
  EXPECT_TRUE(match("ip.flags.df == 1", 0));  // only the quoted header sets DF
  EXPECT_FALSE(match("ip.flags.mf == 1", 0));
  EXPECT_TRUE(match("ip.dsfield.dscp == 4", 0));
  EXPECT_TRUE(match("ip.checksum == 0xabcd", 0));
  EXPECT_TRUE(match("ip.len == 36", 0));
  EXPECT_TRUE(match("ip.hdr_len == 20", 0));
  EXPECT_FALSE(match("ip.ttl > 64", 0));
}

TEST_F(DisplayFilterTest, AckRttAbsentWhenZero) {
  times_[1] = times_[0];  // the SYN-ACK has the SYN's timestamp: tshark shows no ack_rtt
  EXPECT_TRUE(match("tcp.analysis.acks_frame == 1", 1));
  EXPECT_FALSE(match("tcp.analysis.ack_rtt", 1));
  EXPECT_TRUE(match("tcp.analysis.ack_rtt", 2));  // the ACK of the SYN-ACK, 0.2 s later
}

TEST_F(DisplayFilterTest, LlmnrIsDnsAndLlmnr) {
  // 10.0.0.1:50000 -> 224.0.0.252:5355, a query for "wpad" type A (RFC 4795: DNS format).
  std::vector<std::uint8_t> b = {0x45, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 1, 17, 0x00, 0x00,
                                 10, 0, 0, 1, 224, 0, 0, 252,
                                 0xc3, 0x50, 0x14, 0xeb, 0x00, 0x00, 0x00, 0x00,
                                 0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                 4, 'w', 'p', 'a', 'd', 0, 0x00, 0x01, 0x00, 0x01};
  b[3] = static_cast<std::uint8_t>(b.size());
  b[25] = static_cast<std::uint8_t>(b.size() - 20);
  bytes_ = {b};
  times_ = {{0, 0}};
  EXPECT_TRUE(match("llmnr", 0));
  EXPECT_FALSE(match("dns", 0));   // tshark's dns protocol is not on LLMNR frames
  EXPECT_FALSE(match("mdns", 0));
  EXPECT_TRUE(match("dns.qry.type == 1", 0));
  EXPECT_TRUE(match("dns.qry.name == \"wpad\"", 0));
  EXPECT_TRUE(match("dns.flags.response == 0", 0));
}

TEST(DisplayFilterFormat, MarkerUnderThePlace) {
  DfilterError e{"\"abc\" is not a valid number.", 12, 3};
  EXPECT_EQ(format_dfilter_error("tcp.port == abc", e),
            "tcplens: \"abc\" is not a valid number.\n    tcp.port == abc\n                ^~~\n");
}

TEST(DisplayFilterNeeds, AskOnlyForWhatIsRead) {
  DfilterError e;
  auto raw_only = DisplayFilter::compile("frame.len > 100", e);
  ASSERT_TRUE(raw_only);
  EXPECT_EQ(raw_only->needs(), 0u);
  auto stream = DisplayFilter::compile("tcp.stream == 1", e);
  ASSERT_TRUE(stream);
  EXPECT_TRUE(stream->needs() & need::kStreamNumbers);
  auto conn = DisplayFilter::compile("conn.handshake == \"complete\"", e);
  ASSERT_TRUE(conn);
  EXPECT_TRUE(conn->needs() & need::kConnections);
  EXPECT_TRUE(conn->reads_connections());
}

TEST(DisplayFilterRecord, ConnectionFields) {
  DfilterError e;
  ConnectionRecord r;
  r.conn.handshake = HandshakeResult::Complete;
  r.conn.teardown = TeardownKind::Reset;
  r.conn.client.sent.bytes = 100;
  r.conn.server.sent.bytes = 900;
  r.conn.first_ts = {10, 0};
  r.conn.last_ts = {12, 500000000};
  r.has_zeek = true;
  r.zeek_conn_state = "RSTO";
  auto check = [&](const char* f) {
    auto d = DisplayFilter::compile(f, e);
    EXPECT_TRUE(d) << f << ": " << e.message;
    return d && d->matches_record(r);
  };
  EXPECT_TRUE(check("conn.handshake == \"complete\""));
  EXPECT_TRUE(check("conn.handshake == complete and conn.teardown == reset"));
  EXPECT_TRUE(check("conn.bytes == 1000"));
  EXPECT_TRUE(check("conn.duration > 2.4 && conn.duration < 2.6"));
  EXPECT_TRUE(check("conn.zeek.conn_state in {\"RSTO\", \"RSTR\"}"));
  EXPECT_FALSE(check("conn.handshake == \"rejected\""));
  EXPECT_FALSE(check("tcp.port == 80"));  // packet fields are absent from a record
}

}  // namespace
}  // namespace tcplens

namespace tcplens {
namespace {

// A hostile filter cannot recurse without bound: the parser stops at 200 levels of
// nesting (parentheses, `not`, unary minus) with an error at the place.
TEST(DisplayFilterDepth, DeepNestingIsAnErrorNotACrash) {
  DfilterError error;
  const std::string ok = std::string(150, '(') + "tcp" + std::string(150, ')');
  EXPECT_TRUE(DisplayFilter::compile(ok, error)) << error.message;
  const std::string parens = std::string(5000, '(') + "tcp" + std::string(5000, ')');
  EXPECT_FALSE(DisplayFilter::compile(parens, error));
  EXPECT_EQ(error.message, "Filter expression is nested too deeply.");
  EXPECT_GT(error.at, 0);
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  EXPECT_FALSE(DisplayFilter::compile(nots + "tcp", error));
  EXPECT_FALSE(DisplayFilter::compile("tcp.len == " + std::string(5000, '-') + "1", error));
}

}  // namespace
}  // namespace tcplens
