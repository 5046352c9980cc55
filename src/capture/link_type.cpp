#include "tcplens/capture/link_type.hpp"

namespace tcplens {

LinkTypeName link_type_name(std::uint32_t linktype) {
  // Names and descriptions as libpcap 1.10's dlt_choices[] gives them.
  switch (linktype) {
    case linktype::kNull: return {"NULL", "BSD loopback"};
    case linktype::kEthernet: return {"EN10MB", "Ethernet"};
    case 6: return {"IEEE802", "Token ring"};
    case 7: return {"ARCNET", "BSD ARCNET"};
    case linktype::kSlip: return {"SLIP", "SLIP"};
    case linktype::kPpp: return {"PPP", "PPP"};
    case 10: return {"FDDI", "FDDI"};
    case 50: return {"PPP_SERIAL", "PPP over serial"};
    case 51: return {"PPP_ETHER", "PPPoE"};
    case 100: return {"ATM_RFC1483", "RFC 1483 LLC-encapsulated ATM"};
    case linktype::kRaw:
    case 12: return {"RAW", "Raw IP"};
    case 104: return {"C_HDLC", "Cisco HDLC"};
    case 105: return {"IEEE802_11", "802.11"};
    case 107: return {"FRELAY", "Frame Relay"};
    case linktype::kLoop: return {"LOOP", "OpenBSD loopback"};
    case 109: return {"ENC", "OpenBSD encapsulated IP"};
    case linktype::kLinuxSll: return {"LINUX_SLL", "Linux cooked v1"};
    case 117: return {"PFLOG", "OpenBSD pflog file"};
    case 127: return {"IEEE802_11_RADIO", "802.11 plus radiotap header"};
    case 189: return {"USB_LINUX", "USB with Linux header"};
    case 192: return {"PPI", "Per-Packet Information"};
    case 220: return {"USB_LINUX_MMAPPED", "USB with padded Linux header"};
    case linktype::kIpv4: return {"IPV4", "Raw IPv4"};
    case linktype::kIpv6: return {"IPV6", "Raw IPv6"};
    case linktype::kDbus: return {"DBUS", "D-Bus"};
    case 239: return {"NFLOG", "Linux netfilter log messages"};
    case 253: return {"NETLINK", "Linux netlink"};
    case linktype::kLinuxSll2: return {"LINUX_SLL2", "Linux cooked v2"};
    default: return {};
  }
}

std::uint32_t max_snaplen_for(std::uint32_t linktype) {
  switch (linktype) {
    case linktype::kDbus: return 128 * 1024 * 1024;
    case 249: return 1024 * 1024;  // USBPCAP
    default: return 262144;
  }
}

}  // namespace tcplens
