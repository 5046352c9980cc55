// Encapsulation headers: GRE (RFC 2784, 2890) and PPTP's enhanced GRE (RFC 2637), ERSPAN
// types I-III, MPLS label stack entries (RFC 3032), PPP (RFC 1661/1662), PPPoE (RFC 2516),
// L2TPv2 (RFC 2661), GTP-U (3GPP TS 29.281), VXLAN-GPE, Teredo (RFC 4380), Cisco HDLC,
// 802.2 LLC/SNAP (RFC 1042), IEEE 802.11 data frames and radiotap.
//
// Each *Header here is a header's layout: named offsets and flag bits from the RFC figure,
// plus a length function that returns 0 when the captured bytes do not hold the whole
// header (or its fields contradict each other). Nothing here reads past the view it is given.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tcplens/bytes.hpp"

namespace tcplens {

namespace ethertype {
inline constexpr std::uint16_t kMplsUnicast = 0x8847;
inline constexpr std::uint16_t kMplsMulticast = 0x8848;
inline constexpr std::uint16_t kPppoeDiscovery = 0x8863;
inline constexpr std::uint16_t kPppoeSession = 0x8864;
inline constexpr std::uint16_t kPpp = 0x880b;       // GRE version 1 (PPTP)
inline constexpr std::uint16_t kErspan = 0x88be;    // ERSPAN type I and II
inline constexpr std::uint16_t kErspan3 = 0x22eb;   // ERSPAN type III
}  // namespace ethertype

// GRE: flags and version, protocol type, then optional fields in this order.
struct GreHeader {
  static constexpr std::size_t kFlags = 0;
  static constexpr std::size_t kProtocol = 2;
  static constexpr std::size_t kFixedLen = 4;
  static constexpr std::uint16_t kChecksumPresent = 0x8000;  // C: checksum + offset (4)
  static constexpr std::uint16_t kRoutingPresent = 0x4000;   // R: offset, SREs (RFC 1701)
  static constexpr std::uint16_t kKeyPresent = 0x2000;       // K: key (v0), length + call id (v1)
  static constexpr std::uint16_t kSeqPresent = 0x1000;       // S: sequence number
  static constexpr std::uint16_t kAckPresent = 0x0080;       // A: acknowledgment (v1 only)
  static constexpr std::uint16_t kVersionMask = 0x0007;

  // Length of the header with its optional fields and source route entries; 0 when the
  // captured bytes end first, or when a version-1 header lacks its key.
  static std::size_t length(ByteView b) {
    if (b.size() < kFixedLen) return 0;
    const std::uint16_t fl = load_be16(b, kFlags);
    std::size_t len = kFixedLen;
    if ((fl & kVersionMask) == 1) {
      if (!(fl & kKeyPresent)) return 0;
      len += 4 + ((fl & kSeqPresent) ? 4 : 0) + ((fl & kAckPresent) ? 4 : 0);
      return b.size() < len ? 0 : len;
    }
    len += ((fl & (kChecksumPresent | kRoutingPresent)) ? 4 : 0) + ((fl & kKeyPresent) ? 4 : 0) +
           ((fl & kSeqPresent) ? 4 : 0);
    if (fl & kRoutingPresent) {
      // Source route entries: address family (2), offset (1), length (1), then `length`
      // bytes; a zero length ends the list.
      for (int n = 0; n < 64; ++n) {
        if (b.size() < len + 4) return 0;
        const std::size_t sre_len = b[len + 3];
        len += 4 + sre_len;
        if (sre_len == 0) break;
      }
    }
    return b.size() < len ? 0 : len;
  }
};

// ERSPAN type II (version 1, 8 bytes) and type III (version 2, 12 bytes, 8 more when O is
// set in the last bit of the third word).
struct ErspanHeader {
  static constexpr std::size_t kVersionVlan = 0;  // version (4 bits), VLAN (12)
  static constexpr std::size_t kSession = 2;      // COS, encapsulation type / BSO, T, session (10)
  static constexpr std::uint16_t kSessionMask = 0x03ff;
  static constexpr std::size_t kType2Len = 8;
  static constexpr std::size_t kType3Len = 12;
  static constexpr std::size_t kType3Flags = 10;  // ..., Gra (2), O (1)
  static constexpr std::size_t kPlatformLen = 8;

