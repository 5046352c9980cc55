// IPv4 (RFC 791 section 3.1) and IPv6 (RFC 8200 section 3) header views.
//
// A view borrows its bytes. check() validates the fixed header and the header-length field
// against the view; once it returns Ok, no accessor reads outside the view. The total or
// payload length field is only reported, never trusted for bounds: the decoder compares it
// with what was captured and what was on the wire.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tcplens/bytes.hpp"
#include "tcplens/wire/status.hpp"

namespace tcplens {

namespace ipproto {
inline constexpr std::uint8_t kHopByHop = 0;
inline constexpr std::uint8_t kIcmp = 1;
inline constexpr std::uint8_t kIpip = 4;
inline constexpr std::uint8_t kTcp = 6;
inline constexpr std::uint8_t kUdp = 17;
inline constexpr std::uint8_t kIpv6 = 41;
inline constexpr std::uint8_t kRouting = 43;
inline constexpr std::uint8_t kFragment = 44;
inline constexpr std::uint8_t kGre = 47;
inline constexpr std::uint8_t kEsp = 50;
inline constexpr std::uint8_t kAh = 51;
inline constexpr std::uint8_t kIcmpv6 = 58;
inline constexpr std::uint8_t kNoNext = 59;
inline constexpr std::uint8_t kDestOpts = 60;
inline constexpr std::uint8_t kMobility = 135;
}  // namespace ipproto

class Ipv4View {
 public:
  static constexpr std::size_t kVersionIhl = 0;
  static constexpr std::size_t kTos = 1;
  static constexpr std::size_t kTotalLength = 2;
  static constexpr std::size_t kIdent = 4;
  static constexpr std::size_t kFlagsFragOff = 6;
  static constexpr std::size_t kTtl = 8;
  static constexpr std::size_t kProtocol = 9;
  static constexpr std::size_t kChecksum = 10;
  static constexpr std::size_t kSrc = 12;
  static constexpr std::size_t kDst = 16;
  static constexpr std::size_t kMinHeaderLen = 20;

  explicit Ipv4View(ByteView bytes) : bytes_(bytes) {}

  // Truncated: fewer bytes than the fixed header or than IHL says. Malformed: version is not
  // 4, IHL < 5, or a non-zero total length shorter than the header (0 is accepted: TSO).
  static DecodeStatus check(ByteView bytes) {
    if (bytes.size() < 1) return DecodeStatus::Truncated;
    if ((bytes[0] >> 4) != 4) return DecodeStatus::Malformed;
    std::size_t hlen = std::size_t{bytes[0] & 0x0fu} * 4;
    if (hlen < kMinHeaderLen) return DecodeStatus::Malformed;
    if (bytes.size() < kMinHeaderLen) return DecodeStatus::Truncated;
    std::uint16_t total = load_be16(bytes, kTotalLength);
    if (total != 0 && total < hlen) return DecodeStatus::Malformed;
    if (bytes.size() < hlen) return DecodeStatus::Truncated;
    return DecodeStatus::Ok;
  }

  // Version 4, a 20-byte header, TCP, and no fragment (neither more fragments nor an offset;
  // the flags' other bits do not matter): the bulk of most captures, which the decoder's fast
  // path and analyze's shard peek read without the general checks. `header` holds 20 bytes.
  static bool is_plain_tcp(const std::uint8_t* header) {
    return header[kVersionIhl] == 0x45 && header[kProtocol] == ipproto::kTcp &&
           (header[kFlagsFragOff] & 0x3f) == 0 && header[kFlagsFragOff + 1] == 0;
  }

  std::uint8_t version() const { return bytes_[kVersionIhl] >> 4; }
  std::size_t header_len() const { return std::size_t{bytes_[kVersionIhl] & 0x0fu} * 4; }
  std::uint8_t tos() const { return bytes_[kTos]; }
  std::uint16_t total_length() const { return load_be16(bytes_, kTotalLength); }
  std::uint16_t ident() const { return load_be16(bytes_, kIdent); }
  bool dont_fragment() const { return bytes_[kFlagsFragOff] & 0x40; }
  bool more_fragments() const { return bytes_[kFlagsFragOff] & 0x20; }
  // In bytes (the field counts 8-byte units).
  std::uint32_t fragment_offset() const {
    return std::uint32_t{load_be16(bytes_, kFlagsFragOff) & 0x1fffu} * 8;
  }
  std::uint8_t ttl() const { return bytes_[kTtl]; }
  std::uint8_t protocol() const { return bytes_[kProtocol]; }
  std::uint16_t checksum() const { return load_be16(bytes_, kChecksum); }
  const std::uint8_t* src() const { return bytes_.data() + kSrc; }
  const std::uint8_t* dst() const { return bytes_.data() + kDst; }
  ByteView options() const { return bytes_.subspan(kMinHeaderLen, header_len() - kMinHeaderLen); }
  // Everything captured after the header (may include link padding; the decoder trims).
  ByteView payload() const { return bytes_.subspan(header_len()); }

