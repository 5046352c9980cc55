// tcplens detect's detectors, fed packets as the tool feeds them (built, decoded, in order):
// the attacks they must find and the ordinary traffic that looks like them but is not (a busy
// server is not a flood, a client that retries is not a scanner, random ISNs are not weak).
#include "tcplens/detect/detector.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "packet_builder.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/detect/finding_render.hpp"
#include "tcplens/flow/flow_key.hpp"
#include "tcplens/flow/shard.hpp"

namespace tcplens::detect {
namespace {

using test::Host;

constexpr std::uint16_t kSyn = 0x02, kAck = 0x10, kFin = 0x01, kRst = 0x04, kPsh = 0x08, kUrg = 0x20;

Host host(std::uint32_t a, std::uint16_t port) {
  return Host{{static_cast<std::uint8_t>(a >> 24), static_cast<std::uint8_t>(a >> 16),
               static_cast<std::uint8_t>(a >> 8), static_cast<std::uint8_t>(a)},
              port};
}
constexpr std::uint32_t kServerIp = 0x0a000002;  // 10.0.0.2
// A random-looking ISN (what every current stack sends), reproducible.
std::uint32_t rnd(std::int64_t i) { return static_cast<std::uint32_t>(mix64(static_cast<std::uint64_t>(i) + 0x1234)); }
constexpr std::uint32_t kClientIp = 0x0a000001;  // 10.0.0.1

// A kernel's SYN options: MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
std::vector<std::uint8_t> kernel_options() {
  return {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
}

// Packets on a wire, decoded and fed to one Detector (or, with shards, to one of several by
// the flow hash, as worker threads would see them).
class Net {
 public:
  explicit Net(const DetectOptions& o = DetectOptions(), unsigned shards = 1) {
    for (unsigned i = 0; i < shards; ++i) detectors_.push_back(std::make_unique<Detector>(o));
  }
  Detector& detector() { return *detectors_[0]; }

  void send(Host src, Host dst, std::uint32_t seq, std::uint32_t ack, std::uint16_t flags, double t,
            std::uint32_t payload = 0, std::uint16_t window = 64240, std::vector<std::uint8_t> options = {},
            std::uint16_t ip_id = 1) {
    test::Segment s = test::segment_between(src, dst, seq, ack, flags, payload);
    s.window = window;
    s.options = std::move(options);
    s.ip_id = ip_id;
    const auto bytes = test::build_ipv4_tcp(s);
    const auto sec = static_cast<std::int64_t>(t);
    const auto nsec = static_cast<std::uint32_t>((t - static_cast<double>(sec)) * 1e9);
    const RawPacket raw = test::raw_packet(bytes, ++frame_, 1700000000 + sec, nsec);
    const DecodedPacket& pkt = decoder_.decode(raw);
    std::size_t which = 0;
    if (detectors_.size() > 1) {
      Direction dir;
      const FlowKey key = FlowKey::make(pkt.ip.src, pkt.tcp.src_port, pkt.ip.dst, pkt.tcp.dst_port, 6, dir);
      which = shard_of(key, static_cast<std::uint32_t>(detectors_.size()));
    }
    detectors_[which]->on_packet(raw, pkt);
  }
  // A whole connection: handshake, a request and a reply, the client's close.
  void connection(Host c, Host s, double t, std::uint32_t cisn, std::uint32_t sisn, double rtt = 0.001,
                  bool data = true) {
    send(c, s, cisn, 0, kSyn, t, 0, 64240, kernel_options());
    send(s, c, sisn, cisn + 1, kSyn | kAck, t + rtt / 2, 0, 65160, kernel_options());
    send(c, s, cisn + 1, sisn + 1, kAck, t + rtt);
    std::uint32_t up = 0, down = 0;
    if (data) {
      send(c, s, cisn + 1, sisn + 1, kAck | kPsh, t + rtt, 100);
      send(s, c, sisn + 1, cisn + 101, kAck | kPsh, t + 1.5 * rtt, 500);
      up = 100;
      down = 500;
    }
    send(c, s, cisn + 1 + up, sisn + 1 + down, kFin | kAck, t + 2 * rtt);
    send(s, c, sisn + 1 + down, cisn + 2 + up, kFin | kAck, t + 2.5 * rtt);
    send(c, s, cisn + 2 + up, sisn + 2 + down, kAck, t + 3 * rtt);
  }
  std::vector<Finding> findings() {
    for (std::size_t i = 1; i < detectors_.size(); ++i) detectors_[0]->merge_from(*detectors_[i]);
    detectors_[0]->finish();
    std::vector<Finding> out;
    for (const Finding& f : detectors_[0]->findings())
      if (f.kind != FindingKind::IsnQuality) out.push_back(f);
    return out;
  }

 private:
  PacketDecoder decoder_;
  std::vector<std::unique_ptr<Detector>> detectors_;
  std::uint64_t frame_ = 0;
};

std::string names(const std::vector<Finding>& fs) {
  std::string s;
  for (const Finding& f : fs)
    s += std::string(to_string(f.kind)) + " " + f.source + " -> " + f.target + " " +
         std::string(to_string(f.scan_type)) + "; ";
  return s;
}

const Finding* find(const std::vector<Finding>& fs, FindingKind k) {
  for (const Finding& f : fs)
    if (f.kind == k) return &f;
  return nullptr;
}

std::int64_t evidence(const Finding& f, const char* key) {
  const Evidence* e = f.find(key);
  return e == nullptr ? -1 : e->i;
}

std::string text(const Finding& f, const char* key) {
  const Evidence* e = f.find(key);
  return e == nullptr ? "" : e->s;
}

// ---------------------------------------------------------------- SYN floods

TEST(SynFlood, SpoofedSourcesFillOnePort) {
  Net net;
  std::mt19937 rng(7);
  const Host server = host(kServerIp, 80);
  for (int i = 0; i < 1000; ++i)
    net.send(host(rng(), static_cast<std::uint16_t>(1024 + i)), server, rng(), 0, kSyn, i / 1000.0, 0, 512);
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(fs[0].kind, FindingKind::SynFlood);
  EXPECT_EQ(fs[0].source, "spoofed");
  EXPECT_EQ(fs[0].target, "10.0.0.2:80");
  EXPECT_EQ(evidence(fs[0], "attempts"), 1000);
  EXPECT_EQ(evidence(fs[0], "options_none"), 1000);
  EXPECT_EQ(text(fs[0], "syn_cookies"), "unknown");
}

TEST(SynFlood, BusyServerIsNotAFlood) {
  // 5000 complete connections in 2.5 s (2000 a second) from 50 clients.
  Net net;
  const Host server = host(kServerIp, 80);
  for (int i = 0; i < 5000; ++i)
    net.connection(host(0x0a000100u + i % 50, static_cast<std::uint16_t>(20000 + i)), server, i / 2000.0,
                   rnd(i), rnd(i + 100000));
  EXPECT_TRUE(net.findings().empty()) << names(net.findings());
}

TEST(SynFlood, SlowHandshakesAreNotHalfOpen) {
  // 3000 attempts at 1000 a second whose handshakes complete 1.5 s later (a long path).
  Net net;
  const Host server = host(kServerIp, 443);
  for (int i = 0; i < 3000; ++i) {
    const Host c = host(0x0b000000u + static_cast<std::uint32_t>(i), 40000);
    net.send(c, server, rnd(i), 0, kSyn, i / 1000.0, 0, 64240, kernel_options());
  }
  for (int i = 0; i < 3000; ++i) {
    const Host c = host(0x0b000000u + static_cast<std::uint32_t>(i), 40000);
    net.send(server, c, rnd(~i), rnd(i) + 1, kSyn | kAck, 1.4 + i / 1000.0);
    net.send(c, server, rnd(i) + 1, rnd(~i) + 1, kAck, 1.5 + i / 1000.0);
  }
  EXPECT_TRUE(net.findings().empty()) << names(net.findings());
}

TEST(SynFlood, RefusedConnectionsAreNotAFlood) {
  // A client retrying a closed port 1000 times in 1 s: each SYN refused at once.
  Net net;
  const Host server = host(kServerIp, 81);
  for (int i = 0; i < 1000; ++i) {
    const Host c = host(kClientIp, static_cast<std::uint16_t>(30000 + i));
    net.send(c, server, 77u * i, 0, kSyn, i / 1000.0, 0, 64240, kernel_options());
    net.send(server, c, 0, 77u * i + 1, kRst | kAck, i / 1000.0 + 0.0001);
  }
  EXPECT_TRUE(net.findings().empty()) << names(net.findings());
}

TEST(SynFlood, OneSourceIsNamed) {
  Net net;
  const Host server = host(kServerIp, 22);
  for (int i = 0; i < 600; ++i)
    net.send(host(0xc6336401u, static_cast<std::uint16_t>(2000 + i)), server, 31337u * i, 0, kSyn, i / 300.0);
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(fs[0].source, "198.51.100.1");
}

TEST(SynFlood, RealClientsDelayedByTheFloodAreCounted) {
  Net net;
  std::mt19937 rng(3);
  const Host server = host(kServerIp, 80);
  const Host real = host(kClientIp, 50000);
  for (int i = 0; i < 600; ++i)
    net.send(host(rng(), static_cast<std::uint16_t>(rng())), server, rng(), 0, kSyn, i / 600.0);
  // The real client's SYN is dropped twice, the third gets in.
  net.send(real, server, 555, 0, kSyn, 0.5, 0, 64240, kernel_options());
  net.send(real, server, 555, 0, kSyn, 1.5, 0, 64240, kernel_options());
  net.send(real, server, 555, 0, kSyn, 3.5, 0, 64240, kernel_options());
  net.send(server, real, 999, 556, kSyn | kAck, 3.501);
  net.send(real, server, 556, 1000, kAck, 3.502);
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(evidence(fs[0], "delayed_clients"), 1);
  EXPECT_EQ(evidence(fs[0], "syn_retransmissions"), 2);
  EXPECT_EQ(evidence(fs[0], "completed"), 1);
  EXPECT_EQ(fs[0].severity, Severity::High);
}

TEST(SynFlood, SynCookiesShowAsAnswersWithoutRetransmissions) {
  Net net;
  std::mt19937 rng(5);
  const Host server = host(kServerIp, 80);
  for (int i = 0; i < 500; ++i) {
    const Host c = host(rng(), static_cast<std::uint16_t>(rng()));
    const std::uint32_t isn = rng();
    net.send(c, server, isn, 0, kSyn, i / 250.0);
    net.send(server, c, rng(), isn + 1, kSyn | kAck, i / 250.0 + 0.0001);
  }
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(text(fs[0], "syn_cookies"), "likely");
}

TEST(SynFlood, SynCookiesShowInTheSynAcksTimestamps) {
  // Half the SYN-ACKs were not captured, but those seen carry Linux's cookie timestamps: the
  // SYN's options (here 0x17: window scale 7, SACK) in the low 6 bits of TSval.
  Net net;
  std::mt19937 rng(8);
  const Host server = host(kServerIp, 443);
  for (int i = 0; i < 400; ++i) {
    const Host c = host(rng(), static_cast<std::uint16_t>(rng()));
    const std::uint32_t isn = rng();
    net.send(c, server, isn, 0, kSyn, i / 200.0, 0, 64240, kernel_options());
    if (i % 2) continue;
    auto ts = test::timestamp_option(((1000000u + 4u * i) & ~63u) | 0x17u, 1);
    net.send(server, c, rng(), isn + 1, kSyn | kAck, i / 200.0 + 0.0001, 0, 65160, ts);
  }
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(text(fs[0], "syn_cookies"), "likely");
  EXPECT_EQ(evidence(fs[0], "synacks_with_timestamps"), 200);
}

TEST(SynFlood, ServerWithoutCookiesRetransmitsItsSynAcks) {
  Net net;
  std::mt19937 rng(6);
  const Host server = host(kServerIp, 80);
  for (int i = 0; i < 300; ++i) {
    const Host c = host(rng(), static_cast<std::uint16_t>(rng()));
    const std::uint32_t isn = rng(), sisn = rng();
    net.send(c, server, isn, 0, kSyn, i / 300.0);
    if (i < 50)
      for (double r : {0.0001, 1.0, 3.0}) net.send(server, c, sisn, isn + 1, kSyn | kAck, i / 300.0 + r);
  }
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(text(fs[0], "syn_cookies"), "no");
  EXPECT_EQ(evidence(fs[0], "synack_retransmissions"), 100);
}

TEST(SynFlood, RaisedWhenTheThresholdIsCrossedNotOnlyAtTheEnd) {
  Net net;
  std::vector<std::uint64_t> raised_at;
  std::uint64_t frame = 0;
  net.detector().set_on_raise([&](const Finding& f) {
    EXPECT_EQ(f.kind, FindingKind::SynFlood);
    raised_at.push_back(frame);
  });
  std::mt19937 rng(9);
  const Host server = host(kServerIp, 80);
  for (int i = 0; i < 20000; ++i, ++frame)
    net.send(host(rng(), static_cast<std::uint16_t>(rng())), server, rng(), 0, kSyn, i / 1000.0);
  ASSERT_EQ(raised_at.size(), 1u);
  EXPECT_LT(raised_at[0], 10000u);  // within a few seconds of a 20 s flood
  EXPECT_EQ(net.findings().size(), 1u);
}

// ---------------------------------------------------------------- ACK, RST floods, reflection

TEST(AckFlood, BareAcksOfNoConnectionFromOneSource) {
  Net net;
  std::mt19937 rng(11);
  const Host server = host(kServerIp, 7700);
  for (int i = 0; i < 2000; ++i) {
    const Host c = host(kClientIp, static_cast<std::uint16_t>(3000 + i));
    const std::uint32_t seq = rng();
    net.send(c, server, seq, rng(), kAck, i / 2000.0, 0, 512);
    net.send(server, c, 0, seq, kRst, i / 2000.0 + 0.00001);
  }
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(fs[0].kind, FindingKind::AckFlood);
  EXPECT_EQ(fs[0].source, "10.0.0.1");
  EXPECT_EQ(fs[0].target, "10.0.0.2:7700");
  EXPECT_EQ(evidence(fs[0], "rst_replies"), 2000);
}

TEST(AckFlood, ConnectionsSeenMidStreamAreNotAFlood) {
  // The capture starts while 3000 connections to one server are carrying data.
  Net net;
  const Host server = host(kServerIp, 443);
  for (int i = 0; i < 3000; ++i) {
    const Host c = host(0x0c000000u + static_cast<std::uint32_t>(i), 50000);
    const double t = i / 3000.0;
    net.send(c, server, 1000u + i, 5000u + i, kAck | kPsh, t, 200);
    net.send(server, c, 5000u + i, 1200u + i, kAck, t + 0.01);
    net.send(c, server, 1200u + i, 5000u + i, kAck, t + 0.02);
  }
  EXPECT_TRUE(net.findings().empty()) << names(net.findings());
}

TEST(AckFlood, KeepAlivesOfIdleConnectionsAreNotAFlood) {
  // 2000 idle connections older than the capture each send one keep-alive (seq = next - 1),
  // answered by an ACK.
  Net net;
  const Host server = host(kServerIp, 1883);
  for (int i = 0; i < 2000; ++i) {
    const Host c = host(0x0d000000u + static_cast<std::uint32_t>(i), 40000);
    net.send(c, server, 999u + i, 7000u, kAck, i / 1000.0);
    net.send(server, c, 7000u, 1000u + i, kAck, i / 1000.0 + 0.001);
  }
  EXPECT_TRUE(net.findings().empty()) << names(net.findings());
}

TEST(RstFlood, ResetsOfNoConnection) {
  Net net;
  std::mt19937 rng(13);
  const Host server = host(kServerIp, 80);
  for (int i = 0; i < 1000; ++i)
    net.send(host(rng(), static_cast<std::uint16_t>(rng())), server, rng(), 0, kRst, i / 500.0, 0, 0);
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(fs[0].kind, FindingKind::RstFlood);
  EXPECT_EQ(fs[0].source, "spoofed");
}

TEST(RstFlood, ResetsClosingConnectionsAreNoFlood) {
  // 1000 connections each aborted by a RST (and the RSTs answering late segments).
  Net net;
  const Host server = host(kServerIp, 80);
  for (int i = 0; i < 1000; ++i) {
    const Host c = host(kClientIp, static_cast<std::uint16_t>(10000 + i));
    const double t = i / 1000.0;
    const std::uint32_t ci = rnd(i), si = rnd(-i);
    net.send(c, server, ci, 0, kSyn, t, 0, 64240, kernel_options());
    net.send(server, c, si, ci + 1, kSyn | kAck, t + 0.0001);
    net.send(c, server, ci + 1, si + 1, kAck, t + 0.0002);
    net.send(server, c, si + 1, ci + 1, kAck | kPsh, t + 0.0003, 1000);
    net.send(c, server, ci + 1, si + 1001, kRst | kAck, t + 0.0004);
    net.send(c, server, ci + 1, 0, kRst, t + 0.0005);
  }
  EXPECT_TRUE(net.findings().empty()) << names(net.findings());
}

TEST(Reflection, SynAcksNobodyAskedFor) {
  Net net;
  std::mt19937 rng(17);
  const Host victim = host(0x0a0a0a0au, 0);
  for (int i = 0; i < 800; ++i) {
    const Host reflector = host(0x88000000u + static_cast<std::uint32_t>(i % 200), 80);
    net.send(reflector, host(0x0a0a0a0au, static_cast<std::uint16_t>(1024 + i)), rng(), rng(), kSyn | kAck,
             i / 400.0, 0, 29200);
  }
  (void)victim;
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(fs[0].kind, FindingKind::SynAckReflection);
  EXPECT_EQ(fs[0].target, "10.10.10.10");
  EXPECT_NEAR(static_cast<double>(evidence(fs[0], "reflectors")), 200, 20);
}

// ---------------------------------------------------------------- Port scans

// nmap -sS: MSS-only SYNs, window 1024, one source port, one sequence number; closed ports
// answer RST+ACK, open ones SYN-ACK (and the scanner's kernel resets them).
void syn_scan(Net& net, Host scanner, std::uint32_t target, int ports, const std::vector<int>& open, double rate) {
  const std::vector<std::uint8_t> mss = {2, 4, 0x05, 0xb4};
  for (int p = 0; p < ports; ++p) {
    const Host t = host(target, static_cast<std::uint16_t>(7600 + p));
    const double at = p / rate;
    net.send(scanner, t, 0x11223344u, 0, kSyn, at, 0, 1024, mss);
    if (std::find(open.begin(), open.end(), p) != open.end()) {
      net.send(t, scanner, rnd(p + 7), 0x11223345u, kSyn | kAck, at + 0.0001);
      net.send(scanner, t, 0x11223345u, 0, kRst, at + 0.0002, 0, 0);
    } else {
      net.send(t, scanner, 0, 0x11223345u, kRst | kAck, at + 0.0001, 0, 0);
    }
  }
}

TEST(PortScan, SynScanOfAHundredPorts) {
  Net net;
  syn_scan(net, host(kClientIp, 40024), kServerIp, 100, {1, 50, 99}, 1000);
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(fs[0].kind, FindingKind::PortScan);
  EXPECT_EQ(fs[0].source, "10.0.0.1");
  EXPECT_EQ(fs[0].target, "10.0.0.2");
  EXPECT_EQ(fs[0].scan_type, ScanType::Syn);
  EXPECT_NEAR(static_cast<double>(evidence(fs[0], "ports")), 100, 6);  // a HyperLogLog's estimate
  EXPECT_EQ(evidence(fs[0], "open"), 3);
  EXPECT_NEAR(static_cast<double>(evidence(fs[0], "closed")), 97, 6);
  EXPECT_EQ(text(fs[0], "tool"), "nmap");
  EXPECT_EQ(text(fs[0], "speed"), "fast");
}

TEST(PortScan, ConnectScanCompletesAndCloses) {
  Net net;
  const Host scanner = host(kClientIp, 0);
  for (int p = 0; p < 30; ++p) {
    const Host c = host(kClientIp, static_cast<std::uint16_t>(45000 + p));
    const Host t = host(kServerIp, static_cast<std::uint16_t>(100 + p));
    const double at = p * 0.01;
    net.send(c, t, 1000u * p, 0, kSyn, at, 0, 64240, kernel_options());
    if (p % 10 == 0) {
      net.send(t, c, 5000u * p, 1000u * p + 1, kSyn | kAck, at + 0.0001);
      net.send(c, t, 1000u * p + 1, 5000u * p + 1, kAck, at + 0.0002);
      net.send(c, t, 1000u * p + 1, 5000u * p + 1, kRst | kAck, at + 0.0003);
    } else {
      net.send(t, c, 0, 1000u * p + 1, kRst | kAck, at + 0.0001);
    }
  }
  (void)scanner;
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(fs[0].scan_type, ScanType::Connect);
  EXPECT_EQ(text(fs[0], "tool"), "os_connect");
}

TEST(PortScan, EachStealthProbeTypeIsNamed) {
  const struct {
    std::uint16_t flags;
    ScanType type;
  } cases[] = {{kFin, ScanType::Fin},
               {0, ScanType::Null},
               {kFin | kPsh | kUrg, ScanType::Xmas},
               {kAck, ScanType::Ack},
               {kFin | kAck, ScanType::Maimon}};
  for (const auto& c : cases) {
    Net net;
    const Host scanner = host(kClientIp, 53343);
    for (int p = 0; p < 100; ++p) {
      const Host t = host(kServerIp, static_cast<std::uint16_t>(7600 + p));
      net.send(scanner, t, 1429019875u, c.flags & kAck ? 77u : 0u, c.flags, p * 0.001, 0, 1024);
      if (p % 4 != 0) net.send(t, scanner, 0, 1429019876u, kRst | kAck, p * 0.001 + 0.0001, 0, 0);
    }
    const auto fs = net.findings();
    ASSERT_EQ(fs.size(), 1u) << names(fs) << " flags " << c.flags;
    EXPECT_EQ(fs[0].scan_type, c.type) << c.flags;
    EXPECT_EQ(fs[0].target, "10.0.0.2");
  }
}

TEST(PortScan, HorizontalScanNamesTheNetworkAndPort) {
  Net net;
  const Host scanner = host(kClientIp, 61000);
  for (int h = 10; h < 50; ++h) {  // 10.0.1.10 - 10.0.1.49
    const Host t = host(0x0a000100u + static_cast<std::uint32_t>(h), 22);
    net.send(scanner, t, 0x5555u, 0, kSyn, h * 0.01, 0, 1024, {2, 4, 0x05, 0xb4});
    if (h % 7 == 0) net.send(t, scanner, 0, 0x5556u, kRst | kAck, h * 0.01 + 0.0001, 0, 0);
  }
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(fs[0].target, "10.0.1.0/26:22");
  EXPECT_EQ(fs[0].scan_type, ScanType::Syn);
  EXPECT_EQ(evidence(fs[0], "hosts"), 40);
}

TEST(PortScan, SlowScanIsFoundAndCalledSlow) {
  Net net;
  for (int p = 0; p < 20; ++p) {
    const Host c = host(kClientIp, static_cast<std::uint16_t>(40000 + p));
    const Host t = host(kServerIp, static_cast<std::uint16_t>(1 + p));
    net.send(c, t, 100u * p, 0, kSyn, p * 30.0, 0, 64240, kernel_options());  // one every 30 s
    net.send(t, c, 0, 100u * p + 1, kRst | kAck, p * 30.0 + 0.001);
  }
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(text(fs[0], "speed"), "slow");
}

TEST(PortScan, ClientThatRetriesIsNotAScanner) {
  Net net;
  const Host server = host(kServerIp, 8080);
  for (int i = 0; i < 40; ++i) {  // 40 attempts, each SYN sent 3 times, all refused
    const Host c = host(kClientIp, static_cast<std::uint16_t>(40000 + i));
    for (int r = 0; r < 3; ++r) net.send(c, server, 1000u + i, 0, kSyn, i + r * 0.2, 0, 64240, kernel_options());
    net.send(server, c, 0, 1001u + i, kRst | kAck, i + 0.5);
  }
  EXPECT_TRUE(net.findings().empty()) << names(net.findings());
}

TEST(PortScan, ManyUsedConnectionsAreNoScan) {
  // An FTP client's passive data connections: 60 server ports, every one carrying data.
  Net net;
  for (int i = 0; i < 60; ++i)
    net.connection(host(kClientIp, static_cast<std::uint16_t>(40000 + i)),
                   host(kServerIp, static_cast<std::uint16_t>(30000 + i * 13)), i * 0.1, rnd(i), rnd(i + 500));
  EXPECT_TRUE(net.findings().empty()) << names(net.findings());
}

TEST(PortScan, Hping3FixedSourcePort) {
  Net net;
  const Host scanner = host(kClientIp, 2340);
  std::mt19937 rng(21);
  for (int round = 0; round < 2; ++round)
    for (int p = 0; p < 50; ++p) {
      const Host t = host(kServerIp, static_cast<std::uint16_t>(7600 + p));
      const std::uint32_t isn = rng();
      net.send(scanner, t, isn, 0, kSyn, round + p * 0.01, 0, 512);
      net.send(t, scanner, 0, isn + 1, kRst | kAck, round + p * 0.01 + 0.0001, 0, 0);
    }
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(text(fs[0], "tool"), "hping3");
  EXPECT_EQ(evidence(fs[0], "ports"), 50);
}

// ---------------------------------------------------------------- ISNs

std::vector<IsnSample> samples(const std::vector<std::uint32_t>& isns, double spacing = 0.5) {
  std::vector<IsnSample> s;
  for (std::size_t i = 0; i < isns.size(); ++i)
    s.push_back({static_cast<std::int64_t>(static_cast<double>(i) * spacing * 1e9), isns[i], static_cast<std::uint32_t>(i)});
  return s;
}

TEST(IsnJudge, TwentyRandomIsnsAreNotWeak) {
  DetectOptions o;
  for (std::uint32_t seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    std::vector<std::uint32_t> isns(20);
    for (auto& x : isns) x = rng();
    const auto s = samples(isns);
    const IsnVerdict v = judge_isns(s.data(), s.size(), o);
    EXPECT_EQ(v.pattern, IsnPattern::Random) << seed;
  }
}

TEST(IsnJudge, ConstantIsns) {
  const auto s = samples(std::vector<std::uint32_t>(20, 2840563251u));
  const IsnVerdict v = judge_isns(s.data(), s.size(), DetectOptions());
  EXPECT_EQ(v.pattern, IsnPattern::Constant);
  EXPECT_LT(v.pvalue, 1e-30);
}

TEST(IsnJudge, SixtyFourThousandASecond) {
  // 4.4BSD: +64000 a second (and +64000 a connection): connections at irregular times.
  std::mt19937 rng(2);
  std::vector<IsnSample> s;
  double t = 0;
  std::uint32_t isn = 1000000;
  for (int i = 0; i < 30; ++i) {
    t += 0.2 + (rng() % 1000) / 500.0;
    s.push_back({static_cast<std::int64_t>(t * 1e9), isn + static_cast<std::uint32_t>(64000 * t) + 64000u * i,
                 static_cast<std::uint32_t>(i)});
  }
  const IsnVerdict v = judge_isns(s.data(), s.size(), DetectOptions());
  EXPECT_TRUE(v.weak());
}

TEST(IsnJudge, FourMicrosecondClockWithoutHashIsTimeLinear) {
  // ISN = M alone (RFC 793's clock, no hash): 250000 a second, connections minutes apart.
  std::vector<IsnSample> s;
  double t = 0;
  for (int i = 0; i < 20; ++i) {
    t += 30 + 17 * (i % 5);
    s.push_back({static_cast<std::int64_t>(t * 1e9), static_cast<std::uint32_t>(static_cast<std::uint64_t>(t * 250000) & 0xffffffffu),
                 static_cast<std::uint32_t>(i)});
  }
  const IsnVerdict v = judge_isns(s.data(), s.size(), DetectOptions());
  EXPECT_EQ(v.pattern, IsnPattern::TimeLinear);
  EXPECT_NEAR(v.rate_per_sec, 250000, 1000);
}

TEST(IsnJudge, SmallRandomIncrements) {
  std::mt19937 rng(4);
  std::vector<std::uint32_t> isns{12345};
  for (int i = 0; i < 25; ++i) isns.push_back(isns.back() + rng() % 30000);
  std::vector<IsnSample> s;
  double t = 0;
  for (std::size_t i = 0; i < isns.size(); ++i) {
    t += (rng() % 100) / 10.0;  // arrival times unrelated to the increments
    s.push_back({static_cast<std::int64_t>(t * 1e9), isns[i], static_cast<std::uint32_t>(i)});
  }
  const IsnVerdict v = judge_isns(s.data(), s.size(), DetectOptions());
  EXPECT_TRUE(v.weak());
}

TEST(IsnJudge, RfcClockPlusHashAcrossFourTuplesIsRandom) {
  // RFC 6528: M (4 us clock) + a keyed hash of each connection's 4-tuple.
  std::vector<IsnSample> s;
  for (int i = 0; i < 32; ++i) {
    const double t = i * 0.3;
    const std::uint32_t f = static_cast<std::uint32_t>(mix64(0x5eed + static_cast<std::uint64_t>(40000 + i)));
    s.push_back({static_cast<std::int64_t>(t * 1e9), static_cast<std::uint32_t>(t * 250000) + f,
                 static_cast<std::uint32_t>(i)});
  }
  const IsnVerdict v = judge_isns(s.data(), s.size(), DetectOptions());
  EXPECT_EQ(v.pattern, IsnPattern::Random);
}

TEST(IsnJudge, TooFewSamplesAreNotJudged) {
  const auto s = samples(std::vector<std::uint32_t>(9, 7));
  EXPECT_EQ(judge_isns(s.data(), s.size(), DetectOptions()).pattern, IsnPattern::TooFew);
}

TEST(WeakIsn, ServerWithConstantIsnIsFound) {
  Net net;
  const Host server = host(kServerIp, 80);
  for (int i = 0; i < 30; ++i)
    net.connection(host(0x0a000065u + i % 10, static_cast<std::uint16_t>(30000 + i * 7)), server, i * 0.9,
                   static_cast<std::uint32_t>(mix64(i)), 2840563251u);
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(fs[0].kind, FindingKind::WeakIsn);
  EXPECT_EQ(fs[0].target, "10.0.0.2");
  EXPECT_EQ(text(fs[0], "pattern"), "constant");
  EXPECT_EQ(fs[0].source, "");
}

TEST(WeakIsn, OneFourTupleReusedIsJudgedOnce) {
  // Linux on one 4-tuple: each new connection's ISN is above the last (RFC 6528's clock):
  // one sample for the 4-tuple, so no judgement of a clock that is fine.
  Net net;
  const Host c = host(kClientIp, 40000), s = host(kServerIp, 7400);
  for (int i = 0; i < 40; ++i)
    net.connection(c, s, i * 0.4, 1404790722u + 6400000u * i, 3000000000u + 6263000u * i);
  EXPECT_TRUE(net.findings().empty()) << names(net.findings());
}

TEST(WeakIsn, ScannerProbesWithOneSequenceNumberAreNotAWeakStack) {
  // nmap's SYNs all carry one sequence number; 30 open ports answer, the scanner resets.
  Net net;
  std::vector<int> open;
  for (int p = 0; p < 30; ++p) open.push_back(p);
  syn_scan(net, host(kClientIp, 40024), kServerIp, 60, open, 1000);
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 1u) << names(fs);
  EXPECT_EQ(fs[0].kind, FindingKind::PortScan);
}

TEST(WeakIsn, RandomIsnsRaiseNothingButCanBeReported) {
  DetectOptions o;
  Net net(o);
  net.detector().set_report_random_isns(true);
  std::mt19937 rng(99);
  const Host server = host(kServerIp, 80);
  for (int i = 0; i < 50; ++i)
    net.connection(host(0x0a000065u + i % 10, static_cast<std::uint16_t>(30000 + i)), server, i * 0.5, rng(), rng());
  EXPECT_TRUE(net.findings().empty());
  ASSERT_FALSE(net.detector().findings().empty());
  EXPECT_EQ(net.detector().findings()[0].kind, FindingKind::IsnQuality);
}

// ---------------------------------------------------------------- IPv6

// An IPv6 + TCP packet (no option, no payload) from fd00::SRC to fd00::DST.
std::vector<std::uint8_t> ipv6_tcp(std::uint16_t src, std::uint16_t dst, std::uint16_t sport, std::uint16_t dport,
                                   std::uint32_t seq, std::uint32_t ack, std::uint16_t flags) {
  std::vector<std::uint8_t> b = {0x60, 0, 0, 0, 0, 20, 6, 64};  // version 6, payload 20, TCP, hop limit
  for (std::uint16_t host : {src, dst}) {
    const std::uint8_t addr[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                   static_cast<std::uint8_t>(host >> 8), static_cast<std::uint8_t>(host)};
    b.insert(b.end(), addr, addr + 16);
  }
  test::put16(b, sport);
  test::put16(b, dport);
  test::put32(b, seq);
  test::put32(b, ack);
  test::put16(b, static_cast<std::uint16_t>((5 << 12) | flags));
  test::put16(b, 1024);  // window
  test::put32(b, 0);     // checksum, urgent pointer
  return b;
}

TEST(Ipv6, ScansAndFloodsNameIpv6Targets) {
  Detector d;
  PacketDecoder decoder;
  std::uint64_t frame = 0;
  auto feed = [&](const std::vector<std::uint8_t>& bytes, double t) {
    const RawPacket raw = test::raw_packet(bytes, ++frame, 1700000000 + static_cast<std::int64_t>(t),
                                           static_cast<std::uint32_t>((t - static_cast<std::int64_t>(t)) * 1e9));
    d.on_packet(raw, decoder.decode(raw));
  };
  for (int p = 0; p < 30; ++p) {
    feed(ipv6_tcp(1, 2, 40000, static_cast<std::uint16_t>(7600 + p), 77, 0, kSyn), p * 0.001);
    feed(ipv6_tcp(2, 1, static_cast<std::uint16_t>(7600 + p), 40000, 0, 78, kRst | kAck), p * 0.001 + 0.0001);
  }
  std::mt19937 rng(1);
  for (int i = 0; i < 1000; ++i)
    feed(ipv6_tcp(static_cast<std::uint16_t>(rng()), 3, static_cast<std::uint16_t>(rng()), 80, rng(), 0, kSyn),
         1 + i / 1000.0);
  d.finish();
  ASSERT_EQ(d.findings().size(), 2u) << names(d.findings());
  EXPECT_EQ(d.findings()[0].target, "fd00::2");
  EXPECT_EQ(d.findings()[0].source, "fd00::1");
  EXPECT_EQ(d.findings()[1].target, "[fd00::3]:80");
  EXPECT_EQ(d.findings()[1].source, "spoofed");
}

// ---------------------------------------------------------------- Merging, rendering

TEST(Detector, ShardsMergedFindWhatOneDetectorFinds) {
  auto feed = [](Net& net) {
    std::mt19937 rng(31);
    const Host server = host(kServerIp, 80);
    for (int i = 0; i < 3000; ++i)
      net.send(host(rng(), static_cast<std::uint16_t>(rng())), server, rng(), 0, kSyn, i / 1000.0);
    syn_scan(net, host(0x0a000009u, 40024), 0x0a000003u, 100, {5}, 500);
    for (int i = 0; i < 30; ++i)
      net.connection(host(0x0a000065u + i % 10, static_cast<std::uint16_t>(30000 + i)), host(0x0a000004u, 80),
                     i * 0.3, rng(), 1000000u + 64000u * i);
  };
  Net one, three(DetectOptions(), 3);
  feed(one);
  feed(three);
  const auto a = one.findings(), b = three.findings();
  EXPECT_EQ(names(a), names(b));
  EXPECT_EQ(a.size(), 3u) << names(a);
}

TEST(Detector, EveryExplanationIsFilledInBothLanguages) {
  Net net;
  std::mt19937 rng(41);
  for (int i = 0; i < 1000; ++i)
    net.send(host(rng(), static_cast<std::uint16_t>(rng())), host(kServerIp, 80), rng(), 0, kSyn, i / 1000.0);
  syn_scan(net, host(0x0a000009u, 40024), 0x0a000003u, 40, {5}, 500);
  for (int i = 0; i < 30; ++i)
    net.connection(host(0x0a000065u + i % 10, static_cast<std::uint16_t>(30000 + i)), host(0x0a000004u, 80), i * 0.3,
                   rng(), 5000u);
  for (int i = 0; i < 500; ++i)
    net.send(host(kClientIp, static_cast<std::uint16_t>(i)), host(kServerIp, 9), rng(), rng(), kAck, 10 + i / 100.0);
  const auto fs = net.findings();
  ASSERT_EQ(fs.size(), 4u) << names(fs);
  for (const Finding& f : fs)
    for (Lang lang : {Lang::En, Lang::Zh}) {
      const Explanation x = explain(f, lang);
      for (const std::string* s : {&x.what, &x.how, &x.todo}) {
        EXPECT_FALSE(s->empty());
        EXPECT_EQ(s->find('{'), std::string::npos) << *s;
        EXPECT_EQ(s->find('.') == 0, false);
      }
      if (lang == Lang::Zh) EXPECT_NE(x.what.find("\xe3\x80\x82"), std::string::npos) << x.what;  // "。"
    }
  Output out(-1);
  for (const Finding& f : fs) write_finding_json(out, f, Lang::Zh, "final");
  EXPECT_NE(out.text().find("\"kind\":\"syn_flood\""), std::string::npos);
  EXPECT_NE(out.text().find("SYN 洪泛"), std::string::npos);
  Output table(-1);
  write_findings_table(table, fs, Lang::En);
  EXPECT_NE(table.text().find("port scan"), std::string::npos);
}

}  // namespace
}  // namespace tcplens::detect
