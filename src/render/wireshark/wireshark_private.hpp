// Private pieces of the Wireshark-style renderer.
#pragma once

#include <string>
#include <string_view>

#include "tcplens/decode/decoded_packet.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens {

// Ports, flags, numbers and options, without the expert prefixes. Returns true when tshark
// would go on to print the sequence analysis (the header and its options were captured).
bool format_tcp_body(std::string& out, const TcpSegment& seg, const TcpPacketAnalysis& a,
                     const TcpNumbers& n);

// format_text(): printable ASCII as is, other bytes as C escapes (\r, \n, \t, \ooo).
std::string format_text(std::string_view s);

}  // namespace tcplens
