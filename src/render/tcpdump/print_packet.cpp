// The top of the tcpdump renderer: timestamp, link layer, the catch for truncation, and the
// hex/ASCII dumps. Mirrors tcpdump's pretty_print_packet() and the *_if_print functions.
#include <net/if.h>

#include <ctime>

#include "print_context.hpp"
#include "tcp_seq_table.hpp"
#include "tcplens/capture/link_type.hpp"

namespace tcplens {

namespace tcpdump {

// tcpdump's ethertype_values (print-ether.c), also used by the ARP printer.
const Tok kEthertypeValues[] = {
    {0x0800, "IPv4"},
    {0x8847, "MPLS unicast"},
    {0x8848, "MPLS multicast"},
    {0x86dd, "IPv6"},
    {0x8100, "802.1Q"},
    {0x9100, "802.1Q-9100"},
    {0x88a8, "802.1Q-QinQ"},
    {0x9200, "802.1Q-9200"},
    {0x88e5, "802.1AE MACsec"},
    {0x88a8, "VMAN"},
    {0x0200, "PUP"},
    {0x0806, "ARP"},
    {0x8035, "Reverse ARP"},
    {0x0600, "NS"},
    {0x0500, "Sprite"},
    {0x1000, "Trail"},
    {0x6001, "MOP DL"},
    {0x6002, "MOP RC"},
    {0x6003, "DN"},
    {0x6004, "LAT"},
    {0x6007, "SCA"},
    {0x6558, "TEB"},
    {0x8038, "Lanbridge"},
    {0x803c, "DEC DNS"},
    {0x803e, "DEC DTS"},
    {0x805b, "VEXP"},
    {0x805c, "VPROD"},
    {0x809b, "Appletalk"},
    {0x80f3, "Appletalk ARP"},
    {0x8137, "IPX"},
    {0x880b, "PPP"},
    {0x8808, "MPCP"},
    {0x8809, "Slow Protocols"},
    {0x8863, "PPPoE D"},
    {0x8864, "PPPoE S"},
    {0x888e, "EAPOL"},
    {0x8899, "Realtek protocols"},
    {0x886f, "MS NLB heartbeat"},
    {0x8870, "Jumbo"},
    {0x894f, "NSH"},
    {0x9000, "Loopback"},
    {0xfefe, "OSI"},
    {0x00fe, "GRE-OSI"},
    {0xabcd, "CFM (old)"},
    {0x8902, "CFM"},
    {0x893a, "IEEE1905.1"},
    {0x88cc, "LLDP"},
    {0x88ca, "TIPC"},
    {0x0707, "GeoNet (old)"},
    {0x8947, "GeoNet"},
    {0x1111, "CALM FAST"},
    {0x88a2, "AoE"},
    {0x88f7, "PTP"},
    {0xd28b, "Arista Vendor Specific Protocol"},
    {0, nullptr},
};

namespace {

constexpr std::uint16_t kEthertypeIp = 0x0800;
constexpr std::uint16_t kEthertypeArp = 0x0806;
constexpr std::uint16_t kEthertypeRevarp = 0x8035;
constexpr std::uint16_t kEthertypeIpv6 = 0x86dd;
constexpr std::uint16_t kEthertype8021q = 0x8100;
constexpr std::uint16_t kEthertype8021q9100 = 0x9100;
constexpr std::uint16_t kEthertype8021q9200 = 0x9200;
constexpr std::uint16_t kEthertype8021qinq = 0x88a8;
constexpr std::uint16_t kEthertypeJumbo = 0x8870;
constexpr std::uint16_t kEthertypeLoopback = 0x9000;
constexpr std::uint16_t kMaxEthernetLength = 1500;
constexpr unsigned kMaximumSnaplen = 262144;


const Tok kSllPacketTypes[] = {
    {0, "In"}, {1, "B"}, {2, "M"}, {3, "P"}, {4, "Out"}, {0, nullptr},
};

void ieee8021q_tci(PrintContext& ctx, std::uint16_t tci) {
  ctx.put("vlan ");
  ctx.put_u(tci & 0xfff);
  ctx.put(", p ");
  ctx.put_u(tci >> 13);
  if (tci & 0x1000) ctx.put(", DEI");
}

void ether_type_print(PrintContext& ctx, std::uint16_t type) {
  const char* name = tok_lookup(kEthertypeValues, type);
  if (!ctx.opt.quiet) {
    ctx.put("ethertype ");
    ctx.put(name ? name : "Unknown");
    ctx.put(" (0x");
    ctx.out.put_hex(type, 4);
    ctx.put(')');
  } else if (name) {
    ctx.put(name);
  } else {
    ctx.put("Unknown Ethertype (0x");
    ctx.out.put_hex(type, 4);
    ctx.put(')');
  }
}

void ether_addresses_print(PrintContext& ctx, const std::uint8_t* src, const std::uint8_t* dst) {
  ctx.put_mac(src);
  ctx.put(" > ");
  ctx.put_mac(dst);
  ctx.put(", ");
}

// llc_print() and, for a frame it does not know, the raw payload; returns the LLC (and
// SNAP) header length.
unsigned llc_payload_print(PrintContext& ctx, const std::uint8_t* p, unsigned length,
                           unsigned caplen, const std::uint8_t* src, const std::uint8_t* dst) {
  int llc_hdrlen = llc_print(ctx, p, length, caplen, src, dst);
  if (llc_hdrlen < 0) {
    if (!suppress_default_print(ctx)) default_print(ctx, p, caplen);
    llc_hdrlen = -llc_hdrlen;
  }
  return static_cast<unsigned>(llc_hdrlen);
}

// ether_common_print(): returns the link header length.
unsigned ether_common_print(PrintContext& ctx, const std::uint8_t* p, unsigned length,
                            unsigned caplen) {
  if (length < caplen) {
    ctx.put("[length ");
    ctx.put_u(length);
    ctx.put(" < caplen ");
    ctx.put_u(caplen);
    ctx.put(']');
    ctx.print_invalid();
    return length;
  }
  if (caplen < 14) {
    ctx.print_trunc();
    return caplen;
  }
  unsigned orig_length = length;
  const std::uint8_t* src = p + 6;
  const std::uint8_t* dst = p;
  length -= 12;
  caplen -= 12;
  p += 12;
  unsigned hdrlen = 12;
  if (ctx.opt.link_header) ether_addresses_print(ctx, src, dst);

  std::uint16_t length_type = ctx.be16(p);
  length -= 2;
  caplen -= 2;
  p += 2;
  hdrlen += 2;
  bool printed_length = false;

  while (length_type == kEthertype8021q || length_type == kEthertype8021q9100 ||
         length_type == kEthertype8021q9200 || length_type == kEthertype8021qinq) {
    if (caplen < 4) {
      ctx.protocol = "vlan";
      ctx.print_trunc();
      return hdrlen + caplen;
    }
    if (length < 4) {
      ctx.protocol = "vlan";
      ctx.print_trunc();
      return hdrlen + length;
    }
    if (ctx.opt.link_header) {
      std::uint16_t tag = ctx.be16(p);
      ether_type_print(ctx, length_type);
      if (!printed_length) {
        ctx.put(", length ");
        ctx.put_u(orig_length);
        ctx.put(": ");
        printed_length = true;
      } else {
        ctx.put(", ");
      }
      ieee8021q_tci(ctx, tag);
      ctx.put(", ");
    }
    length_type = ctx.be16(p + 2);
    p += 4;
    length -= 4;
    caplen -= 4;
    hdrlen += 4;
  }

  if (length_type <= kMaxEthernetLength) {
    // 802.3 frame: the field is the payload length (when not larger than what is there),
    // and an 802.2 LLC header follows.
    if (length_type < length) {
      length = length_type;
      if (caplen > length) caplen = length;
    }
    ctx.push_snaplen(p, length);
    if (ctx.opt.link_header) {
      ctx.put("802.3");
      if (!printed_length) {
        ctx.put(", length ");
        ctx.put_u(length);
        ctx.put(": ");
      }
    }
    hdrlen += llc_payload_print(ctx, p, length, caplen, src, dst);
    ctx.pop_snaplen();
    return hdrlen;
  }
  if (length_type == kEthertypeJumbo) {
    // Alteon jumbo frames: an LLC header follows the type.
    return hdrlen + llc_payload_print(ctx, p, length, caplen, src, dst);
  }

  if (ctx.opt.link_header) {
    ether_type_print(ctx, length_type);
    if (!printed_length) {
      ctx.put(", length ");
      ctx.put_u(orig_length);
      ctx.put(": ");
    } else {
      ctx.put(", ");
    }
  }
  if (!ethertype_print(ctx, length_type, p, length, caplen, src, dst)) {
    if (!ctx.opt.link_header) {
      ether_addresses_print(ctx, src, dst);
      ether_type_print(ctx, length_type);
      ctx.put(", length ");
      ctx.put_u(orig_length);
      ctx.put(": ");
    }
    if (!suppress_default_print(ctx)) default_print(ctx, p, caplen);
  }
  return hdrlen;
}

// The protocol field of a cooked header and the length, as sll_print and sll2_print end.
void sll_protocol_print(PrintContext& ctx, std::uint16_t ether_type, unsigned length) {
  if (ether_type <= kMaxEthernetLength) {
    if (ether_type == 1) {
      ctx.put("802.3");
    } else if (ether_type == 4) {
      ctx.put("802.2");
    } else {
      ctx.put("ethertype Unknown (0x");
      ctx.out.put_hex(ether_type, 4);
      ctx.put(')');
    }
  } else {
    const char* n = tok_lookup(kEthertypeValues, ether_type);
    ctx.put("ethertype ");
    ctx.put(n ? n : "Unknown");
    ctx.put(" (0x");
    ctx.out.put_hex(ether_type, 4);
    ctx.put(')');
  }
  ctx.put(", length ");
  ctx.put_u(length);
  ctx.put(": ");
}

void sll_print(PrintContext& ctx, const std::uint8_t* sllp, unsigned length) {
  ctx.protocol = "sll";
  const char* type = tok_lookup(kSllPacketTypes, ctx.be16(sllp));
  std::string_view name = type ? type : "?";
  for (std::size_t i = name.size(); i < 3; ++i) ctx.put(' ');
  ctx.put(name);
  ctx.put(' ');
  if (ctx.be16(sllp + 4) == 6) {
    ctx.put_mac(sllp + 6);
    ctx.put(' ');
  }
  if (!ctx.opt.quiet) sll_protocol_print(ctx, ctx.be16(sllp + 14), length);
}

void sll2_print(PrintContext& ctx, const std::uint8_t* sllp, unsigned length) {
  ctx.protocol = "sll2";
  ctx.put("ifindex ");
  ctx.put_u(ctx.be32(sllp + 4));
  ctx.put(' ');
  if (ctx.u8(sllp + 11) == 6) {
    ctx.put_mac(sllp + 12);
    ctx.put(' ');
  }
  if (!ctx.opt.quiet) sll_protocol_print(ctx, ctx.be16(sllp), length);
}

// Shared tail of sll_if_print and sll2_if_print: the protocol after the cooked header.
unsigned sll_payload_print(PrintContext& ctx, const std::uint8_t* header, bool v2,
                           const std::uint8_t* p, unsigned length, unsigned caplen,
                           std::uint16_t ether_type, unsigned hdrlen) {
  const bool suppress = suppress_default_print(ctx);
  for (;;) {
    if (ether_type <= kMaxEthernetLength) {
      // 1 is Novell 802.3 IPX (no IPX printer here: raw bytes), 4 is 802.2 LLC.
      if (ether_type == 4) {
        int llc_hdrlen = llc_print(ctx, p, length, caplen, nullptr, nullptr);
        if (llc_hdrlen >= 0) return hdrlen + static_cast<unsigned>(llc_hdrlen);
      }
      if (!suppress) default_print(ctx, p, caplen);
      return hdrlen;
    }
    if (ether_type == kEthertype8021q) {
      if (caplen < 4) {
        ctx.protocol = "vlan";
        ctx.print_trunc();
        return hdrlen + caplen;
      }
      if (ctx.opt.link_header) {
        ieee8021q_tci(ctx, ctx.be16(p));
        ctx.put(", ");
      }
      ether_type = ctx.be16(p + 2);
      if (ether_type <= kMaxEthernetLength) ether_type = 4;
      if (!ctx.opt.quiet) {
        const char* n = tok_lookup(kEthertypeValues, ether_type);
        ctx.put("ethertype ");
        ctx.put(n ? n : "Unknown");
        ctx.put(", ");
      }
      p += 4;
      length -= 4;
      caplen -= 4;
      hdrlen += 4;
      continue;
    }
    if (!ethertype_print(ctx, ether_type, p, length, caplen, nullptr, nullptr)) {
      if (!ctx.opt.link_header) {
        if (v2)
          sll2_print(ctx, header, length + 20);
        else
          sll_print(ctx, header, length + 16);
      }
      if (!suppress) default_print(ctx, p, caplen);
    }
    return hdrlen;
  }
}

unsigned sll_if_print(PrintContext& ctx, const RawPacket& h, const std::uint8_t* p) {
  unsigned caplen = h.caplen;
  unsigned length = h.wirelen;
  ctx.protocol = "sll";
  ctx.tcheck(p, 16);
  const std::uint8_t* sllp = p;
  if (ctx.opt.link_header) sll_print(ctx, sllp, length);
  length -= 16;
  caplen -= 16;
  p += 16;
  std::uint16_t ether_type = ctx.be16(sllp + 14);
  return sll_payload_print(ctx, sllp, false, p, length, caplen, ether_type, 16);
}

unsigned sll2_if_print(PrintContext& ctx, const RawPacket& h, const std::uint8_t* p) {
  unsigned caplen = h.caplen;
  unsigned length = h.wirelen;
  ctx.protocol = "sll2";
  ctx.tcheck(p, 20);
  const std::uint8_t* sllp = p;
  std::uint32_t if_index = ctx.be32(sllp + 4);
  // Watch out: tcpdump names the interface by asking this machine (if_indextoname), which
  // is why it warns that "interface names might be incorrect"; we do the same.
  char ifname[IF_NAMESIZE] = "?";
  if (!if_indextoname(if_index, ifname)) {
    ifname[0] = '?';
    ifname[1] = '\0';
  }
  std::string_view name(ifname);
  ctx.put(name);
  for (std::size_t i = name.size(); i < 5; ++i) ctx.put(' ');
  ctx.put(' ');
  const char* type = tok_lookup(kSllPacketTypes, ctx.u8(sllp + 10));
  std::string_view type_name = type ? type : "?";
  ctx.put(type_name);
  for (std::size_t i = type_name.size(); i < 3; ++i) ctx.put(' ');
  ctx.put(' ');
  if (ctx.opt.link_header) sll2_print(ctx, sllp, length);
  length -= 20;
  caplen -= 20;
  p += 20;
  std::uint16_t ether_type = ctx.be16(sllp);
  return sll_payload_print(ctx, sllp, true, p, length, caplen, ether_type, 20);
}

// DLT_NULL and DLT_LOOP: a 4-byte address family (NULL: the capturing host's byte order,
// LOOP: network order; tcpdump reads both the same way).
const Tok kBsdAfValues[] = {{2, "IPv4"},       {6, "NS"},    {7, "ISO"},  {16, "Appletalk"},
                            {23, "IPX"},       {24, "IPv6"}, {28, "IPv6"}, {30, "IPv6"},
                            {0, nullptr}};

void null_hdr_print(PrintContext& ctx, std::uint32_t family, unsigned length) {
  const char* name = tok_lookup(kBsdAfValues, family);
  if (!ctx.opt.quiet) {
    ctx.put("AF ");
    ctx.put(name ? name : "Unknown");
    ctx.put(" (");
    ctx.put_u(family);
    ctx.put(')');
  } else if (name) {
    ctx.put(name);
  } else {
    ctx.put("Unknown AF ");
    ctx.put_u(family);
  }
  ctx.put(", length ");
  ctx.put_u(length);
  ctx.put(": ");
}

unsigned null_if_print(PrintContext& ctx, const RawPacket& h, const std::uint8_t* p) {
  unsigned length = h.wirelen;
  unsigned caplen = h.caplen;
  ctx.protocol = "null";
  ctx.tcheck(p, 4);
  ctx.ll_hdr_len += 4;
  // Host byte order of whoever captured it: a family in the top half is byte-swapped.
  std::uint32_t family = load_le32(p);
  if ((family & 0xFFFF0000) != 0) family = __builtin_bswap32(family);
  if (ctx.opt.link_header) null_hdr_print(ctx, family, length);
  length -= 4;
  caplen -= 4;
  p += 4;
  switch (family) {
    case 2:
      ip_print(ctx, p, length);
      break;
    case 24:
    case 28:
    case 30:
      ip6_print(ctx, p, length);
      break;
    default:
      if (!ctx.opt.link_header) null_hdr_print(ctx, family, length + 4);
      if (!suppress_default_print(ctx)) default_print(ctx, p, caplen);
      break;
  }
  return 0;
}

unsigned raw_if_print(PrintContext& ctx, const RawPacket& h, const std::uint8_t* p) {
  ctx.protocol = "raw";
  if (ctx.opt.link_header) ctx.put("ip: ");
  ipn_print(ctx, p, h.wirelen);
  return 0;
}

// sliplink_print() for -e: direction and the compression type of the header copy.
void sliplink_print(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  const std::uint8_t dir = ctx.u8(p);
  if (dir == 0) {
    ctx.put("I ");
  } else if (dir == 1) {
    ctx.put("O ");
  } else {
    ctx.put("Invalid direction ");
    ctx.put_u(dir);
    ctx.put(' ');
  }
  const std::uint8_t chdr = ctx.u8(p + 1);
  switch (chdr & 0xf0) {
    case 0x40:
      ctx.put("ip ");
      ctx.put_u(length + 16);
      ctx.put(": ");
      break;
    case 0x70: {  // uncompressed TCP: the connection id sits in the protocol field
      ctx.put("utcp ");
      ctx.put_u(ctx.u8(p + 1 + 9));
      ctx.put(": ");
      if (dir > 1) return;
      // tcpdump then checks the IP and TCP headers (to remember their length for the
      // compressed packets that follow, which tcplens does not decode).
      const std::uint8_t* ip = p + 16;
      ctx.tcheck(ip, 20);
      const unsigned hlen = (ip[0] & 0x0Fu) * 4;
      if (ctx.available(ip) < hlen + 20) throw Truncated{};
      break;
    }
    default:
      if (dir > 1) return;
      if (chdr & 0x80) {
        // Van Jacobson compressed TCP (compressed_sl_print) is not reproduced.
        ctx.put("vjc: ");
      } else {
        ctx.put("slip-");
        ctx.put_u(chdr);
        ctx.put("!: ");
      }
      break;
  }
}

unsigned slip_if_print(PrintContext& ctx, const RawPacket& h, const std::uint8_t* p) {
  // SLIP captures carry a 16-byte pseudo-header (direction + compressed header).
  unsigned length = h.wirelen;
  ctx.protocol = "slip";
  ctx.tcheck(p, 16);
  length -= 16;
  if (ctx.opt.link_header) sliplink_print(ctx, p, length);
  p += 16;
  switch (ctx.u8(p) & 0xF0) {
    case 0x40:
      ip_print(ctx, p, length);
      break;
    case 0x60:
      ip6_print(ctx, p, length);
      break;
    default:
      ctx.put("ip v");
      ctx.put_u((ctx.u8(p) & 0xF0) >> 4);
  }
  return 16;
}

}  // namespace

void put_ethertype_name(PrintContext& ctx, std::uint16_t type, std::string_view unknown) {
  const char* name = tok_lookup(kEthertypeValues, type);
  ctx.put(name ? std::string_view(name) : unknown);
}

// print-lldp.c without -v: "LLDP, length N" and the system name, the TLVs walked as tcpdump
// walks them (one past the end: the marker). With -v, every TLV's details: not reproduced
// (false, nothing printed: the generic ethertype line).
bool lldp_print(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  if (ctx.opt.verbose) return false;
  ctx.protocol = "lldp";
  ctx.put("LLDP, length ");
  ctx.put_u(length);
  const std::uint8_t* tlv = p;
  unsigned left = length;
  while (left >= 2) {
    if (!ctx.ttest(tlv, 2)) {
      ctx.print_trunc();
      return true;
    }
    const std::uint16_t head = ctx.be16(tlv);
    const unsigned type = head >> 9, len = head & 0x1ffu;
    left -= 2;
    tlv += 2;
    if (type == 0 || len == 0) break;  // the End TLV (and tcpdump's guard against a loop)
    if (!ctx.ttest(tlv, len) || left < len) {
      ctx.print_trunc();
      return true;
    }
    if (type == 5) {  // System Name, printed without -v too
      ctx.put(": ");
      ctx.print_padded_string(tlv, len);
    }
    left -= len;
    tlv += len;
  }
  return true;
}

bool ethertype_print(PrintContext& ctx, std::uint16_t type, const std::uint8_t* p,
                     unsigned length, unsigned caplen, const std::uint8_t*,
                     const std::uint8_t*) {
  switch (type) {
    case 0x88cc:
      return lldp_print(ctx, p, length);
    case kEthertypeIp:
      ip_print(ctx, p, length);
      return true;
    case kEthertypeIpv6:
      ip6_print(ctx, p, length);
      return true;
    case kEthertypeArp:
    case kEthertypeRevarp:
      arp_print(ctx, p, length, caplen);
      return true;
    case kEthertypeLoopback:
      loopback_print(ctx, p, length);
      return true;
    case 0x8847:  // MPLS unicast and multicast
    case 0x8848:
      mpls_print(ctx, p, length);
      return true;
    case 0x8863:  // PPPoE discovery and session, and their 3Com variants
    case 0x8864:
    case 0x3c12:
    case 0x3c13:
      pppoe_print(ctx, p, length);
      return true;
    case 0x880b:
      if (length) {
        ctx.put(": ");
        ppp_print(ctx, p, length);
      }
      return true;
    default:
      return false;
  }
}

void ether_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen) {
  ctx.protocol = "ether";
  ether_common_print(ctx, p, length, caplen);
}

void PrintContext::put_mac(const std::uint8_t* p) {
  tcheck(p, 6);
  for (int i = 0; i < 6; ++i) {
    if (i) out.put(':');
    out.put_hex_byte(p[i]);
  }
}

void PrintContext::print_char(std::uint8_t c) {
  if (c >= 0x80) {
    out.put("M-");
    c &= 0x7F;
  }
  if (c < 0x20 || c == 0x7F) {
    out.put('^');
    out.put(static_cast<char>(c ^ 0x40));
  } else {
    out.put(static_cast<char>(c));
  }
}

void PrintContext::print_padded_string(const std::uint8_t* s, std::size_t n) {
  while (n > 0) {
    std::uint8_t c = u8(s);
    if (c == 0) break;
    print_char(c);
    --n;
    ++s;
  }
}

const char* tok_lookup(const Tok* table, std::uint32_t value) {
  for (; table->name != nullptr; ++table)
    if (table->value == value) return table->name;
  return nullptr;
}

void put_tok(PrintContext& ctx, const Tok* table, std::uint32_t value,
             std::string_view unknown_prefix, std::string_view unknown_suffix) {
  if (const char* name = tok_lookup(table, value)) {
    ctx.put(name);
  } else {
    ctx.put(unknown_prefix);
    ctx.put_u(value);
    ctx.put(unknown_suffix);
  }
}

void put_bittok(PrintContext& ctx, const Tok* table, std::uint32_t value, std::string_view none,
                std::string_view sep) {
  bool any = false;
  for (; table->name != nullptr; ++table) {
    if (table->value != 0 && (value & table->value) == table->value) {
      if (any) ctx.put(sep);
      ctx.put(table->name);
      any = true;
    }
  }
  if (!any) ctx.put(none);
}

void print_unknown_data(PrintContext& ctx, const std::uint8_t* cp, std::string_view ident,
                        unsigned len) {
  if (!ctx.ttest(cp, 0)) {
    ctx.put(ident);
    ctx.put("Dissector error: print_unknown_data called with pointer past end of packet");
    return;
  }
  std::size_t avail = ctx.available(cp);
  if (avail < len) len = static_cast<unsigned>(avail);
  hex_print(ctx.out, ident, cp, len);
}

void default_print(PrintContext& ctx, const std::uint8_t* p, unsigned caplen) {
  hex_and_ascii_print(ctx.out, "\n\t", p, std::min<unsigned>(caplen, static_cast<unsigned>(ctx.available(p))));
  if (caplen > ctx.available(p)) throw Truncated{};
}

// ---------------------------------------------------------------------------------------
// Hex dumps, as tcpdump's print-ascii.c lays them out.

void hex_and_ascii_print(Output& out, std::string_view ident, const std::uint8_t* cp,
                         unsigned length) {
  unsigned offset = 0;
  while (length > 0) {
    unsigned n = length < 16 ? length : 16;
    out.put(ident);
    out.put("0x");
    out.put_hex(offset, 4);
    out.put(": ");
    std::size_t start = out.size();
    for (unsigned i = 0; i < n; i += 2) {
      out.put(' ');
      out.put_hex_byte(cp[i]);
      if (i + 1 < n) out.put_hex_byte(cp[i + 1]);
    }
    // Hex part padded to 40 columns, then two spaces and the ASCII part.
    std::size_t written = out.size() - start;
    for (std::size_t i = written; i < 40; ++i) out.put(' ');
    out.put("  ");
    for (unsigned i = 0; i < n; ++i) {
      std::uint8_t c = cp[i];
      out.put((c > 0x20 && c < 0x7F) ? static_cast<char>(c) : '.');
    }
    cp += n;
    length -= n;
    offset += 16;
  }
}

void hex_print(Output& out, std::string_view ident, const std::uint8_t* cp, unsigned length) {
  unsigned offset = 0;
  unsigned i = 0;
  unsigned nshorts = length / 2;
  while (nshorts != 0) {
    if ((i++ % 8) == 0) {
      out.put(ident);
      out.put("0x");
      out.put_hex(offset, 4);
      out.put(": ");
      offset += 16;
    }
    out.put(' ');
    out.put_hex_byte(cp[0]);
    out.put_hex_byte(cp[1]);
    cp += 2;
    --nshorts;
  }
  if (length & 1) {
    if ((i % 8) == 0) {
      out.put(ident);
      out.put("0x");
      out.put_hex(offset, 4);
      out.put(": ");
    }
    out.put(' ');
    out.put_hex_byte(cp[0]);
  }
}

void ascii_print(Output& out, const std::uint8_t* cp, unsigned length) {
  out.put('\n');
  while (length > 0) {
    std::uint8_t s = *cp++;
    --length;
    if (s == '\r') {
      if (length > 1 && *cp != '\n') out.put('.');
    } else if (!(s > 0x20 && s < 0x7F) && s != '\t' && s != ' ' && s != '\n') {
      out.put('.');
    } else {
      out.put(static_cast<char>(s));
    }
  }
}

// ---------------------------------------------------------------------------------------
// Timestamps. Local time as tcpdump prints it, without a localtime() call per packet: the
// zone offset is looked up once per quarter hour of capture time and cached.

// Howard Hinnant's days-to-civil algorithm.
void civil_from_days(std::int64_t z, std::int64_t& y, std::uint32_t& m, std::uint32_t& d) {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::uint64_t doe = static_cast<std::uint64_t>(z - era * 146097);
  std::uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  std::uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::uint64_t mp = (5 * doy + 2) / 153;
  d = static_cast<std::uint32_t>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<std::uint32_t>(mp < 10 ? mp + 3 : mp - 9);
  if (m <= 2) ++y;
}

namespace {

// "YYYY-MM-DD" and "HH:MM:SS" (seconds of the day).
void put_ymd(Output& out, std::int64_t y, std::uint32_t m, std::uint32_t d) {
  out.put_i64(y);
  out.put('-');
  out.put_u32_padded(m, 2);
  out.put('-');
  out.put_u32_padded(d, 2);
}

void put_hms(Output& out, std::int64_t secs) {
  out.put_u32_padded(static_cast<std::uint32_t>(secs / 3600), 2);
  out.put(':');
  out.put_u32_padded(static_cast<std::uint32_t>(secs / 60 % 60), 2);
  out.put(':');
  out.put_u32_padded(static_cast<std::uint32_t>(secs % 60), 2);
}

}  // namespace

void put_utc_iso8601(Output& out, std::int64_t sec) {
  const std::int64_t days = sec >= 0 ? sec / 86400 : (sec - 86399) / 86400;
  std::int64_t y = 0;
  std::uint32_t m = 0, d = 0;
  civil_from_days(days, y, m, d);
  put_ymd(out, y, m, d);
  out.put('T');
  put_hms(out, sec - days * 86400);
  out.put('Z');
}

class TimeFormatter {
 public:
  void time_of_day(Output& out, std::int64_t sec, bool utc, bool with_date) {
    // Most packets share their second with the one before: reuse its text.
    if (sec == memo_sec_ && utc == memo_utc_ && with_date == memo_date_) {
      out.put(std::string_view(memo_, memo_len_));
      return;
    }
    const std::size_t start = out.size();
    format_time_of_day(out, sec, utc, with_date);
    std::string_view text = out.text().substr(start);
    if (text.size() <= sizeof memo_) {
      std::memcpy(memo_, text.data(), text.size());
      memo_len_ = text.size();
      memo_sec_ = sec;
      memo_utc_ = utc;
      memo_date_ = with_date;
    }
  }

