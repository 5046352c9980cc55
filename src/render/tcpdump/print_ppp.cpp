// PPP (RFC 1661, HDLC-like framing of RFC 1662), PPPoE discovery and session (RFC 2516) and
// Cisco HDLC with SLARP, as tcpdump 4.99's print-ppp.c, print-pppoe.c and print-chdlc.c
// print them. The control and authentication protocols are in print_ppp_control.cpp;
// escaped (un-framed) HDLC octets are not undone.
#include "print_context.hpp"

namespace tcplens::tcpdump {

const Tok kPppTypes[] = {
    {0x0021, "IP"},       {0x0023, "OSI"},      {0x0025, "NS"},       {0x0027, "DECNET"},
    {0x0029, "APPLE"},    {0x002b, "IPX"},      {0x002d, "VJC IP"},   {0x002f, "VJNC IP"},
    {0x0031, "BRPDU"},    {0x0033, "STII"},     {0x0035, "VINES"},    {0x0281, "MPLS"},
    {0x0283, "MPLS"},     {0x00fd, "Compressed"}, {0x003d, "MLPPP"},  {0x0057, "IP6"},
    {0x0201, "HELLO"},    {0x0231, "LUXCOM"},   {0x0233, "SNS"},      {0x8021, "IPCP"},
    {0x8023, "OSICP"},    {0x8025, "NSCP"},     {0x8027, "DECNETCP"}, {0x8029, "APPLECP"},
    {0x802b, "IPXCP"},    {0x8033, "STIICP"},   {0x8035, "VINESCP"},  {0x8057, "IP6CP"},
    {0x8281, "MPLSCP"},   {0xc021, "LCP"},      {0xc023, "PAP"},      {0xc025, "LQM"},
    {0xc223, "CHAP"},     {0xc227, "EAP"},      {0xc027, "SPAP"},     {0xc123, "Old-SPAP"},
    {0xc02b, "BACP"},     {0xc02d, "BAP"},      {0x80fd, "CCP"},  // (4.99.3 has no MLPPP-CP)
    {0, nullptr},
};

void put_ppp_type(PrintContext& ctx, std::uint16_t proto, const char* unknown_prefix) {
  if (const char* name = tok_lookup(kPppTypes, proto)) {
    ctx.put(name);
    return;
  }
  ctx.put(unknown_prefix);
  ctx.put("(0x");
  ctx.out.put_hex(proto, 4);
  ctx.put(')');
}

namespace {

constexpr std::uint16_t kPppIp = 0x0021;
constexpr std::uint16_t kPppIpv6 = 0x0057;
constexpr std::uint16_t kPppVjnc = 0x002f;
constexpr std::uint16_t kPppMplsUnicast = 0x0281;
constexpr std::uint16_t kPppMplsMulticast = 0x0283;
constexpr std::uint16_t kPppComp = 0x00fd;


bool is_control_protocol(std::uint16_t proto) {
  switch (proto) {
    case 0xc021:  // LCP
    case 0x8021:  // IPCP
    case 0x8023:  // OSICP
    case 0x8281:  // MPLSCP
    case 0x8057:  // IP6CP
    case 0x80fd:  // CCP
    case 0xc02b:  // BACP
      return true;
    default:
      return false;
  }
}


void handle_ppp(PrintContext& ctx, std::uint16_t proto, const std::uint8_t* p, unsigned length) {
  if (is_control_protocol(proto)) return ppp_ctrl_print(ctx, proto, p, length);
  if (ppp_auth_print(ctx, proto, p, length)) return;
  switch (proto) {
    case 0x0800:
    case kPppVjnc:
    case kPppIp:
      return ip_print(ctx, p, length);
    case 0x86dd:
    case kPppIpv6:
      return ip6_print(ctx, p, length);
    case kPppMplsUnicast:
    case kPppMplsMulticast:
      return mpls_print(ctx, p, length);
    case kPppComp:
      ctx.put("compressed PPP data");
      return;
    default:
      put_ppp_type(ctx, proto, "unknown PPP protocol ");
      ctx.put(' ');
      print_unknown_data(ctx, p, "\n\t", length);
      return;
  }
}

}  // namespace

unsigned ppp_print(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  ctx.protocol = "ppp";
  const unsigned original_length = length;
  unsigned hdr_len = 0;
  if (length < 2) {
    ctx.print_trunc();
    return 0;
  }
  switch (ctx.be16(p)) {
    case 0x0003:  // pppd's "in" direction in place of the address
      if (ctx.opt.link_header) ctx.put("In  ");
      p += 2, length -= 2, hdr_len += 2;
      break;
    case 0x0103:
      if (ctx.opt.link_header) ctx.put("Out ");
      p += 2, length -= 2, hdr_len += 2;
      break;
    case 0xff03:
      p += 2, length -= 2, hdr_len += 2;
      break;
    default:
      break;
  }
  if (length < 2) {
    ctx.print_trunc();
    return 0;
  }
  std::uint16_t proto;
  if (ctx.u8(p) % 2) {  // protocol field compression
    proto = ctx.u8(p);
    p += 1, length -= 1, hdr_len += 1;
  } else {
    proto = ctx.be16(p);
    p += 2, length -= 2, hdr_len += 2;
  }
  if (ctx.opt.link_header) {
    const char* name = tok_lookup(kPppTypes, proto);
    ctx.put(name ? name : "unknown");
    ctx.put(" (0x");
    ctx.out.put_hex(proto, 4);
    ctx.put("), length ");
    ctx.put_u(original_length);
    if (!name) return hdr_len;
    ctx.put(": ");
  }
  handle_ppp(ctx, proto, p, length);
  return hdr_len;
}

unsigned ppp_if_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen) {
  ctx.protocol = "ppp";
  constexpr unsigned kPppHdrLen = 4;
  if (caplen < kPppHdrLen) {
    ctx.print_trunc();
    return caplen;
  }
  ppp_print(ctx, p, length);
  return kPppHdrLen;
}

