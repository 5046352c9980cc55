// ConnectionAnalyzer: each side's RFC 9293 state, handshake results and teardown kinds,
// grouped by state, written as short scripts: syn(client), syn_ack(server), data(client, 100),
// fin(server), rst(client)...
#include "tcplens/tcp/connection.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "packet_builder.hpp"
#include "tcplens/decode/packet_decoder.hpp"

namespace tcplens {
namespace {

constexpr Side client = Side::Client;
constexpr Side server = Side::Server;

// Plays segments between test::kClient and test::kServer; each side's sequence numbers
// advance with what it sends, and ACKs acknowledge everything the peer sent so far unless
// a script says otherwise.
class Script {
 public:
  // A SYN; again from the same side, a retransmission with the same ISN.
  void syn(Side s) {
    Dir& d = dir(s);
    if (d.sent_syn) --d.next;
    d.sent_syn = true;
    send(s, 0x02, 0, /*ack=*/false);
  }
  void syn_ack(Side s) { send(s, 0x12, 0, true); }
  void ack(Side s) { send(s, 0x10, 0, true); }
  void data(Side s, std::uint32_t n) { send(s, 0x18, n, true); }
  void fin(Side s) { send(s, 0x11, 0, true); }
  // A FIN that does not acknowledge the peer's FIN (sent before it arrived).
  void fin_unaware(Side s) { send(s, 0x11, 0, true, /*ack_peer_fin=*/false); }
  void fin_data(Side s, std::uint32_t n) { send(s, 0x19, n, true); }
  void rst(Side s) { send(s, 0x04, 0, false); }
  void rst_ack(Side s) { send(s, 0x14, 0, true); }
  // Sends the n-byte segment starting `back` bytes before the side's next sequence number
  // again (a retransmission: new IP ID), or as an exact copy (same IP ID).
  void resend(Side s, std::uint32_t back, std::uint32_t n, bool exact_copy = false) {
    Dir& d = dir(s);
    emit(s, 0x18, d.next - back, n, true, true, exact_copy ? d.last_ip_id : ++d.ip_id);
  }

  // The connection as summarised at the end of the capture.
  const Connection& conn() {
    analyzer_.finish();
    return analyzer_.connections().at(0);
  }
  // The state so far (without ending the capture).
  TcpState state(Side s) { return analyzer_.connections().at(0).side(s).state; }

 private:
  struct Dir {
    std::uint32_t next;
    std::uint16_t ip_id = 100;
    std::uint16_t last_ip_id = 100;
    bool fin = false;
    bool sent_syn = false;
  };
  Dir& dir(Side s) { return s == client ? client_ : server_; }

  void send(Side s, std::uint16_t flags, std::uint32_t payload, bool with_ack,
            bool ack_peer_fin = true) {
    Dir& d = dir(s);
    emit(s, flags, d.next, payload, with_ack, ack_peer_fin, ++d.ip_id);
    d.next += payload + ((flags & 0x02) ? 1 : 0) + ((flags & 0x01) ? 1 : 0);
    if (flags & 0x01) d.fin = true;
  }
  void emit(Side s, std::uint16_t flags, std::uint32_t seq, std::uint32_t payload, bool with_ack,
            bool ack_peer_fin, std::uint16_t ip_id) {
    Dir& d = dir(s);
    Dir& peer = dir(s == client ? server : client);
    test::Segment seg;
    seg.src = s == client ? test::kClient : test::kServer;
    seg.dst = s == client ? test::kServer : test::kClient;
    seg.seq = seq;
    seg.flags = flags;
    seg.payload = payload;
    if (with_ack) {
      seg.flags |= 0x10;
      seg.ack = peer.next - ((peer.fin && !ack_peer_fin) ? 1 : 0);
    }
    packets_.push_back(test::build_ipv4_tcp(seg));
    auto& bytes = packets_.back();
    bytes[4] = static_cast<std::uint8_t>(ip_id >> 8);  // IP identification
    bytes[5] = static_cast<std::uint8_t>(ip_id);
    d.last_ip_id = ip_id;
    ++frame_;
    RawPacket raw = test::raw_packet(bytes, frame_, 1000 + static_cast<std::int64_t>(frame_));
    const DecodedPacket& pkt = decoder_.decode(raw);
    const TcpPacketAnalysis& a = tracker_.on_packet(pkt, frame_, raw.ts);
    analyzer_.on_packet(pkt, a, frame_, raw.ts);
  }

