// fuzz_flow: a sequence of raw IPv4/IPv6 packets, each preceded by a 2-byte length, fed to
// one decoder and one StreamTracker, then replayed in tshark's two-pass mode.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace {

void run(const std::uint8_t* data, std::size_t size, tcplens::StreamTracker& tracker) {
  using namespace tcplens;
  PacketDecoder decoder;
  std::uint64_t frame = 0;
  std::size_t off = 0;
  while (off + 2 <= size) {
    std::size_t len = (std::size_t{data[off]} << 8 | data[off + 1]) % 2048;
    off += 2;
    if (len > size - off) len = size - off;
    ++frame;
    const DecodedPacket& pkt = decoder.decode_ip(ByteView(data + off, len), static_cast<std::uint32_t>(len));
    const TcpPacketAnalysis& a = tracker.on_packet(pkt, frame, Timestamp{static_cast<std::int64_t>(frame), 0});
    if (a.tracked) (void)StreamTracker::numbers(pkt.tcp, a, tracker.summary(a.stream));
    off += len;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tcplens::StreamTracker first;
  run(data, size, first);
  tcplens::StreamTracker second;
  second.set_first_pass(&first);
  run(data, size, second);
  return 0;
}
