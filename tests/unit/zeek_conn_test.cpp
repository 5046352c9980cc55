// ZeekConnEngine in a small helper language: syn(orig), syn_ack(resp), data(orig, 100),
// fin(resp), rst(orig)... Each helper keeps per-side sequence numbers, as a TCP would, so a
// test only says what happens. `orig` and `resp` name the first sender and the other side
// as the capture saw them (before any '^' flip). Grouped by situation; together they cover
// every conn_state value and every history letter.
#include <algorithm>

#include <gtest/gtest.h>

#include "tcplens/tcp/zeek_conn.hpp"
#include "tcplens/tcp/zeek_decode.hpp"
#include "tcplens/wire/checksum.hpp"

namespace tcplens::zeek {
namespace {

constexpr Peer orig = Peer::First;
constexpr Peer resp = Peer::Second;

constexpr std::uint16_t F = 0x01, S = 0x02, R = 0x04, P = 0x08, A = 0x10;

class Conn {
 public:
  explicit Conn(bool flip = false, ZeekOptions o = {}) : e_(0.0, flip, o) {
    next_[0] = 1000;
    next_[1] = 5000;
  }

  Conn& send(Peer from, std::uint16_t flags, std::uint32_t len = 0, std::uint16_t window = 8192,
             bool checksum_ok = true) {
    int s = from == Peer::First ? 0 : 1;
    ZeekPacket p;
    p.from = from;
    p.ts = (t_ += 0.01);
    p.flags = flags;
    p.seq = next_[s];
    p.ack = next_[1 - s];
    p.payload_len = p.captured_len = len;
    p.window = window;
    p.checksum_ok = checksum_ok;
    e_.on_packet(p);
    if (checksum_ok && !(flags & R)) next_[s] += len + ((flags & S) ? 1 : 0) + ((flags & F) ? 1 : 0);
    return *this;
  }
  Conn& syn(Peer p) { return send(p, S); }
  Conn& syn_ack(Peer p) { return send(p, S | A); }
  Conn& ack(Peer p) { return send(p, A); }
  Conn& data(Peer p, std::uint32_t n) { return send(p, A | P, n); }
  Conn& fin(Peer p) { return send(p, F | A); }
  Conn& rst(Peer p) { return send(p, R); }
  Conn& rst_ack(Peer p) { return send(p, R | A); }
  Conn& zero_window(Peer p) { return send(p, A, 0, 0); }
  Conn& bad_checksum(Peer p) { return send(p, A, 0, 8192, false); }
  // Retransmits the last `n` bytes this side sent.
  Conn& retransmit(Peer p, std::uint32_t n) {
    int s = p == Peer::First ? 0 : 1;
    next_[s] -= n;
    return send(p, A | P, n);
  }
  // Skips `n` bytes this side "sent" without them being captured.
  Conn& lose(Peer p, std::uint32_t n) {
    next_[p == Peer::First ? 0 : 1] += n;
    return *this;
  }

  std::string history() const { return e_.history(); }
  std::string state() const { return to_string(e_.conn_state()); }
  const ZeekConnEngine& engine() const { return e_; }

