// IPv4, IPv6 (with extension headers) and the demultiplexer to the transport printers.
// Mirrors tcpdump's print-ip.c, print-ip6.c, print-ip6opts.c, print-frag6.c and
// print-ip-demux.c.
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

constexpr std::uint8_t kProtoHopopts = 0;
constexpr std::uint8_t kProtoIcmp = 1;
constexpr std::uint8_t kProtoIpv4 = 4;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoDccp = 33;
constexpr std::uint8_t kProtoIpv6 = 41;
constexpr std::uint8_t kProtoRouting = 43;
constexpr std::uint8_t kProtoFragment = 44;
constexpr std::uint8_t kProtoIcmpv6 = 58;
constexpr std::uint8_t kProtoNone = 59;
constexpr std::uint8_t kProtoDstopts = 60;
constexpr std::uint8_t kProtoMobilityOld = 62;
constexpr std::uint8_t kProtoSctp = 132;
constexpr std::uint8_t kProtoMobility = 135;

const Tok kIpProtoValues[] = {
    {0, "Options"},   {1, "ICMP"},          {2, "IGMP"},      {4, "IPIP"},      {6, "TCP"},
    {8, "EGP"},       {9, "IGRP"},          {17, "UDP"},      {33, "DCCP"},     {41, "IPv6"},
    {43, "Routing"},  {44, "Fragment"},     {46, "RSVP"},     {47, "GRE"},      {50, "ESP"},
    {51, "AH"},       {55, "Mobile IP"},    {58, "ICMPv6"},   {62, "Mobile IP (old)"},
    {88, "EIGRP"},    {89, "OSPF"},         {103, "PIM"},     {108, "Compressed IP"},
    {112, "VRRP"},    {113, "PGM"},         {132, "SCTP"},    {135, "Mobility"},
    {143, "Ethernet"}, {0, nullptr},
};

const Tok kIpOptionValues[] = {
    {0, "EOL"}, {1, "NOP"},  {68, "timestamp"}, {130, "security"}, {7, "RR"},
    {137, "SSRR"}, {131, "LSRR"}, {148, "RA"}, {82, "traceroute"}, {0, nullptr},
};

// print the recorded route in an IP RR, LSRR or SSRR option.
int ip_printroute(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  if (length < 3) {
    ctx.put(" [bad length ");
    ctx.put_u(length);
    ctx.put(']');
    return 0;
  }
  if ((length + 1) & 3) {
    ctx.put(" [bad length ");
    ctx.put_u(length);
    ctx.put(']');
  }
  unsigned ptr = ctx.u8(cp + 2) - 1u;
  if (ptr < 3 || ((ptr + 1) & 3) || ptr > length + 1) {
    ctx.put(" [bad ptr ");
    ctx.put_u(ctx.u8(cp + 2));
    ctx.put(']');
  }
  for (unsigned len = 3; len < length; len += 4) {
    if (!ctx.ttest(cp + len, 4)) return -1;
    ctx.put(' ');
    ctx.put_ipv4(cp + len);
    if (ptr > len) ctx.put(',');
  }
  return 0;
}

int ip_printts(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  if (length < 4) {
    ctx.put("[bad length ");
    ctx.put_u(length);
    ctx.put(']');
    return 0;
  }
  ctx.put(" TS{");
  unsigned hoplen = ((ctx.u8(cp + 3) & 0xF) != 0) ? 8 : 4;
  if ((length - 4) & (hoplen - 1)) {
    ctx.put("[bad length ");
    ctx.put_u(length);
    ctx.put(']');
  }
  unsigned ptr = ctx.u8(cp + 2) - 1u;
  unsigned len = 0;
  if (ptr < 4 || ((ptr - 4) & (hoplen - 1)) || ptr > length + 1) {
    ctx.put("[bad ptr ");
    ctx.put_u(ctx.u8(cp + 2));
    ctx.put(']');
  }
  switch (ctx.u8(cp + 3) & 0xF) {
    case 1:
      ctx.put("TSONLY");
      break;
    case 2:
      ctx.put("TS+ADDR");
      break;
    case 3:
      ctx.put("PRESPEC");
      break;
    default:
      ctx.put("[bad ts type ");
      ctx.put_u(ctx.u8(cp + 3) & 0xF);
      ctx.put(']');
      goto done;
  }
  {
    const char* type = " ";
    for (len = 4; len < length; len += hoplen) {
      if (ptr == len) type = " ^ ";
      if (!ctx.ttest(cp + len, hoplen)) return -1;
      ctx.put(type);
      ctx.put_u(ctx.be32(cp + len));
      if (hoplen != 4) {
        ctx.put('@');
        ctx.put_ipv4(cp + len + 4);
      }
      type = " ";
    }
  }
done:
  ctx.put(ptr == len ? " ^ " : "");
  if (ctx.u8(cp + 3) >> 4) {
    ctx.put(" [");
    ctx.put_u(ctx.u8(cp + 3) >> 4);
    ctx.put(" hops not recorded]} ");
  } else {
    ctx.put('}');
  }
  return 0;
}

