// PacketDecoder: RawPacket -> DecodedPacket, from the link layer down to TCP/UDP.
//
// Link types: Ethernet (802.1Q/802.1ad tags), Linux SLL and SLL2, BSD NULL and LOOP, RAW,
// IPV4, IPV6. Tunnels: IP-in-IP (4, 41) and GRE carrying IPv4, IPv6 or Ethernet, VXLAN
// (UDP 4789) and Geneve (UDP 6081); the innermost IP and transport headers are the ones
// kept, as tshark's `occurrence=l` shows them. Errors quoted in ICMP/ICMPv6 are decoded
// into icmp_error.
// IPv4 and IPv6 fragments are reassembled (bounded, see src/decode/ip_reassembler.hpp): the
// frame that completes a datagram carries its transport layer, as in Wireshark; the
// payload views of such a frame point into the decoder and are valid until the next call.
//
// Never throws on packet content, never reads outside the RawPacket's bytes, allocates
// nothing once warmed up (a reassembly slot allocates its buffer on first use). The returned reference is valid until the next decode() call.
#pragma once

#include <memory>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/decode/decoded_packet.hpp"

namespace tcplens {

class IpReassembler;

class PacketDecoder {
 public:
  PacketDecoder();
  ~PacketDecoder();
  PacketDecoder(const PacketDecoder&) = delete;
  PacketDecoder& operator=(const PacketDecoder&) = delete;

  const DecodedPacket& decode(const RawPacket& packet);

  // Decodes an IP packet with no link layer (RAW); `wirelen` is the length on the wire.
  const DecodedPacket& decode_ip(ByteView bytes, std::uint32_t wirelen);

  // Plain Ethernet + IPv4 + TCP packets take a shorter way to the same result; off, every
  // packet takes the general one (tests and the decode fuzzer compare the two).
  void set_fast_path(bool on) { fast_path_ = on; }

 private:
  DecodedPacket out_;
  bool fast_path_ = true;
  std::unique_ptr<IpReassembler> frags_;
};

}  // namespace tcplens