 private:
  ZeekConnEngine e_;
  std::uint32_t next_[2];
  double t_ = 0;
};

// ---- tests for the handshake ----

TEST(ZeekHandshake, UnansweredSynIsS0) {
  Conn c;
  c.syn(orig);
  EXPECT_EQ(c.history(), "S");
  EXPECT_EQ(c.state(), "S0");
}

TEST(ZeekHandshake, EstablishedIsS1) {
  Conn c;
  c.syn(orig).syn_ack(resp).ack(orig).data(orig, 10).data(resp, 20);
  EXPECT_EQ(c.history(), "ShADd");
  EXPECT_EQ(c.state(), "S1");
}

TEST(ZeekHandshake, RejectedIsREJ) {
  Conn c;
  c.syn(orig).rst_ack(resp);
  EXPECT_EQ(c.history(), "Sr");
  EXPECT_EQ(c.state(), "REJ");
}

TEST(ZeekHandshake, SynThenRstWithoutAnswerIsRSTOS0) {
  Conn c;
  c.syn(orig).rst(orig);
  EXPECT_EQ(c.history(), "SR");
  EXPECT_EQ(c.state(), "RSTOS0");
}

TEST(ZeekHandshake, SynFinWithoutAnswerIsSH) {
  Conn c;
  c.syn(orig).send(orig, F);
  EXPECT_EQ(c.history(), "SF");
  EXPECT_EQ(c.state(), "SH");
}

TEST(ZeekHandshake, RepeatedSynSameSeqLoggedOnce) {
  const ZeekOptions options;
  ZeekConnEngine e(0, false, options);
  ZeekPacket p;
  p.flags = S;
  p.seq = 1000;
  p.window = 8192;
  e.on_packet(p);
  e.on_packet(p);
  EXPECT_EQ(e.history(), "S");
  EXPECT_FALSE(e.is_reuse(p, 1));
  p.seq = 7000;  // a new ISN on the same 4-tuple starts a new connection in Zeek
  EXPECT_TRUE(e.is_reuse(p, 1));
}

// ---- tests for the close ----

TEST(ZeekClose, BothFinsIsSF) {
  Conn c;
  c.syn(orig).syn_ack(resp).ack(orig).data(orig, 5).fin(orig).fin(resp).ack(orig);
  EXPECT_EQ(c.history(), "ShADFf");  // the final ACK: 'A' already logged
  EXPECT_EQ(c.state(), "SF");
}

TEST(ZeekClose, OnlyOrigFinIsS2) {
  Conn c;
  c.syn(orig).syn_ack(resp).ack(orig).fin(orig);
  EXPECT_EQ(c.state(), "S2");
}

TEST(ZeekClose, OnlyRespFinIsS3) {
  Conn c;
  c.syn(orig).syn_ack(resp).ack(orig).fin(resp);
  EXPECT_EQ(c.state(), "S3");
}

TEST(ZeekClose, FinAndRstTogetherIsI) {
  Conn c;
  c.syn(orig).syn_ack(resp).ack(orig).send(orig, F | R | A);
  EXPECT_EQ(c.history(), "ShAI");
}

// ---- tests for RST ----

TEST(ZeekReset, OrigResetsEstablishedIsRSTO) {
  Conn c;
  c.syn(orig).syn_ack(resp).ack(orig).rst(orig);
  EXPECT_EQ(c.history(), "ShAR");
  EXPECT_EQ(c.state(), "RSTO");
}

TEST(ZeekReset, RespResetsEstablishedIsRSTR) {
  Conn c;
  c.syn(orig).syn_ack(resp).ack(orig).rst(resp);
  EXPECT_EQ(c.history(), "ShAr");
  EXPECT_EQ(c.state(), "RSTR");
}

TEST(ZeekReset, LoneRstIsOTH) {
  Conn c;
  c.rst(orig);
  EXPECT_EQ(c.history(), "R");
  EXPECT_EQ(c.state(), "OTH");
}

TEST(ZeekReset, SynAckThenRstFromResponderIsRSTRH) {
  // First packet a SYN-ACK from a likely server port: flipped at start.
  Conn c(/*flip=*/true);
  c.syn_ack(orig).rst(orig);  // both from the first sender, which is the responder
  EXPECT_EQ(c.history(), "^hr");
  EXPECT_EQ(c.state(), "RSTRH");
}

TEST(ZeekReset, SynAckThenFinFromResponderIsSHR) {
  Conn c(/*flip=*/true);
  c.syn_ack(orig).send(orig, F | A);
  EXPECT_EQ(c.history(), "^hf");
  EXPECT_EQ(c.state(), "SHR");
}

// ---- tests for mid-stream pick-up and role flips ----

TEST(ZeekMidstream, DataWithoutSynIsOTH) {
  Conn c;
  c.data(orig, 100).data(resp, 10);
  EXPECT_EQ(c.history(), "Dd");
  EXPECT_EQ(c.state(), "OTH");
}

TEST(ZeekFlip, SynAckFollowedByAckFlipsAndRewritesHistory) {
  // zeek/zeek#2191: not flipped by port, flipped when an ACK follows the SYN-ACK.
  Conn c;
  c.syn_ack(orig).ack(resp).data(resp, 10);
  EXPECT_EQ(c.history(), "^hAD");
  EXPECT_FALSE(c.engine().orig_is_first());
}

TEST(ZeekFlip, SynSynAckReversalAppendsCaret) {
  Conn c;
  c.syn_ack(orig);
  // the SYN the SYN-ACK answered, seen late: same ISN as the SYN-ACK's ack - 1
  ZeekConnEngine& e = const_cast<ZeekConnEngine&>(c.engine());
  ZeekPacket p;
  p.from = resp;
  p.ts = 1;
  p.flags = S;
  p.seq = 4999;  // the SYN-ACK acked 5000
  p.window = 8192;
  e.on_packet(p);
  EXPECT_EQ(e.history(), "Hs^");
  EXPECT_FALSE(e.orig_is_first());
}

TEST(ZeekFlip, MultiFlagPacketIsQ) {
  Conn c;
  c.send(orig, S | F);
  EXPECT_EQ(c.history(), "Q");
}

// ---- tests for repeated events: c, g, t, w at 1, 10, 100 ----

TEST(ZeekRepeats, RetransmissionsAreLoggedAtPowersOfTen) {
  Conn c;
  c.syn(orig).syn_ack(resp).ack(orig).data(orig, 10);
  for (int i = 0; i < 10; ++i) c.retransmit(orig, 10);
  EXPECT_EQ(c.history(), "ShADTT");
}

TEST(ZeekRepeats, ZeroWindowIsW) {
  Conn c;
  c.syn(orig).syn_ack(resp).ack(orig).zero_window(resp);
  EXPECT_EQ(c.history(), "ShAaw");
}

TEST(ZeekRepeats, BadChecksumIsCAndPacketIgnored) {
  Conn c;
  c.bad_checksum(orig);
  EXPECT_EQ(c.history(), "C");
  EXPECT_EQ(c.state(), "OTH");
  for (int i = 0; i < 9; ++i) c.bad_checksum(resp);
  EXPECT_EQ(c.history(), "Cc");
  c.bad_checksum(resp);
  EXPECT_EQ(c.history(), "Ccc");
}

TEST(ZeekRepeats, AckedButUnseenDataIsAGap) {
  Conn c;
  c.syn(orig).syn_ack(resp).ack(orig).lose(resp, 100).ack(orig).data(resp, 10).ack(orig);
  EXPECT_EQ(c.history(), "ShAgd");  // the ACK of 100 unseen bytes is the gap
  EXPECT_EQ(c.state(), "S1");
}

// ---- a recycled engine ----

// Feeds `e` a connection with a gap, a retransmission and a close, starting at `t0`.
void play(ZeekConnEngine& e, double t0, std::uint32_t isn) {
  struct Step { Peer from; std::uint16_t flags; std::uint32_t seq_off, ack_off, len; };
  const Step steps[] = {{orig, S, 0, 0, 0},          {resp, S | A, 0, 1, 0},
                        {orig, A, 1, 1, 0},          {orig, A | P, 1, 1, 100},
                        {orig, A | P, 301, 1, 50},   {resp, A, 1, 101, 0},
                        {orig, A | P, 1, 1, 100},    {resp, A | P, 1, 351, 20},
                        {orig, F | A, 351, 21, 0},   {resp, F | A, 21, 352, 0},
                        {orig, A, 352, 22, 0}};
  double t = t0;
  for (const Step& s : steps) {
    ZeekPacket p;
    p.from = s.from;
    p.ts = (t += 0.01);
    p.flags = s.flags;
    const std::uint32_t mine = s.from == orig ? isn : isn * 3;
    const std::uint32_t theirs = s.from == orig ? isn * 3 : isn;
    p.seq = mine + s.seq_off;
    p.ack = (s.flags & A) ? theirs + s.ack_off : 0;
    p.payload_len = p.captured_len = s.len;
    p.window = 8192;
    e.on_packet(p);
  }
}

void expect_same(const ZeekConnEngine& a, const ZeekConnEngine& b) {
  EXPECT_EQ(a.history(), b.history());
  EXPECT_EQ(a.conn_state(), b.conn_state());
  EXPECT_EQ(a.start_ts(), b.start_ts());
  EXPECT_EQ(a.last_ts(), b.last_ts());
  EXPECT_EQ(a.next_timer_at(), b.next_timer_at());
  EXPECT_EQ(a.orig_is_first(), b.orig_is_first());
  for (int side = 0; side < 2; ++side) {
    const auto& x = side ? a.resp() : a.orig();
    const auto& y = side ? b.resp() : b.orig();
    EXPECT_EQ(x.state, y.state);
    EXPECT_EQ(x.size(), y.size());
    EXPECT_EQ(x.pkts, y.pkts);
    EXPECT_EQ(x.missed_bytes, y.missed_bytes);
    EXPECT_EQ(x.blocks, y.blocks);
  }
}

TEST(ZeekRecycle, RestartedEngineEqualsANewOne) {
  ZeekOptions o;
  for (bool flip : {false, true}) {
    ZeekConnEngine used(1.0, !flip, o);
    play(used, 1.0, 7777);
    EXPECT_TRUE(used.expired_by(1000.0));  // timers fired, removed
    used.restart(50.0, flip);
    ZeekConnEngine fresh(50.0, flip, o);
    expect_same(used, fresh);
    play(used, 50.0, 123456);
    play(fresh, 50.0, 123456);
    expect_same(used, fresh);
    EXPECT_EQ(used.expired_by(60.0), fresh.expired_by(60.0));
    EXPECT_EQ(used.expired_by(1000.0), fresh.expired_by(1000.0));
  }
}

// ---- TCP checksums (Zeek drops a segment whose checksum is wrong) ----

// RFC 793's sum word by word in network order, for comparison.
std::uint16_t reference_checksum(const IpHeader& ip, const std::vector<std::uint8_t>& seg) {
  std::uint64_t sum = 0;
  auto add = [&](const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i + 1 < n; i += 2) sum += std::uint32_t{p[i]} << 8 | p[i + 1];
    if (n & 1) sum += std::uint32_t{p[n - 1]} << 8;
  };
  add(ip.src.bytes.data(), ip.src.size());
  add(ip.dst.bytes.data(), ip.dst.size());
  sum += 6 + seg.size();
  add(seg.data(), seg.size());
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

TEST(ZeekChecksum, AgreesWithTheWordByWordSumAtEveryLength) {
  std::uint32_t rng = 7;
  auto byte = [&] { return static_cast<std::uint8_t>((rng = rng * 1103515245u + 12345u) >> 16); };
  for (int family : {4, 6}) {
    std::vector<std::size_t> lengths;
    for (std::size_t len = 20; len < 200; ++len) lengths.push_back(len);
    for (std::size_t len : {1480, 1481, 9001, 65535, 65536 + 20, 1048583}) lengths.push_back(len);
    for (std::size_t len : lengths) {
      IpHeader ip;
      ip.src.family = ip.dst.family = static_cast<std::uint8_t>(family);
      for (std::size_t i = 0; i < ip.src.size(); ++i) ip.src.bytes[i] = byte(), ip.dst.bytes[i] = byte();
      std::vector<std::uint8_t> seg(len);
      for (auto& b : seg) b = byte();
      seg[16] = seg[17] = 0;
      const std::uint16_t c = reference_checksum(ip, seg);
      seg[16] = static_cast<std::uint8_t>(c >> 8);
      seg[17] = static_cast<std::uint8_t>(c);
      EXPECT_TRUE(tcp_checksum_ok(ip, ByteView(seg.data(), seg.size()))) << family << " " << len;
      seg[len - 1] ^= 0x10;  // one bit wrong, in the last (maybe odd) byte
      EXPECT_FALSE(tcp_checksum_ok(ip, ByteView(seg.data(), seg.size()))) << family << " " << len;
    }
  }
}

TEST(ZeekChecksum, LargeSumsAndUnalignedBytes) {
  // Every word 0xffff: the widest sums (the vector lanes' limit); a view one byte into a buffer.
  IpHeader ip;
  ip.src.family = ip.dst.family = 4;
  ip.src.bytes = {10, 0, 0, 1};
  ip.dst.bytes = {10, 0, 0, 2};
  for (std::size_t len : {64, 1461, 65535, 1048576 + 3}) {
    std::vector<std::uint8_t> buffer(len + 1, 0xff);
    std::vector<std::uint8_t> seg(buffer.begin() + 1, buffer.end());
    seg[16] = seg[17] = 0;
    const std::uint16_t c = reference_checksum(ip, seg);
    seg[16] = static_cast<std::uint8_t>(c >> 8);
    seg[17] = static_cast<std::uint8_t>(c);
    std::copy(seg.begin(), seg.end(), buffer.begin() + 1);
    EXPECT_TRUE(tcp_checksum_ok(ip, ByteView(buffer.data() + 1, len))) << len;
    // In two parts, as explain passes a segment's header and payload.
    EXPECT_TRUE(tcp_checksum_verifies(ip.src, ip.dst, ByteView(buffer.data() + 1, 20),
                                      ByteView(buffer.data() + 21, len - 20)))
        << len;
    buffer[1 + len / 2] ^= 0x01;
    EXPECT_FALSE(tcp_checksum_ok(ip, ByteView(buffer.data() + 1, len))) << len;
  }
}

TEST(ZeekTable, AnyHintGivesTheSameConnections) {
  // Eight 4-tuples interleaved, each a short connection, some reused: a table given wrong,
  // stale or random hints splits and states them as one given none.
  auto run = [](int hint_kind) {
    ZeekConnTable table;
    std::uint32_t hints[8];
    std::fill(std::begin(hints), std::end(hints), ~0u);
    std::uint32_t rng = 5;
    double t = 1;
    const std::uint16_t steps[] = {S, S | A, A, A | P, F | A, F | A, A};
    for (int round = 0; round < 3; ++round)
      for (std::uint16_t flags : steps)
        for (int flow = 0; flow < 8; ++flow) {
          IpAddress a, b;
          a.family = b.family = 4;
          a.bytes[3] = static_cast<std::uint8_t>(flow);
          b.bytes[3] = 200;
          Direction dir;
          const bool from_client = flags == S || flags == A || flags == (A | P);
          FlowKey key = from_client ? FlowKey::make(a, 40000, b, 80, 6, dir)
                                    : FlowKey::make(b, 80, a, 40000, 6, dir);
          ZeekPacket p;
          p.ts = (t += 0.5);
          p.flags = flags;
          p.seq = from_client ? 1000u * (round + 1) : 9000u * (round + 1);
          p.ack = 1;
          std::uint32_t* hint = nullptr;
          if (hint_kind == 1) hint = &hints[flow];                 // kept as the table sets it
          if (hint_kind == 2) hint = &hints[(flow + round) % 8];   // another flow's
          if (hint_kind == 3) {                                     // random
            hints[flow] = (rng = rng * 1103515245u + 12345u) % 12;
            hint = &hints[flow];
          }
          table.on_packet(key, dir, p, hint);
        }
    table.finish();
    std::vector<std::string> out;
    for (const auto& f : table.finished())
      out.push_back(std::to_string(f.engine->start_ts()) + " " + f.engine->history() + " " +
                    to_string(f.engine->conn_state()));
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto expected = run(0);
  EXPECT_GE(expected.size(), 8u);
  for (int kind = 1; kind <= 3; ++kind) EXPECT_EQ(run(kind), expected) << kind;
}

// ---- the sentence table ----

TEST(ZeekSentences, EveryStateAndLetterHasOne) {
  EXPECT_EQ(zeek_state_sentences().size(), 13u);
  for (int s = 0; s <= static_cast<int>(ConnState::OTH); ++s)
    EXPECT_NE(zeek_state_sentence(static_cast<ConnState>(s)), nullptr);
  for (char c : std::string("ShadfrcgtwiqSHADFRCGTWIQ^"))
    EXPECT_NE(zeek_history_sentence(c), nullptr) << c;
}

TEST(ZeekConnStateFn, PureFunctionOfStatesAndHistory) {
  using E = EndpointState;
  EXPECT_EQ(conn_state(E::Reset, E::Inactive, 0, 0, "^SR"), ConnState::RSTOS0);
  EXPECT_EQ(conn_state(E::Reset, E::Inactive, 0, 0, "SaFR"), ConnState::OTH);
  EXPECT_EQ(conn_state(E::Reset, E::Reset, 0, 0, "SRr"), ConnState::REJ);
  EXPECT_EQ(conn_state(E::Reset, E::Reset, 10, 0, "ShADRr"), ConnState::RSTR);
}

}  // namespace
}  // namespace tcplens::zeek