int ip_optprint(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  const char* sep = "";
  unsigned option_len;
  for (; length > 0; cp += option_len, length -= option_len) {
    ctx.put(sep);
    sep = ",";
    std::uint8_t option_code = ctx.u8(cp);
    put_tok(ctx, kIpOptionValues, option_code, "unknown ");
    // unknown options print as "unknown %u": put_tok already appends the number.
    if (option_code == 0 || option_code == 1) {
      option_len = 1;
    } else {
      option_len = ctx.u8(cp + 1);
      if (option_len < 2) {
        ctx.put(" [bad length ");
        ctx.put_u(option_len);
        ctx.put(']');
        return 0;
      }
    }
    if (option_len > length) {
      ctx.put(" [bad length ");
      ctx.put_u(option_len);
      ctx.put(']');
      return 0;
    }
    if (!ctx.ttest(cp, option_len)) return -1;
    switch (option_code) {
      case 0:
        return 0;
      case 68:
        if (ip_printts(ctx, cp, option_len) == -1) return -1;
        break;
      case 7:
      case 137:
      case 131:
        if (ip_printroute(ctx, cp, option_len) == -1) return -1;
        break;
      case 148:
        if (option_len < 4) {
          ctx.put(" [bad length ");
          ctx.put_u(option_len);
          ctx.put(']');
          break;
        }
        ctx.tcheck(cp + 3, 1);
        if (ctx.be16(cp + 2) != 0) {
          ctx.put(" value ");
          ctx.put_u(ctx.be16(cp + 2));
        }
        break;
      default:
        break;
    }
  }
  return 0;
}

// Returns the length of the IPv6 option area walked, -1 when it was cut short.
int ip6_opt_process(PrintContext& ctx, const std::uint8_t* bp, int len, bool* found_jumbop,
                    std::uint32_t* payload_len) {
  int optlen = 0;
  bool found_jumbo = false;
  if (len == 0) return 0;
  for (int i = 0; i < len; i += optlen) {
    std::uint8_t type = ctx.u8(bp + i);
    if (type == 0) {
      optlen = 1;
    } else {
      if (i + 1 < len)
        optlen = ctx.u8(bp + i + 1) + 2;
      else
        return -1;
    }
    if (i + optlen > len) return -1;
    switch (type) {
      case 0:
        if (ctx.opt.verbose) ctx.put("(pad1)");
        break;
      case 1:
        if (len - i < 2) {
          ctx.put("(padn: trunc)");
          return -1;
        }
        if (ctx.opt.verbose) ctx.put("(padn)");
        break;
      case 5:
        if (len - i < 4) {
          ctx.put("(rtalert: trunc)");
          return -1;
        }
        if (ctx.u8(bp + i + 1) != 2) {
          ctx.put("(rtalert: invalid len ");
          ctx.put_u(ctx.u8(bp + i + 1));
          ctx.put(')');
          return -1;
        }
        if (ctx.opt.verbose) {
          ctx.put("(rtalert: 0x");
          ctx.out.put_hex(ctx.be16(bp + i + 2), 4);
          ctx.put(") ");
        }
        break;
      case 0xC2: {
        if (len - i < 6) {
          ctx.put("(jumbo: trunc)");
          return -1;
        }
        if (ctx.u8(bp + i + 1) != 4) {
          ctx.put("(jumbo: invalid len ");
          ctx.put_u(ctx.u8(bp + i + 1));
          ctx.put(')');
          return -1;
        }
        std::uint32_t jumbolen = ctx.be32(bp + i + 2);
        auto note = [&](const char* what) {
          if (!ctx.opt.verbose) return;
          ctx.put("(jumbo: ");
          ctx.put_u(jumbolen);
          ctx.put(what);
          ctx.put(") ");
        };
        if (found_jumbo) {
          note(" - already seen");
        } else {
          found_jumbo = true;
          if (payload_len == nullptr) {
            note(" - not a hop-by-hop option");
          } else if (*payload_len != 0) {
            note(" - payload len != 0");
          } else if (jumbolen < 65536) {
            note(" - < 65536");
          } else {
            *payload_len = jumbolen;
            note("");
          }
        }
        break;
      }
      case 0xC9:
        if (len - i < 18) {
          ctx.put("(homeaddr: trunc)");
          return -1;
        }
        if (ctx.u8(bp + i + 1) < 16) {
          ctx.put("(homeaddr: invalid len ");
          ctx.put_u(ctx.u8(bp + i + 1));
          ctx.put(')');
          return -1;
        }
        if (ctx.opt.verbose) {
          ctx.put("(homeaddr: ");
          ctx.put_ipv6(bp + i + 2);
          ctx.put(')');
        }
        break;
      default:
        if (len - i < 2) {
          ctx.put("(type ");
          ctx.put_u(type);
          ctx.put(": trunc)");
          return -1;
        }
        if (ctx.opt.verbose) {
          ctx.put("(opt_type 0x");
          ctx.out.put_hex(type, 2);
          ctx.put(": len=");
          ctx.put_u(ctx.u8(bp + i + 1));
          ctx.put(')');
        }
        break;
    }
  }
  if (found_jumbop && found_jumbo) *found_jumbop = true;
  if (ctx.opt.verbose) ctx.put(' ');
  return 0;
}

