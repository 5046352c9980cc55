// Link-layer views: Ethernet II (with 802.1Q / 802.1ad tags), Linux cooked (SLL, SLL2) and
// BSD loopback (NULL, LOOP).
//
// Each view borrows the bytes it is given; it stays valid as long as they do. check() must
// return Ok before any accessor is used; after that no accessor reads outside the view.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tcplens/bytes.hpp"
#include "tcplens/wire/status.hpp"

namespace tcplens {

namespace ethertype {
inline constexpr std::uint16_t kIpv4 = 0x0800;
inline constexpr std::uint16_t kArp = 0x0806;
inline constexpr std::uint16_t kVlan = 0x8100;     // 802.1Q
inline constexpr std::uint16_t kQinQ = 0x88a8;     // 802.1ad
inline constexpr std::uint16_t kQinQOld = 0x9100;  // pre-standard double tagging
inline constexpr std::uint16_t kIpv6 = 0x86dd;
inline constexpr std::uint16_t kTransEther = 0x6558;  // GRE: bridged Ethernet
}  // namespace ethertype

// Ethernet II header (IEEE 802.3 figure): destination, source, EtherType.
class EthernetView {
 public:
  static constexpr std::size_t kDst = 0;
  static constexpr std::size_t kSrc = 6;
  static constexpr std::size_t kEtherType = 12;
  static constexpr std::size_t kHeaderLen = 14;

  explicit EthernetView(ByteView bytes) : bytes_(bytes) {}
  static DecodeStatus check(ByteView bytes) {
    return bytes.size() < kHeaderLen ? DecodeStatus::Truncated : DecodeStatus::Ok;
  }
  const std::uint8_t* dst() const { return bytes_.data() + kDst; }
  const std::uint8_t* src() const { return bytes_.data() + kSrc; }
  std::uint16_t ether_type() const { return load_be16(bytes_, kEtherType); }
  ByteView payload() const { return bytes_.subspan(kHeaderLen); }

 private:
  ByteView bytes_;
};

// One 802.1Q / 802.1ad tag, as it follows a TPID: TCI then the inner EtherType.
class VlanView {
 public:
  static constexpr std::size_t kTci = 0;
  static constexpr std::size_t kEtherType = 2;
  static constexpr std::size_t kHeaderLen = 4;

  explicit VlanView(ByteView bytes) : bytes_(bytes) {}
  static DecodeStatus check(ByteView bytes) {
    return bytes.size() < kHeaderLen ? DecodeStatus::Truncated : DecodeStatus::Ok;
  }
  std::uint16_t vid() const { return load_be16(bytes_, kTci) & 0x0fff; }
  std::uint8_t pcp() const { return bytes_[kTci] >> 5; }
  std::uint16_t ether_type() const { return load_be16(bytes_, kEtherType); }
  ByteView payload() const { return bytes_.subspan(kHeaderLen); }

 private:
  ByteView bytes_;
};

// Linux cooked capture v1 (LINKTYPE_LINUX_SLL): 16 bytes, protocol at offset 14.
class SllView {
 public:
  static constexpr std::size_t kPacketType = 0;
  static constexpr std::size_t kArphrdType = 2;
  static constexpr std::size_t kProtocol = 14;
  static constexpr std::size_t kHeaderLen = 16;

  explicit SllView(ByteView bytes) : bytes_(bytes) {}
  static DecodeStatus check(ByteView bytes) {
    return bytes.size() < kHeaderLen ? DecodeStatus::Truncated : DecodeStatus::Ok;
  }
  std::uint16_t packet_type() const { return load_be16(bytes_, kPacketType); }
  std::uint16_t arphrd_type() const { return load_be16(bytes_, kArphrdType); }
  std::uint16_t protocol() const { return load_be16(bytes_, kProtocol); }
  ByteView payload() const { return bytes_.subspan(kHeaderLen); }

 private:
  ByteView bytes_;
};

// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): 20 bytes, protocol first.
class Sll2View {
 public:
  static constexpr std::size_t kProtocol = 0;
  static constexpr std::size_t kInterfaceIndex = 4;
  static constexpr std::size_t kArphrdType = 8;
  static constexpr std::size_t kPacketType = 10;
  static constexpr std::size_t kHeaderLen = 20;

  explicit Sll2View(ByteView bytes) : bytes_(bytes) {}
  static DecodeStatus check(ByteView bytes) {
    return bytes.size() < kHeaderLen ? DecodeStatus::Truncated : DecodeStatus::Ok;
  }
  std::uint16_t protocol() const { return load_be16(bytes_, kProtocol); }
  std::uint32_t interface_index() const { return load_be32(bytes_, kInterfaceIndex); }
  std::uint16_t arphrd_type() const { return load_be16(bytes_, kArphrdType); }
  std::uint8_t packet_type() const { return bytes_[kPacketType]; }
  ByteView payload() const { return bytes_.subspan(kHeaderLen); }

 private:
  ByteView bytes_;
};

// BSD loopback: a 4-byte address family, in host order of the writer (NULL) or network
// order (LOOP). Watch out: AF_INET6 differs between BSDs (24, 28, 30); all are accepted.
class NullView {
 public:
  static constexpr std::size_t kFamily = 0;
  static constexpr std::size_t kHeaderLen = 4;

  explicit NullView(ByteView bytes) : bytes_(bytes) {}
  static DecodeStatus check(ByteView bytes) {
    return bytes.size() < kHeaderLen ? DecodeStatus::Truncated : DecodeStatus::Ok;
  }
  // The family, whichever byte order the writer used (values are < 65536 either way).
  std::uint32_t family() const {
    std::uint32_t le = load_le32(bytes_.data());
    return (le & 0xffff0000u) ? load_be32(bytes_, 0) : le;
  }
  ByteView payload() const { return bytes_.subspan(kHeaderLen); }

 private:
  ByteView bytes_;
};

}  // namespace tcplens
