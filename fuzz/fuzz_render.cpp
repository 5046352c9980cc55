// Fuzz target: one packet through the tcpdump renderer, under every option set that changes
// which bytes are read. Input: byte 0 picks the link type, byte 1 the options, the rest is
// the packet; the wire length may exceed the captured length (byte 2 adds to it).
#include <cstddef>
#include <cstdint>

#include "tcplens/capture/link_type.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"

namespace {

constexpr std::uint32_t kLinkTypes[] = {
    tcplens::linktype::kEthernet, tcplens::linktype::kLinuxSll, tcplens::linktype::kLinuxSll2,
    tcplens::linktype::kNull,     tcplens::linktype::kLoop,     tcplens::linktype::kRaw,
    tcplens::linktype::kIpv4,     tcplens::linktype::kIpv6,     tcplens::linktype::kSlip,
    tcplens::linktype::kDbus};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  tcplens::TcpdumpOptions options;
  const std::uint8_t flags = data[1];
  options.verbose = flags & 3;
  options.link_header = (flags & 4) != 0;
  options.quiet = (flags >> 3) & 1;
  options.hex_ascii = (flags >> 4) & 1;
  options.absolute_seq = (flags >> 5) & 1;
  options.time_format = (flags >> 6);
  tcplens::Output out(-1, 1 << 16);
  tcplens::TcpdumpRenderer renderer(out, options);
  tcplens::RawPacket packet;
  packet.linktype = kLinkTypes[data[0] % (sizeof kLinkTypes / sizeof kLinkTypes[0])];
  packet.data = tcplens::ByteView(data + 3, size - 3);
  packet.caplen = static_cast<std::uint32_t>(size - 3);
  packet.wirelen = packet.caplen + data[2];
  packet.ts = {1700000000, 123456000};
  // Twice: the second pass sees the relative-sequence table filled by the first.
  renderer.render(packet);
  renderer.render(packet);
  return 0;
}