int hbhopt_process(PrintContext& ctx, const std::uint8_t* bp, bool* found_jumbo,
                   std::uint32_t* payload_len) {
  ctx.protocol = "hbhopt";
  unsigned hbhlen = (ctx.u8(bp + 1) + 1u) << 3;
  if (!ctx.ttest(bp, hbhlen)) {
    ctx.print_trunc();
    return -1;
  }
  ctx.put("HBH ");
  if (ip6_opt_process(ctx, bp + 2, static_cast<int>(hbhlen) - 2, found_jumbo, payload_len) ==
      -1) {
    ctx.print_trunc();
    return -1;
  }
  return static_cast<int>(hbhlen);
}

int dstopt_process(PrintContext& ctx, const std::uint8_t* bp) {
  ctx.protocol = "dstopt";
  unsigned len = (ctx.u8(bp + 1) + 1u) << 3;
  if (!ctx.ttest(bp, len)) {
    ctx.print_trunc();
    return -1;
  }
  ctx.put("DSTOPT ");
  if (ctx.opt.verbose) {
    if (ip6_opt_process(ctx, bp + 2, static_cast<int>(len) - 2, nullptr, nullptr) == -1) {
      ctx.print_trunc();
      return -1;
    }
  }
  return static_cast<int>(len);
}

int frag6_print(PrintContext& ctx, const std::uint8_t* bp, const std::uint8_t* bp2) {
  ctx.protocol = "frag6";
  std::uint16_t offlg = ctx.be16(bp + 2);
  std::size_t rest = 40 + ctx.be16(bp2 + 4) - static_cast<std::size_t>(bp - bp2) - 8;
  if (ctx.opt.verbose) {
    const std::uint32_t ident = ctx.be32(bp + 4);  // (read first: tcpdump's GET in the ND_PRINT)
    ctx.put("frag (0x");
    ctx.out.put_hex(ident, 8);
    ctx.put(':');
  } else {
    ctx.put("frag (");
  }
  ctx.put_u(offlg & 0xfff8);
  ctx.put('|');
  ctx.out.put_u64(rest);
  ctx.put(')');
  if ((offlg & 0xfff8) != 0) return -1;
  ctx.put(' ');
  return 8;
}

