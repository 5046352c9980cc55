// The tcpdump renderer on TCP: relative sequence numbers as tcpdump computes them, options,
// and the bad-header and truncation markers. Expected lines were checked against tcpdump
// 4.99.3 on the same bytes.
#include <gtest/gtest.h>

#include <vector>

#include "tcplens/render/tcpdump_renderer.hpp"

namespace tcplens {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Segment {
  std::uint8_t src = 1, dst = 2;  // last octet of 10.0.0.x
  std::uint16_t sport = 40000, dport = 8000;
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t flags = 0x02;
  Bytes options;
  std::size_t payload = 0;
  int data_offset = -1;  // header words; -1: computed
};

Bytes frame(const Segment& s) {
  Bytes tcp;
  auto p16 = [](Bytes& b, std::uint16_t v) { b.push_back(static_cast<std::uint8_t>(v >> 8)); b.push_back(static_cast<std::uint8_t>(v)); };
  auto p32 = [&](Bytes& b, std::uint32_t v) { p16(b, static_cast<std::uint16_t>(v >> 16)); p16(b, static_cast<std::uint16_t>(v)); };
  const std::size_t hlen = 20 + s.options.size();
  p16(tcp, s.sport);
  p16(tcp, s.dport);
  p32(tcp, s.seq);
  p32(tcp, s.ack);
  tcp.push_back(static_cast<std::uint8_t>((s.data_offset < 0 ? hlen / 4 : static_cast<std::size_t>(s.data_offset)) << 4));
  tcp.push_back(s.flags);
  p16(tcp, 64240);  // window
  p16(tcp, 0);      // checksum (not checked without -v)
  p16(tcp, 0);      // urgent pointer
  tcp.insert(tcp.end(), s.options.begin(), s.options.end());
  tcp.insert(tcp.end(), s.payload, 'x');
  Bytes f = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00};  // Ethernet, IPv4
  Bytes ip = {0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, s.src, 10, 0, 0, s.dst};
  const std::size_t total = 20 + tcp.size();
  ip[2] = static_cast<std::uint8_t>(total >> 8);
  ip[3] = static_cast<std::uint8_t>(total);
  f.insert(f.end(), ip.begin(), ip.end());
  f.insert(f.end(), tcp.begin(), tcp.end());
  return f;
}

class Printer {
 public:
  explicit Printer(TcpdumpOptions options = {}) : out_(-1), renderer_(out_, options) {}
  std::string line(const Bytes& bytes, std::uint32_t caplen = 0) {
    RawPacket p;
    p.ts = {1700000000, 1000};
    p.caplen = caplen ? caplen : static_cast<std::uint32_t>(bytes.size());
    p.wirelen = static_cast<std::uint32_t>(bytes.size());
    p.linktype = 1;
    p.data = ByteView(bytes.data(), p.caplen);
    out_.clear();
    renderer_.render(p);
    return std::string(out_.text());
  }

 private:
  Output out_;
  TcpdumpRenderer renderer_;
};

constexpr const char* kTime = "22:13:20.000001 ";

TEST(TcpPrint, HandshakeAndRelativeNumbers) {
  TcpdumpOptions options;
  options.time_format = 0;
  Printer printer(options);
  Segment syn;
  syn.seq = 1000;
  syn.options = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
  EXPECT_EQ(printer.line(frame(syn)),
            std::string(kTime) +
                "IP 10.0.0.1.40000 > 10.0.0.2.8000: Flags [S], seq 1000, win 64240, options "
                "[mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0\n");
  Segment synack;
  synack.src = 2; synack.dst = 1; synack.sport = 8000; synack.dport = 40000;
  synack.seq = 5000; synack.ack = 1001; synack.flags = 0x12;
  // The first ACK-bearing segment of a conversation is printed with absolute numbers.
  EXPECT_EQ(printer.line(frame(synack)),
            std::string(kTime) +
                "IP 10.0.0.2.8000 > 10.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 64240, length 0\n");
  Segment data;
  data.seq = 1001; data.ack = 5001; data.flags = 0x18; data.payload = 100;
  EXPECT_EQ(printer.line(frame(data)),
            std::string(kTime) +
                "IP 10.0.0.1.40000 > 10.0.0.2.8000: Flags [P.], seq 1:101, ack 1, win 64240, length 100\n");
  Segment fin = synack;
  fin.seq = 5001; fin.ack = 1101; fin.flags = 0x11;
  EXPECT_EQ(printer.line(frame(fin)),
            std::string(kTime) +
                "IP 10.0.0.2.8000 > 10.0.0.1.40000: Flags [F.], seq 1, ack 101, win 64240, length 0\n");
}

TEST(TcpPrint, AbsoluteNumbersWithS) {
  TcpdumpOptions options;
  options.absolute_seq = true;
  options.time_format = 1;
  Printer printer(options);
  Segment s;
  s.seq = 7;
  s.ack = 9;
  s.flags = 0x10;
  EXPECT_EQ(printer.line(frame(s)), "IP 10.0.0.1.40000 > 10.0.0.2.8000: Flags [.], ack 9, win 64240, length 0\n");
}

TEST(TcpPrint, BadHeaderLengths) {
  TcpdumpOptions options;
  options.time_format = 1;
  Printer printer(options);
  Segment s;
  s.data_offset = 4;
  EXPECT_EQ(printer.line(frame(s)),
            "IP 10.0.0.1.40000 > 10.0.0.2.8000:  tcp 4 [bad hdr length 16 - too short, < 20]\n");
  s.data_offset = 15;
  EXPECT_EQ(printer.line(frame(s)),
            "IP 10.0.0.1.40000 > 10.0.0.2.8000: Flags [S] [bad hdr length 60 - too long, > 20]\n");
}

TEST(TcpPrint, TruncatedHeaderAndOptions) {
  TcpdumpOptions options;
  options.time_format = 1;
  Printer printer(options);
  Segment s;
  s.options = {2, 4, 0x05, 0xb4};
  Bytes f = frame(s);
  // Cut inside the fixed header, then inside the option.
  EXPECT_EQ(printer.line(f, 14 + 20 + 10), "IP 10.0.0.1.40000 > 10.0.0.2.8000:  [|tcp]\n");
  EXPECT_EQ(printer.line(f, 14 + 20 + 23), "IP 10.0.0.1.40000 > 10.0.0.2.8000: Flags [S], seq 0, win 64240, options [mss [|tcp]\n");
  // Cut before the ports.
  EXPECT_EQ(printer.line(f, 14 + 20 + 2), "IP 10.0.0.1 > 10.0.0.2: [|tcp]\n");
}

}  // namespace
}  // namespace tcplens
