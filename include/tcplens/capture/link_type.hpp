// Link-layer header types (the LINKTYPE_* values stored in pcap and pcapng files) and the
// names libpcap gives them, which tcpdump prints in its "reading from file" line.
#pragma once

#include <cstdint>
#include <string_view>

namespace tcplens {

namespace linktype {
inline constexpr std::uint32_t kNull = 0;
inline constexpr std::uint32_t kEthernet = 1;
inline constexpr std::uint32_t kSlip = 8;
inline constexpr std::uint32_t kPpp = 9;
inline constexpr std::uint32_t kPppSerial = 50;  // PPP in HDLC-like framing, or Cisco HDLC
inline constexpr std::uint32_t kPppEther = 51;   // PPPoE session header first
inline constexpr std::uint32_t kRaw = 101;
inline constexpr std::uint32_t kChdlc = 104;
inline constexpr std::uint32_t kIeee80211 = 105;
inline constexpr std::uint32_t kLoop = 108;
inline constexpr std::uint32_t kLinuxSll = 113;
inline constexpr std::uint32_t kIeee80211Radiotap = 127;
inline constexpr std::uint32_t kIpv4 = 228;
inline constexpr std::uint32_t kIpv6 = 229;
inline constexpr std::uint32_t kDbus = 231;
inline constexpr std::uint32_t kLinuxSll2 = 276;
}  // namespace linktype

struct LinkTypeName {
  std::string_view name;         // "EN10MB"; empty when libpcap has no name for it
  std::string_view description;  // "Ethernet"
};

LinkTypeName link_type_name(std::uint32_t linktype);

// The largest packet libpcap accepts for this link type (its max_snaplen_for_dlt()).
std::uint32_t max_snaplen_for(std::uint32_t linktype);

}  // namespace tcplens
