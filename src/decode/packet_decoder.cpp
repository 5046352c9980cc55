#include "tcplens/decode/packet_decoder.hpp"

#include <algorithm>
#include <cstring>

#include "ip_reassembler.hpp"
#include "tcplens/capture/link_type.hpp"
#include "tcplens/wire/encap.hpp"
#include "tcplens/wire/ethernet.hpp"
#include "tcplens/wire/ip.hpp"
#include "tcplens/wire/ip_text.hpp"
#include "tcplens/wire/tcp.hpp"

namespace tcplens {

const char* to_string(Layer layer) {
  switch (layer) {
    case Layer::None: return "none";
    case Layer::Link: return "link";
    case Layer::Vlan: return "vlan";
    case Layer::Ipv4: return "ipv4";
    case Layer::Ipv6: return "ipv6";
    case Layer::Ipv6Ext: return "ipv6-ext";
    case Layer::Tcp: return "tcp";
    case Layer::Udp: return "udp";
    case Layer::Icmp: return "icmp";
    case Layer::Icmpv6: return "icmpv6";
    case Layer::Gre: return "gre";
    case Layer::Vxlan: return "vxlan";
    case Layer::Geneve: return "geneve";
    case Layer::Pptp: return "pptp";
    case Layer::Erspan: return "erspan";
    case Layer::VxlanGpe: return "vxlan-gpe";
    case Layer::Teredo: return "teredo";
    case Layer::Gtpu: return "gtp-u";
    case Layer::L2tp: return "l2tp";
    case Layer::IpInIp: return "ip-in-ip";
    case Layer::Srv6: return "srv6";
    case Layer::Mpls: return "mpls";
    case Layer::Ppp: return "ppp";
    case Layer::Pppoe: return "pppoe";
    case Layer::Llc: return "llc";
    case Layer::Chdlc: return "chdlc";
    case Layer::Wlan: return "802.11";
    case Layer::Radiotap: return "radiotap";
  }
  return "?";
}

std::size_t format_encap(const EncapChain& chain, char* out, std::size_t cap) {
  std::size_t n = 0;
  auto put = [&](const char* text) {
    for (; *text != '\0' && n + 1 < cap; ++text) out[n++] = *text;
  };
  auto put_num = [&](std::uint32_t v, bool hex) {
    char buf[16];
    std::snprintf(buf, sizeof buf, hex ? "0x%x" : "%u", v);
    put(buf);
  };
  if (cap == 0) return 0;
  for (std::size_t i = 0; i < chain.count; ++i) {
    const Encapsulation& e = chain.items[i];
    if (i != 0) put(" > ");
    if (e.layer == Layer::IpInIp) {
      const char* names[] = {"4in4", "6in4", "4in6", "6in6"};
      put(names[((e.id >> 4) == 6 ? 2 : 0) + ((e.id & 0xf) == 6 ? 1 : 0)]);
      continue;
    }
    put(to_string(e.layer));
    if (!e.has_id) continue;
    switch (e.layer) {
      case Layer::Gre: put(" key "); put_num(e.id, true); break;
      case Layer::Pptp: put(" call "); put_num(e.id, false); break;
      case Layer::Erspan: put(" session "); put_num(e.id, false); break;
      case Layer::Gtpu: put(" teid "); put_num(e.id, true); break;
      case Layer::L2tp:
        put(" tunnel "); put_num(e.id, false); put(" session "); put_num(e.id2, false);
        break;
      case Layer::Pppoe: put(" session "); put_num(e.id, true); break;
      case Layer::Mpls: put(" label "); put_num(e.id, false); break;
      default: put(" vni "); put_num(e.id, false); break;
    }
  }
  if (chain.more) put(" > ...");
  out[n] = '\0';
  return n;
}

std::size_t format_ip(const IpAddress& addr, char* out) {
  if (addr.family == 0) {
    out[0] = '\0';
    return 0;
  }
  char* end = addr.family == 6 ? format_ipv6_text(out, addr.bytes.data()) : format_ipv4_text(out, addr.bytes.data());
  *end = '\0';
  return static_cast<std::size_t>(end - out);
}

void DecodedPacket::reset() {
  reset_all_but_ip_and_tcp();
  ip = IpHeader{};
  tcp = TcpSegment{};
}

void DecodedPacket::reset_all_but_ip_and_tcp() {
  layers = 0;
  status = DecodeStatus::Ok;
  stop_layer = Layer::None;
  linktype = 0;
  ether_type = 0;
  vlan_count = 0;
  encap.count = 0;
  encap.more = false;
  // outer_ip is written only when a second IP header is found (Walker::next_ip).
  if (ip_depth >= 2) outer_ip = IpHeader{};
  ip_depth = 0;
  udp = UdpDatagram{};
  has_tunnel_udp = false;
  icmp = {};
  inner_ethernet = {};
  // icmp_error is written only after in_icmp_error is set (Walker::icmp_error): 192 bytes
  // not cleared for every other packet.
  if (in_icmp_error) icmp_error = IcmpError{};
  in_icmp_error = false;
  reassembled = false;
  first_fragment_ports = false;
}

namespace {

constexpr int kMaxDepth = 8;  // nested encapsulations before we give up (Unsupported)
constexpr std::uint16_t kVxlanPort = 4789;
constexpr std::uint16_t kGenevePort = 6081;

// A captured view together with the number of bytes the same point had on the wire.
struct Slice {
  ByteView cap;
  std::uint32_t wire = 0;

  Slice after(std::size_t n) const {
    return {cap.subspan(std::min(n, cap.size())), wire > n ? static_cast<std::uint32_t>(wire - n) : 0u};
  }
};

class Walker {
 public:
  Walker(DecodedPacket& out, IpReassembler& frags) : out_(out), frags_(frags) {}