  static unsigned version(ByteView b) { return b[kVersionVlan] >> 4; }
  // 0 when not captured whole or of an unknown version.
  static std::size_t length(ByteView b) {
    if (b.size() < 2) return 0;
    std::size_t len = 0;
    switch (version(b)) {
      case 1: len = kType2Len; break;
      case 2:
        if (b.size() < kType3Len) return 0;
        len = kType3Len + ((b[kType3Flags + 1] & 0x01) ? kPlatformLen : 0);
        break;
      default: return 0;
    }
    return b.size() < len ? 0 : len;
  }
};

// One MPLS label stack entry: label (20 bits), traffic class (3), bottom of stack (1), TTL.
struct MplsEntry {
  static constexpr std::size_t kLen = 4;
  static constexpr std::uint32_t kIpv4ExplicitNull = 0;
  static constexpr std::uint32_t kIpv6ExplicitNull = 2;
  std::uint32_t raw = 0;
  std::uint32_t label() const { return raw >> 12; }
  unsigned tc() const { return (raw >> 9) & 7; }
  bool bottom() const { return (raw >> 8) & 1; }
  unsigned ttl() const { return raw & 0xff; }
};

// PPP: optional address 0xff and control 0x03 (RFC 1662), then the protocol: one byte when
// its low bit is set (protocol field compression), else two.
struct PppHeader {
  static constexpr std::uint8_t kAddress = 0xff;
  static constexpr std::uint8_t kControl = 0x03;
  static constexpr std::uint16_t kIpv4 = 0x0021;
  static constexpr std::uint16_t kIpv6 = 0x0057;
  static constexpr std::uint16_t kMplsUnicast = 0x0281;
  static constexpr std::uint16_t kMplsMulticast = 0x0283;
};

// PPPoE: version and type (0x11), code (0 in a session), session id, payload length.
struct PppoeHeader {
  static constexpr std::size_t kVersionType = 0;
  static constexpr std::size_t kCode = 1;
  static constexpr std::size_t kSession = 2;
  static constexpr std::size_t kLength = 4;
  static constexpr std::size_t kLen = 6;
};

// L2TPv2 over UDP: flags and version (T, L, S, O, P; version 2), optional length, tunnel
// id, session id, optional Ns/Nr, optional offset size and padding.
struct L2tpHeader {
  static constexpr std::uint16_t kType = 0x8000;     // T: control message
  static constexpr std::uint16_t kLength = 0x4000;   // L
  static constexpr std::uint16_t kSequence = 0x0800; // S
  static constexpr std::uint16_t kOffset = 0x0200;   // O
  static constexpr std::uint16_t kVersionMask = 0x000f;
  static constexpr std::uint16_t kPort = 1701;

  // Length of a version-2 data message's header, with the tunnel and session ids; 0 when
  // cut short.
  static std::size_t length(ByteView b, std::uint16_t& tunnel, std::uint16_t& session) {
    if (b.size() < 2) return 0;
    const std::uint16_t fl = load_be16(b, 0);
    std::size_t off = 2 + ((fl & kLength) ? 2 : 0);
    if (b.size() < off + 4) return 0;
    tunnel = load_be16(b, off);
    session = load_be16(b, off + 2);
    off += 4 + ((fl & kSequence) ? 4 : 0);
    if (fl & kOffset) {
      if (b.size() < off + 2) return 0;
      off += 2 + load_be16(b, off);
    }
    return b.size() < off ? 0 : off;
  }
};

// GTP-U: flags (version 3 bits, PT, E, S, PN), message type, length, TEID; sequence number,
// N-PDU number and next extension type when any of E, S, PN is set; extension headers
// (length in 4-byte units, the last byte naming the next).
struct GtpuHeader {
  static constexpr std::size_t kFlags = 0;
  static constexpr std::size_t kMessageType = 1;
  static constexpr std::size_t kLength = 2;
  static constexpr std::size_t kTeid = 4;
  static constexpr std::size_t kFixedLen = 8;
  static constexpr std::uint8_t kGpdu = 0xff;
  static constexpr std::uint16_t kPort = 2152;

  // Length up to the T-PDU; 0 when cut short or not GTPv1 (version 1, PT 1).
  static std::size_t length(ByteView b) {
    if (b.size() < kFixedLen) return 0;
    const std::uint8_t fl = b[kFlags];
    if ((fl >> 5) != 1 || !(fl & 0x10)) return 0;
    std::size_t len = kFixedLen;
    if (!(fl & 0x07)) return len;
    if (b.size() < len + 4) return 0;
    std::uint8_t next = (fl & 0x04) ? b[len + 3] : 0;
    len += 4;
    for (int n = 0; next != 0 && n < 16; ++n) {
      if (b.size() < len + 1 || b[len] == 0) return 0;
      const std::size_t ext = std::size_t{b[len]} * 4;
      if (b.size() < len + ext) return 0;
      next = b[len + ext - 1];
      len += ext;
    }
    return next != 0 ? 0 : len;
  }
};

// VXLAN-GPE: flags (version, I, P, B, O), reserved, next protocol, VNI, reserved.
struct VxlanGpeHeader {
  static constexpr std::size_t kFlags = 0;
  static constexpr std::size_t kNextProtocol = 3;
  static constexpr std::size_t kVni = 4;
  static constexpr std::size_t kLen = 8;
  static constexpr std::uint8_t kIpv4 = 1;
  static constexpr std::uint8_t kIpv6 = 2;
  static constexpr std::uint8_t kEthernet = 3;
  static constexpr std::uint8_t kNsh = 4;
  static constexpr std::uint8_t kMpls = 5;
  static constexpr std::uint16_t kPort = 4790;
};

// Teredo: IPv6 in UDP, after an optional authentication (0x0001) and origin indication
// (0x0000) header.
struct TeredoHeader {
  static constexpr std::uint16_t kPort = 3544;
  static constexpr std::size_t kOriginLen = 8;

