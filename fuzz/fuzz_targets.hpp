// The bodies of the fuzz targets, shared by the libFuzzer drivers (fuzz_*.cpp) and by the
// unit test that replays every file of fuzz/regressions/ in the normal test suite.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "tcplens/capture/link_type.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"

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

}  // namespace tcplens::fuzz
