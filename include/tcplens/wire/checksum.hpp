// The Internet checksum (RFC 1071) of a TCP segment with its pseudo-header: Zeek drops a
// segment whose checksum is wrong, explain and the report tell offloaded checksums apart.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tcplens/bytes.hpp"
#include "tcplens/decode/decoded_packet.hpp"

namespace tcplens {

// The ones' complement sum of `n` bytes read as 16-bit words in host order, not yet folded.
// The sum does not depend on byte order (RFC 1071), so sums of pieces that each start at an
// even offset of the whole add up to the whole's.
std::uint64_t ones_complement_sum(const std::uint8_t* p, std::size_t n);

// True when the TCP checksum verifies: `header` and `payload` are the segment's two parts
// (the header's length is a multiple of four), `src` and `dst` its pseudo-header's addresses.
bool tcp_checksum_verifies(const IpAddress& src, const IpAddress& dst, ByteView header,
                           ByteView payload);

}  // namespace tcplens