// Routing header (print-rt6.c): types 0 and 2 (addresses) and 4 (segment routing).
int rt6_print(PrintContext& ctx, const std::uint8_t* bp) {
  ctx.protocol = "rt6";
  ctx.put("RT6");
  unsigned len = ctx.u8(bp + 1);
  ctx.put(" (len=");
  ctx.put_u(len);
  std::uint8_t type = ctx.u8(bp + 2);
  ctx.put(", type=");
  ctx.put_u(type);
  if (type == 0) ctx.put(" [Deprecated]");
  ctx.put(", segleft=");
  ctx.put_u(ctx.u8(bp + 3));
  const std::uint8_t* p = bp + 8;
  switch (type) {
    case 0:
    case 2: {
      std::uint32_t reserved = ctx.be32(bp + 4);
      if (reserved || ctx.opt.verbose) {
        ctx.put(", rsv=0x");
        ctx.out.put_hex(reserved);
      }
      break;
    }
    case 4: {
      // Each value is read before its label is put: in tcpdump the GET is an argument of the
      // ND_PRINT, so a short header stops before the label.
      const std::uint8_t last_entry = ctx.u8(bp + 4);
      ctx.put(", last-entry=");
      ctx.put_u(last_entry);
      std::uint8_t flags = ctx.u8(bp + 5);
      if (flags || ctx.opt.verbose) {
        ctx.put(", flags=0x");
        ctx.out.put_hex(flags);
      }
      const std::uint16_t tag = ctx.be16(bp + 6);
      ctx.put(", tag=");
      ctx.out.put_hex(tag);
      break;
    }
    default:
      ctx.put(" (unknown type)");
      ctx.print_invalid();
      return -1;
  }
  if (len % 2 == 1) {
    ctx.put(" (invalid length ");
    ctx.put_u(len);
    ctx.put(')');
    ctx.print_invalid();
    return -1;
  }
  for (unsigned i = 0; i < len / 2; i++) {
    if (!ctx.ttest(p, 16)) throw Truncated{};  // (the address is read before ", [i]" is put)
    ctx.put(", [");
    ctx.put_u(i);
    ctx.put(']');
    ctx.put_ipv6(p);
    p += 16;
  }
  ctx.put(") ");
  return static_cast<int>((ctx.u8(bp + 1) + 1u) << 3);
}

}  // namespace

const char* ipproto_name(std::uint8_t proto) { return tok_lookup(kIpProtoValues, proto); }

void ip_ports_print(PrintContext& ctx, const std::uint8_t* iph, std::uint8_t proto, int sport,
                    int dport) {
  const bool v6 = (ctx.u8(iph) >> 4) == 6;
  if (ctx.u8(iph + (v6 ? 6 : 9)) == proto) {
    if (v6)
      ctx.put_ipv6(iph + 8);
    else
      ctx.put_ipv4(iph + 12);
    if (sport >= 0) {
      ctx.put('.');
      ctx.put_u(static_cast<std::uint32_t>(sport));
    }
    ctx.put(" > ");
    if (v6)
      ctx.put_ipv6(iph + 24);
    else
      ctx.put_ipv4(iph + 16);
    if (dport >= 0) {
      ctx.put('.');
      ctx.put_u(static_cast<std::uint32_t>(dport));
    }
    ctx.put(": ");
  } else if (sport >= 0) {
    ctx.put_u(static_cast<std::uint32_t>(sport));
    ctx.put(" > ");
    ctx.put_u(static_cast<std::uint32_t>(dport));
    ctx.put(": ");
  }
}

// ---------------------------------------------------------------------------------------

