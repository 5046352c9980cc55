#include "tcplens/decode/packet_decoder.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "ip_reassembler.hpp"
#include "tcplens/capture/link_type.hpp"
#include "tcplens/wire/ethernet.hpp"
#include "tcplens/wire/ip.hpp"
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
  }
  return "?";
}

std::size_t format_ip(const IpAddress& addr, char* out) {
  if (addr.family == 0) {
    out[0] = '\0';
    return 0;
  }
  if (!inet_ntop(addr.family == 6 ? AF_INET6 : AF_INET, addr.bytes.data(), out, 46)) {
    out[0] = '\0';
    return 0;
  }
  return std::strlen(out);
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
  // outer_ip is written only when a second IP header is found (Walker::next_ip).
  if (ip_depth >= 2) outer_ip = IpHeader{};
  ip_depth = 0;
  udp = UdpDatagram{};
  // icmp_error is written only after in_icmp_error is set (Walker::icmp_error): 192 bytes
  // not cleared for every other packet.
  if (in_icmp_error) icmp_error = IcmpError{};
  in_icmp_error = false;
  reassembled = false;
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
  void icmp_error(std::uint8_t type, std::uint8_t code, Slice quoted);

 private:
  void stop(Layer layer, DecodeStatus status) {
    if (out_.status == DecodeStatus::Ok) {
      out_.status = status;
      out_.stop_layer = layer;
    }
  }
  void add(Layer layer) { out_.layers |= layer_bit(layer); }
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
  transport(ipproto::kTcp, segment, 0);
  return true;
}

