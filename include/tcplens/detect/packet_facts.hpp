// What the detectors read of one TCP packet: addresses, ports, flags, sequence numbers,
// window, TTL, IP ID, the shape of the options, and the packet's frame and time. Headers
// only: no payload byte is read, so detection costs the same on any traffic.
#pragma once

#include <cstdint>

#include "tcplens/decode/decoded_packet.hpp"

namespace tcplens::detect {

// The options a segment carries, as stacks and tools differ: a kernel's SYN offers MSS,
// SACK-permitted, timestamps and window scale; nmap's raw probes MSS alone; hping3 and
// masscan none.
enum class OptionShape : std::uint8_t { None, MssOnly, Full, Other };

// What a packet outside any known connection looks like as a probe (nmap's scan names).
enum class ProbeClass : std::uint8_t {
  Syn,     // SYN (half-open or connect scan)
  Fin,     // FIN alone (-sF)
  Null,    // no flag (-sN)
  Xmas,    // FIN, PSH, URG (-sX)
  Ack,     // ACK alone, no payload (-sA, -sW, or an ACK flood)
  Maimon,  // FIN + ACK (-sM)
  Data,    // ACK with payload: a connection seen mid-stream, or an ACK/PSH flood
  Other,   // any other combination
};
inline constexpr unsigned kProbeClasses = 8;

struct PacketFacts {
  IpAddress src;
  IpAddress dst;
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t flags = 0;
  std::uint16_t window = 0;
  std::uint8_t ttl = 0;
  std::uint16_t ip_id = 0;
  std::uint32_t payload_len = 0;
  OptionShape options = OptionShape::None;
  bool has_ts = false;  // the timestamps option, and its TSval
  std::uint32_t ts_val = 0;
  std::uint64_t frame = 0;
  std::int64_t ns = 0;  // capture time, nanoseconds since 1970
};

OptionShape option_shape(const TcpSegment& seg);
ProbeClass probe_class(std::uint16_t flags, std::uint32_t payload_len);

// Addresses no honest sender uses as a source: 0/8, 127/8 (outside a loopback capture),
// 224/4 (multicast), 240/4 (reserved, broadcast); ::, ::1 and ff00::/8. A SYN from one is
// forged.
bool is_bogus_source(const IpAddress& a);

}  // namespace tcplens::detect