unsigned ppp_hdlc_if_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen) {
  ctx.protocol = "ppp_hdlc";
  if (caplen < 2) {
    ctx.print_trunc();
    return caplen;
  }
  const std::uint8_t address = ctx.u8(p);
  if (address == 0x0f || address == 0x8f) return chdlc_if_print(ctx, p, length, caplen);
  if (caplen < 4) {
    ctx.print_trunc();
    return caplen;
  }
  if (ctx.opt.link_header) {
    ctx.out.put_hex_byte(address);
    ctx.put(' ');
    ctx.out.put_hex_byte(ctx.u8(p + 1));
    ctx.put(' ');
    ctx.put_u(length);
    ctx.put(' ');
  }
  if (address != 0xff) {
    ctx.put("unknown addr ");
    ctx.out.put_hex_byte(ctx.u8(p + 2));
    ctx.put("; ctrl ");
    ctx.out.put_hex_byte(ctx.u8(p + 3));
    return 2;
  }
  const std::uint16_t proto = ctx.be16(p + 2);
  put_ppp_type(ctx, proto, "unknown PPP protocol ");
  ctx.put(": ");
  handle_ppp(ctx, proto, p + 4, length - 4);
  return 4;
}

unsigned chdlc_if_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned) {
  ctx.protocol = "chdlc";
  ctx.tcheck(p, 4);
  chdlc_print(ctx, p, length);
  return 4;
}

