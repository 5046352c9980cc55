// IP fragment reassembly for the decoder, as Wireshark does it by default (ip.defragment,
// ipv6.defragment): the transport layer appears in the frame that completes the datagram.
//
// Fixed capacity: at most kMaxDatagrams in flight (the least recently touched is dropped
// when a new one arrives), kMaxRanges distinct byte ranges each, 65535 bytes of payload.
// Buffers are allocated the first time a slot is used and then reused, so steady-state
// reassembly does not allocate. A completed datagram's bytes stay valid until the next
// add() call.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "tcplens/bytes.hpp"
#include "tcplens/decode/decoded_packet.hpp"

namespace tcplens {

class IpReassembler {
 public:
  static constexpr std::size_t kMaxDatagrams = 64;
  static constexpr std::size_t kMaxRanges = 64;
  static constexpr std::uint32_t kMaxPayload = 65535;

  // Adds one fragment's payload (the part after the IP header, captured bytes only).
  // Returns true and sets `out` to the reassembled payload when this fragment completes it.
  bool add(const IpHeader& ip, ByteView fragment, std::uint32_t fragment_len, ByteView& out);

 private:
  struct Range {
    std::uint32_t begin, end;
  };
  struct Datagram {
    bool used = false;
    std::uint8_t version = 0;
    std::uint8_t protocol = 0;
    std::uint32_t ident = 0;
    IpAddress src, dst;
    bool have_last = false;
    std::uint32_t total = 0;  // payload length, known once the last fragment is seen
    std::uint64_t touched = 0;
    std::size_t range_count = 0;
    std::array<Range, kMaxRanges> ranges{};
    std::vector<std::uint8_t> data;
  };
  bool complete(const Datagram& d) const;

  std::array<Datagram, kMaxDatagrams> slots_{};
  std::uint64_t clock_ = 0;
};

}  // namespace tcplens
