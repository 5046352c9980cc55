// The decoder's fast path for plain Ethernet + IPv4 + TCP gives what its general path gives,
// on every packet of every corpus capture (the decode fuzzer checks the same on its inputs).
#include <gtest/gtest.h>

#include <filesystem>

#include "corpus_captures.hpp"
#include "fuzz_targets.hpp"
#include "packet_builder.hpp"

namespace tcplens {
namespace {

TEST(DecoderFastPath, SameAsTheGeneralPathOnTheCorpus) {
  std::size_t packets = 0;
  const std::size_t files =
      test::for_each_corpus_capture([&](const std::filesystem::path& path, PcapFileSource& source) {
        PacketDecoder fast, general;
        general.set_fast_path(false);
        RawPacket raw;
        while (source.next(raw) == ReadStatus::Ok) {
          ++packets;
          ASSERT_TRUE(fuzz::same_decoding(fast.decode(raw), general.decode(raw)))
              << path << " packet " << raw.number;
        }
      });
  EXPECT_GT(files, 200u);
  EXPECT_GT(packets, 30000u);
}

// The fast path writes every field of the IP and TCP headers itself, without clearing them
// first: nothing a different packet before it left (IPv6 addresses, a fragment's fields, a
// cut-off header's zeros) may show through.
TEST(DecoderFastPath, NothingLeftFromThePacketBefore) {
  auto ethernet = [](std::vector<std::uint8_t> ip, std::uint16_t type = 0x0800) {
    std::vector<std::uint8_t> frame(12, 0x02);
    test::put16(frame, type);
    frame.insert(frame.end(), ip.begin(), ip.end());
    return frame;
  };
  test::Segment plain = test::segment(test::kClient, 1000, 2000, tcpflag::kAck, 10);
  plain.options = test::timestamp_option(7, 8);
  std::vector<std::vector<std::uint8_t>> frames;
  frames.push_back(ethernet(test::build_ipv4_tcp(plain)));
  // IPv6 + TCP: 16-byte addresses.
  std::vector<std::uint8_t> v6 = {0x60, 0, 0, 0, 0, 20, 6, 64};
  for (int i = 0; i < 32; ++i) v6.push_back(static_cast<std::uint8_t>(0x20 + i));
  const auto tcp = test::build_ipv4_tcp(test::segment(test::kServer, 5, 6, tcpflag::kSyn));
  v6.insert(v6.end(), tcp.begin() + 20, tcp.end());
  frames.push_back(ethernet(v6, 0x86dd));
  frames.push_back(ethernet(test::build_ipv4_tcp(plain)));
  // A first fragment (more fragments set).
  auto fragment = test::build_ipv4_tcp(test::segment(test::kServer, 9, 9, tcpflag::kAck, 30));
  fragment[6] = 0x20;
  frames.push_back(ethernet(fragment));
  frames.push_back(ethernet(test::build_ipv4_tcp(test::segment(test::kServer, 1, 2, tcpflag::kFin))));
  // A TCP header cut off after 16 bytes.
  auto cut = ethernet(test::build_ipv4_tcp(plain));
  cut.resize(14 + 20 + 16);
  frames.push_back(cut);
  frames.push_back(ethernet(test::build_ipv4_tcp(test::segment(test::kClient, 3, 4, tcpflag::kAck))));
  PacketDecoder fast, general;
  general.set_fast_path(false);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    RawPacket raw = test::raw_packet(frames[i], i + 1);
    raw.linktype = linktype::kEthernet;
    if (i == 5) raw.wirelen = static_cast<std::uint32_t>(14 + 20 + 20 + 12 + 10);
    EXPECT_TRUE(fuzz::same_decoding(fast.decode(raw), general.decode(raw))) << "frame " << i + 1;
  }
}

}  // namespace
}  // namespace tcplens
