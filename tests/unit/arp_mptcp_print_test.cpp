// ARP and MPTCP lines as tcpdump 4.99.3 prints them (expected text checked against the real
// tcpdump -n -t on the same bytes).
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "tcplens/capture/link_type.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"

namespace tcplens {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes be16(std::uint16_t v) { return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}; }

const Bytes kMac1{0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
const Bytes kBroadcast(6, 0xff);
const Bytes kZeroMac(6, 0x00);
const Bytes kIp1{10, 0, 0, 1};
const Bytes kIp2{10, 0, 0, 2};

Bytes ether(std::uint16_t type, const Bytes& payload) {
  return kBroadcast + kMac1 + be16(type) + payload;
}

Bytes arp(std::uint16_t hrd, std::uint16_t pro, std::uint8_t hln, std::uint8_t pln,
          std::uint16_t op, const Bytes& sha, const Bytes& spa, const Bytes& tha,
          const Bytes& tpa) {
  return be16(hrd) + be16(pro) + Bytes{hln, pln} + be16(op) + sha + spa + tha + tpa;
}

// Renders one Ethernet frame without a timestamp (-t), with a fresh renderer (so TCP
// sequence numbers are absolute: no earlier packet of the connection was seen); `wirelen` 0 means the frame's size.
std::string render(const Bytes& frame, TcpdumpOptions opt = {}, std::uint32_t caplen = 0,
                   std::uint32_t wirelen = 0) {
  opt.time_format = 1;
  Output out(-1);
  TcpdumpRenderer r(out, opt);
  RawPacket p;
  p.caplen = caplen ? caplen : static_cast<std::uint32_t>(frame.size());
  p.wirelen = wirelen ? wirelen : static_cast<std::uint32_t>(frame.size());
  p.linktype = linktype::kEthernet;
  p.data = ByteView(frame.data(), p.caplen);
  r.render(p);
  return std::string(out.text());
}

TcpdumpOptions verbose() {
  TcpdumpOptions o;
  o.verbose = 1;
  return o;
}

TEST(ArpPrint, RequestAndReply) {
  EXPECT_EQ(render(ether(0x0806, arp(1, 0x0800, 6, 4, 1, kMac1, kIp1, kZeroMac, kIp2))),
            "ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28\n");
  EXPECT_EQ(render(ether(0x0806, arp(1, 0x0800, 6, 4, 2, kMac1, kIp1, kBroadcast, kIp2))),
            "ARP, Reply 10.0.0.1 is-at 00:11:22:33:44:55, length 28\n");
  // A non-zero target hardware address is shown in a request.
  EXPECT_EQ(render(ether(0x0806, arp(1, 0x0800, 6, 4, 1, kMac1, kIp1, kMac1, kIp2))),
            "ARP, Request who-has 10.0.0.2 (00:11:22:33:44:55) tell 10.0.0.1, length 28\n");
}

TEST(ArpPrint, VerboseAndLinkHeader) {
  EXPECT_EQ(render(ether(0x0806, arp(1, 0x0800, 6, 4, 2, kMac1, kIp1, kBroadcast, kIp2)), verbose()),
            "ARP, Ethernet (len 6), IPv4 (len 4), Reply 10.0.0.1 is-at 00:11:22:33:44:55, length 28\n");
  TcpdumpOptions e;
  e.link_header = true;
  EXPECT_EQ(render(ether(0x0806, arp(1, 0x0800, 6, 4, 1, kMac1, kIp1, kZeroMac, kIp2)), e),
            "00:11:22:33:44:55 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: "
            "Request who-has 10.0.0.2 tell 10.0.0.1, length 28\n");
}

TEST(ArpPrint, ReverseAndInverse) {
  EXPECT_EQ(render(ether(0x8035, arp(1, 0x0800, 6, 4, 3, kMac1, kIp1, kMac1, kIp2))),
            "ARP, Reverse Request who-is 00:11:22:33:44:55 tell 00:11:22:33:44:55, length 28\n");
  EXPECT_EQ(render(ether(0x8035, arp(1, 0x0800, 6, 4, 4, kMac1, kIp1, kMac1, kIp2))),
            "ARP, Reverse Reply 00:11:22:33:44:55 at 10.0.0.2, length 28\n");
  EXPECT_EQ(render(ether(0x0806, arp(1, 0x0800, 6, 4, 9, kMac1, kIp1, kMac1, kIp2))),
            "ARP, Inverse Reply 00:11:22:33:44:55 at 10.0.0.1, length 28\n");
}

TEST(ArpPrint, UnusualFormats) {
  // Unknown protocol type: only the header description unless -v.
  EXPECT_EQ(render(ether(0x0806, arp(1, 0x86dd, 6, 4, 2, kMac1, kIp1, kZeroMac, kIp2))),
            "ARP, Ethernet (len 6), IPv6 (len 4), length 28\n");
  EXPECT_EQ(render(ether(0x0806, arp(1, 0x86dd, 6, 4, 2, kMac1, kIp1, kZeroMac, kIp2)), verbose()),
            "ARP, Ethernet (len 6), IPv6 (len 4), Reply <wrong proto type> is-at "
            "00:11:22:33:44:55, length 28\n");
  // Frame Relay hardware addresses are DLCIs.
  EXPECT_EQ(render(ether(0x0806, arp(15, 0x0800, 2, 4, 1, {0x18, 0x41}, kIp1, {0x18, 0x41}, kIp2))),
            "ARP, Request who-has 10.0.0.2 (DLCI 100) tell 10.0.0.1, length 20\n");
  EXPECT_EQ(render(ether(0x0806, arp(15, 0x0800, 2, 4, 1, {0x18, 0x41}, kIp1, {0x18, 0x41}, kIp2)),
                   verbose()),
            "ARP, FrameRelay (len 2), IPv4 (len 4), Request who-has 10.0.0.2 (DLCI 100) tell "
            "10.0.0.1, length 20\n");
  // Unknown operation: the hex dump of the ARP part, no length.
  EXPECT_EQ(render(ether(0x0806, arp(1, 0x0800, 6, 4, 7, kMac1, kIp1, kZeroMac, kIp2))),
            "ARP, Unknown (7) \n"
            "\t0x0000:  0001 0800 0604 0007 0011 2233 4455 0a00  ..........\"3DU..\n"
            "\t0x0010:  0001 0000 0000 0000 0a00 0002            ............\n");
}

TEST(ArpPrint, AtmArp) {
  const Bytes atm_number(20, 0x47);
  Bytes reply = be16(19) + be16(0x0800) + Bytes{20, 2} + be16(2) + Bytes{4, 0, 0, 4} +
                atm_number + Bytes{0x05, 0x06} + kIp1 + kIp2;
  EXPECT_EQ(render(ether(0x0806, reply), verbose()),
            "ARP, ATM, IPv4 (len 4/4), Reply 10.0.0.1 is-at "
            "47:47:47:47:47:47:47:47:47:47:47:47:47:47:47:47:47:47:47:47,05:06, length 42\n");
  EXPECT_EQ(render(ether(0x0806, reply)),
            "ARP, Reply 10.0.0.1 is-at "
            "47:47:47:47:47:47:47:47:47:47:47:47:47:47:47:47:47:47:47:47,05:06, length 42\n");
}

TEST(ArpPrint, Truncated) {
  const Bytes frame = ether(0x0806, arp(1, 0x0800, 6, 4, 1, kMac1, kIp1, kZeroMac, kIp2));
  // Cut inside the target protocol address: nothing but the marker.
  EXPECT_EQ(render(frame, {}, 38), " [|arp]\n");
  EXPECT_EQ(render(frame, {}, 20), " [|arp]\n");
  // A hardware length that runs past the capture.
  EXPECT_EQ(render(ether(0x0806, arp(1, 0x0800, 200, 4, 1, kMac1, kIp1, kZeroMac, kIp2))),
            " [|arp]\n");
}

// --- MPTCP --------------------------------------------------------------------------------

std::uint16_t checksum(const Bytes& b, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) sum += (b[i] << 8) | b[i + 1];
  if (b.size() & 1) sum += b.back() << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

// IPv4/TCP 10.0.0.1.1234 > 10.0.0.2.80, seq 1000, ack 2000, with `options` (padded with NOPs).
Bytes tcp_frame(Bytes options, std::uint8_t flags) {
  while (options.size() % 4) options.push_back(1);
  Bytes tcp = be16(1234) + be16(80) + Bytes{0, 0, 0x03, 0xe8, 0, 0, 0x07, 0xd0} +
              Bytes{static_cast<std::uint8_t>((20 + options.size()) / 4 << 4), flags} +
              be16(512) + be16(0) + be16(0) + options;
  Bytes pseudo = kIp1 + kIp2 + Bytes{0, 6} + be16(static_cast<std::uint16_t>(tcp.size()));
  std::uint16_t c = checksum(pseudo + tcp);
  tcp[16] = static_cast<std::uint8_t>(c >> 8);
  tcp[17] = static_cast<std::uint8_t>(c);
  Bytes ip = Bytes{0x45, 0} + be16(static_cast<std::uint16_t>(20 + tcp.size())) + be16(1) +
             be16(0x4000) + Bytes{64, 6, 0, 0} + kIp1 + kIp2;
  c = checksum(ip);
  ip[10] = static_cast<std::uint8_t>(c >> 8);
  ip[11] = static_cast<std::uint8_t>(c);
  return ether(0x0800, ip + tcp);
}

Bytes mptcp(std::uint8_t subtype_etc, const Bytes& body) {
  return Bytes{30, static_cast<std::uint8_t>(body.size() + 3), subtype_etc} + body;
}

constexpr std::uint8_t kSyn = 0x02, kAck = 0x10, kSynAck = 0x12;
const Bytes kKey1{1, 2, 3, 4, 5, 6, 7, 8};
const Bytes kKey2{0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18};
const std::string kAckHead = "IP 10.0.0.1.1234 > 10.0.0.2.80: Flags [.], ack 2000, win 512, options [";

TEST(MptcpPrint, Capable) {
  EXPECT_EQ(render(tcp_frame(mptcp(0x01, {0x81}), kSyn)),
            "IP 10.0.0.1.1234 > 10.0.0.2.80: Flags [S], seq 1000, win 512, options "
            "[mptcp 4 capable v1 csum], length 0\n");
  EXPECT_EQ(render(tcp_frame(mptcp(0x00, Bytes{0x01} + kKey1 + kKey2), kAck)),
            kAckHead + "mptcp 20 capable v0 {0x102030405060708,0xa1b2c3d4e5f60718}], length 0\n");
  // A key in a segment without SYN is not a valid MP_CAPABLE.
  EXPECT_EQ(render(tcp_frame(mptcp(0x01, Bytes{0x01} + kKey1), kAck)),
            kAckHead + "mptcp 12 capable[bad opt]\n");
}

TEST(MptcpPrint, JoinAndDss) {
  EXPECT_EQ(render(tcp_frame(mptcp(0x11, Bytes{5, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 7}), kSyn)),
            "IP 10.0.0.1.1234 > 10.0.0.2.80: Flags [S], seq 1000, win 512, options "
            "[mptcp 12 join backup id 5 token 0xdeadbeef nonce 0x7], length 0\n");
  EXPECT_EQ(render(tcp_frame(mptcp(0x10, Bytes{5} + kKey2 + Bytes{0, 0, 0, 7}), kSynAck)),
            "IP 10.0.0.1.1234 > 10.0.0.2.80: Flags [S.], seq 1000, ack 2000, win 512, options "
            "[mptcp 16 join id 5 hmac 0xa1b2c3d4e5f60718 nonce 0x7], length 0\n");
  EXPECT_EQ(render(tcp_frame(mptcp(0x20, Bytes{0x1f} + kKey1 + kKey2 +
                                             Bytes{0, 0, 0, 5, 0, 0x40, 0x12, 0x34}),
                             kAck)),
            kAckHead + "mptcp 28 dss fin ack 72623859790382856 seq 11651590505119483672 "
                       "subseq 5 len 64 csum 0x1234], length 0\n");
  EXPECT_EQ(render(tcp_frame(mptcp(0x20, Bytes{0x04, 0, 0, 0, 9}), kAck)),
            kAckHead + "mptcp 8 dss seq 9[bad opt]\n");
}

TEST(MptcpPrint, AddressesAndOthers) {
  EXPECT_EQ(render(tcp_frame(mptcp(0x31, Bytes{2} + kIp2 + Bytes{0x1f, 0x90}), kAck)),
            kAckHead + "mptcp 10 add-addr v1-echo id 2 10.0.0.2:8080,nop,nop], length 0\n");
  EXPECT_EQ(render(tcp_frame(mptcp(0x39, Bytes{3} + kIp2), kAck)),
            kAckHead + "mptcp 8 add-addr [bad version/echo] id 3 10.0.0.2], length 0\n");
  EXPECT_EQ(render(tcp_frame(mptcp(0x40, {1, 2, 3}), kAck)),
            kAckHead + "mptcp 6 rem-addr id 1 2 3,nop,nop], length 0\n");
  EXPECT_EQ(render(tcp_frame(mptcp(0x50, {4}), kAck)),
            kAckHead + "mptcp 4 prio non-backup id 4], length 0\n");
  EXPECT_EQ(render(tcp_frame(mptcp(0x60, Bytes{0} + kKey1), kAck)),
            kAckHead + "mptcp 12 fail seq 72623859790382856], length 0\n");
  EXPECT_EQ(render(tcp_frame(mptcp(0x70, Bytes{0} + kKey2), kAck)),
            kAckHead + "mptcp 12 fast-close key 0xa1b2c3d4e5f60718], length 0\n");
  // MP_TCPRST (subtype 8) is newer than tcpdump 4.99.3.
  EXPECT_EQ(render(tcp_frame(mptcp(0x80, {0}), 0x14)),
            "IP 10.0.0.1.1234 > 10.0.0.2.80: Flags [R.], seq 1000, ack 2000, win 512, options "
            "[mptcp 4 unknown], length 0\n");
}

TEST(MptcpPrint, TruncatedOption) {
  const Bytes frame = tcp_frame(mptcp(0x10, Bytes{0} + Bytes(20, 0xab)), kAck);
  EXPECT_EQ(render(frame, {}, static_cast<std::uint32_t>(frame.size() - 6)),
            "IP 10.0.0.1.1234 > 10.0.0.2.80: Flags [.], ack 2000, win 512, options [mptcp [|tcp]\n");
}


// --- link layer: 802.3/LLC, STP, loopback -------------------------------------------------

const Bytes kStpMulticast{0x01, 0x80, 0xc2, 0x00, 0x00, 0x00};

// An 802.3 frame: the type field holds the payload length.
Bytes ether_802_3(const Bytes& payload) {
  return kStpMulticast + kMac1 + be16(static_cast<std::uint16_t>(payload.size())) + payload;
}

Bytes config_bpdu(std::uint8_t version, std::uint8_t type, std::uint8_t flags) {
  return Bytes{0x42, 0x42, 0x03, 0, 0, version, type, flags} +
         Bytes{0x80, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55} + Bytes{0, 0, 0x04, 0xd2} +
         Bytes{0x70, 0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff} + be16(0x8002) + be16(0x0180) +
         be16(0x1400) + be16(0x0200) + be16(0x0f00);
}

TEST(LlcPrint, SpanningTree) {
  const Bytes rstp = ether_802_3(config_bpdu(2, 2, 0x7c) + Bytes{0});
  EXPECT_EQ(render(rstp),
            "STP 802.1w, Rapid STP, Flags [Learn, Forward, Agreement], bridge-id "
            "7000.aa:bb:cc:dd:ee:ff.8002, length 36\n");
  EXPECT_EQ(render(rstp, verbose()),
            "STP 802.1w, Rapid STP, Flags [Learn, Forward, Agreement], bridge-id "
            "7000.aa:bb:cc:dd:ee:ff.8002, length 36\n"
            "\tmessage-age 1.50s, max-age 20.00s, hello-time 2.00s, forwarding-delay 15.00s\n"
            "\troot-id 8000.00:11:22:33:44:55, root-pathcost 1234, port-role Designated\n");
  TcpdumpOptions e;
  e.link_header = true;
  EXPECT_EQ(render(ether_802_3(config_bpdu(0, 0x80, 0)), e),
            "00:11:22:33:44:55 > 01:80:c2:00:00:00, 802.3, length 38: LLC, dsap STP (0x42) "
            "Individual, ssap STP (0x42) Command, ctrl 0x03: STP 802.1d, Topology Change\n");
  // Cut inside the bridge id: the whole ", bridge-id ..." phrase is dropped.
  EXPECT_EQ(render(ether_802_3(config_bpdu(0, 0, 0x01)), {}, 30),
            "STP 802.1d, Config, Flags [Topology change] [|stp]\n");
}

TEST(LlcPrint, GenericFramesAndLoopback) {
  EXPECT_EQ(render(ether_802_3(Bytes{0x04, 0x05, 0xaf, 0x81, 0x01, 0x02})),
            "00:11:22:33:44:55 > 01:80:c2:00:00:00 SNA Unnumbered, xid, Flags [Response], "
            "length 6: 01 02\n");
  EXPECT_EQ(render(ether_802_3(Bytes{0xaa, 0xaa, 0x03, 0x12, 0x34, 0x56, 0x00, 0x01, 'x'})),
            "00:11:22:33:44:55 > 01:80:c2:00:00:00 SNAP, oui Unknown (0x123456), pid Unknown "
            "(0x0001), length 1: \n"
            "\t0x0000:  aaaa 0312 3456 0001 78                   ....4V..x\n");
  EXPECT_EQ(render(kBroadcast + kMac1 + be16(0x9000) + Bytes{0, 0, 1, 0, 7, 0} + Bytes(40, 0)),
            "Loopback, skipCount 0, Reply, receipt number 7, data (40 octets)\n");
}

}  // namespace
}  // namespace tcplens