void ip_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "ip";
  const std::uint8_t* ip = bp;
  std::uint8_t vhl = ctx.u8(ip);
  if ((vhl >> 4) != 4) {
    if ((vhl >> 4) == 6) {
      ctx.put("IP6, wrong link-layer encapsulation");
    } else {
      ctx.put("IP");
      ctx.put_u(vhl >> 4);
    }
    ctx.print_invalid();
    return;
  }
  if (!ctx.opt.link_header) ctx.put("IP ");
  // tcpdump's ND_TCHECK_SIZE here prints the marker and returns normally (no longjmp), so
  // the link header stays out of a -X dump.
  if (!ctx.ttest(ip, 20)) {
    ctx.print_trunc();
    return;
  }
  if (length < 20) {
    ctx.put("truncated-ip ");
    ctx.put_u(length);
    return;
  }
  unsigned hlen = (vhl & 0x0F) * 4u;
  if (hlen < 20) {
    ctx.put("bad-hlen ");
    ctx.put_u(hlen);
    return;
  }
  unsigned len = ctx.be16(ip + 2);
  if (length < len) {
    ctx.put("truncated-ip - ");
    ctx.put_u(len - length);
    ctx.put(" bytes missing! ");
  }
  if (len < hlen) {
    ctx.put("bad-len ");
    ctx.put_u(len);
    return;
  }
  ctx.push_snaplen(bp, len);
  len -= hlen;
  std::uint16_t off = ctx.be16(ip + 6);
  std::uint8_t ip_proto = ctx.u8(ip + 9);

  if (ctx.opt.verbose) {
    std::uint8_t tos = ctx.u8(ip + 1);
    ctx.put("(tos 0x");
    ctx.out.put_hex(tos);
    switch (tos & 0x03) {
      case 1:
        ctx.put(",ECT(1)");
        break;
      case 2:
        ctx.put(",ECT(0)");
        break;
      case 3:
        ctx.put(",CE");
        break;
      default:
        break;
    }
    std::uint8_t ttl = ctx.u8(ip + 8);
    if (ttl >= 1) {
      ctx.put(", ttl ");
      ctx.put_u(ttl);
    }
    ctx.put(", id ");
    ctx.put_u(ctx.be16(ip + 4));
    ctx.put(", offset ");
    ctx.put_u((off & 0x1fff) * 8u);
    ctx.put(", flags [");
    static const Tok kFragValues[] = {{0x2000, "+"}, {0x4000, "DF"}, {0x8000, "rsvd"},
                                      {0, nullptr}};
    put_bittok(ctx, kFragValues, off & 0xe000, "none", ", ");
    ctx.put("], proto ");
    const char* pname = ipproto_name(ip_proto);
    ctx.put(pname ? pname : "unknown");
    ctx.put(" (");
    ctx.put_u(ip_proto);
    ctx.put("), length ");
    ctx.put_u(ctx.be16(ip + 2));
    bool truncated = false;
    if (hlen > 20) {
      ctx.put(", options (");
      if (ip_optprint(ctx, ip + 20, hlen - 20) == -1) {
        ctx.put(" [truncated-option]");
        truncated = true;
      }
      ctx.put(')');
    }
    if (!ctx.opt.no_checksums && ip + hlen <= ctx.snapend) {
      std::uint16_t sum = in_cksum(ip, hlen);
      if (sum != 0) {
        std::uint16_t ip_sum = ctx.be16(ip + 10);
        ctx.put(", bad cksum ");
        ctx.out.put_hex(ip_sum);
        ctx.put(" (->");
        ctx.out.put_hex(in_cksum_shouldbe(ip_sum, sum));
        ctx.put(")!");
      }
    }
    ctx.put(")\n    ");
    if (truncated) {
      ctx.put_ipv4(ip + 12);
      ctx.put(" > ");
      ctx.put_ipv4(ip + 16);
      ctx.put(": ");
      ctx.print_trunc();
      ctx.pop_snaplen();
      return;
    }
  }

  if ((off & 0x1fff) == 0) {
    std::uint8_t nh = ctx.u8(ip + 9);
    if (nh != kProtoTcp && nh != kProtoUdp && nh != kProtoSctp && nh != kProtoDccp) {
      ctx.put_ipv4(ip + 12);
      ctx.put(" > ");
      ctx.put_ipv4(ip + 16);
      ctx.put(": ");
    }
    if (!ctx.ttest(ip, hlen)) {
      ctx.put(" [remaining caplen(");
      ctx.put_u(static_cast<std::uint32_t>(ctx.available(ip)));
      ctx.put(") < header length(");
      ctx.put_u(hlen);
      ctx.put(")]");
      throw Truncated{};
    }
    ip_demux_print(ctx, ip + hlen, len, 4, (off & 0x2000) != 0, ctx.u8(ip + 8), nh, bp);
  } else {
    if (ctx.opt.quiet > 1) {
      ctx.pop_snaplen();
      return;
    }
    ctx.put_ipv4(ip + 12);
    ctx.put(" > ");
    ctx.put_ipv4(ip + 16);
    ctx.put(":");
    ctx.put(" ip-proto-");
    ctx.put_u(ip_proto);
  }
  ctx.pop_snaplen();
}

void ipn_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "ipn";
  if (length < 1) {
    ctx.put("truncated-ip ");
    ctx.put_u(length);
    return;
  }
  switch (ctx.u8(bp) & 0xF0) {
    case 0x40:
      ip_print(ctx, bp, length);
      break;
    case 0x60:
      ip6_print(ctx, bp, length);
      break;
    default:
      ctx.put("unknown ip ");
      ctx.put_u((ctx.u8(bp) & 0xF0) >> 4);
      break;
  }
}

