// The result of decoding one packet: one slot per layer, a bitmask of the layers present,
// the DecodeStatus and the layer where decoding stopped.
//
// A DecodedPacket is owned by its PacketDecoder and reused for every packet: no allocation
// per packet. Its views (payloads) borrow the RawPacket's bytes and are valid only as long
// as those are. Everything decoded before a stop is kept: a TCP header whose options are cut
// off still has its ports, sequence numbers and flags (see TcpSegment::fixed_valid).
#pragma once

#include <array>
#include <cstdint>

#include "tcplens/bytes.hpp"
#include "tcplens/wire/status.hpp"
#include "tcplens/wire/tcp.hpp"

namespace tcplens {

enum class Layer : std::uint8_t {
  None,
  Link,
  Vlan,
  Ipv4,
  Ipv6,
  Ipv6Ext,
  Tcp,
  Udp,
  Icmp,
  Icmpv6,
  Gre,
  Vxlan,
  Geneve,
  // Encapsulations (tunnels and the link layers that carry IP in their own framing).
  Pptp,      // GRE version 1 (RFC 2637), PPP inside
  Erspan,    // ERSPAN type I, II or III (in GRE)
  VxlanGpe,  // UDP 4790
  Teredo,    // UDP 3544 (RFC 4380)
  Gtpu,      // UDP 2152 (3GPP TS 29.281)
  L2tp,      // L2TPv2 over UDP 1701 (RFC 2661)
  IpInIp,    // 4in4, 6in4 (sit), 4in6, 6in6
  Srv6,      // IPv6 with a segment routing header (RFC 8754) carrying IP
  Mpls,      // a label stack (RFC 3032)
  Ppp,       // PPP (RFC 1661), HDLC-like framing (RFC 1662)
  Pppoe,     // PPPoE session (RFC 2516)
  Llc,       // 802.2 LLC with SNAP (RFC 1042)
  Chdlc,     // Cisco HDLC
  Wlan,      // IEEE 802.11 data frame
  Radiotap,  // radiotap header before 802.11
};

const char* to_string(Layer layer);

constexpr std::uint32_t layer_bit(Layer layer) {
  return std::uint32_t{1} << static_cast<unsigned>(layer);
}

// One tunnel a packet came through, with its identifier where it has one: GRE key, PPTP
// call id, ERSPAN session, VXLAN / VXLAN-GPE / Geneve VNI, GTP-U TEID, L2TP tunnel id
// (session id in `id2`), top MPLS label, PPPoE session; IpInIp has the outer and inner IP
// versions in `id` (0x44, 0x46, 0x64, 0x66).
struct Encapsulation {
  Layer layer = Layer::None;
  bool has_id = false;
  std::uint32_t id = 0;
  std::uint32_t id2 = 0;
};

// The tunnels of a packet, outermost first (link layers are not listed). Fixed size: a
// packet nested deeper keeps its first kMax and sets `more`.
struct EncapChain {
  static constexpr std::size_t kMax = 6;
  std::array<Encapsulation, kMax> items{};
  std::uint8_t count = 0;
  bool more = false;

  void push(Layer layer) { push(Encapsulation{layer, false, 0, 0}); }
  void push(Layer layer, std::uint32_t id, std::uint32_t id2 = 0) {
    push(Encapsulation{layer, true, id, id2});
  }
  void push(const Encapsulation& e) {
    if (count < kMax)
      items[count++] = e;
    else
      more = true;
  }
  bool empty() const { return count == 0; }
};

// The chain as text, outermost first: "gre key 7 > mpls 3000", "vxlan 42", "6in4"; empty
// when the packet came through no tunnel. Returns the length written (at most cap - 1, NUL
// terminated; 128 bytes hold any chain).
std::size_t format_encap(const EncapChain& chain, char* out, std::size_t cap);

struct IpAddress {
  std::uint8_t family = 0;  // 4 or 6; 0 when unset
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