  Dir client_{1000};
  Dir server_{5000};
  std::vector<std::vector<std::uint8_t>> packets_;
  PacketDecoder decoder_;
  StreamTracker tracker_;
  ConnectionAnalyzer analyzer_;
  std::uint64_t frame_ = 0;
};

// --- SYN_SENT / LISTEN / SYN_RECEIVED: opening -------------------------------------------

TEST(SynSent, UnansweredSynsStayInSynSent) {
  Script t;
  t.syn(client);
  t.syn(client);
  t.syn(client);
  EXPECT_EQ(t.state(client), TcpState::SynSent);
  EXPECT_EQ(t.state(server), TcpState::Listen);
  EXPECT_EQ(t.conn().handshake, HandshakeResult::Unanswered);
  EXPECT_EQ(t.conn().client_syns, 3u);
  EXPECT_EQ(t.conn().teardown, TeardownKind::None);
}

TEST(SynSent, RstAnswerIsARejection) {
  Script t;
  t.syn(client);
  t.rst_ack(server);
  EXPECT_EQ(t.conn().handshake, HandshakeResult::Rejected);
  EXPECT_EQ(t.conn().reset_by_name(), "server");
  EXPECT_EQ(t.state(client), TcpState::Closed);
  EXPECT_EQ(t.state(server), TcpState::Closed);
  EXPECT_EQ(t.conn().initiator(), "none");
}

TEST(SynReceived, SynAckWithoutFinalAck) {
  Script t;
  t.syn(client);
  t.syn_ack(server);
  EXPECT_EQ(t.state(server), TcpState::SynReceived);
  EXPECT_EQ(t.state(client), TcpState::Established);
  EXPECT_EQ(t.conn().handshake, HandshakeResult::NoFinalAck);
}

TEST(SynReceived, ScannerResetsInsteadOfAcking) {
  Script t;
  t.syn(client);
  t.syn_ack(server);
  t.rst(client);
  EXPECT_EQ(t.conn().handshake, HandshakeResult::NoFinalAck);
  EXPECT_EQ(t.conn().reset_by_name(), "client");
  EXPECT_EQ(t.state(client), TcpState::Closed);
  EXPECT_EQ(t.conn().teardown, TeardownKind::None);
}

TEST(SynReceived, SimultaneousOpen) {
  Script t;
  t.syn(client);
  t.syn(server);
  EXPECT_EQ(t.conn().handshake, HandshakeResult::SimultaneousOpen);
}

// --- ESTABLISHED ------------------------------------------------------------------------

TEST(Established, ThreeWayHandshake) {
  Script t;
  t.syn(client);
  t.syn_ack(server);
  t.ack(client);
  EXPECT_EQ(t.state(client), TcpState::Established);
  EXPECT_EQ(t.state(server), TcpState::Established);
  EXPECT_EQ(t.conn().handshake, HandshakeResult::Complete);
  EXPECT_EQ(t.conn().teardown, TeardownKind::Open);
  EXPECT_EQ(t.conn().client.isn, 1000u);
  EXPECT_EQ(t.conn().server.isn, 5000u);
  EXPECT_GT(t.conn().irtt_s(), 0);
}

TEST(Established, MidStreamStartGuessesRolesFromPorts) {
  Script t;
  t.data(server, 100);  // port 80 -> 40000: the server speaks first in the capture
  t.ack(client);
  EXPECT_EQ(t.conn().handshake, HandshakeResult::NotSeen);
  EXPECT_EQ(t.conn().server.port, 80);
  EXPECT_EQ(t.state(server), TcpState::Established);
}

TEST(Established, RetransmissionsDuplicatesAndUniqueBytes) {
  Script t;
  t.syn(client);
  t.syn_ack(server);
  t.ack(client);
  t.data(server, 100);
  t.data(server, 100);
  t.resend(server, 200, 100);                    // the first segment again, new IP ID
  t.resend(server, 100, 100, /*exact_copy=*/true);  // the network repeats the second
  const DirectionStats& s = t.conn().server.sent;
  EXPECT_EQ(s.retransmissions, 1u);
  EXPECT_EQ(s.network_duplicates, 1u);
  EXPECT_EQ(s.bytes, 400u);
  EXPECT_EQ(s.unique_bytes, 200u);
}

// --- FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, LAST_ACK, TIME_WAIT: closing ---------------------

TEST(FinWait, FourWayTeardown) {
  Script t;
  t.syn(client);
  t.syn_ack(server);
  t.ack(client);
  t.fin(client);
  EXPECT_EQ(t.state(client), TcpState::FinWait1);
  t.ack(server);
  EXPECT_EQ(t.state(client), TcpState::FinWait2);
  EXPECT_EQ(t.state(server), TcpState::CloseWait);
  t.fin(server);
  EXPECT_EQ(t.state(server), TcpState::LastAck);
  t.ack(client);
  EXPECT_EQ(t.state(client), TcpState::TimeWait);
  EXPECT_EQ(t.state(server), TcpState::Closed);
  EXPECT_TRUE(t.conn().client.fin_sent);
  EXPECT_TRUE(t.conn().server.fin_sent);
  EXPECT_EQ(t.conn().teardown, TeardownKind::FourWay);
  EXPECT_EQ(t.conn().initiator(), "client");
  EXPECT_EQ(t.conn().time_wait(), "client");
}

TEST(FinWait, ThreePacketTeardownWithMergedFinAck) {
  Script t;
  t.syn(client);
  t.syn_ack(server);
  t.ack(client);
  t.data(client, 10);
  t.fin(server);
  t.fin(client);  // acknowledges the server's FIN and closes at once
  t.ack(server);
  EXPECT_EQ(t.conn().teardown, TeardownKind::ThreeWay);
  EXPECT_EQ(t.conn().initiator(), "server");
  EXPECT_EQ(t.state(server), TcpState::TimeWait);
  EXPECT_EQ(t.state(client), TcpState::Closed);
}

TEST(CloseWait, HalfCloseWithDataAfterTheFin) {
  Script t;
  t.syn(client);
  t.syn_ack(server);
  t.ack(client);
  t.fin_data(client, 8);
  t.data(server, 1000);  // acknowledges the client's FIN while sending
  EXPECT_EQ(t.state(server), TcpState::CloseWait);
  EXPECT_EQ(t.state(client), TcpState::FinWait2);
  t.ack(client);
  t.fin(server);
  t.ack(client);
  EXPECT_EQ(t.conn().teardown, TeardownKind::FourWay);
  EXPECT_EQ(t.conn().time_wait(), "client");
}

TEST(CloseWait, UnansweredFinIsHalfClosed) {
  Script t;
  t.syn(client);
  t.syn_ack(server);
  t.ack(client);
  t.fin(client);
  t.ack(server);
  EXPECT_EQ(t.conn().teardown, TeardownKind::HalfClosed);
  EXPECT_EQ(t.state(server), TcpState::CloseWait);
}

// --- CLOSING: simultaneous close ---------------------------------------------------------

TEST(Closing, SimultaneousCloseEndsWithBothInTimeWait) {
  Script t;
  t.syn(client);
  t.syn_ack(server);
  t.ack(client);
  t.fin(client);
  t.fin_unaware(server);  // sent before the client's FIN arrived
  EXPECT_EQ(t.state(server), TcpState::FinWait1);
  t.ack(client);
  EXPECT_EQ(t.state(client), TcpState::Closing);
  t.ack(server);
  EXPECT_EQ(t.state(client), TcpState::TimeWait);
  EXPECT_EQ(t.state(server), TcpState::TimeWait);
  EXPECT_EQ(t.conn().teardown, TeardownKind::Simultaneous);
  EXPECT_EQ(t.conn().initiator(), "both");
  EXPECT_EQ(t.conn().time_wait(), "both");
}

// --- RST in each phase -------------------------------------------------------------------

TEST(Reset, ResetWhileEstablished) {
  Script t;
  t.syn(client);
  t.syn_ack(server);
  t.ack(client);
  t.data(client, 100);
  t.rst_ack(server);
  EXPECT_EQ(t.conn().teardown, TeardownKind::Reset);
  EXPECT_EQ(t.conn().initiator(), "server");
  EXPECT_EQ(t.conn().reset_by_name(), "server");
  EXPECT_EQ(t.state(client), TcpState::Closed);
  EXPECT_EQ(t.state(server), TcpState::Closed);
  EXPECT_EQ(t.conn().time_wait(), "none");
}

TEST(Reset, LateDataAfterFinAnsweredByReset) {
  Script t;
  t.syn(client);
  t.syn_ack(server);
  t.ack(client);
  t.fin(client);
  t.ack(server);
  t.data(server, 12);
  t.rst(client);
  EXPECT_EQ(t.conn().teardown, TeardownKind::Reset);
  EXPECT_EQ(t.conn().initiator(), "client");
  EXPECT_EQ(t.conn().reset_by_name(), "client");
  EXPECT_EQ(t.state(server), TcpState::Closed);
}

TEST(Reset, ResetInFinWait2AfterTheServersFin) {
  // A server's late FIN answered by RST (the client socket is gone).
  Script t;
  t.syn(client);
  t.syn_ack(server);
  t.ack(client);
  t.fin(client);
  t.ack(server);
  t.fin(server);
  t.rst(client);
  EXPECT_EQ(t.conn().teardown, TeardownKind::Reset);
  EXPECT_EQ(t.state(client), TcpState::Closed);
  EXPECT_EQ(t.state(server), TcpState::Closed);
}

// A RST in every state, from either side: both sides end CLOSED (RFC 9293 3.10.7.4; in
// TIME_WAIT too, as RFC 9293 says, though RFC 1337 advises against it), the RST's sender is
// recorded, and the teardown is a reset unless the connection was never established (then
// none) or both FINs had been acknowledged (then it stays what it was).
// One segment of a script: what is sent, and by which side.
struct Step {
  void (Script::*send)(Side);
  Side side;
};
// An orderly close, and a simultaneous one; the first steps of either bring a connection to
// each state.
constexpr Step kOrderlyClose[] = {{&Script::syn, client}, {&Script::syn_ack, server},
                                  {&Script::ack, client}, {&Script::fin, client},
                                  {&Script::ack, server}, {&Script::fin, server},
                                  {&Script::ack, client}};
constexpr Step kSimultaneousClose[] = {{&Script::syn, client}, {&Script::syn_ack, server},
                                       {&Script::ack, client}, {&Script::fin, client},
                                       {&Script::fin_unaware, server}, {&Script::ack, client}};

struct ResetCase {
  const char* name;
  const Step* steps;
  std::size_t count;  // steps played before the RST
  Side holder;        // the side in `state` when the RST comes
  TcpState state;
  TeardownKind teardown;
};

const ResetCase kResetCases[] = {
    {"SynSent", kOrderlyClose, 1, client, TcpState::SynSent, TeardownKind::None},
    {"SynReceived", kOrderlyClose, 2, server, TcpState::SynReceived, TeardownKind::None},
    {"Established", kOrderlyClose, 3, client, TcpState::Established, TeardownKind::Reset},
    {"FinWait1", kOrderlyClose, 4, client, TcpState::FinWait1, TeardownKind::Reset},
    {"FinWait2", kOrderlyClose, 5, client, TcpState::FinWait2, TeardownKind::Reset},
    {"CloseWait", kOrderlyClose, 5, server, TcpState::CloseWait, TeardownKind::Reset},
    {"LastAck", kOrderlyClose, 6, server, TcpState::LastAck, TeardownKind::Reset},
    {"Closing", kSimultaneousClose, 6, client, TcpState::Closing, TeardownKind::Reset},
    {"TimeWait", kOrderlyClose, 7, client, TcpState::TimeWait, TeardownKind::FourWay},
};

TEST(Reset, InEachStateFromEitherSide) {
  for (const ResetCase& c : kResetCases) {
    for (Side sender : {client, server}) {
      SCOPED_TRACE(std::string(c.name) +
                   (sender == client ? ", RST from the client" : ", RST from the server"));
      Script t;
      for (std::size_t i = 0; i < c.count; ++i) (t.*c.steps[i].send)(c.steps[i].side);
      ASSERT_EQ(t.state(c.holder), c.state);
      t.rst(sender);
      EXPECT_EQ(t.state(client), TcpState::Closed);
      EXPECT_EQ(t.state(server), TcpState::Closed);
      EXPECT_EQ(t.conn().reset_by_name(), sender == client ? "client" : "server");
      EXPECT_EQ(t.conn().teardown, c.teardown);
    }
  }
}

TEST(StateHistory, RecordsThePacketThatMovedEachSide) {
  Script t;
  t.syn(client);
  t.syn_ack(server);
  t.ack(client);
  const auto& h = t.conn().client.history;
  ASSERT_EQ(h.size(), 2u);  // every side starts CLOSED, which is not recorded as a change
  EXPECT_EQ(h[0].state, TcpState::SynSent);
  EXPECT_EQ(h[0].frame, 1u);
  EXPECT_EQ(h[1].state, TcpState::Established);
  EXPECT_EQ(h[1].frame, 2u);
}

TEST(StateHistory, KeepsEveryChangeInOrderPastTheInlineOnesUpToTheCap) {
  StateHistory h;
  const auto change = [](std::uint64_t i) {
    return StateChange{i + 1, Timestamp{1700000000 + static_cast<std::int64_t>(i), static_cast<std::int64_t>(i * 1000)},
                       i % 2 ? TcpState::Established : TcpState::SynSent};
  };
  for (std::uint64_t i = 0; i < StateHistory::kMax + 5; ++i) h.push_back(change(i));
  ASSERT_EQ(h.size(), StateHistory::kMax);  // the changes beyond the cap are dropped
  for (std::size_t i = 0; i < h.size(); ++i) {
    const StateChange want = change(i), got = h[i];
    EXPECT_EQ(got.frame, want.frame);
    EXPECT_EQ(got.ts.sec, want.ts.sec);
    EXPECT_EQ(got.ts.nsec, want.ts.nsec);
    EXPECT_EQ(got.state, want.state);
  }
  std::size_t walked = 0;
  for (const StateChange c : h) EXPECT_EQ(c.frame, ++walked);
  EXPECT_EQ(walked, StateHistory::kMax);

  StateHistory copy = h;  // a copy owns its own overflow
  h.clear();
  h.push_back(change(40));
  ASSERT_EQ(copy.size(), StateHistory::kMax);
  EXPECT_EQ(copy[StateHistory::kInline + 1].frame, StateHistory::kInline + 2);
  EXPECT_EQ(copy.back().frame, StateHistory::kMax);
  StateHistory moved = std::move(copy);
  EXPECT_EQ(moved.size(), StateHistory::kMax);
  EXPECT_EQ(moved[StateHistory::kMax - 1].frame, StateHistory::kMax);
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].frame, 41u);
}

}  // namespace
}  // namespace tcplens