void ip6_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "ip6";
  const std::uint8_t* ip6 = bp;
  if (!ctx.ttest(ip6, 40)) {  // a plain return after the marker, as in tcpdump
    ctx.print_trunc();
    return;
  }
  if (length < 40) {
    ctx.put("truncated-ip6 ");
    ctx.put_u(length);
    return;
  }
  if (!ctx.opt.link_header) ctx.put("IP6 ");
  if ((ctx.u8(ip6) >> 4) != 6) {
    ctx.put("version error: ");
    ctx.put_u(ctx.u8(ip6) >> 4);
    ctx.put(" != 6");
    return;
  }
  std::uint32_t payload_len = ctx.be16(ip6 + 4);
  unsigned len;
  if (payload_len != 0) {
    len = payload_len + 40;
    if (length < len) {
      ctx.put("truncated-ip6 - ");
      ctx.put_u(len - length);
      ctx.put(" bytes missing!");
    }
  } else {
    len = length + 40;
  }
  std::uint8_t ph = 255;
  std::uint8_t nh = ctx.u8(ip6 + 6);
  if (ctx.opt.verbose) {
    std::uint32_t flow = ctx.be32(ip6);
    ctx.put('(');
    if (flow & 0x0ff00000) {
      ctx.put("class 0x");
      ctx.out.put_hex((flow & 0x0ff00000) >> 20, 2);
      ctx.put(", ");
    }
    if (flow & 0x000fffff) {
      ctx.put("flowlabel 0x");
      ctx.out.put_hex(flow & 0x000fffff, 5);
      ctx.put(", ");
    }
    ctx.put("hlim ");
    ctx.put_u(ctx.u8(ip6 + 7));
    ctx.put(", next-header ");
    const char* pname = ipproto_name(nh);
    ctx.put(pname ? pname : "unknown");
    ctx.put(" (");
    ctx.put_u(nh);
    ctx.put(") payload length: ");
    ctx.put_u(payload_len);
    ctx.put(") ");
  }
  ctx.push_snaplen(bp, len);

  const std::uint8_t* cp = ip6;
  int advance = 40;
  unsigned total_advance = 0;
  bool found_extension_header = false;
  bool found_jumbo = false;
  bool found_hbh = false;
  bool fragmented = false;
  while (cp < ctx.snapend && advance > 0) {
    if (len < static_cast<unsigned>(advance)) {
      ctx.print_trunc();
      return;
    }
    cp += advance;
    len -= static_cast<unsigned>(advance);
    total_advance += static_cast<unsigned>(advance);

    if (cp == ip6 + 40 && nh != kProtoTcp && nh != kProtoUdp && nh != kProtoDccp &&
        nh != kProtoSctp) {
      ctx.put_ipv6(ip6 + 8);
      ctx.put(" > ");
      ctx.put_ipv6(ip6 + 24);
      ctx.put(": ");
    }

    switch (nh) {
      case kProtoHopopts:
        if (found_hbh) {
          ctx.put("[The Hop-by-Hop Options header was already found]");
          ctx.print_invalid();
          return;
        }
        if (ph != 255) {
          ctx.put("[The Hop-by-Hop Options header don't follow the IPv6 header]");
          ctx.print_invalid();
          return;
        }
        advance = hbhopt_process(ctx, cp, &found_jumbo, &payload_len);
        if (payload_len == 0 && !found_jumbo) {
          ctx.put("[No valid Jumbo Payload Hop-by-Hop option found]");
          ctx.print_invalid();
          return;
        }
        if (advance < 0) {
          ctx.pop_snaplen();
          return;
        }
        found_extension_header = true;
        found_hbh = true;
        nh = ctx.u8(cp);
        break;
      case kProtoDstopts:
        advance = dstopt_process(ctx, cp);
        if (advance < 0) {
          ctx.pop_snaplen();
          return;
        }
        found_extension_header = true;
        nh = ctx.u8(cp);
        break;
      case kProtoFragment:
        advance = frag6_print(ctx, cp, ip6);
        if (advance < 0 || ctx.snapend <= cp + advance) {
          ctx.pop_snaplen();
          return;
        }
        found_extension_header = true;
        nh = ctx.u8(cp);
        fragmented = true;
        break;
      case kProtoMobilityOld:
      case kProtoMobility:
        // Nothing is printed after a mobility header (print_mobility.cpp).
        mobility_print(ctx, cp);
        ctx.pop_snaplen();
        return;
      case kProtoRouting:
        if (!ctx.ttest(cp, 1)) {  // tcpdump's ND_TCHECK_1: " [|ip6]", no longjmp (-x skips the link header)
          ctx.print_trunc();
          ctx.pop_snaplen();
          return;
        }
        advance = rt6_print(ctx, cp);
        if (advance < 0) {
          ctx.pop_snaplen();
          return;
        }
        found_extension_header = true;
        nh = ctx.u8(cp);
        break;
      default:
        if (found_jumbo) {
          len = payload_len + 40;
          if (len < total_advance) {
            ctx.print_trunc();
            return;
          }
          if (length < len) {
            ctx.put("truncated-ip6 - ");
            ctx.put_u(len - length);
            ctx.put(" bytes missing!");
          }
          ctx.change_snaplen(bp, len);
          len -= total_advance;
        } else if (payload_len == 0) {
          if (found_extension_header) {
            ctx.print_trunc();
            return;
          }
          len = 40;
          ctx.change_snaplen(bp, len);
          len -= total_advance;
        }
        ip_demux_print(ctx, cp, len, 6, fragmented, ctx.u8(ip6 + 7), nh, bp);
        ctx.pop_snaplen();
        return;
    }
    ph = nh;
    ctx.protocol = "ip6";
  }
  ctx.pop_snaplen();
}