void Walker::ethernet(Slice s, int depth) {
  if (auto st = EthernetView::check(s.cap); st != DecodeStatus::Ok) return stop(Layer::Link, st);
  add(Layer::Link);
  EthernetView v(s.cap);
  std::uint16_t type = v.ether_type();
  if (type <= 1500) return stop(Layer::Link, DecodeStatus::Unsupported);  // 802.3 length + LLC
  ether_payload(type, s.after(EthernetView::kHeaderLen), depth);
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
  if (type == ethertype::kIpv4) return ipv4(s, depth);
  if (type == ethertype::kIpv6) return ipv6(s, depth);
  stop(Layer::Link, DecodeStatus::Unsupported);
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
  for (int n = 0; Ipv6ExtView::is_extension(next); ++n) {
    if (n > 16) return stop(Layer::Ipv6Ext, DecodeStatus::Unsupported);
    Slice rest = dgram.after(off);
    if (auto st = Ipv6ExtView::check(rest.cap, next); st != DecodeStatus::Ok) {
      h.header_len = static_cast<std::uint32_t>(off);
      return stop(Layer::Ipv6Ext, st);
    }
    add(Layer::Ipv6Ext);
    Ipv6ExtView e(rest.cap, next);
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
  transport(next, dgram.after(off), depth);
}

void Walker::transport(std::uint8_t proto, Slice s, int depth) {
  if (depth >= kMaxDepth) return stop(Layer::Ipv4, DecodeStatus::Unsupported);
  switch (proto) {
    case ipproto::kTcp:
      add(Layer::Tcp);  // out_.tcp is as reset() left it: no layer before writes it
      out_.udp = UdpDatagram{};
      out_.layers &= ~layer_bit(Layer::Udp);
      tcp(s, out_.tcp);
      return;
    case ipproto::kUdp:
      return udp(s, depth);
    case ipproto::kIpip:
      return ipv4(s, depth + 1);
    case ipproto::kIpv6:
      return ipv6(s, depth + 1);
    case ipproto::kGre:
      return gre(s, depth + 1);
    case ipproto::kIcmp: {
      add(Layer::Icmp);
      if (s.cap.size() < 8) return stop(Layer::Icmp, DecodeStatus::Truncated);
      std::uint8_t type = s.cap[0];
      // Destination unreachable, source quench, redirect, time exceeded, parameter problem.
      if (type == 3 || type == 4 || type == 5 || type == 11 || type == 12)
        icmp_error(type, s.cap[1], s.after(8));
      return;
    }
    case ipproto::kIcmpv6: {
      add(Layer::Icmpv6);
      if (s.cap.size() < 8) return stop(Layer::Icmpv6, DecodeStatus::Truncated);
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
  add(Layer::Udp);
  if (auto st = UdpView::check(s.cap); st != DecodeStatus::Ok) return stop(Layer::Udp, st);
  UdpView v(s.cap);
  out_.udp.src_port = v.src_port();
  out_.udp.dst_port = v.dst_port();
  out_.udp.length = v.length();
  out_.udp.payload = v.payload();
  if (v.dst_port() == kVxlanPort) {
    // RFC 7348: flags (I bit 0x08), 3 reserved, VNI, reserved; then an Ethernet frame.
    Slice inner = s.after(UdpView::kHeaderLen);
    if (inner.cap.size() < 8) return stop(Layer::Vxlan, DecodeStatus::Truncated);
    if (!(inner.cap[0] & 0x08)) return;
    add(Layer::Vxlan);
    ethernet(inner.after(8), depth + 1);
  } else if (v.dst_port() == kGenevePort) {
    // RFC 8926: version and option length (4-byte units), flags, protocol type, VNI.
    Slice inner = s.after(UdpView::kHeaderLen);
    if (inner.cap.size() < 8) return stop(Layer::Geneve, DecodeStatus::Truncated);
    if ((inner.cap[0] >> 6) != 0) return stop(Layer::Geneve, DecodeStatus::Unsupported);
    std::size_t len = 8 + std::size_t{inner.cap[0] & 0x3fu} * 4;
    if (inner.cap.size() < len) return stop(Layer::Geneve, DecodeStatus::Truncated);
    add(Layer::Geneve);
    std::uint16_t proto = load_be16(inner.cap, 2);
    Slice p = inner.after(len);
    if (proto == ethertype::kTransEther) return ethernet(p, depth + 1);
    if (proto == ethertype::kIpv4) return ipv4(p, depth + 1);
    if (proto == ethertype::kIpv6) return ipv6(p, depth + 1);
    stop(Layer::Geneve, DecodeStatus::Unsupported);
  }
}

void Walker::gre(Slice s, int depth) {
  // RFC 2784 / 2890: C, K, S bits add 4 bytes each; version 0 only (1 is PPTP's).
  if (s.cap.size() < 4) return stop(Layer::Gre, DecodeStatus::Truncated);
  add(Layer::Gre);
  std::uint16_t fl = load_be16(s.cap, 0);
  if ((fl & 0x7) != 0) return stop(Layer::Gre, DecodeStatus::Unsupported);
  std::size_t len = 4 + ((fl & 0x8000) ? 4 : 0) + ((fl & 0x2000) ? 4 : 0) + ((fl & 0x1000) ? 4 : 0);
  if (fl & 0x4000) return stop(Layer::Gre, DecodeStatus::Unsupported);  // source routing
  if (s.cap.size() < len) return stop(Layer::Gre, DecodeStatus::Truncated);
  std::uint16_t proto = load_be16(s.cap, 2);
  Slice inner = s.after(len);
  if (proto == ethertype::kIpv4) return ipv4(inner, depth);
  if (proto == ethertype::kIpv6) return ipv6(inner, depth);
  if (proto == ethertype::kTransEther) return ethernet(inner, depth);
  stop(Layer::Gre, DecodeStatus::Unsupported);
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
    e.ip.fragment_offset = (load_be16(b, Ipv4View::kFlagsFragOff) & 0x1fffu) * 8u;
  } else if ((b[0] >> 4) == 6 && b.size() >= 40) {
    hlen = 40;
    e.has_ip = true;
    e.ip.version = 6;
    e.ip.protocol = proto = b[Ipv6View::kNextHeader];
    e.ip.src.family = e.ip.dst.family = 6;
    std::memcpy(e.ip.src.bytes.data(), b.data() + Ipv6View::kSrc, 16);
    std::memcpy(e.ip.dst.bytes.data(), b.data() + Ipv6View::kDst, 16);
    e.ip.claimed_len = 40u + load_be16(b, Ipv6View::kPayloadLength);
  } else {
    return;
  }
  e.ip.header_len = static_cast<std::uint32_t>(hlen);
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