  // Bytes before the IPv6 header; SIZE_MAX when the headers are cut short.
  static std::size_t length(ByteView b) {
    std::size_t off = 0;
    if (b.size() >= 2 && load_be16(b, 0) == 0x0001) {
      // indicator, client id length, auth value length, id, value, nonce (8), confirmation
      if (b.size() < 4) return SIZE_MAX;
      off = 4 + std::size_t{b[2]} + b[3] + 9;
    }
    if (b.size() >= off + 2 && load_be16(b, off) == 0x0000) off += kOriginLen;
    return b.size() < off ? SIZE_MAX : off;
  }
};

// Cisco HDLC: address (0x0f unicast, 0x8f broadcast), control, protocol (an EtherType).
struct ChdlcHeader {
  static constexpr std::size_t kAddress = 0;
  static constexpr std::size_t kProtocol = 2;
  static constexpr std::size_t kLen = 4;
  static constexpr std::uint16_t kSlarp = 0x8035;
};

// 802.2 LLC: DSAP, SSAP, control; SNAP (DSAP = SSAP = 0xaa, UI): OUI, EtherType.
struct LlcHeader {
  static constexpr std::size_t kDsap = 0;
  static constexpr std::size_t kSsap = 1;
  static constexpr std::size_t kControl = 2;
  static constexpr std::size_t kOui = 3;
  static constexpr std::size_t kEtherType = 6;
  static constexpr std::size_t kSnapLen = 8;
  static constexpr std::uint8_t kSnapSap = 0xaa;
  static constexpr std::uint8_t kUi = 0x03;
};

// IEEE 802.11 MAC header (little-endian fields): frame control, duration, three
// addresses, sequence control, a fourth address with both DS bits, QoS control on QoS
// subtypes, HT control when Order is set on a QoS frame.
struct WlanHeader {
  static constexpr std::size_t kFrameControl = 0;
  static constexpr std::size_t kFlags = 1;
  static constexpr std::size_t kAddr1 = 4;
  static constexpr std::size_t kAddr2 = 10;
  static constexpr std::size_t kAddr3 = 16;
  static constexpr std::size_t kSeqCtl = 22;
  static constexpr std::size_t kAddr4 = 24;
  static constexpr std::size_t kBaseLen = 24;
  static constexpr std::uint8_t kTypeData = 2;
  static constexpr std::uint8_t kToDs = 0x01;
  static constexpr std::uint8_t kFromDs = 0x02;
  static constexpr std::uint8_t kMoreFrag = 0x04;
  static constexpr std::uint8_t kProtected = 0x40;
  static constexpr std::uint8_t kOrder = 0x80;

  static unsigned type(std::uint8_t fc0) { return (fc0 >> 2) & 3; }
  static unsigned subtype(std::uint8_t fc0) { return fc0 >> 4; }
  // Header length of a data frame from its two frame-control bytes.
  static std::size_t data_header_len(std::uint8_t fc0, std::uint8_t fc1) {
    std::size_t len = kBaseLen;
    if ((fc1 & (kToDs | kFromDs)) == (kToDs | kFromDs)) len += 6;
    if (subtype(fc0) & 0x8) {
      len += 2;
      if (fc1 & kOrder) len += 4;
    }
    return len;
  }
};

// Radiotap: version, pad, length (little endian), present bitmaps (bit 31: another word
// follows); fields aligned to their natural size from the header's start.
struct RadiotapHeader {
  static constexpr std::size_t kLength = 2;
  static constexpr std::size_t kPresent = 4;
  static constexpr std::size_t kMinLen = 8;
  static constexpr std::uint8_t kFlagFcs = 0x10;      // frame includes the FCS
  static constexpr std::uint8_t kFlagDataPad = 0x20;  // padding after the 802.11 header

  // The Flags field (present bit 1), or -1 when absent or not captured.
  static int flags(ByteView b) {
    if (b.size() < kMinLen) return -1;
    std::size_t off = kPresent;
    const std::uint32_t present = load_le32(b.data() + off);
    while (b.size() >= off + 4 && (load_le32(b.data() + off) & 0x80000000u)) off += 4;
    off += 4;
    if (!(present & 0x2)) return -1;
    if (present & 0x1) off = ((off + 7) & ~std::size_t{7}) + 8;  // TSFT: 8 bytes, 8-aligned
    return off < b.size() ? b[off] : -1;
  }
};

}  // namespace tcplens