 private:
  void format_time_of_day(Output& out, std::int64_t sec, bool utc, bool with_date) {
    std::int64_t local = utc ? sec : sec + offset_for(sec);
    std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    std::int64_t secs = local - days * 86400;
    if (with_date) {
      if (days != cached_day_) {
        cached_day_ = days;
        civil_from_days(days, year_, month_, day_);
      }
      put_ymd(out, year_, month_, day_);
      out.put(' ');
    }
    put_hms(out, secs);
  }

  // The zone offset, looked up once per quarter hour of capture time. Watch out: a quarter
  // hour, not an hour: zones with :30 and :45 offsets (Adelaide, Chatham) change offset at
  // UTC times that are multiples of 15 minutes, never inside a quarter hour.
  std::int64_t offset_for(std::int64_t sec) {
    std::int64_t quarter = sec >= 0 ? sec / 900 : (sec - 899) / 900;
    if (quarter != cached_quarter_) {
      cached_quarter_ = quarter;
      time_t t = static_cast<time_t>(sec);
      struct tm local {};
      if (localtime_r(&t, &local) != nullptr)
        cached_offset_ = local.tm_gmtoff;
      else
        cached_offset_ = 0;
    }
    return cached_offset_;
  }

  std::int64_t cached_quarter_ = INT64_MIN;
  std::int64_t cached_offset_ = 0;
  std::int64_t cached_day_ = INT64_MIN;
  std::int64_t year_ = 0;
  std::uint32_t month_ = 0, day_ = 0;
  std::int64_t memo_sec_ = INT64_MIN;
  bool memo_utc_ = false, memo_date_ = false;
  char memo_[40];
  std::size_t memo_len_ = 0;
};

}  // namespace tcpdump