 private:
  ByteView bytes_;
};

class Ipv6View {
 public:
  static constexpr std::size_t kVersionTcFlow = 0;
  static constexpr std::size_t kPayloadLength = 4;
  static constexpr std::size_t kNextHeader = 6;
  static constexpr std::size_t kHopLimit = 7;
  static constexpr std::size_t kSrc = 8;
  static constexpr std::size_t kDst = 24;
  static constexpr std::size_t kHeaderLen = 40;

  explicit Ipv6View(ByteView bytes) : bytes_(bytes) {}

  static DecodeStatus check(ByteView bytes) {
    if (bytes.size() < 1) return DecodeStatus::Truncated;
    if ((bytes[0] >> 4) != 6) return DecodeStatus::Malformed;
    if (bytes.size() < kHeaderLen) return DecodeStatus::Truncated;
    return DecodeStatus::Ok;
  }

  std::uint8_t version() const { return bytes_[0] >> 4; }
  std::uint8_t traffic_class() const {
    return static_cast<std::uint8_t>((load_be16(bytes_, 0) >> 4) & 0xff);
  }
  std::uint32_t flow_label() const { return load_be32(bytes_, 0) & 0xfffffu; }
  std::uint16_t payload_length() const { return load_be16(bytes_, kPayloadLength); }
  std::uint8_t next_header() const { return bytes_[kNextHeader]; }
  std::uint8_t hop_limit() const { return bytes_[kHopLimit]; }
  const std::uint8_t* src() const { return bytes_.data() + kSrc; }
  const std::uint8_t* dst() const { return bytes_.data() + kDst; }
  ByteView payload() const { return bytes_.subspan(kHeaderLen); }

 private:
  ByteView bytes_;
};

// An IPv6 extension header that uses the generic "next header, length in 8-octet units
// not counting the first" layout (hop-by-hop, routing, destination options, mobility), or
// AH (RFC 4302: length in 4-octet units minus 2), or the 8-byte fragment header.
class Ipv6ExtView {
 public:
  static constexpr std::size_t kNextHeader = 0;
  static constexpr std::size_t kLength = 1;
  static constexpr std::size_t kFragOffFlags = 2;
  static constexpr std::size_t kFragIdent = 4;
  static constexpr std::size_t kFragmentHeaderLen = 8;

  Ipv6ExtView(ByteView bytes, std::uint8_t type) : bytes_(bytes), type_(type) {}

  static bool is_extension(std::uint8_t type) {
    return type == ipproto::kHopByHop || type == ipproto::kRouting ||
           type == ipproto::kFragment || type == ipproto::kDestOpts || type == ipproto::kAh ||
           type == ipproto::kMobility;
  }
  static std::size_t header_len(ByteView bytes, std::uint8_t type) {
    if (type == ipproto::kFragment) return kFragmentHeaderLen;
    if (type == ipproto::kAh) return (std::size_t{bytes[kLength]} + 2) * 4;
    return (std::size_t{bytes[kLength]} + 1) * 8;
  }
  static DecodeStatus check(ByteView bytes, std::uint8_t type) {
    if (bytes.size() < 2) return DecodeStatus::Truncated;
    if (bytes.size() < header_len(bytes, type)) return DecodeStatus::Truncated;
    return DecodeStatus::Ok;
  }

  std::uint8_t next_header() const { return bytes_[kNextHeader]; }
  std::size_t header_len() const { return header_len(bytes_, type_); }
  // Fragment header only.
  std::uint32_t fragment_offset() const { return load_be16(bytes_, kFragOffFlags) & 0xfff8u; }
  bool more_fragments() const { return bytes_[kFragOffFlags + 1] & 1; }
  std::uint32_t fragment_ident() const { return load_be32(bytes_, kFragIdent); }
  ByteView payload() const { return bytes_.subspan(header_len()); }

 private:
  ByteView bytes_;
  std::uint8_t type_;
};

}  // namespace tcplens
