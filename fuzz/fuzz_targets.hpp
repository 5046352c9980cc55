// The bodies of the fuzz targets (render, pcap, decode, flow), shared by the libFuzzer drivers (fuzz_*.cpp) and by the
// unit test that replays every file of fuzz/regressions/ in the normal test suite.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "tcplens/capture/link_type.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens::fuzz {

inline constexpr std::uint32_t kRenderLinkTypes[] = {
    linktype::kEthernet, linktype::kLinuxSll, linktype::kLinuxSll2, linktype::kNull,
    linktype::kLoop,     linktype::kRaw,      linktype::kIpv4,      linktype::kIpv6,
    linktype::kSlip,     linktype::kDbus};

// One packet through the tcpdump renderer. Byte 0 picks the link type, byte 1 the options,
// byte 2 is added to the wire length; the rest is the packet.
inline void render_one(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return;
  TcpdumpOptions options;
  const std::uint8_t flags = data[1];
  options.verbose = flags & 3;
  options.link_header = (flags & 4) != 0;
  options.quiet = (flags >> 3) & 1;
  options.hex_ascii = (flags >> 4) & 1;
  options.absolute_seq = (flags >> 5) & 1;
  options.time_format = flags >> 6;
  Output out(-1, 1 << 16);
  TcpdumpRenderer renderer(out, options);
  RawPacket packet;
  packet.linktype = kRenderLinkTypes[data[0] % (sizeof kRenderLinkTypes / sizeof kRenderLinkTypes[0])];
  packet.data = ByteView(data + 3, size - 3);
  packet.caplen = static_cast<std::uint32_t>(size - 3);
  packet.wirelen = packet.caplen + data[2];
  packet.ts = {1700000000, 123456000};
  // Twice: the second pass sees the relative-sequence table the first one filled.
  renderer.render(packet);
  renderer.render(packet);
}

// A whole capture file through the reader and the renderer.
inline void pcap_one(const std::uint8_t* data, std::size_t size) {
  char path[] = "/tmp/tcplens-fuzz-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return;
  bool written = write(fd, data, size) == static_cast<ssize_t>(size);
  close(fd);
  if (written) {
    std::string error;
    if (auto source = PcapFileSource::open(path, error)) {
      Output out(-1, 1 << 16);
      TcpdumpRenderer renderer(out, TcpdumpOptions{});
      RawPacket packet;
      for (int i = 0; i < 10000 && source->next(packet) == ReadStatus::Ok; ++i) {
        renderer.render(packet);
        out.clear();
      }
    }
  }
  unlink(path);
}

// One packet through the decoder and a stream tracker, in render_one's input format (byte 0
// link type, byte 2 added to the wire length), so the render seeds serve here too.
inline void decode_one(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return;
  PacketDecoder decoder;
  StreamTracker tracker;
  RawPacket packet;
  packet.linktype = kRenderLinkTypes[data[0] % (sizeof kRenderLinkTypes / sizeof kRenderLinkTypes[0])];
  packet.data = ByteView(data + 3, size - 3);
  packet.caplen = static_cast<std::uint32_t>(size - 3);
  packet.wirelen = packet.caplen + data[2];
  packet.number = 1;
  const DecodedPacket& decoded = decoder.decode(packet);
  const TcpPacketAnalysis& a = tracker.on_packet(decoded, 1, packet.ts);
  if (a.tracked) (void)StreamTracker::numbers(decoded.tcp, a, tracker.summary(a.stream));
}

// A sequence of raw IP packets, each preceded by a 2-byte length (taken modulo 2048), through
// one decoder and a tracker, then replayed into a second tracker as tshark's second pass.
inline void flow_one(const std::uint8_t* data, std::size_t size) {
  auto run = [&](StreamTracker& tracker) {
    PacketDecoder decoder;
    std::uint64_t frame = 0;
    std::size_t off = 0;
    while (off + 2 <= size) {
      std::size_t len = ((std::size_t{data[off]} << 8) | data[off + 1]) % 2048;
      off += 2;
      if (len > size - off) len = size - off;
      ++frame;
      const DecodedPacket& pkt =
          decoder.decode_ip(ByteView(data + off, len), static_cast<std::uint32_t>(len));
      const TcpPacketAnalysis& a =
          tracker.on_packet(pkt, frame, Timestamp{static_cast<std::int64_t>(frame), 0});
      if (a.tracked) (void)StreamTracker::numbers(pkt.tcp, a, tracker.summary(a.stream));
      off += len;
    }
  };
  StreamTracker first;
  run(first);
  first.release_live_state();
  StreamTracker second;
  second.set_first_pass(&first);
  run(second);
}

}  // namespace tcplens::fuzz