namespace {

void slarp_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  ctx.protocol = "chdlc_slarp";
  constexpr unsigned kMinLen = 14, kMaxLen = 18;
  ctx.put("SLARP (length: ");
  ctx.put_u(length);
  ctx.put("), ");
  if (length < kMinLen) return ctx.print_trunc();  // (4.99.3: a short one is "truncated")
  ctx.tcheck(cp, kMinLen);
  const std::uint32_t code = ctx.be32(cp);
  // Watch out: tcpdump advances its pointer past the fixed part to read a keepalive's
  // uptime, and its -vv dump starts four bytes after wherever that pointer is.
  const std::uint8_t* dump_base = cp;
  switch (code) {
    case 0:
      ctx.put("request");
      break;
    case 1:
      ctx.put("reply ");
      ctx.put_ipv4(cp + 4);
      ctx.put('/');
      ctx.put_ipv4(cp + 8);
      break;
    case 2:
      ctx.put("keepalive: mineseen=0x");
      ctx.out.put_hex(ctx.be32(cp + 4), 8);
      ctx.put(", yourseen=0x");
      ctx.out.put_hex(ctx.be32(cp + 8), 8);
      ctx.put(", reliability=0x");
      ctx.out.put_hex(ctx.be16(cp + 12), 4);
      if (length >= kMaxLen) {  // the uptime stamp is optional
        dump_base = cp + kMinLen;
        unsigned sec = ctx.be32(cp + kMinLen) / 1000;
        unsigned min = sec / 60;
        sec -= min * 60;
        unsigned hrs = min / 60;
        min -= hrs * 60;
        const unsigned days = hrs / 24;
        hrs -= days * 24;
        ctx.put(", link uptime=");
        ctx.put_u(days);
        ctx.put('d');
        ctx.put_u(hrs);
        ctx.put('h');
        ctx.put_u(min);
        ctx.put('m');
        ctx.put_u(sec);
        ctx.put('s');
      }
      break;
    default:
      ctx.put("0x");
      ctx.out.put_hex(code, 2);
      ctx.put(" unknown");
      if (ctx.opt.verbose <= 1) print_unknown_data(ctx, cp + 4, "\n\t", length - 4);
      break;
  }
  if (kMaxLen < length && ctx.opt.verbose) {
    ctx.put(", (trailing junk: ");
    ctx.put_u(length - kMaxLen);
    ctx.put(" bytes)");
  }
  if (ctx.opt.verbose > 1) print_unknown_data(ctx, dump_base + 4, "\n\t", length - 4);
}

}  // namespace

void chdlc_print(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  ctx.protocol = "chdlc";
  if (length < 4) return ctx.print_invalid();
  const std::uint16_t proto = ctx.be16(p + 2);
  if (ctx.opt.link_header) {
    const std::uint8_t address = ctx.u8(p);
    if (address == 0x0f) {
      ctx.put("unicast");
    } else if (address == 0x8f) {
      ctx.put("bcast");
    } else {
      ctx.put("0x");
      ctx.out.put_hex(address, 2);
    }
    ctx.put(", ethertype ");
    put_ethertype_name(ctx, proto, "Unknown");
    ctx.put(" (0x");
    ctx.out.put_hex(proto, 4);
    ctx.put("), length ");
    ctx.put_u(length);
    ctx.put(": ");
  }
  length -= 4;
  p += 4;
  switch (proto) {
    case 0x0800: return ip_print(ctx, p, length);
    case 0x86dd: return ip6_print(ctx, p, length);
    case 0x8035: return slarp_print(ctx, p, length);
    case 0x8847:
    case 0x8848: return mpls_print(ctx, p, length);
    default:
      if (!ctx.opt.link_header) {
        ctx.put("unknown CHDLC protocol (0x");
        ctx.out.put_hex(proto, 4);
        ctx.put(')');
      }
      return;
  }
}

namespace {

const Tok kPppoeCodes[] = {
    {0x09, "PADI"}, {0x07, "PADO"}, {0x19, "PADR"}, {0x65, "PADS"}, {0xa7, "PADT"}, {0, ""},
    {0, nullptr},
};

const Tok kPppoeTags[] = {
    {0x0000, "EOL"},          {0x0101, "Service-Name"},       {0x0102, "AC-Name"},
    {0x0103, "Host-Uniq"},    {0x0104, "AC-Cookie"},          {0x0105, "Vendor-Specific"},
    {0x0110, "Relay-Session-ID"}, {0x0120, "PPP-Max-Payload"}, {0x0201, "Service-Name-Error"},
    {0x0202, "AC-System-Error"}, {0x0203, "Generic-Error"},   {0, nullptr},
};

void put_pppoe_tag_name(PrintContext& ctx, std::uint16_t tag) {
  if (const char* name = tok_lookup(kPppoeTags, tag)) {
    ctx.put(name);
    return;
  }
  ctx.put("TAG-0x");
  ctx.out.put_hex(tag);
}

}  // namespace