  void link(std::uint32_t linktype, Slice s);
  bool ethernet_ipv4_tcp(Slice s);
  void ethernet(Slice s, int depth);
  void ether_payload(std::uint16_t type, Slice s, int depth);
  void ip(Slice s, int depth);
  void ipv4(Slice s, int depth);
  void ipv6(Slice s, int depth);
  void transport(std::uint8_t proto, Slice s, int depth);
  void tcp(Slice s, TcpSegment& seg);
  void udp(Slice s, int depth);
  void gre(Slice s, int depth);
  void erspan(std::uint16_t proto, bool seq, Slice s, int depth);
  void mpls(Slice s, int depth);
  void ppp(Slice s, int depth);
  void pppoe_session(Slice s, int depth);
  void llc(Slice s, int depth);
  void chdlc(Slice s, int depth);
  void wlan(Slice s, int depth);
  void radiotap(Slice s);
  bool udp_tunnel(std::uint16_t port, Slice s, int depth);
  void icmp_error(std::uint8_t type, std::uint8_t code, Slice quoted);

 private:
  void stop(Layer layer, DecodeStatus status) {
    if (out_.status == DecodeStatus::Ok) {
      out_.status = status;
      out_.stop_layer = layer;
    }
  }
  void add(Layer layer) { out_.layers |= layer_bit(layer); }
  // A transport header inside a UDP tunnel is about to take `udp`'s place: keep the outer one.
  void keep_tunnel_udp() {
    out_.tunnel_udp = out_.udp;
    out_.has_tunnel_udp = true;
  }
  // A tunnel: its layer bit and an entry in the encapsulation chain.
  void tunnel(Layer layer) {
    add(layer);
    out_.encap.push(layer);
  }
  void tunnel(Layer layer, std::uint32_t id, std::uint32_t id2 = 0) {
    add(layer);
    out_.encap.push(layer, id, id2);
  }
  IpHeader& next_ip() {
    if (out_.ip_depth == 1) out_.outer_ip = out_.ip;
    if (out_.ip_depth++ != 0) out_.ip = IpHeader{};  // the first is still as reset() left it
    return out_.ip;
  }

  void reassembled(IpHeader& h, Slice payload, int depth);

