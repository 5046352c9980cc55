// How far a view or the decoder got with a packet.
//
// Two failure outcomes are kept apart (see CONVENTIONS.md, "Malformed and truncated input"):
// Truncated means the capture ended before the headers said it would (tcpdump's `[|tcp]`,
// Wireshark's BoundsError); Malformed means fields contradict each other or the outer length
// (tcpdump's `(invalid)`, Wireshark's ReportedBoundsError or a bogus length).
#pragma once

#include <cstdint>

namespace tcplens {

enum class DecodeStatus : std::uint8_t {
  Ok,
  Truncated,
  Malformed,
  Unsupported,  // a protocol value we do not decode (not an error in the packet)
};

const char* to_string(DecodeStatus status);

}  // namespace tcplens