  std::size_t size() const { return family == 6 ? 16 : 4; }
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// Formats as inet_ntop does (IPv6 compressed as RFC 5952). `out` needs 46 bytes.
std::size_t format_ip(const IpAddress& addr, char* out);

struct IpHeader {
  std::uint8_t version = 0;
  std::uint8_t protocol = 0;  // upper-layer protocol after any IPv6 extension headers
  std::uint8_t ttl = 0;
  std::uint8_t tos = 0;
  IpAddress src;
  IpAddress dst;
  std::uint16_t flags_offset = 0;  // IPv4: the flags and fragment offset word, as sent
  std::uint16_t checksum = 0;      // IPv4: the header checksum, as sent
  std::uint8_t next_header = 0;    // IPv6: the fixed header's (before extension headers)
  std::uint32_t flow_label = 0;    // IPv6
  std::uint32_t header_len = 0;   // including IPv6 extension headers
  std::uint32_t claimed_len = 0;  // total length the header claims (IPv6: 40 + payload length)
  std::uint32_t reported_len = 0;  // min(claimed, what was on the wire); 0-length TSO taken as wire
  bool fragment = false;       // a fragment (first or later)
  bool more_fragments = false;
  std::uint32_t fragment_offset = 0;
  std::uint32_t ident = 0;
};

// The TCP header as host-order values. `ports_valid` says the ports were captured,
// `fixed_valid` the first 16 bytes (ports to window); `header_valid` that the whole header including options was.
struct TcpSegment {
  bool ports_valid = false;  // the first 4 bytes were captured
  bool fixed_valid = false;
  bool header_valid = false;
  bool have_seglen = false;  // the IP length covers the TCP header (Wireshark's th_have_seglen)
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t flags = 0;
  std::uint16_t window = 0;
  std::uint16_t checksum = 0;
  std::uint16_t urgent_ptr = 0;
  std::uint32_t header_len = 0;
  std::uint32_t payload_len = 0;  // on the wire: reported IP payload minus header (see have_seglen)
  TcpOptions options;
  ByteView header;   // captured bytes of the header from its first byte (options in order)
  ByteView payload;  // captured part of the payload
};

struct UdpDatagram {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint16_t length = 0;
  std::uint16_t checksum = 0;
  ByteView payload;
};

// The IP header and the start of the TCP header quoted inside an ICMP or ICMPv6 error.
struct IcmpError {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  bool has_ip = false;
  IpHeader ip;
  TcpSegment tcp;  // fixed_valid when 16 bytes of TCP header were quoted
  bool has_udp = false;  // a UDP header was quoted (its 8 bytes)
  UdpDatagram udp;
};

struct DecodedPacket {
  std::uint32_t layers = 0;
  DecodeStatus status = DecodeStatus::Ok;
  Layer stop_layer = Layer::None;  // the layer that could not be decoded, when status != Ok

  std::uint32_t linktype = 0;
  std::uint16_t ether_type = 0;  // after any VLAN tags
  std::uint8_t vlan_count = 0;
  std::array<std::uint16_t, 2> vlan_ids{};

  EncapChain encap;           // the tunnels the innermost IP came through
  std::uint8_t ip_depth = 0;  // number of IP headers (2 or more inside a tunnel)
  IpHeader ip;        // innermost
  IpHeader outer_ip;  // outermost, when ip_depth > 1
  TcpSegment tcp;
  UdpDatagram udp;
  // The UDP header a tunnel came in (VXLAN, Geneve, GTP-U...) when a transport header
  // inside it took `udp`'s place (`udp` is then the inner UDP, or unset under TCP).
  UdpDatagram tunnel_udp;
  bool has_tunnel_udp = false;
  ByteView icmp;  // the innermost ICMP or ICMPv6 header (8 bytes or more) and what follows
  ByteView inner_ethernet;  // an Ethernet frame inside a tunnel (VXLAN, Geneve, GRE...), the last one
  IcmpError icmp_error;
  bool in_icmp_error = false;  // icmp_error is set
  bool reassembled = false;    // the transport layer comes from reassembled fragments
  // The first fragment of a TCP datagram not complete yet carries no TCP layer, but its ports
  // (with ip's addresses) tell whose connection it is: the worker that prints it (tcpdump's
  // relative numbers are that connection's).
  bool first_fragment_ports = false;
  std::uint16_t fragment_src_port = 0, fragment_dst_port = 0;

  bool has(Layer layer) const { return layers & layer_bit(layer); }
  bool has_tcp() const { return has(Layer::Tcp) && tcp.fixed_valid; }
  void reset();
  void reset_all_but_ip_and_tcp();  // for a decoder that writes every field of ip and tcp
};

}  // namespace tcplens