class TcpdumpRenderer::State {
 public:
  tcpdump::TcpSeqTable tcp_seq;
  tcpdump::TimeFormatter time;
  bool have_ref = false;
  Timestamp ref;
};

TcpdumpRenderer::TcpdumpRenderer(Output& out, const TcpdumpOptions& options)
    : out_(&out), options_(options), state_(std::make_unique<State>()) {}

TcpdumpRenderer::~TcpdumpRenderer() = default;

namespace {

// tcpdump prints the fraction with "%06u" / "%09u" of a 32-bit value: at least that many
// digits, more for the out-of-range fractions of damaged files.
void put_frac(Output& out, std::int64_t nsec, bool nano) {
  out.put('.');
  auto value = static_cast<std::uint32_t>(nano ? nsec : nsec / 1000);
  int width = nano ? 9 : 6;
  if (value >= (nano ? 1000000000u : 1000000u))
    out.put_u32(value);
  else
    out.put_u32_padded(value, width);
}

}  // namespace

void TcpdumpRenderer::render(const RawPacket& h, const TcpdumpTimes& times) {
  count_ = times.number - 1;
  state_->have_ref = true;
  state_->ref = options_.time_format == 5 ? times.first_shown : times.prev_shown;
  render(h);
}

void TcpdumpRenderer::render(const RawPacket& h) {
  using namespace tcpdump;
  ++count_;
  Output& out = *out_;
  if (options_.packet_number) {
    char buf[16];
    int n = std::snprintf(buf, sizeof buf, "%5llu  ", static_cast<unsigned long long>(count_));
    out.put(std::string_view(buf, static_cast<std::size_t>(n)));
  }

  // Sanity checks on the record's lengths, as pretty_print_packet().
  bool invalid = false;
  auto invalid_sep = [&](bool first_ok) {
    if (!invalid) {
      invalid = true;
      out.put(first_ok ? "[Invalid header:" : "[Invalid header:");
    } else {
      out.put(',');
    }
  };
  if (h.caplen == 0) {
    invalid = true;
    out.put("[Invalid header: caplen==0");
  }
  if (h.wirelen == 0) {
    invalid_sep(true);
    out.put(" len==0");
  } else if (h.wirelen < h.caplen) {
    invalid_sep(true);
    out.put(" len(");
    out.put_u32(h.wirelen);
    out.put(") < caplen(");
    out.put_u32(h.caplen);
    out.put(')');
  }
  if (h.caplen > kMaximumSnaplen) {
    invalid_sep(true);
    out.put(" caplen(");
    out.put_u32(h.caplen);
    out.put(") > 262144");
  }
  if (h.wirelen > kMaximumSnaplen) {
    invalid_sep(true);
    out.put(" len(");
    out.put_u32(h.wirelen);
    out.put(") > 262144");
  }
  if (invalid) {
    out.put("]\n");
    return;
  }

  // Timestamp. tcpdump 4.99.3 refuses seconds with the top bit set.
  const bool nano = options_.nano;
  const std::int64_t sec = h.ts.sec;
  const bool bad_time = (static_cast<std::uint64_t>(sec) & 0x80000000u) != 0 || sec < 0;
  switch (options_.time_format) {
    case 0:
    case 4:
      if (bad_time) {
        out.put("[Error converting time]");
      } else {
        state_->time.time_of_day(out, sec, false, options_.time_format == 4);
        put_frac(out, h.ts.nsec, nano);
      }
      out.put(' ');
      break;
    case 1:
      break;
    case 2:
      if (bad_time) {
        out.put("[Error converting time]");
      } else {
        out.put_u32(static_cast<std::uint32_t>(sec));
        put_frac(out, h.ts.nsec, nano);
      }
      out.put(' ');
      break;
    default: {  // 3 and 5: delta since previous / first packet
      if (!state_->have_ref) {
        state_->have_ref = true;
        state_->ref = h.ts;
      }
      // Differences at the printed precision, as tcpdump subtracts its timevals.
      std::int64_t unit = nano ? 1 : 1000;
      std::int64_t now = sec * (1000000000 / unit) + h.ts.nsec / unit;
      std::int64_t ref = state_->ref.sec * (1000000000 / unit) + state_->ref.nsec / unit;
      std::int64_t diff = now - ref;
      bool negative = diff < 0;
      if (negative) diff = -diff;
      std::int64_t per_sec = 1000000000 / unit;
      out.put(negative ? '-' : ' ');
      std::int64_t dsec = diff / per_sec;
      if ((static_cast<std::uint64_t>(dsec) & 0x80000000u) != 0) {
        out.put("[Error converting time]");
      } else {
        state_->time.time_of_day(out, dsec, true, false);
        out.put('.');
        out.put_u32_padded(static_cast<std::uint32_t>(diff % per_sec), nano ? 9 : 6);
      }
      out.put(' ');
      if (options_.time_format == 3) state_->ref = h.ts;
      break;
    }
  }

  const std::uint8_t* sp = h.data.data();
  PrintContext ctx{out, options_, state_->tcp_seq};
  ctx.packet = sp;
  ctx.snapend = sp + h.caplen;
  ctx.protocol = "";
  ctx.ll_hdr_len = 0;
  try {
    switch (h.linktype) {
      case linktype::kEthernet:
        ctx.protocol = "ether";
        ctx.ll_hdr_len += ether_common_print(ctx, sp, h.wirelen, h.caplen);
        break;
      case linktype::kLinuxSll:
        ctx.ll_hdr_len += sll_if_print(ctx, h, sp);
        break;
      case linktype::kLinuxSll2:
        ctx.ll_hdr_len += sll2_if_print(ctx, h, sp);
        break;
      case linktype::kNull:
        ctx.ll_hdr_len += null_if_print(ctx, h, sp);
        break;
      case linktype::kLoop:  // tcpdump reads LOOP's family with NULL's printer
        ctx.ll_hdr_len += null_if_print(ctx, h, sp);
        break;
      case linktype::kRaw:
      case 12:  // DLT_RAW's own value, found in some files instead of LINKTYPE_RAW
      case linktype::kIpv4:
      case linktype::kIpv6:
        ctx.ll_hdr_len += raw_if_print(ctx, h, sp);
        break;
      case linktype::kSlip:
        ctx.ll_hdr_len += slip_if_print(ctx, h, sp);
        break;
      case linktype::kPpp:
        ctx.ll_hdr_len += ppp_if_print(ctx, sp, h.wirelen, h.caplen);
        break;
      case linktype::kPppSerial:
        ctx.ll_hdr_len += ppp_hdlc_if_print(ctx, sp, h.wirelen, h.caplen);
        break;
      case linktype::kPppEther:
        ctx.protocol = "pppoe";
        ctx.ll_hdr_len += pppoe_print(ctx, sp, h.wirelen);
        break;
      case linktype::kChdlc:
        ctx.ll_hdr_len += chdlc_if_print(ctx, sp, h.wirelen, h.caplen);
        break;
      case linktype::kIeee80211:
        ctx.ll_hdr_len += wlan_if_print(ctx, sp, h.wirelen, h.caplen);
        break;
      case linktype::kIeee80211Radiotap:
        ctx.ll_hdr_len += radiotap_if_print(ctx, sp, h.wirelen, h.caplen);
        break;
      default:  // tcpdump's unsupported_if_print: the name, then the bytes
        ctx.protocol = "unsupported";
        out.put("UNSUPPORTED");
        hex_and_ascii_print(out, "\n\t", sp, h.caplen);
        break;
    }
  } catch (const Truncated&) {
    ctx.print_trunc();
    ctx.ll_hdr_len = 0;
  }
  unsigned hdrlen = ctx.ll_hdr_len;

  if (options_.hex_ascii) {
    if (options_.hex_ascii > 1)
      hex_and_ascii_print(out, "\n\t", sp, h.caplen);
    else if (h.caplen > hdrlen)
      hex_and_ascii_print(out, "\n\t", sp + hdrlen, h.caplen - hdrlen);
  } else if (options_.hex) {
    if (options_.hex > 1)
      hex_print(out, "\n\t", sp, h.caplen);
    else if (h.caplen > hdrlen)
      hex_print(out, "\n\t", sp + hdrlen, h.caplen - hdrlen);
  } else if (options_.ascii) {
    if (options_.ascii > 1)
      ascii_print(out, sp, h.caplen);
    else if (h.caplen > hdrlen)
      ascii_print(out, sp + hdrlen, h.caplen - hdrlen);
  }
  out.put('\n');
}

}  // namespace tcplens