void ip_demux_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length, int ver,
                    bool fragmented, std::uint8_t ttl_hl, std::uint8_t nh,
                    const std::uint8_t* iph) {
  while (nh == 51) {  // AH: its header, then the protocol it protects (print_ah.cpp)
    if (!ctx.ttest(bp, 1)) {
      ctx.protocol = "ah";
      return ctx.print_trunc();
    }
    nh = ctx.u8(bp);
    const unsigned advance = ah_print(ctx, bp);
    bp += advance;
    length -= advance;  // unsigned, as tcpdump's
  }
  switch (nh) {
    case kProtoTcp:
      tcp_print(ctx, bp, length, iph, fragmented);
      break;
    case kProtoUdp:
      udp_print(ctx, bp, length, iph, fragmented, ttl_hl);
      break;
    case kProtoIcmp:
      if (ver == 4) {
        icmp_print(ctx, bp, length, iph, fragmented);
      } else {
        ctx.put("[ICMP requires IPv4]");
        ctx.print_invalid();
      }
      break;
    case kProtoIcmpv6:
      if (ver == 6) {
        icmp6_print(ctx, bp, length, iph, fragmented);
      } else {
        ctx.put("[ICMPv6 requires IPv6]");
        ctx.print_invalid();
      }
      break;
    case kProtoIpv4:
      ip_print(ctx, bp, length);
      break;
    case kProtoIpv6:
      ip6_print(ctx, bp, length);
      break;
    case 47:
      gre_print(ctx, bp, length);
      break;
    case 50:
      esp_print(ctx, bp, length);
      break;
    case 2:
      if (ver != 4) {
        ctx.put("[IGMP requires IPv4]");
        ctx.print_invalid();
      } else if (!igmp_print(ctx, bp, length)) {
        ctx.put(" ip-proto-2 ");  // (DVMRP, PIMv1: the generic line)
        ctx.put_u(length);
      }
      break;
    case 112:
      vrrp_print(ctx, bp, length, iph, ttl_hl, ver);
      break;
    case 108: {  // IPComp (print-ipcomp.c): its CPI; the compressed payload is not followed
      ctx.protocol = "ipcomp";
      const std::uint16_t cpi = ctx.be16(bp + 2);
      ctx.put("IPComp(cpi=0x");
      ctx.out.put_hex(cpi, 4);
      ctx.put(')');
      break;
    }
    case 143:  // Ethernet (RFC 8986)
      if (ver == 6) {
        ether_print(ctx, bp, length, static_cast<unsigned>(ctx.available(bp)));
      } else {
        ctx.put("[Ethernet requires IPv6]");
        ctx.print_invalid();
      }
      break;
    case kProtoNone:
      ctx.put("no next header");
      break;
    case 77:
      ctx.put(" nd ");
      ctx.put_u(length);
      break;
    default: {
      // Protocols tcplens does not decode print tcpdump's fallback; a few of them (GRE,
      // OSPF, ...) have their own printers in tcpdump and are counted as "other".
      ctx.put(" ip-proto-");
      ctx.put_u(nh);
      ctx.put(' ');
      ctx.put_u(length);
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Checksums.

std::uint16_t in_cksum(const std::uint8_t* data, std::size_t len, std::uint32_t initial) {
  std::uint64_t sum = initial;
  std::size_t i = 0;
  for (; i + 1 < len; i += 2) sum += static_cast<std::uint32_t>((data[i] << 8) | data[i + 1]);
  if (len & 1) sum += static_cast<std::uint32_t>(data[len - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

// What the checksum field should have been, from the field and the checksum computed over
// the packet with that field in place (RFC 1624), as tcpdump's in_cksum_shouldbe().
std::uint16_t in_cksum_shouldbe(std::uint16_t sum, std::uint16_t computed_sum) {
  std::uint32_t shouldbe = sum;
  shouldbe += computed_sum;
  shouldbe = (shouldbe & 0xFFFF) + (shouldbe >> 16);
  shouldbe = (shouldbe & 0xFFFF) + (shouldbe >> 16);
  return static_cast<std::uint16_t>(shouldbe);
}

namespace {

// The final destination of a source-routed IPv4 packet (ip_finddst), used in pseudo-headers.
const std::uint8_t* ip_finddst(PrintContext& ctx, const std::uint8_t* ip) {
  unsigned length = (ctx.u8(ip) & 0x0F) * 4u;
  const std::uint8_t* cp = ip + 20;
  if (length < 20) return ip + 16;
  length -= 20;
  unsigned len;
  for (; length != 0; cp += len, length -= len) {
    std::uint8_t tt = ctx.u8(cp);
    if (tt == 0) break;
    if (tt == 1) {
      len = 1;
    } else {
      len = ctx.u8(cp + 1);
      if (len < 2) break;
    }
    if (length < len) return ip + 16;
    ctx.tcheck(cp, len);
    if (tt == 137 || tt == 131) {
      if (len < 7) break;
      return cp + len - 4;
    }
  }
  return ip + 16;
}

}  // namespace

std::uint16_t nextproto4_cksum(PrintContext& ctx, const std::uint8_t* iph,
                               const std::uint8_t* data, unsigned len, unsigned covlen,
                               std::uint8_t next_proto) {
  const std::uint8_t* dst = ip_finddst(ctx, iph);
  std::uint32_t sum = 0;
  sum += load_be16(iph + 12) + load_be16(iph + 14);
  sum += load_be16(dst) + load_be16(dst + 2);
  sum += next_proto;
  sum += len & 0xffff;
  return in_cksum(data, covlen, sum);
}

std::uint16_t nextproto6_cksum(PrintContext& ctx, const std::uint8_t* ip6,
                               const std::uint8_t* data, unsigned len, unsigned covlen,
                               std::uint8_t next_proto) {
  // The destination is the final one of a type-0 routing header, if any (ip6_finddst).
  const std::uint8_t* dst = ip6 + 24;
  std::uint8_t nh = ctx.u8(ip6 + 6);
  const std::uint8_t* cp = ip6 + 40;
  for (;;) {
    if (nh == kProtoHopopts || nh == kProtoDstopts || nh == 51) {
      if (!ctx.ttest(cp, 2)) break;
      unsigned elen = nh == 51 ? (cp[1] + 2u) * 4 : (cp[1] + 1u) * 8;
      nh = cp[0];
      cp += elen;
      continue;
    }
    if (nh == kProtoRouting) {
      if (!ctx.ttest(cp, 4)) break;
      std::uint8_t type = cp[2];
      unsigned hlen = cp[1];
      if ((type == 0 || type == 2 || type == 4) && hlen >= 2 && hlen % 2 == 0) {
        unsigned n = hlen / 2;
        const std::uint8_t* last = cp + 8 + (n - 1) * 16;
        ctx.tcheck(last, 16);
        dst = type == 4 ? cp + 8 : last;
      }
      break;
    }
    break;
  }
  std::uint32_t sum = 0;
  for (int i = 0; i < 16; i += 2) sum += load_be16(ip6 + 8 + i) + load_be16(dst + i);
  sum += (len >> 16) + (len & 0xffff);
  sum += next_proto;
  return in_cksum(data, covlen, sum);
}

}  // namespace tcplens::tcpdump