unsigned pppoe_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "pppoe";
  constexpr unsigned kHdrLen = 6;
  if (length < kHdrLen) {
    ctx.put(" (length ");
    ctx.put_u(length);
    ctx.put(" < 6)");
    ctx.print_invalid();
    return 0;
  }
  length -= kHdrLen;
  ctx.tcheck(bp, kHdrLen);
  const unsigned version = ctx.u8(bp) >> 4, type = ctx.u8(bp) & 0x0f;
  const std::uint8_t code = ctx.u8(bp + 1);
  const std::uint16_t session = ctx.be16(bp + 2);
  unsigned pppoe_length = ctx.be16(bp + 4);
  const std::uint8_t* payload = bp + kHdrLen;
  if (version != 1) {
    ctx.put(" [ver ");
    ctx.put_u(version);
    ctx.put(']');
  }
  if (type != 1) {
    ctx.put(" [type ");
    ctx.put_u(type);
    ctx.put(']');
  }
  ctx.put("PPPoE ");
  if (const char* name = tok_lookup(kPppoeCodes, code)) {
    ctx.put(name);
  } else {
    ctx.put("PAD-");
    ctx.out.put_hex(code);
  }
  if (code == 0x09 && pppoe_length > 1484 - kHdrLen) {
    ctx.put(" [len ");
    ctx.put_u(pppoe_length);
    ctx.put("!]");
  }
  if (pppoe_length > length) {
    ctx.put(" [len ");
    ctx.put_u(pppoe_length);
    ctx.put(" > ");
    ctx.put_u(length);
    ctx.put("!]");
    pppoe_length = length;
  }
  if (session) {
    ctx.put(" [ses 0x");
    ctx.out.put_hex(session);
    ctx.put(']');
  }
  if (code == 0) {
    ctx.put(' ');
    return kHdrLen + ppp_print(ctx, payload, pppoe_length);
  }
  // Discovery: tags until the end or an end-of-list tag.
  constexpr unsigned kMaxTagPrint = 80;
  std::uint16_t tag_type = 0xffff;
  const std::uint8_t* p = payload;
  while (tag_type != 0 && p < payload + pppoe_length) {
    tag_type = ctx.be16(p);
    const unsigned tag_len = ctx.be16(p + 2);
    p += 4;
    if (tag_len == 0) {
      ctx.put(" [");
      put_pppoe_tag_name(ctx, tag_type);
      ctx.put(']');
      continue;
    }
    ctx.tcheck(p, tag_len);
    unsigned printable = 0, shown = 0;
    for (; shown < tag_len && shown < kMaxTagPrint - 1; ++shown)
      if (p[shown] >= 0x20 && p[shown] < 0x7f) ++printable;
    ctx.put(" [");
    put_pppoe_tag_name(ctx, tag_type);
    if (printable > shown - printable) {
      ctx.put(" \"");
      for (unsigned i = 0; i < shown; ++i)
        ctx.put((p[i] >= 0x20 && p[i] < 0x7f) ? static_cast<char>(p[i]) : '.');
      ctx.put("\"]");
    } else {
      ctx.put(" 0x");
      static const char kHex[] = "0123456789ABCDEF";
      for (unsigned i = 0; i < tag_len; ++i) {
        ctx.put(kHex[p[i] >> 4]);
        ctx.put(kHex[p[i] & 0xf]);
      }
      ctx.put(']');
    }
    p += tag_len;
  }
  return kHdrLen;
}

}  // namespace tcplens::tcpdump
