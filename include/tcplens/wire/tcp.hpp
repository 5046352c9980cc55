// TCP header view (RFC 9293 section 3.1) and its options summary, and the UDP header view
// (RFC 768).
//
// The view borrows its bytes. check() validates the fixed header and the data offset against
// the view; once it returns Ok, no accessor reads outside it. parse_options() never fails:
// it stops at the first option whose length is impossible and says so in the summary.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "tcplens/bytes.hpp"
#include "tcplens/wire/status.hpp"

namespace tcplens {

namespace tcpflag {
inline constexpr std::uint16_t kFin = 0x001;
inline constexpr std::uint16_t kSyn = 0x002;
inline constexpr std::uint16_t kRst = 0x004;
inline constexpr std::uint16_t kPsh = 0x008;
inline constexpr std::uint16_t kAck = 0x010;
inline constexpr std::uint16_t kUrg = 0x020;
inline constexpr std::uint16_t kEce = 0x040;
inline constexpr std::uint16_t kCwr = 0x080;
inline constexpr std::uint16_t kAe = 0x100;  // RFC 3540 NS, now AccECN's AE
inline constexpr std::uint16_t kReserved = 0xe00;
}  // namespace tcpflag

namespace tcpopt {
inline constexpr std::uint8_t kEol = 0;
inline constexpr std::uint8_t kNop = 1;
inline constexpr std::uint8_t kMss = 2;
inline constexpr std::uint8_t kWindowScale = 3;
inline constexpr std::uint8_t kSackPermitted = 4;
inline constexpr std::uint8_t kSack = 5;
inline constexpr std::uint8_t kTimestamps = 8;
inline constexpr std::uint8_t kMptcp = 30;
inline constexpr std::uint8_t kFastOpen = 34;
inline constexpr std::uint8_t kAccEcn0 = 172;  // AccECN, counters in the order EE0B, ECEB, EE1B
inline constexpr std::uint8_t kAccEcn1 = 174;  // AccECN, counters in the order EE1B, ECEB, EE0B
inline constexpr std::uint8_t kExperimental1 = 253;
inline constexpr std::uint8_t kExperimental2 = 254;
inline constexpr std::uint16_t kFastOpenMagic = 0xf989;  // RFC 7413 section 4.1.1
inline constexpr std::uint16_t kAccEcn0Magic = 0xacc0;   // AccECN's experimental ExIDs, before 172/174
inline constexpr std::uint16_t kAccEcn1Magic = 0xacc1;
}  // namespace tcpopt

struct SackBlock {
  std::uint32_t left = 0;
  std::uint32_t right = 0;
};

// Fixed-size summary of the options of one segment. Watch out: a value is meaningful only
// when its has_* flag is set; a repeated option keeps its last occurrence.
struct TcpOptions {
  static constexpr std::size_t kMaxSackBlocks = 4;

  bool has_mss = false;
  bool has_window_scale = false;
  bool sack_permitted = false;
  bool has_timestamps = false;
  bool has_mptcp = false;
  bool tfo_cookie_request = false;  // Fast Open option without a cookie
  bool has_tfo_cookie = false;      // Fast Open option with a cookie (kind 34 or exp. F989)
  bool malformed = false;           // an option length was impossible; parsing stopped there
  std::uint16_t mss = 0;
  std::uint8_t window_scale = 0;  // shift count as sent (may exceed 14)
  std::uint8_t sack_count = 0;    // blocks kept (at most kMaxSackBlocks)
  std::uint8_t tfo_cookie_len = 0;
  std::uint32_t ts_val = 0;
  std::uint32_t ts_ecr = 0;
  std::array<SackBlock, kMaxSackBlocks> sack{};
};

TcpOptions parse_tcp_options(ByteView options);

class TcpView {
 public:
  static constexpr std::size_t kSrcPort = 0;
  static constexpr std::size_t kDstPort = 2;
  static constexpr std::size_t kSeq = 4;
  static constexpr std::size_t kAck = 8;
  static constexpr std::size_t kDataOffset = 12;
  static constexpr std::size_t kFlags = 12;  // low 12 bits of the 16-bit word
  static constexpr std::size_t kWindow = 14;
  static constexpr std::size_t kChecksum = 16;
  static constexpr std::size_t kUrgentPtr = 18;
  static constexpr std::size_t kMinHeaderLen = 20;

  explicit TcpView(ByteView bytes) : bytes_(bytes) {}

  // Truncated: fewer than 20 bytes or fewer than the data offset says. Malformed: data
  // offset below 5 (checked as soon as byte 12 is there).
  static DecodeStatus check(ByteView bytes) {
    if (bytes.size() <= kDataOffset) return DecodeStatus::Truncated;
    std::size_t hlen = static_cast<std::size_t>(bytes[kDataOffset] >> 4) * 4;
    if (hlen < kMinHeaderLen) return DecodeStatus::Malformed;
    if (bytes.size() < hlen) return DecodeStatus::Truncated;
    return DecodeStatus::Ok;
  }

  std::uint16_t src_port() const { return load_be16(bytes_, kSrcPort); }
  std::uint16_t dst_port() const { return load_be16(bytes_, kDstPort); }
  std::uint32_t seq() const { return load_be32(bytes_, kSeq); }
  std::uint32_t ack() const { return load_be32(bytes_, kAck); }
  std::size_t header_len() const { return static_cast<std::size_t>(bytes_[kDataOffset] >> 4) * 4; }
  std::uint16_t flags() const { return load_be16(bytes_, kFlags) & 0x0fff; }
  std::uint16_t window() const { return load_be16(bytes_, kWindow); }
  std::uint16_t checksum() const { return load_be16(bytes_, kChecksum); }
  std::uint16_t urgent_ptr() const { return load_be16(bytes_, kUrgentPtr); }
  ByteView options() const { return bytes_.subspan(kMinHeaderLen, header_len() - kMinHeaderLen); }
  ByteView payload() const { return bytes_.subspan(header_len()); }

 private:
  ByteView bytes_;
};

class UdpView {
 public:
  static constexpr std::size_t kSrcPort = 0;
  static constexpr std::size_t kDstPort = 2;
  static constexpr std::size_t kLength = 4;
  static constexpr std::size_t kChecksum = 6;
  static constexpr std::size_t kHeaderLen = 8;

  explicit UdpView(ByteView bytes) : bytes_(bytes) {}
  static DecodeStatus check(ByteView bytes) {
    return bytes.size() < kHeaderLen ? DecodeStatus::Truncated : DecodeStatus::Ok;
  }
  std::uint16_t src_port() const { return load_be16(bytes_, kSrcPort); }
  std::uint16_t dst_port() const { return load_be16(bytes_, kDstPort); }
  std::uint16_t length() const { return load_be16(bytes_, kLength); }
  std::uint16_t checksum() const { return load_be16(bytes_, kChecksum); }
  ByteView payload() const { return bytes_.subspan(kHeaderLen); }

 private:
  ByteView bytes_;
};

}  // namespace tcplens
