// fuzz_decode: one packet. The first byte picks the link type, the rest is the packet; the
// decoded packet also goes through a StreamTracker. Must never crash or read out of bounds.
#include <cstddef>
#include <cstdint>

#include "tcplens/capture/link_type.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tcplens;
  if (size < 1) return 0;
  static constexpr std::uint32_t kLinks[] = {linktype::kEthernet, linktype::kLinuxSll,
                                             linktype::kLinuxSll2, linktype::kNull, linktype::kLoop,
                                             linktype::kRaw, linktype::kIpv4, linktype::kIpv6};
  static PacketDecoder decoder;
  static StreamTracker tracker;
  static std::uint64_t frame = 0;
  RawPacket p;
  p.linktype = kLinks[data[0] % (sizeof kLinks / sizeof kLinks[0])];
  p.data = ByteView(data + 1, size - 1);
  p.caplen = static_cast<std::uint32_t>(size - 1);
  p.wirelen = p.caplen + (data[0] >> 4) * 97u;  // sometimes claim more than was captured
  p.number = ++frame;
  p.ts = {static_cast<std::int64_t>(frame), 0};
  tracker.on_packet(decoder.decode(p), p.number, p.ts);
  return 0;
}