  DecodedPacket& out_;
  IpReassembler& frags_;
};

// A fragment: hand it to the reassembler; the frame that completes the datagram carries the
// transport layer, with the reassembled length as its reported length (as Wireshark).
void Walker::reassembled(IpHeader& h, Slice payload, int depth) {
  ByteView whole;
  const std::uint32_t frag_len = payload.wire;
  if (h.fragment_offset == 0 && h.protocol == ipproto::kTcp && payload.cap.size() >= 4) {
    out_.first_fragment_ports = true;
    out_.fragment_src_port = load_be16(payload.cap.data());
    out_.fragment_dst_port = load_be16(payload.cap.data() + 2);
  }
  if (!frags_.add(h, payload.cap, frag_len, whole)) return;
  out_.reassembled = true;
  transport(h.protocol, Slice{whole, static_cast<std::uint32_t>(whole.size())}, depth);
}

void Walker::link(std::uint32_t linktype, Slice s) {
  switch (linktype) {
    case linktype::kEthernet:
      ethernet(s, 0);
      return;
    case linktype::kLinuxSll: {
      if (auto st = SllView::check(s.cap); st != DecodeStatus::Ok) return stop(Layer::Link, st);
      add(Layer::Link);
      SllView v(s.cap);
      ether_payload(v.protocol(), s.after(SllView::kHeaderLen), 0);
      return;
    }
    case linktype::kLinuxSll2: {
      if (auto st = Sll2View::check(s.cap); st != DecodeStatus::Ok) return stop(Layer::Link, st);
      add(Layer::Link);
      Sll2View v(s.cap);
      ether_payload(v.protocol(), s.after(Sll2View::kHeaderLen), 0);
      return;
    }
    case linktype::kNull:
    case linktype::kLoop: {
      if (auto st = NullView::check(s.cap); st != DecodeStatus::Ok) return stop(Layer::Link, st);
      add(Layer::Link);
      NullView v(s.cap);
      std::uint32_t family = v.family();
      Slice p = s.after(NullView::kHeaderLen);
      if (family == 2) {
        out_.ether_type = ethertype::kIpv4;
        ipv4(p, 0);
      } else if (family == 10 || family == 24 || family == 28 || family == 30) {
        out_.ether_type = ethertype::kIpv6;
        ipv6(p, 0);
      } else {
        stop(Layer::Link, DecodeStatus::Unsupported);
      }
      return;
    }
    case linktype::kRaw:
    case 12:  // LINKTYPE_RAW's DLT value on OpenBSD
    case 14:
      ip(s, 0);
      return;
    case linktype::kIpv4:
      ipv4(s, 0);
      return;
    case linktype::kIpv6:
      ipv6(s, 0);
      return;
    case linktype::kPpp:
      add(Layer::Link);
      ppp(s, 0);
      return;
    case linktype::kPppSerial:
      // PPP in HDLC-like framing, or Cisco HDLC when the address is 0x0f / 0x8f.
      add(Layer::Link);
      if (!s.cap.empty() && (s.cap[0] == 0x0f || s.cap[0] == 0x8f)) return chdlc(s, 0);
      ppp(s, 0);
      return;
    case linktype::kPppEther:
      add(Layer::Link);
      pppoe_session(s, 0);
      return;
    case linktype::kChdlc:
      add(Layer::Link);
      chdlc(s, 0);
      return;
    case linktype::kIeee80211:
      add(Layer::Link);
      wlan(s, 0);
      return;
    case linktype::kIeee80211Radiotap:
      add(Layer::Link);
      radiotap(s);
      return;
    default:
      stop(Layer::Link, DecodeStatus::Unsupported);
      return;
  }
}

// Ethernet, then IPv4 with a 20-byte header that is no fragment, then TCP: most packets of
// most captures. The same result as ethernet() -> ether_payload() -> ipv4() -> transport(),
// without their general checks and resets; false (nothing written) for any other packet.
bool Walker::ethernet_ipv4_tcp(Slice s) {
  constexpr std::size_t kEth = EthernetView::kHeaderLen;
  if (s.cap.size() < kEth + Ipv4View::kMinHeaderLen || load_be16(s.cap, 12) != ethertype::kIpv4) return false;
  const std::uint8_t* ip = s.cap.data() + kEth;
  if (!Ipv4View::is_plain_tcp(ip)) return false;
  const Slice l3 = s.after(kEth);
  const std::uint16_t total = load_be16(ip + Ipv4View::kTotalLength);
  const std::uint32_t reported = total == 0 ? l3.wire : std::min<std::uint32_t>(total, l3.wire);
  if ((total != 0 && total < Ipv4View::kMinHeaderLen) || reported < Ipv4View::kMinHeaderLen) return false;
  const Slice dgram{l3.cap.subspan(0, std::min<std::size_t>(l3.cap.size(), reported)), reported};
  const Slice segment = dgram.after(Ipv4View::kMinHeaderLen);
  // Only a whole TCP header: then tcp() writes every field of out_.tcp.
  if (TcpView::check(segment.cap) != DecodeStatus::Ok) return false;
  add(Layer::Link);
  out_.ether_type = ethertype::kIpv4;
  add(Layer::Ipv4);
  out_.ip_depth = 1;
  IpHeader& h = out_.ip;  // every field written (decode() did not clear it)
  h.version = 4;
  h.protocol = ipproto::kTcp;
  h.ttl = ip[Ipv4View::kTtl];
  h.tos = ip[Ipv4View::kTos];
  h.src.family = h.dst.family = 4;
  h.src.bytes = {};
  h.dst.bytes = {};
  std::memcpy(h.src.bytes.data(), ip + Ipv4View::kSrc, 4);
  std::memcpy(h.dst.bytes.data(), ip + Ipv4View::kDst, 4);
  h.header_len = Ipv4View::kMinHeaderLen;
  h.claimed_len = total;
  h.reported_len = reported;
  h.fragment = h.more_fragments = false;
  h.fragment_offset = 0;
  h.ident = load_be16(ip + Ipv4View::kIdent);
  h.flags_offset = load_be16(ip + Ipv4View::kFlagsFragOff);
  h.checksum = load_be16(ip + Ipv4View::kChecksum);
  transport(ipproto::kTcp, segment, 0);
  return true;
}

void Walker::ethernet(Slice s, int depth) {
  if (auto st = EthernetView::check(s.cap); st != DecodeStatus::Ok) return stop(Layer::Link, st);
  add(Layer::Link);
  if (depth > 0) out_.inner_ethernet = s.cap;
  EthernetView v(s.cap);
  std::uint16_t type = v.ether_type();
  Slice p = s.after(EthernetView::kHeaderLen);
  if (type <= 1500) {
    // 802.3: the field is the payload's length (what follows is padding), then 802.2 LLC.
    if (type < p.wire) p = Slice{p.cap.subspan(0, std::min<std::size_t>(p.cap.size(), type)), type};
    return llc(p, depth);
  }
  ether_payload(type, p, depth);
}

void Walker::ether_payload(std::uint16_t type, Slice s, int depth) {
  while (type == ethertype::kVlan || type == ethertype::kQinQ || type == ethertype::kQinQOld) {
    if (auto st = VlanView::check(s.cap); st != DecodeStatus::Ok) return stop(Layer::Vlan, st);
    add(Layer::Vlan);
    VlanView v(s.cap);
    if (out_.vlan_count < out_.vlan_ids.size()) out_.vlan_ids[out_.vlan_count] = v.vid();
    if (out_.vlan_count < 255) ++out_.vlan_count;
    type = v.ether_type();
    s = s.after(VlanView::kHeaderLen);
  }
  out_.ether_type = type;
  switch (type) {
    case ethertype::kIpv4: return ipv4(s, depth);
    case ethertype::kIpv6: return ipv6(s, depth);
    case ethertype::kMplsUnicast:
    case ethertype::kMplsMulticast: return mpls(s, depth);
    case ethertype::kPppoeSession: return pppoe_session(s, depth);
    default: return stop(Layer::Link, DecodeStatus::Unsupported);
  }
}

void Walker::ip(Slice s, int depth) {
  if (s.cap.empty()) return stop(Layer::Ipv4, DecodeStatus::Truncated);
  switch (s.cap[0] >> 4) {
    case 4: return ipv4(s, depth);
    case 6: return ipv6(s, depth);
    default: return stop(Layer::Ipv4, DecodeStatus::Malformed);
  }
}

void Walker::ipv4(Slice s, int depth) {
  if (auto st = Ipv4View::check(s.cap); st != DecodeStatus::Ok) return stop(Layer::Ipv4, st);
  add(Layer::Ipv4);
  Ipv4View v(s.cap);
  IpHeader& h = next_ip();
  h.version = 4;
  h.protocol = v.protocol();
  h.ttl = v.ttl();
  h.tos = v.tos();
  h.src.family = h.dst.family = 4;
  std::memcpy(h.src.bytes.data(), v.src(), 4);
  std::memcpy(h.dst.bytes.data(), v.dst(), 4);
  h.header_len = static_cast<std::uint32_t>(v.header_len());
  h.claimed_len = v.total_length();
  // Wireshark takes a zero total length as "assumed by TSO": the rest of the frame.
  h.reported_len = h.claimed_len == 0 ? s.wire : std::min<std::uint32_t>(h.claimed_len, s.wire);
  h.ident = v.ident();
  h.flags_offset = load_be16(s.cap, Ipv4View::kFlagsFragOff);
  h.checksum = load_be16(s.cap, Ipv4View::kChecksum);
  h.more_fragments = v.more_fragments();
  h.fragment_offset = v.fragment_offset();
  h.fragment = h.more_fragments || h.fragment_offset != 0;
  if (h.reported_len < h.header_len) return stop(Layer::Ipv4, DecodeStatus::Truncated);
  // Trim link-layer padding: the datagram ends where the IP length says.
  Slice dgram{s.cap.subspan(0, std::min<std::size_t>(s.cap.size(), h.reported_len)), h.reported_len};
  if (h.fragment) return reassembled(h, dgram.after(h.header_len), depth);
  transport(h.protocol, dgram.after(h.header_len), depth);
}

void Walker::ipv6(Slice s, int depth) {
  if (auto st = Ipv6View::check(s.cap); st != DecodeStatus::Ok) return stop(Layer::Ipv6, st);
  add(Layer::Ipv6);
  Ipv6View v(s.cap);
  IpHeader& h = next_ip();
  h.version = 6;
  h.ttl = v.hop_limit();
  h.tos = v.traffic_class();
  h.flow_label = v.flow_label();
  h.next_header = v.next_header();
  h.src.family = h.dst.family = 6;
  std::memcpy(h.src.bytes.data(), v.src(), 16);
  std::memcpy(h.dst.bytes.data(), v.dst(), 16);
  h.claimed_len = Ipv6View::kHeaderLen + v.payload_length();
  // A zero payload length means a jumbogram only with a hop-by-hop header (RFC 2675);
  // otherwise the datagram is empty, as Wireshark takes it.
  const bool jumbo = v.payload_length() == 0 && v.next_header() == ipproto::kHopByHop;
  h.reported_len = jumbo ? s.wire : std::min<std::uint32_t>(h.claimed_len, s.wire);
  if (h.reported_len < Ipv6View::kHeaderLen) return stop(Layer::Ipv6, DecodeStatus::Truncated);
  Slice dgram{s.cap.subspan(0, std::min<std::size_t>(s.cap.size(), h.reported_len)), h.reported_len};
  std::uint8_t next = v.next_header();
  std::size_t off = Ipv6View::kHeaderLen;
  bool segment_routing = false;
  for (int n = 0; Ipv6ExtView::is_extension(next); ++n) {
    if (n > 16) return stop(Layer::Ipv6Ext, DecodeStatus::Unsupported);
    Slice rest = dgram.after(off);
    if (auto st = Ipv6ExtView::check(rest.cap, next); st != DecodeStatus::Ok) {
      h.header_len = static_cast<std::uint32_t>(off);
      return stop(Layer::Ipv6Ext, st);
    }
    add(Layer::Ipv6Ext);
    Ipv6ExtView e(rest.cap, next);
    if (next == ipproto::kRouting && rest.cap.size() > 2 && rest.cap[2] == 4) segment_routing = true;
    if (next == ipproto::kFragment) {
      h.fragment_offset = e.fragment_offset();
      h.more_fragments = e.more_fragments();
      h.fragment = h.more_fragments || h.fragment_offset != 0;
      h.ident = e.fragment_ident();
    }
    off += e.header_len();
    next = e.next_header();
  }
  h.header_len = static_cast<std::uint32_t>(off);
  h.protocol = next;
  if (off > h.reported_len) return stop(Layer::Ipv6Ext, DecodeStatus::Malformed);
  if (h.fragment) return reassembled(h, dgram.after(off), depth);
  if (segment_routing && (next == ipproto::kIpip || next == ipproto::kIpv6)) {
    out_.encap.push(Layer::Srv6);
    add(Layer::Srv6);
    return next == ipproto::kIpip ? ipv4(dgram.after(off), depth + 1) : ipv6(dgram.after(off), depth + 1);
  }
  transport(next, dgram.after(off), depth);
}

void Walker::transport(std::uint8_t proto, Slice s, int depth) {
  if (depth >= kMaxDepth) return stop(Layer::Ipv4, DecodeStatus::Unsupported);
  switch (proto) {
    case ipproto::kTcp:
      add(Layer::Tcp);  // out_.tcp is as reset() left it: no layer before writes it
      if (out_.has(Layer::Udp)) keep_tunnel_udp();
      out_.udp = UdpDatagram{};
      out_.layers &= ~layer_bit(Layer::Udp);
      tcp(s, out_.tcp);
      return;
    case ipproto::kUdp:
      return udp(s, depth);
    case ipproto::kIpip:
      tunnel(Layer::IpInIp, (std::uint32_t{out_.ip.version} << 4) | 4);
      return ipv4(s, depth + 1);
    case ipproto::kIpv6:
      tunnel(Layer::IpInIp, (std::uint32_t{out_.ip.version} << 4) | 6);
      return ipv6(s, depth + 1);
    case ipproto::kGre:
      return gre(s, depth + 1);
    case ipproto::kAh: {
      // IPsec AH (RFC 4302) authenticates what follows but leaves it readable: decode past
      // it, as tshark does and as the IPv6 extension header walk does.
      if (auto st = Ipv6ExtView::check(s.cap, proto); st != DecodeStatus::Ok)
        return stop(Layer::Ipv4, st);
      Ipv6ExtView ah(s.cap, proto);
      out_.ip.protocol = ah.next_header();
      out_.ip.header_len += static_cast<std::uint32_t>(ah.header_len());
      return transport(ah.next_header(), s.after(ah.header_len()), depth + 1);
    }
    case ipproto::kIcmp: {
      add(Layer::Icmp);
      if (s.cap.size() < 8) return stop(Layer::Icmp, DecodeStatus::Truncated);
      out_.icmp = s.cap;
      std::uint8_t type = s.cap[0];
      // Destination unreachable, source quench, redirect, time exceeded, parameter problem.
      if (type == 3 || type == 4 || type == 5 || type == 11 || type == 12)
        icmp_error(type, s.cap[1], s.after(8));
      return;
    }
    case ipproto::kIcmpv6: {
      add(Layer::Icmpv6);
      if (s.cap.size() < 8) return stop(Layer::Icmpv6, DecodeStatus::Truncated);
      out_.icmp = s.cap;
      std::uint8_t type = s.cap[0];
      if (type >= 1 && type <= 4) icmp_error(type, s.cap[1], s.after(8));
      return;
    }
    default:
      return;
  }
}

void Walker::tcp(Slice s, TcpSegment& seg) {
  DecodeStatus st = TcpView::check(s.cap);
  if (s.cap.size() >= 4) {
    seg.ports_valid = true;
    seg.src_port = load_be16(s.cap, TcpView::kSrcPort);
    seg.dst_port = load_be16(s.cap, TcpView::kDstPort);
  }
  if (s.cap.size() >= 16) {
    // The fixed part up to the window is there: keep it even if the rest is cut off, as
    // Wireshark does (it reads these before the options).
    seg.fixed_valid = true;
    seg.src_port = load_be16(s.cap, TcpView::kSrcPort);
    seg.dst_port = load_be16(s.cap, TcpView::kDstPort);
    seg.seq = load_be32(s.cap, TcpView::kSeq);
    seg.ack = load_be32(s.cap, TcpView::kAck);
    seg.flags = load_be16(s.cap, TcpView::kFlags) & 0x0fff;
    seg.window = load_be16(s.cap, TcpView::kWindow);
    seg.header_len = static_cast<std::uint32_t>(s.cap[TcpView::kDataOffset] >> 4) * 4;
    seg.have_seglen = s.wire >= seg.header_len;
    seg.payload_len = seg.have_seglen ? s.wire - seg.header_len : 0;
    seg.header = s.cap.subspan(0, std::min<std::size_t>(s.cap.size(), std::max<std::uint32_t>(seg.header_len, 16)));
  }
  if (st != DecodeStatus::Ok) return stop(Layer::Tcp, st);
  TcpView v(s.cap);
  seg.header_valid = true;
  seg.checksum = v.checksum();
  seg.urgent_ptr = v.urgent_ptr();
  seg.options = parse_tcp_options(v.options());
  seg.payload = v.payload();
}

void Walker::udp(Slice s, int depth) {
  if (out_.has(Layer::Udp)) keep_tunnel_udp();
  add(Layer::Udp);
  if (auto st = UdpView::check(s.cap); st != DecodeStatus::Ok) return stop(Layer::Udp, st);
  UdpView v(s.cap);
  out_.udp.src_port = v.src_port();
  out_.udp.dst_port = v.dst_port();
  out_.udp.length = v.length();
  out_.udp.checksum = v.checksum();
  out_.udp.payload = v.payload();
  // As Wireshark's UDP, the lower port is tried first, then the higher.
  const std::uint16_t lo = std::min(v.src_port(), v.dst_port()), hi = std::max(v.src_port(), v.dst_port());
  Slice inner = s.after(UdpView::kHeaderLen);
  if (!udp_tunnel(lo, inner, depth) && lo != hi) udp_tunnel(hi, inner, depth);
}

// The tunnels Wireshark decodes by UDP port; false when `port` is none of theirs.
bool Walker::udp_tunnel(std::uint16_t port, Slice inner, int depth) {
  switch (port) {
    case kVxlanPort: {
      // RFC 7348: flags (I bit 0x08), 3 reserved, VNI, reserved; then an Ethernet frame.
      if (inner.cap.size() < 8) return stop(Layer::Vxlan, DecodeStatus::Truncated), true;
      if (!(inner.cap[0] & 0x08)) return true;
      tunnel(Layer::Vxlan, load_be24(inner.cap.data() + 4));
      ethernet(inner.after(8), depth + 1);
      return true;
    }
    case kGenevePort: {
      // RFC 8926: version and option length (4-byte units), flags, protocol type, VNI.
      if (inner.cap.size() < 8) return stop(Layer::Geneve, DecodeStatus::Truncated), true;
      if ((inner.cap[0] >> 6) != 0) return stop(Layer::Geneve, DecodeStatus::Unsupported), true;
      std::size_t len = 8 + std::size_t{inner.cap[0] & 0x3fu} * 4;
      if (inner.cap.size() < len) return stop(Layer::Geneve, DecodeStatus::Truncated), true;
      tunnel(Layer::Geneve, load_be24(inner.cap.data() + 4));
      std::uint16_t proto = load_be16(inner.cap, 2);
      Slice p = inner.after(len);
      if (proto == ethertype::kTransEther) return ethernet(p, depth + 1), true;
      if (proto == ethertype::kIpv4) return ipv4(p, depth + 1), true;
      if (proto == ethertype::kIpv6) return ipv6(p, depth + 1), true;
      stop(Layer::Geneve, DecodeStatus::Unsupported);
      return true;
    }
    case VxlanGpeHeader::kPort: {
      if (inner.cap.size() < VxlanGpeHeader::kLen) return stop(Layer::VxlanGpe, DecodeStatus::Truncated), true;
      tunnel(Layer::VxlanGpe, load_be24(inner.cap.data() + VxlanGpeHeader::kVni));
      Slice p = inner.after(VxlanGpeHeader::kLen);
      switch (inner.cap[VxlanGpeHeader::kNextProtocol]) {
        case VxlanGpeHeader::kIpv4: ipv4(p, depth + 1); break;
        case VxlanGpeHeader::kIpv6: ipv6(p, depth + 1); break;
        case VxlanGpeHeader::kEthernet: ethernet(p, depth + 1); break;
        case VxlanGpeHeader::kMpls: mpls(p, depth + 1); break;
        default: stop(Layer::VxlanGpe, DecodeStatus::Unsupported); break;
      }
      return true;
    }
    case TeredoHeader::kPort: {
      // Only what starts as IPv6 after the optional headers is Teredo (Wireshark checks the same).
      const std::size_t off = TeredoHeader::length(inner.cap);
      if (off == SIZE_MAX || inner.cap.size() < off + 40 || (inner.cap[off] >> 4) != 6) return true;
      tunnel(Layer::Teredo);
      ipv6(inner.after(off), depth + 1);
      return true;
    }
    case GtpuHeader::kPort: {
      const std::size_t len = GtpuHeader::length(inner.cap);
      if (len == 0) return stop(Layer::Gtpu, DecodeStatus::Truncated), true;
      tunnel(Layer::Gtpu, load_be32(inner.cap, GtpuHeader::kTeid));
      if (inner.cap[GtpuHeader::kMessageType] != GtpuHeader::kGpdu) return true;
      ip(inner.after(len), depth + 1);
      return true;
    }
    case L2tpHeader::kPort: {
      if (inner.cap.size() < 2) return stop(Layer::L2tp, DecodeStatus::Truncated), true;
      const std::uint16_t fl = load_be16(inner.cap, 0);
      if ((fl & L2tpHeader::kVersionMask) != 2) return stop(Layer::L2tp, DecodeStatus::Unsupported), true;
      std::uint16_t tunnel_id = 0, session_id = 0;
      const std::size_t len = L2tpHeader::length(inner.cap, tunnel_id, session_id);
      if (len == 0) return stop(Layer::L2tp, DecodeStatus::Truncated), true;
      tunnel(Layer::L2tp, tunnel_id, session_id);
      if (fl & L2tpHeader::kType) return true;  // a control message
      ppp(inner.after(len), depth + 1);
      return true;
    }
    default:
      return false;
  }
}

void Walker::gre(Slice s, int depth) {
  // RFC 2784 / 2890 (version 0) and PPTP's enhanced GRE (RFC 2637, version 1).
  if (s.cap.size() < GreHeader::kFixedLen) return stop(Layer::Gre, DecodeStatus::Truncated);
  const std::uint16_t fl = load_be16(s.cap, GreHeader::kFlags);
  const unsigned version = fl & GreHeader::kVersionMask;
  if (version > 1) return add(Layer::Gre), stop(Layer::Gre, DecodeStatus::Unsupported);
  const std::size_t len = GreHeader::length(s.cap);
  if (len == 0) return add(Layer::Gre), stop(Layer::Gre, version == 1 && !(fl & GreHeader::kKeyPresent) ? DecodeStatus::Malformed : DecodeStatus::Truncated);
  const std::uint16_t proto = load_be16(s.cap, GreHeader::kProtocol);
  Slice inner = s.after(len);
  if (version == 1) {
    // Key: payload length (16 bits) and call id; no payload without the sequence number.
    tunnel(Layer::Pptp, load_be16(s.cap, 6));
    if (!(fl & GreHeader::kSeqPresent) || proto != ethertype::kPpp) return;
    const std::uint16_t payload_len = load_be16(s.cap, 4);
    if (payload_len < inner.wire) inner = Slice{inner.cap.subspan(0, std::min<std::size_t>(inner.cap.size(), payload_len)), payload_len};
    return ppp(inner, depth);
  }
  if (fl & GreHeader::kKeyPresent) {
    const std::size_t key_off = GreHeader::kFixedLen + ((fl & (GreHeader::kChecksumPresent | GreHeader::kRoutingPresent)) ? 4 : 0);
    tunnel(Layer::Gre, load_be32(s.cap, key_off));
  } else {
    tunnel(Layer::Gre);
  }
  switch (proto) {
    case ethertype::kIpv4: return ipv4(inner, depth);
    case ethertype::kIpv6: return ipv6(inner, depth);
    case ethertype::kTransEther: return ethernet(inner, depth);
    case ethertype::kMplsUnicast:
    case ethertype::kMplsMulticast: return mpls(inner, depth);
    case ethertype::kPpp: return ppp(inner, depth);
    case ethertype::kErspan:
    case ethertype::kErspan3: return erspan(proto, (fl & GreHeader::kSeqPresent) != 0, inner, depth);
    default: return stop(Layer::Gre, DecodeStatus::Unsupported);
  }
}

// ERSPAN: type I has no header of its own (GRE 0x88be without a sequence number, as
// Wireshark's packet-erspan.c tells them apart); II and III have one, with a session id.
void Walker::erspan(std::uint16_t proto, bool seq, Slice s, int depth) {
  if (proto == ethertype::kErspan && !seq) {
    tunnel(Layer::Erspan);
    return ethernet(s, depth);
  }
  const std::size_t len = ErspanHeader::length(s.cap);
  if (len == 0) {
    add(Layer::Erspan);
    const bool known = s.cap.size() >= 2 && (ErspanHeader::version(s.cap) == 1 || ErspanHeader::version(s.cap) == 2);
    return stop(Layer::Erspan, known || s.cap.size() < 2 ? DecodeStatus::Truncated : DecodeStatus::Unsupported);
  }
  tunnel(Layer::Erspan, load_be16(s.cap, ErspanHeader::kSession) & ErspanHeader::kSessionMask);
  ethernet(s.after(len), depth);
}

// An MPLS label stack down to the entry with the bottom-of-stack bit, then IPv4 or IPv6:
// by the explicit-null label, else by the version nibble (Wireshark's packet-mpls.c).
void Walker::mpls(Slice s, int depth) {
  MplsEntry e;
  bool first = true;
  for (int n = 0;; ++n) {
    if (s.cap.size() < MplsEntry::kLen) return add(Layer::Mpls), stop(Layer::Mpls, DecodeStatus::Truncated);
    if (n >= 16) return stop(Layer::Mpls, DecodeStatus::Unsupported);
    e.raw = load_be32(s.cap, 0);
    if (first) tunnel(Layer::Mpls, e.label());
    first = false;
    s = s.after(MplsEntry::kLen);
    if (e.bottom()) break;
  }
  if (e.label() == MplsEntry::kIpv4ExplicitNull) return ipv4(s, depth + 1);
  if (e.label() == MplsEntry::kIpv6ExplicitNull) return ipv6(s, depth + 1);
  if (s.cap.empty()) return stop(Layer::Mpls, DecodeStatus::Truncated);
  switch (s.cap[0] >> 4) {
    case 4: return ipv4(s, depth + 1);
    case 6: return ipv6(s, depth + 1);
    default: return stop(Layer::Mpls, DecodeStatus::Unsupported);
  }
}

void Walker::ppp(Slice s, int depth) {
  add(Layer::Ppp);
  if (s.cap.size() >= 2 && s.cap[0] == PppHeader::kAddress && s.cap[1] == PppHeader::kControl) s = s.after(2);
  if (s.cap.empty()) return stop(Layer::Ppp, DecodeStatus::Truncated);
  std::uint16_t proto = s.cap[0];
  if (proto & 1) {
    s = s.after(1);  // protocol field compression
  } else {
    if (s.cap.size() < 2) return stop(Layer::Ppp, DecodeStatus::Truncated);
    proto = load_be16(s.cap, 0);
    s = s.after(2);
  }
  switch (proto) {
    case PppHeader::kIpv4: return ipv4(s, depth);
    case PppHeader::kIpv6: return ipv6(s, depth);
    case PppHeader::kMplsUnicast:
    case PppHeader::kMplsMulticast: return mpls(s, depth);
    default: return stop(Layer::Ppp, DecodeStatus::Unsupported);
  }
}

void Walker::pppoe_session(Slice s, int depth) {
  if (s.cap.size() < PppoeHeader::kLen) return add(Layer::Pppoe), stop(Layer::Pppoe, DecodeStatus::Truncated);
  tunnel(Layer::Pppoe, load_be16(s.cap, PppoeHeader::kSession));
  const std::uint16_t len = load_be16(s.cap, PppoeHeader::kLength);
  Slice p = s.after(PppoeHeader::kLen);
  if (len < p.wire) p = Slice{p.cap.subspan(0, std::min<std::size_t>(p.cap.size(), len)), len};
  ppp(p, depth);
}

void Walker::llc(Slice s, int depth) {
  add(Layer::Llc);
  if (s.cap.size() < 3) return stop(Layer::Llc, DecodeStatus::Truncated);
  if (s.cap[LlcHeader::kDsap] != LlcHeader::kSnapSap || (s.cap[LlcHeader::kSsap] & 0xfe) != LlcHeader::kSnapSap ||
      s.cap[LlcHeader::kControl] != LlcHeader::kUi)
    return stop(Layer::Llc, DecodeStatus::Unsupported);
  if (s.cap.size() < LlcHeader::kSnapLen) return stop(Layer::Llc, DecodeStatus::Truncated);
  // RFC 1042 (OUI 0) and 802.1H bridge tunnel (00-00-f8) carry an EtherType.
  const std::uint32_t oui = load_be24(s.cap.data() + LlcHeader::kOui);
  if (oui != 0 && oui != 0xf8) return stop(Layer::Llc, DecodeStatus::Unsupported);
  ether_payload(load_be16(s.cap, LlcHeader::kEtherType), s.after(LlcHeader::kSnapLen), depth);
}

void Walker::chdlc(Slice s, int depth) {
  add(Layer::Chdlc);
  if (s.cap.size() < ChdlcHeader::kLen) return stop(Layer::Chdlc, DecodeStatus::Truncated);
  const std::uint16_t proto = load_be16(s.cap, ChdlcHeader::kProtocol);
  out_.ether_type = proto;
  if (proto == ethertype::kVlan || proto == ethertype::kQinQ) return stop(Layer::Chdlc, DecodeStatus::Unsupported);
  ether_payload(proto, s.after(ChdlcHeader::kLen), depth);
}

// An 802.11 data frame carrying LLC/SNAP; management, control, null, protected and
// fragmented frames carry nothing decoded here.
void Walker::wlan(Slice s, int depth) {
  add(Layer::Wlan);
  if (s.cap.size() < 2) return stop(Layer::Wlan, DecodeStatus::Truncated);
  const std::uint8_t fc0 = s.cap[WlanHeader::kFrameControl], fc1 = s.cap[WlanHeader::kFlags];
  if ((fc0 & 3) != 0 || WlanHeader::type(fc0) != WlanHeader::kTypeData) return stop(Layer::Wlan, DecodeStatus::Unsupported);
  const unsigned subtype = WlanHeader::subtype(fc0);
  if (subtype & 0x4) return;  // null function: no data
  const std::size_t len = WlanHeader::data_header_len(fc0, fc1);
  if (s.cap.size() < len) return stop(Layer::Wlan, DecodeStatus::Truncated);
  if (fc1 & WlanHeader::kProtected) return stop(Layer::Wlan, DecodeStatus::Unsupported);
  const std::uint16_t seq_ctl = load_le16(s.cap.data() + WlanHeader::kSeqCtl);
  if ((fc1 & WlanHeader::kMoreFrag) || (seq_ctl & 0x000f) != 0) return stop(Layer::Wlan, DecodeStatus::Unsupported);
  // A-MSDU (QoS control bit 7) holds several subframes: not decoded.
  if ((subtype & 0x8) && (s.cap[len - ((fc1 & WlanHeader::kOrder) ? 6 : 2)] & 0x80))
    return stop(Layer::Wlan, DecodeStatus::Unsupported);
  llc(s.after(len), depth);
}

void Walker::radiotap(Slice s) {
  add(Layer::Radiotap);
  if (s.cap.size() < RadiotapHeader::kMinLen) return stop(Layer::Radiotap, DecodeStatus::Truncated);
  const std::size_t len = load_le16(s.cap.data() + RadiotapHeader::kLength);
  if (len < RadiotapHeader::kMinLen) return stop(Layer::Radiotap, DecodeStatus::Malformed);
  if (s.cap.size() < len) return stop(Layer::Radiotap, DecodeStatus::Truncated);
  const int flags = RadiotapHeader::flags(s.cap.subspan(0, len));
  Slice frame = s.after(len);
  if (flags >= 0 && (flags & RadiotapHeader::kFlagFcs)) {
    // The frame check sequence ends the frame: not part of what the frame carries.
    const std::uint32_t wire = frame.wire >= 4 ? frame.wire - 4 : 0;
    frame = Slice{frame.cap.subspan(0, std::min<std::size_t>(frame.cap.size(), wire)), wire};
  }
  if (flags >= 0 && (flags & RadiotapHeader::kFlagDataPad)) return stop(Layer::Radiotap, DecodeStatus::Unsupported);
  wlan(frame, 0);
}

void Walker::icmp_error(std::uint8_t type, std::uint8_t code, Slice quoted) {
  IcmpError& e = out_.icmp_error;
  out_.in_icmp_error = true;
  e.type = type;
  e.code = code;
  ByteView b = quoted.cap;
  if (b.empty()) return;
  std::size_t hlen = 0;
  std::uint8_t proto = 0;
  if ((b[0] >> 4) == 4 && b.size() >= 20) {
    hlen = std::size_t{b[0] & 0x0fu} * 4;
    if (hlen < 20 || b.size() < hlen) return;
    e.has_ip = true;
    e.ip.version = 4;
    e.ip.protocol = proto = b[Ipv4View::kProtocol];
    e.ip.src.family = e.ip.dst.family = 4;
    std::memcpy(e.ip.src.bytes.data(), b.data() + Ipv4View::kSrc, 4);
    std::memcpy(e.ip.dst.bytes.data(), b.data() + Ipv4View::kDst, 4);
    e.ip.claimed_len = load_be16(b, Ipv4View::kTotalLength);
    // Every header field, as tshark dissects the quoted header as another IP layer.
    e.ip.tos = b[Ipv4View::kTos];
    e.ip.ttl = b[Ipv4View::kTtl];
    e.ip.ident = load_be16(b, Ipv4View::kIdent);
    e.ip.flags_offset = load_be16(b, Ipv4View::kFlagsFragOff);
    e.ip.checksum = load_be16(b, Ipv4View::kChecksum);
    e.ip.fragment_offset = (e.ip.flags_offset & 0x1fffu) * 8u;
    e.ip.more_fragments = (e.ip.flags_offset & 0x2000u) != 0;
    e.ip.fragment = e.ip.more_fragments || e.ip.fragment_offset != 0;
  } else if ((b[0] >> 4) == 6 && b.size() >= 40) {
    hlen = 40;
    e.has_ip = true;
    e.ip.version = 6;
    e.ip.protocol = proto = b[Ipv6View::kNextHeader];
    e.ip.src.family = e.ip.dst.family = 6;
    std::memcpy(e.ip.src.bytes.data(), b.data() + Ipv6View::kSrc, 16);
    std::memcpy(e.ip.dst.bytes.data(), b.data() + Ipv6View::kDst, 16);
    e.ip.claimed_len = 40u + load_be16(b, Ipv6View::kPayloadLength);
    const Ipv6View v(b);
    e.ip.ttl = v.hop_limit();
    e.ip.tos = v.traffic_class();
    e.ip.flow_label = v.flow_label();
    e.ip.next_header = v.next_header();
  } else {
    return;
  }
  e.ip.header_len = static_cast<std::uint32_t>(hlen);
  if (proto == ipproto::kUdp && e.ip.fragment_offset == 0 && b.size() >= hlen + UdpView::kHeaderLen) {
    const UdpView v(b.subspan(hlen));
    e.has_udp = true;
    e.udp.src_port = v.src_port();
    e.udp.dst_port = v.dst_port();
    e.udp.length = v.length();
    e.udp.checksum = v.checksum();
    e.udp.payload = v.payload();
  }
  if (proto == ipproto::kTcp && e.ip.fragment_offset == 0) {
    Slice t{b.subspan(hlen), static_cast<std::uint32_t>(b.size() - hlen)};
    TcpSegment& seg = e.tcp;
    if (t.cap.size() >= 16) {
      seg.fixed_valid = true;
      seg.src_port = load_be16(t.cap, TcpView::kSrcPort);
      seg.dst_port = load_be16(t.cap, TcpView::kDstPort);
      seg.seq = load_be32(t.cap, TcpView::kSeq);
      seg.ack = load_be32(t.cap, TcpView::kAck);
      seg.flags = load_be16(t.cap, TcpView::kFlags) & 0x0fff;
      seg.window = load_be16(t.cap, TcpView::kWindow);
      seg.header_len = static_cast<std::uint32_t>(t.cap[TcpView::kDataOffset] >> 4) * 4;
    }
    if (TcpView::check(t.cap) == DecodeStatus::Ok) {
      TcpView v(t.cap);
      seg.header_valid = true;
      seg.checksum = v.checksum();
      seg.urgent_ptr = v.urgent_ptr();
      seg.options = parse_tcp_options(v.options());
      seg.header = t.cap.subspan(0, seg.header_len);
      seg.payload = v.payload();  // what the error quoted of it (tcp.payload); no tcp.len
    }
  }
}

}  // namespace

PacketDecoder::PacketDecoder() : frags_(std::make_unique<IpReassembler>()) {}
PacketDecoder::~PacketDecoder() = default;

const DecodedPacket& PacketDecoder::decode(const RawPacket& packet) {
  Slice s{packet.data, std::max<std::uint32_t>(packet.wirelen, static_cast<std::uint32_t>(packet.data.size()))};
  Walker walker(out_, *frags_);
  // The fast path writes all of out_.ip and out_.tcp itself (or nothing): they are cleared
  // only for the general path (clearing them first would cost the fast path a third of its time).
  out_.reset_all_but_ip_and_tcp();
  out_.linktype = packet.linktype;
  if (packet.linktype == linktype::kEthernet && fast_path_ && walker.ethernet_ipv4_tcp(s)) return out_;
  out_.ip = IpHeader{};
  out_.tcp = TcpSegment{};
  walker.link(packet.linktype, s);
  return out_;
}

const DecodedPacket& PacketDecoder::decode_ip(ByteView bytes, std::uint32_t wirelen) {
  out_.reset();
  out_.linktype = linktype::kRaw;
  Slice s{bytes, std::max<std::uint32_t>(wirelen, static_cast<std::uint32_t>(bytes.size()))};
  Walker(out_, *frags_).ip(s, 0);
  return out_;
}

}  // namespace tcplens
