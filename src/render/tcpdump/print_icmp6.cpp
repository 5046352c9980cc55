// ICMPv6, as tcpdump's print-icmp6.c prints it: errors, echo, MLD v1/v2, neighbour discovery
// with its options (-v), node information, router renumbering and RPL.
//
// Unlike ICMP for IPv4, tcpdump 4.99.3 does not print the packet quoted in an ICMPv6 error.
// Two ways out of a short packet, as in tcpdump: reads through ctx.u8/be16/... throw
// Truncated (tcpdump's GET_ longjmp, the rest of the packet is not printed), while the
// printer's own checks print " [|icmp6]" and return normally (tcpdump's "goto trunc"); the
// difference shows in what follows the marker (", length N", the extent of the -X dump).
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

constexpr std::uint8_t kDstUnreach = 1;
constexpr std::uint8_t kPacketTooBig = 2;
constexpr std::uint8_t kTimeExceeded = 3;
constexpr std::uint8_t kParamProb = 4;
constexpr std::uint8_t kEchoRequest = 128;
constexpr std::uint8_t kEchoReply = 129;
constexpr std::uint8_t kMldQuery = 130;
constexpr std::uint8_t kMldReport = 131;
constexpr std::uint8_t kMldDone = 132;
constexpr std::uint8_t kRouterSolicit = 133;
constexpr std::uint8_t kRouterAdvert = 134;
constexpr std::uint8_t kNeighborSolicit = 135;
constexpr std::uint8_t kNeighborAdvert = 136;
constexpr std::uint8_t kRedirect = 137;
constexpr std::uint8_t kRouterRenumbering = 138;
constexpr std::uint8_t kNiQuery = 139;
constexpr std::uint8_t kNiReply = 140;
constexpr std::uint8_t kIndSolicit = 141;
constexpr std::uint8_t kIndAdvert = 142;
constexpr std::uint8_t kMldv2Report = 143;
constexpr std::uint8_t kHaDiscovRequest = 144;
constexpr std::uint8_t kHaDiscovReply = 145;
constexpr std::uint8_t kMobilePrefixSolicit = 146;
constexpr std::uint8_t kMobilePrefixAdvert = 147;
constexpr std::uint8_t kRplMessage = 155;

constexpr unsigned kIcmp6HdrLen = 8;
constexpr unsigned kNiHdrLen = 16;  // sizeof(struct icmp6_nodeinfo)

const Tok kIcmp6Types[] = {
    {1, "destination unreachable"},
    {2, "packet too big"},
    {3, "time exceeded in-transit"},
    {4, "parameter problem"},
    {128, "echo request"},
    {129, "echo reply"},
    {130, "multicast listener query"},
    {131, "multicast listener report"},
    {132, "multicast listener done"},
    {133, "router solicitation"},
    {134, "router advertisement"},
    {135, "neighbor solicitation"},
    {136, "neighbor advertisement"},
    {137, "redirect"},
    {138, "router renumbering"},
    {141, "inverse neighbor solicitation"},
    {142, "inverse neighbor advertisement"},
    {143, "multicast listener report v2"},
    {144, "ha discovery request"},
    {145, "ha discovery reply"},
    {146, "mobile router solicitation"},
    {147, "mobile router advertisement"},
    {139, "who-are-you request"},
    {140, "who-are-you reply"},
    {201, "mtrace message"},
    {200, "mtrace response"},
    {155, "RPL"},
    {0, nullptr},
};

const Tok kDstUnreachCodes[] = {
    {0, "unreachable route"},
    {1, " unreachable prohibited"},
    {2, "beyond scope"},
    {3, "unreachable address"},
    {4, "unreachable port"},
    {0, nullptr},
};

const Tok kPrefixInfoFlags[] = {
    {0x80, "onlink"}, {0x40, "auto"}, {0x20, "router"}, {0, nullptr},
};

const Tok kRaFlags[] = {
    {0x80, "managed"}, {0x40, "other stateful"}, {0x20, "home agent"}, {0x02, "ipv6 only"},
    {0, nullptr},
};

const Tok kNaFlags[] = {
    {0x80000000, "router"}, {0x40000000, "solicited"}, {0x20000000, "override"}, {0, nullptr},
};

const Tok kNdOptions[] = {
    {1, "source link-address"},
    {2, "destination link-address"},
    {3, "prefix info"},
    {4, "redirected header"},
    {5, "mtu"},
    {25, "rdnss"},
    {31, "dnssl"},
    {7, "advertisement interval"},
    {8, "homeagent information"},
    {24, "route info"},
    {0, nullptr},
};

const Tok kMldv2RecordTypes[] = {
    {1, "is_in"}, {2, "is_ex"}, {3, "to_in"}, {4, "to_ex"}, {5, "allow"}, {6, "block"},
    {0, nullptr},
};

const Tok kRplMops[] = {
    {0, "nonstoring"},
    {1, "storing"},
    {2, "nonstoring-multicast"},
    {3, "storing-multicast"},
    {0, nullptr},
};

const Tok kRplSubopts[] = {
    {0, "pad1"},         {1, "padN"},        {2, "metrics"},    {3, "routinginfo"},
    {4, "config"},       {5, "rpltarget"},   {6, "transitinfo"}, {8, "destprefix"},
    {9, "rpltargetdesc"}, {0, nullptr},
};

const char* rtpref_name(std::uint8_t v) {
  static const char* const kNames[] = {"medium", "high", "rsv", "low"};
  return kNames[(v & 0x18) >> 3];
}

void put_lifetime(PrintContext& ctx, std::uint32_t v) {
  if (v == 0xffffffffu) {
    ctx.put("infinity");
  } else {
    ctx.put_u(v);
    ctx.put('s');
  }
}

// An IPv6 address that must be captured, checked before anything of the line is printed.
void check_ipv6(PrintContext& ctx, const std::uint8_t* p) { ctx.tcheck(p, 16); }

// ND_PRINT("<prefix>%s", GET_IP6ADDR_STRING(p)): nothing is printed when p is cut short.
void put_prefixed_ipv6(PrintContext& ctx, std::string_view prefix, const std::uint8_t* p) {
  ctx.tcheck(p, 16);
  ctx.put(prefix);
  ctx.out.put_ipv6(p);
}


// --- neighbour discovery options ---------------------------------------------------------

// Returns false when the options are cut short (the caller prints " [|icmp6]").
bool icmp6_opt_print(PrintContext& ctx, const std::uint8_t* bp, int resid) {
  const std::uint8_t* cp = bp;
  const std::uint8_t* ep = ctx.snapend;
  while (cp < ep) {
    if (!ctx.ttest(cp + 1, 1)) return false;
    if (resid <= 0) return true;
    std::uint8_t opt_type = ctx.u8(cp);
    unsigned opt_len = ctx.u8(cp + 1);
    if (opt_len == 0) return false;
    if (opt_len * 8 > static_cast<std::size_t>(ep - cp)) return false;
    const char* name = tok_lookup(kNdOptions, opt_type);
    ctx.put("\n\t  ");
    ctx.put(name ? name : "unknown");
    ctx.put(" option (");
    ctx.put_u(opt_type);
    ctx.put("), length ");
    ctx.put_u(opt_len << 3);
    ctx.put(" (");
    ctx.put_u(opt_len);
    ctx.put("): ");

    switch (opt_type) {
      case 1:    // source link-layer address
      case 2: {  // target link-layer address
        unsigned l = (opt_len << 3) - 2;
        for (unsigned k = 0; k < l; ++k) {
          if (k) ctx.put(':');
          ctx.out.put_hex_byte(ctx.u8(cp + 2 + k));
        }
        break;
      }
      case 3: {  // prefix information
        check_ipv6(ctx, cp + 16);
        std::uint8_t prefix_len = ctx.u8(cp + 2);
        std::uint8_t flags = ctx.u8(cp + 3);
        std::uint32_t valid = ctx.be32(cp + 4);
        ctx.out.put_ipv6(cp + 16);
        ctx.put('/');
        ctx.put_u(prefix_len);
        if (opt_len != 4) ctx.put("badlen");
        ctx.put(", Flags [");
        put_bittok(ctx, kPrefixInfoFlags, flags, "none", ", ");
        ctx.put("], valid time ");
        put_lifetime(ctx, valid);
        std::uint32_t preferred = ctx.be32(cp + 8);
        ctx.put(", pref. time ");
        put_lifetime(ctx, preferred);
        break;
      }
      case 4:  // redirected header: tcpdump dumps from the first option on
        print_unknown_data(ctx, bp, "\n\t    ", opt_len << 3);
        break;
      case 5: {  // MTU
        std::uint32_t mtu = ctx.be32(cp + 4);
        ctx.put(' ');
        ctx.put_u(mtu);
        if (opt_len != 1) ctx.put("bad option length");
        break;
      }
      case 25: {  // RDNSS
        unsigned l = (opt_len - 1) / 2;
        std::uint32_t lifetime = ctx.be32(cp + 4);
        ctx.put(" lifetime ");
        ctx.put_u(lifetime);
        ctx.put("s,");
        for (unsigned k = 0; k < l; ++k) {
          check_ipv6(ctx, cp + 8 + 16 * k);
          ctx.put(" addr: ");
          ctx.out.put_ipv6(cp + 8 + 16 * k);
        }
        break;
      }
      case 31: {  // DNSSL
        std::uint32_t lifetime = ctx.be32(cp + 4);
        ctx.put(" lifetime ");
        ctx.put_u(lifetime);
        ctx.put("s, domain(s):");
        const std::uint8_t* domp = cp + 8;
        const std::uint8_t* end = cp + (opt_len << 3);
        while (domp < end && ctx.u8(domp) != 0) {
          ctx.put(' ');
          domp = dns_name_print(ctx, domp, bp);
          if (domp == nullptr) return false;
        }
        break;
      }
      case 7: {  // advertisement interval
        std::uint32_t interval = ctx.be32(cp + 4);
        ctx.put(' ');
        ctx.put_u(interval);
        ctx.put("ms");
        break;
      }
      case 8: {  // home agent information
        std::uint16_t pref = ctx.be16(cp + 4);
        std::uint16_t lifetime = ctx.be16(cp + 6);
        ctx.put(" preference ");
        ctx.put_u(pref);
        ctx.put(", lifetime ");
        ctx.put_u(lifetime);
        break;
      }
      case 24: {  // route information
        if (!ctx.ttest(cp + 4, 4)) return false;
        std::uint8_t prefix[16] = {};
        switch (opt_len) {
          case 1:
            break;
          case 2:
            ctx.tcheck(cp + 8, 8);
            for (int k = 0; k < 8; ++k) prefix[k] = cp[8 + k];
            break;
          case 3:
            ctx.tcheck(cp + 8, 16);
            for (int k = 0; k < 16; ++k) prefix[k] = cp[8 + k];
            break;
          default:
            return false;
        }
        std::uint8_t prefix_len = ctx.u8(cp + 2);
        ctx.put(' ');
        ctx.out.put_ipv6(prefix);
        ctx.put('/');
        ctx.put_u(prefix_len);
        ctx.put(", pref=");
        ctx.put(rtpref_name(ctx.u8(cp + 3)));
        ctx.put(", lifetime=");
        put_lifetime(ctx, ctx.be32(cp + 4));
        break;
      }
      default:
        if (ctx.opt.verbose <= 1) {
          print_unknown_data(ctx, cp + 2, "\n\t  ", (opt_len << 3) - 2);
          return true;
        }
        break;
    }
    if (ctx.opt.verbose > 1) print_unknown_data(ctx, cp + 2, "\n\t    ", (opt_len << 3) - 2);
    cp += opt_len << 3;
    resid -= static_cast<int>(opt_len << 3);
  }
  return true;
}

// --- MLD -----------------------------------------------------------------------------------

void mld6_print(PrintContext& ctx, const std::uint8_t* bp) {
  if (!ctx.ttest(bp, 24)) return;
  ctx.put("max resp delay: ");
  ctx.put_u(ctx.be16(bp + 4));
  ctx.put(" addr: ");
  ctx.put_ipv6(bp + 8);
}

void mldv2_report_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  if (len < 8) {
    ctx.put(" [invalid len ");
    ctx.put_u(len);
    ctx.put(']');
    return;
  }
  unsigned ngroups = ctx.be16(bp + 6);  // read before anything is printed
  ctx.put(", ");
  ctx.put_u(ngroups);
  ctx.put(" group record(s)");
  if (!ctx.opt.verbose) return;
  unsigned group = 8;
  for (unsigned i = 0; i < ngroups; ++i) {
    if (len < group + 20) {
      ctx.put(" [invalid number of groups]");
      return;
    }
    put_prefixed_ipv6(ctx, " [gaddr ", bp + group + 4);
    std::uint8_t rtype = ctx.u8(bp + group);
    ctx.put(' ');
    if (const char* name = tok_lookup(kMldv2RecordTypes, rtype)) {
      ctx.put(name);
    } else {
      ctx.put(" [v2-report-#");
      ctx.put_u(rtype);
      ctx.put(']');
    }
    unsigned nsrcs = ctx.be16(bp + group + 2);
    if (len < group + 20 + nsrcs * 16) {
      ctx.put(" [invalid number of sources ");
      ctx.put_u(nsrcs);
      ctx.put(']');
      return;
    }
    if (ctx.opt.verbose == 1) {
      ctx.put(", ");
      ctx.put_u(nsrcs);
      ctx.put(" source(s)");
    } else {
      ctx.put(" {");
      for (unsigned j = 0; j < nsrcs; ++j) {
        put_prefixed_ipv6(ctx, " ", bp + group + 20 + j * 16);
      }
      ctx.put(" }");
    }
    group += 20 + nsrcs * 16;
    ctx.put(']');
  }
}

void mldv2_query_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  if (len < 28) {
    ctx.put(" [invalid len ");
    ctx.put_u(len);
    ctx.put(']');
    return;
  }
  unsigned mrc = ctx.be16(bp + 4);
  unsigned mrt = mrc < 32768 ? mrc : ((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3);
  if (ctx.opt.verbose) {
    ctx.put(" [max resp delay=");
    ctx.put_u(mrt);
    ctx.put(']');
  }
  put_prefixed_ipv6(ctx, " [gaddr ", bp + 8);
  if (ctx.opt.verbose) {
    std::uint8_t sqrv = ctx.u8(bp + 24);
    if (sqrv & 0x08) ctx.put(" sflag");
    if (sqrv & 0x07) {
      ctx.put(" robustness=");
      ctx.put_u(sqrv & 0x07);
    }
    unsigned qqic = ctx.u8(bp + 25);
    unsigned qqi = qqic < 128 ? qqic : ((qqic & 0x0f) | 0x10) << (((qqic & 0x70) >> 4) + 3);
    ctx.put(" qqi=");
    ctx.put_u(qqi);
  }
  unsigned nsrcs = ctx.be16(bp + 26);
  if (nsrcs > 0) {
    if (len < 28 + nsrcs * 16) {
      ctx.put(" [invalid number of sources]");
    } else if (ctx.opt.verbose > 1) {
      ctx.put(" {");
      for (unsigned i = 0; i < nsrcs; ++i) {
        put_prefixed_ipv6(ctx, " ", bp + 28 + i * 16);
      }
      ctx.put(" }");
    } else {
      ctx.put(", ");
      ctx.put_u(nsrcs);
      ctx.put(" source(s)");
    }
  }
  ctx.put(']');
}

// --- node information (RFC 4620) -----------------------------------------------------------

void dnsname_print(PrintContext& ctx, const std::uint8_t* cp, const std::uint8_t* ep) {
  ctx.put(", \"");
  while (cp < ep) {
    unsigned i = ctx.u8(cp);
    ++cp;
    if (i) {
      if (i > static_cast<std::size_t>(ep - cp)) {
        ctx.put("???");
        break;
      }
      while (i-- && cp < ep) {
        ctx.print_char(ctx.u8(cp));
        ++cp;
      }
      if (cp + 1 < ep && ctx.u8(cp)) ctx.put('.');
    } else {
      if (cp == ep) {
        ctx.put('.');
      } else if (cp + 1 == ep && ctx.u8(cp) == 0) {
        // truncated
      } else {
        ctx.put("???");
      }
      break;
    }
  }
  ctx.put('"');
}

// A DNS name as an old-draft Pascal string or as labels.
void ni_name_print(PrintContext& ctx, const std::uint8_t* cp, const std::uint8_t* ep) {
  if (static_cast<std::ptrdiff_t>(ctx.u8(cp)) == ep - cp - 1) {
    if (ctx.opt.verbose) ctx.put(", 03 draft");
    ++cp;
    ctx.put(", \"");
    for (; cp < ep; ++cp) ctx.print_char(ctx.u8(cp));
    ctx.put('"');
  } else {
    dnsname_print(ctx, cp, ep);
  }
}

void put_nodeaddr_flags(PrintContext& ctx, unsigned i, bool with_truncate) {
  ctx.put(" [");
  if (i & 0x0040) ctx.put('a');
  if (i & 0x0020) ctx.put('G');
  if (i & 0x0010) ctx.put('S');
  if (i & 0x0008) ctx.put('L');
  if (i & 0x0004) ctx.put('C');
  if (i & 0x0002) ctx.put('A');
  if (with_truncate && (i & 0x0001)) ctx.put('T');
  ctx.put(']');
}

void icmp6_nodeinfo_print(PrintContext& ctx, unsigned icmp6len, const std::uint8_t* bp,
                          const std::uint8_t* ep) {
  if (ep < bp) return;
  const std::uint8_t* dp = bp;
  const std::size_t siz = static_cast<std::size_t>(ep - bp);
  switch (ctx.u8(bp)) {
    case kNiQuery: {
      if (siz == kIcmp6HdrLen + 4) {
        ctx.put(" who-are-you request");
        break;
      }
      ctx.put(" node information query");
      if (!ctx.ttest(dp, kNiHdrLen)) return ctx.print_trunc();
      ctx.put(" (");
      unsigned qtype = ctx.be16(dp + 4);
      switch (qtype) {
        case 0:
          ctx.put("noop");
          break;
        case 1: {
          ctx.put("supported qtypes");
          unsigned i = ctx.be16(dp + 6);
          if (i) ctx.put((i & 0x01) ? " [C]" : " []");
          break;
        }
        case 2:
          ctx.put("DNS name");
          break;
        case 3: {
          ctx.put("node addresses");
          unsigned i = ctx.be16(dp + 6);
          if (i) put_nodeaddr_flags(ctx, i, false);
          break;
        }
        default:
          ctx.put("unknown");
          break;
      }
      if (qtype == 0 || qtype == 1) {
        if (siz != kNiHdrLen && ctx.opt.verbose) ctx.put(", invalid len");
        ctx.put(')');
        break;
      }
      if (siz == kNiHdrLen) {
        ctx.put(", 03 draft)");
        break;
      }
      const std::uint8_t* cp = dp + kNiHdrLen;
      switch (ctx.u8(dp + 1)) {
        case 0:  // subject is an IPv6 address
          if (!ctx.ttest(dp, kNiHdrLen + 16)) break;
          if (siz != kNiHdrLen + 16) {
            if (ctx.opt.verbose) ctx.put(", invalid subject len");
            break;
          }
          put_prefixed_ipv6(ctx, ", subject=", cp);
          break;
        case 1:  // subject is a DNS name
          ctx.put(", subject=DNS name");
          ni_name_print(ctx, cp, ep);
          break;
        case 2:  // subject is an IPv4 address
          if (!ctx.ttest(dp, kNiHdrLen + 4)) break;
          if (siz != kNiHdrLen + 4) {
            if (ctx.opt.verbose) ctx.put(", invalid subject len");
            break;
          }
          ctx.put(", subject=");
          ctx.put_ipv4(cp);
          break;
        default:
          ctx.put(", unknown subject");
          break;
      }
      ctx.put(')');
      break;
    }
    case kNiReply: {
      if (icmp6len > siz) return ctx.print_trunc();
      bool needcomma = false;
      if (!ctx.ttest(dp, kNiHdrLen)) return ctx.print_trunc();
      ctx.put(" node information reply (");
      std::uint8_t code = ctx.u8(dp + 1);
      switch (code) {
        case 0:
          if (ctx.opt.verbose) {
            ctx.put("success");
            needcomma = true;
          }
          break;
        case 1:
        case 2:
          ctx.put(code == 1 ? "refused" : "unknown");
          needcomma = true;
          if (siz != kNiHdrLen && ctx.opt.verbose) ctx.put(", invalid length");
          break;
        default:
          break;
      }
      if (code != 0) {
        ctx.put(')');
        break;
      }
      if (needcomma) ctx.put(", ");
      switch (ctx.be16(dp + 4)) {
        case 0:
          ctx.put("noop");
          if (siz != kNiHdrLen && ctx.opt.verbose) ctx.put(", invalid length");
          break;
        case 1: {
          ctx.put("supported qtypes");
          unsigned i = ctx.be16(dp + 6);
          if (i) ctx.put((i & 0x01) ? " [C]" : " []");
          break;
        }
        case 2:
          ctx.put("DNS name");
          ni_name_print(ctx, dp + kNiHdrLen + 4, ep);
          if (ctx.be16(dp + 6) & 0x01) {
            ctx.put(" [TTL=");
            ctx.put_u(ctx.be32(dp + kNiHdrLen));
            ctx.put(']');
          }
          break;
        case 3: {
          ctx.put("node addresses");
          for (std::size_t i = kNiHdrLen; i < siz; i += 20) {
            if (i + 20 > siz) break;
            check_ipv6(ctx, bp + i + 4);
            std::uint32_t ttl = ctx.be32(bp + i);
            ctx.put(' ');
            ctx.out.put_ipv6(bp + i + 4);
            ctx.put('(');
            ctx.put_u(ttl);
            ctx.put(')');
          }
          unsigned i = ctx.be16(dp + 6);
          if (i) put_nodeaddr_flags(ctx, i, true);
          break;
        }
        default:
          ctx.put("unknown");
          break;
      }
      ctx.put(')');
      break;
    }
    default:
      break;
  }
}

// --- router renumbering (RFC 2894) --------------------------------------------------------

void icmp6_rrenum_print(PrintContext& ctx, const std::uint8_t* bp, const std::uint8_t* ep) {
  if (ep < bp) return;
  const std::uint8_t* rr6 = bp;
  if (!ctx.ttest(rr6 + 12, 4)) return ctx.print_trunc();
  std::uint8_t code = ctx.u8(rr6 + 1);
  switch (code) {
    case 0:
      ctx.put(", command");
      break;
    case 1:
      ctx.put(", result");
      break;
    case 255:
      ctx.put(", sequence number reset");
      break;
    default:
      ctx.put(", code-#");
      ctx.put_u(code);
      break;
  }
  ctx.put(", seq=");
  ctx.put_u(ctx.be32(rr6 + 4));

  if (ctx.opt.verbose) {
    std::uint8_t flags = ctx.u8(rr6 + 9);
    ctx.put('[');
    if (flags) {
      if (flags & 0x80) ctx.put('T');
      if (flags & 0x40) ctx.put('R');
      if (flags & 0x20) ctx.put('A');
      if (flags & 0x10) ctx.put('S');
      if (flags & 0x08) ctx.put('P');
      ctx.put(',');
    }
    ctx.put("seg=");
    ctx.put_u(ctx.u8(rr6 + 8));
    ctx.put(",maxdelay=");
    ctx.put_u(ctx.be16(rr6 + 10));
    if (std::uint32_t rsvd = ctx.be32(rr6 + 12)) {
      ctx.put("rsvd=0x");
      ctx.out.put_hex(rsvd);
    }
    ctx.put(']');
  }

  if (code != 0) return;
  const std::uint8_t* match = rr6 + 16;
  const std::uint8_t* cp = match + 24;
  if (!ctx.ttest(match + 8, 16)) return ctx.print_trunc();
  ctx.put(ctx.opt.verbose > 1 ? "\n\t" : " ");
  ctx.put("match(");
  switch (std::uint8_t mcode = ctx.u8(match)) {
    case 1:
      ctx.put("add");
      break;
    case 2:
      ctx.put("change");
      break;
    case 3:
      ctx.put("setglobal");
      break;
    default:
      ctx.put('#');
      ctx.put_u(mcode);
      break;
  }
  if (ctx.opt.verbose) {
    ctx.put(",ord=");
    ctx.put_u(ctx.u8(match + 2));
    ctx.put(",min=");
    ctx.put_u(ctx.u8(match + 4));
    ctx.put(",max=");
    ctx.put_u(ctx.u8(match + 5));
  }
  ctx.put(',');
  ctx.out.put_ipv6(match + 8);
  ctx.put('/');
  ctx.put_u(ctx.u8(match + 3));
  ctx.put(')');

  int n = ctx.u8(match + 1) - 3;
  if (n % 4) return ctx.print_trunc();
  n /= 4;
  while (n-- > 0) {
    const std::uint8_t* use = cp;
    cp = use + 32;
    if (!ctx.ttest(use + 16, 16)) return ctx.print_trunc();
    ctx.put(ctx.opt.verbose > 1 ? "\n\t" : " ");
    ctx.put("use(");
    if (std::uint8_t uflags = ctx.u8(use + 12)) {
      if (uflags & 0x80) ctx.put('V');
      if (uflags & 0x40) ctx.put('P');
      ctx.put(',');
    }
    if (ctx.opt.verbose) {
      ctx.put("mask=0x");
      ctx.out.put_hex(ctx.u8(use + 2));
      ctx.put(",raflags=0x");
      ctx.out.put_hex(ctx.u8(use + 3));
      ctx.put(',');
      std::uint32_t vltime = ctx.be32(use + 4);
      ctx.put("vltime=");
      if (vltime == 0xffffffffu)
        ctx.put("infty");
      else
        ctx.put_u(vltime);
      ctx.put(',');
      std::uint32_t pltime = ctx.be32(use + 8);
      ctx.put("pltime=");
      if (pltime == 0xffffffffu)
        ctx.put("infty");
      else
        ctx.put_u(pltime);
      ctx.put(',');
    }
    ctx.out.put_ipv6(use + 16);
    ctx.put('/');
    ctx.put_u(ctx.u8(use));
    ctx.put('/');
    ctx.put_u(ctx.u8(use + 1));
    ctx.put(')');
  }
}

// --- RPL (RFC 6550) ------------------------------------------------------------------------

void rpl_printopts(PrintContext& ctx, const std::uint8_t* opts, unsigned length) {
  while (length != 0) {
    std::uint8_t dio_type = ctx.u8(opts);
    unsigned optlen;
    if (dio_type == 0) {
      optlen = 1;
      ctx.put(" opt:pad1");
    } else {
      if (length < 2) return ctx.print_trunc();
      optlen = ctx.u8(opts + 1) + 2u;
      ctx.put(" opt:");
      put_tok(ctx, kRplSubopts, dio_type, "subopt:");
      ctx.put(" len:");
      ctx.put_u(optlen);
      ctx.put(' ');
      if (!ctx.ttest(opts, optlen)) return ctx.print_trunc();
      if (length < optlen) return ctx.print_trunc();
      if (ctx.opt.verbose > 2) hex_print(ctx.out, " ", opts + 2, optlen - 2);
    }
    opts += optlen;
    length -= optlen;
  }
}

void put_dagid(PrintContext& ctx, const std::uint8_t* p) {
  if (p)
    ctx.out.put_ipv6(p);
  else
    ctx.put("<elided>");
}

void rpl_print(PrintContext& ctx, std::uint8_t code, const std::uint8_t* bp, unsigned length) {
  if (code & 0x80) {
    ctx.put(", (SEC) [worktodo]");
    return;
  }
  ctx.put(", (CLR)");
  switch (code & 0x7f) {
    case 0:
      ctx.put("DODAG Information Solicitation");
      break;
    case 1:
      ctx.put("DODAG Information Object");
      if (ctx.opt.verbose) {
        if (length < 24) {
          ctx.put(" [length ");
          ctx.put_u(length);
          ctx.put(" < 24]");
          ctx.print_invalid();
          break;
        }
        check_ipv6(ctx, bp + 8);
        std::uint8_t mopprf = ctx.u8(bp + 4);
        ctx.put(" [dagid:");
        ctx.out.put_ipv6(bp + 8);
        ctx.put(",seq:");
        ctx.put_u(ctx.u8(bp + 5));
        ctx.put(",instance:");
        ctx.put_u(ctx.u8(bp));
        ctx.put(",rank:");
        ctx.put_u(ctx.be16(bp + 2));
        ctx.put(',');
        if (mopprf & 0x80) ctx.put("grounded,");
        ctx.put("mop:");
        put_tok(ctx, kRplMops, (mopprf >> 3) & 7, "mop");
        ctx.put(",prf:");
        ctx.put_u(mopprf & 7);
        ctx.put(']');
        if (ctx.opt.verbose > 1) rpl_printopts(ctx, bp + 24, length - 24);
      }
      break;
    case 2:
      ctx.put("Destination Advertisement Object");
      if (ctx.opt.verbose) {
        if (!ctx.ttest(bp, 20)) return ctx.print_trunc();
        if (length < 4) {
          ctx.put(" [|length too short]");
          break;
        }
        const std::uint8_t* p = bp + 4;
        length -= 4;
        std::uint8_t flags = ctx.u8(bp + 1);
        const std::uint8_t* dagid = nullptr;
        if (flags & 0x40) {
          if (length < 16) {
            ctx.put(" [|length too short]");
            break;
          }
          dagid = bp + 4;
          p += 16;
          length -= 16;
        }
        ctx.put(" [dagid:");
        put_dagid(ctx, dagid);
        ctx.put(",seq:");
        ctx.put_u(ctx.u8(bp + 3));
        ctx.put(",instance:");
        ctx.put_u(ctx.u8(bp));
        if (flags & 0x80) ctx.put(",acK");
        if (flags & 0x40) ctx.put(",Dagid");
        ctx.put(',');
        ctx.out.put_hex_byte(flags);
        ctx.put(']');
        if (ctx.opt.verbose > 1) rpl_printopts(ctx, p, length);
      }
      break;
    case 3:
      ctx.put("Destination Advertisement Object Ack");
      if (ctx.opt.verbose) {
        if (!ctx.ttest(bp, 4)) return ctx.print_trunc();
        if (length < 4) {
          ctx.put(" [|dao-length too short]");
          break;
        }
        const std::uint8_t* p = bp + 4;
        length -= 4;
        const std::uint8_t* dagid = nullptr;
        if (ctx.u8(bp + 1) & 0x80) {
          if (!ctx.ttest(bp + 4, 16)) return ctx.print_trunc();
          if (length < 16) {
            ctx.put(" [|dao-length too short]");
            break;
          }
          dagid = bp + 4;
          p += 16;
          length -= 16;
        }
        ctx.put(" [dagid:");
        put_dagid(ctx, dagid);
        ctx.put(",seq:");
        ctx.put_u(ctx.u8(bp + 2));
        ctx.put(",instance:");
        ctx.put_u(ctx.u8(bp));
        ctx.put(",status:");
        ctx.put_u(ctx.u8(bp + 3));
        ctx.put(']');
        if (ctx.opt.verbose > 1) rpl_printopts(ctx, p, length);
      }
      break;
    default:
      ctx.put("RPL message, unknown code ");
      ctx.put_u(code);
      break;
  }
}

// --- port unreachable: the transport header of the quoted packet (get_upperlayer) -----------

// The quoted packet's UDP/TCP header, or null; *prot gets the protocol found.
const std::uint8_t* get_upperlayer(PrintContext& ctx, const std::uint8_t* bp, unsigned* prot) {
  const std::uint8_t* ep = ctx.snapend;
  if (!ctx.ttest(bp + 6, 1)) return nullptr;
  unsigned nh = ctx.u8(bp + 6);
  unsigned hlen = 40;
  while (bp < ep) {
    bp += hlen;
    switch (nh) {
      case 17:
      case 6:
        if (ctx.ttest(bp + 2, 2)) {
          *prot = nh;
          return bp;
        }
        return nullptr;
      case 0:
      case 60:
      case 43:
        if (!ctx.ttest(bp + 1, 1)) return nullptr;
        nh = ctx.u8(bp);
        hlen = (ctx.u8(bp + 1) + 1u) << 3;
        break;
      case 44:
        if (!ctx.ttest(bp + 2, 2)) return nullptr;
        if ((ctx.be16(bp + 2) & 0xfff8) != 0) return nullptr;
        nh = ctx.u8(bp);
        hlen = 8;
        break;
      case 51:
        if (!ctx.ttest(bp + 1, 1)) return nullptr;
        nh = ctx.u8(bp);
        hlen = (ctx.u8(bp + 1) + 2u) << 2;
        break;
      default:
        *prot = nh;
        return nullptr;
    }
  }
  return nullptr;
}

}  // namespace

void icmp6_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length,
                 const std::uint8_t* iph, bool fragmented) {
  ctx.protocol = "icmp6";
  const std::uint8_t* dp = bp;
  const std::uint8_t* oip = dp + kIcmp6HdrLen;  // the quoted packet of an error message
  const std::uint8_t* ep = ctx.snapend;
  if (length == 0) {
    ctx.put("ICMP6, length 0");
    ctx.print_invalid();
    return;
  }

  if (ctx.opt.verbose && !fragmented && ctx.ttest(bp, length)) {
    std::uint16_t icmp_sum = ctx.be16(dp + 2);
    std::uint16_t sum = nextproto6_cksum(ctx, iph, dp, length, length, 58);
    if (sum != 0) {
      ctx.put("[bad icmp6 cksum 0x");
      ctx.out.put_hex(icmp_sum, 4);
      ctx.put(" -> 0x");
      ctx.out.put_hex(in_cksum_shouldbe(icmp_sum, sum), 4);
      ctx.put("!] ");
    } else {
      ctx.put("[icmp6 sum ok] ");
    }
  }

  std::uint8_t type = ctx.u8(dp);
  ctx.put("ICMP6, ");
  put_tok(ctx, kIcmp6Types, type, "unknown icmp6 type (");
  if (!tok_lookup(kIcmp6Types, type)) ctx.put(')');

  if (ctx.opt.verbose &&
      (type == kRouterSolicit || type == kRouterAdvert || type == kNeighborAdvert ||
       type == kNeighborSolicit || type == kRedirect || type == kHaDiscovReply ||
       type == kMobilePrefixAdvert)) {
    ctx.put(", length ");
    ctx.put_u(length);
  }

  std::uint8_t code = ctx.u8(dp + 1);
  switch (type) {
    case kDstUnreach:
      ctx.put(", ");
      put_tok(ctx, kDstUnreachCodes, code, "unknown unreach code (");
      if (!tok_lookup(kDstUnreachCodes, code)) ctx.put(')');
      switch (code) {
        case 0:
        case 1:
        case 3:
          put_prefixed_ipv6(ctx, " ", oip + 24);
          break;
        case 2:
          check_ipv6(ctx, oip + 24);
          check_ipv6(ctx, oip + 8);
          ctx.put(' ');
          ctx.out.put_ipv6(oip + 24);
          ctx.put(", source address ");
          ctx.out.put_ipv6(oip + 8);
          break;
        case 4: {
          unsigned prot = 0;
          const std::uint8_t* ouh = get_upperlayer(ctx, oip, &prot);
          if (ouh == nullptr) return ctx.print_trunc();
          std::uint16_t dport = ctx.be16(ouh + 2);
          check_ipv6(ctx, oip + 24);
          ctx.put(", ");
          ctx.out.put_ipv6(oip + 24);
          if (prot == 6) {
            ctx.put(" tcp port ");
            ctx.put_u(dport);
          } else if (prot == 17) {
            ctx.put(" udp port ");
            ctx.put_u(dport);
          } else {
            ctx.put(" protocol ");
            ctx.put_u(prot);
            ctx.put(" port ");
            ctx.put_u(dport);
            ctx.put(" unreachable");
          }
          break;
        }
        default:
          if (ctx.opt.verbose <= 1) {
            print_unknown_data(ctx, bp, "\n\t", length);
            return;
          }
          break;
      }
      break;
    case kPacketTooBig: {
      std::uint32_t mtu = ctx.be32(dp + 4);
      ctx.put(", mtu ");
      ctx.put_u(mtu);
      break;
    }
    case kTimeExceeded:
      switch (code) {
        case 0:
          put_prefixed_ipv6(ctx, " for ", oip + 24);
          break;
        case 1:
          ctx.put(" (reassembly)");
          break;
        default:
          ctx.put(", unknown code (");
          ctx.put_u(code);
          ctx.put(')');
          break;
      }
      break;
    case kParamProb: {
      if (!ctx.ttest(oip + 24, 16)) return ctx.print_trunc();
      static const char* const kTexts[] = {", erroneous - octet ", ", next header - octet ",
                                           ", option - octet ",
                                           ", incomplete header chain - octet "};
      if (code < 4) {
        std::uint32_t pptr = ctx.be32(dp + 4);
        ctx.put(kTexts[code]);
        ctx.put_u(pptr);
      } else {
        ctx.put(", code-#");
        ctx.put_u(code);
      }
      break;
    }
    case kEchoRequest:
    case kEchoReply: {
      std::uint16_t id = ctx.be16(dp + 4);
      std::uint16_t seq = ctx.be16(dp + 6);
      ctx.put(", id ");
      ctx.put_u(id);
      ctx.put(", seq ");
      ctx.put_u(seq);
      break;
    }
    case kMldQuery:
      if (length == 24) {
        mld6_print(ctx, dp);
      } else if (length >= 28) {
        ctx.put(" v2");
        mldv2_query_print(ctx, dp, length);
      } else {
        ctx.put(" unknown-version (len ");
        ctx.put_u(length);
        ctx.put(") ");
      }
      break;
    case kMldReport:
    case kMldDone:
      mld6_print(ctx, dp);
      break;
    case kRouterSolicit:
      if (ctx.opt.verbose &&
          !icmp6_opt_print(ctx, dp + 8, static_cast<int>(length - 8)))
        return ctx.print_trunc();
      break;
    case kRouterAdvert:
      if (ctx.opt.verbose) {
        std::uint8_t hoplimit = ctx.u8(dp + 4);
        std::uint8_t flags = ctx.u8(dp + 5);
        std::uint16_t lifetime = ctx.be16(dp + 6);
        std::uint32_t reachable = ctx.be32(dp + 8);
        std::uint32_t retrans = ctx.be32(dp + 12);
        ctx.put("\n\thop limit ");
        ctx.put_u(hoplimit);
        ctx.put(", Flags [");
        put_bittok(ctx, kRaFlags, flags, "none", ", ");
        ctx.put("], pref ");
        ctx.put(rtpref_name(flags));
        ctx.put(", router lifetime ");
        ctx.put_u(lifetime);
        ctx.put("s, reachable time ");
        ctx.put_u(reachable);
        ctx.put("ms, retrans timer ");
        ctx.put_u(retrans);
        ctx.put("ms");
        if (!icmp6_opt_print(ctx, dp + 16, static_cast<int>(length - 16)))
          return ctx.print_trunc();
      }
      break;
    case kNeighborSolicit:
      put_prefixed_ipv6(ctx, ", who has ", dp + 8);
      if (ctx.opt.verbose && !icmp6_opt_print(ctx, dp + 24, static_cast<int>(length - 24)))
        return ctx.print_trunc();
      break;
    case kNeighborAdvert:
      put_prefixed_ipv6(ctx, ", tgt is ", dp + 8);
      if (ctx.opt.verbose) {
        std::uint32_t flags = ctx.be32(dp + 4);
        ctx.put(", Flags [");
        put_bittok(ctx, kNaFlags, flags, "none", ", ");
        ctx.put(']');
        if (!icmp6_opt_print(ctx, dp + 24, static_cast<int>(length - 24)))
          return ctx.print_trunc();
      }
      break;
    case kRedirect:
      put_prefixed_ipv6(ctx, ", ", dp + 24);
      put_prefixed_ipv6(ctx, " to ", dp + 8);
      if (ctx.opt.verbose && !icmp6_opt_print(ctx, dp + 40, static_cast<int>(length - 40)))
        return ctx.print_trunc();
      break;
    case kRouterRenumbering:
      icmp6_rrenum_print(ctx, bp, ep);
      break;
    case kNiQuery:
    case kNiReply:
      icmp6_nodeinfo_print(ctx, length, bp, ep);
      break;
    case kIndSolicit:
    case kIndAdvert:
      break;
    case kMldv2Report:
      mldv2_report_print(ctx, dp, length);
      break;
    case kMobilePrefixSolicit:
    case kHaDiscovRequest: {
      std::uint16_t id = ctx.be16(dp + 4);
      ctx.put(", id 0x");
      ctx.out.put_hex(id, 4);
      break;
    }
    case kHaDiscovReply:
      if (ctx.opt.verbose) {
        std::uint16_t id = ctx.be16(dp + 4);
        ctx.put(", id 0x");
        ctx.out.put_hex(id, 4);
        const std::uint8_t* end = dp + length;
        for (const std::uint8_t* p = dp + 8; p < end; p += 16) put_prefixed_ipv6(ctx, ", ", p);
      }
      break;
    case kMobilePrefixAdvert:
      if (ctx.opt.verbose) {
        std::uint16_t id = ctx.be16(dp + 4);
        ctx.put(", id 0x");
        ctx.out.put_hex(id, 4);
        std::uint16_t flags = ctx.be16(dp + 6);
        if (flags & 0xc000) ctx.put(' ');
        if (flags & 0x8000) ctx.put('M');
        if (flags & 0x4000) ctx.put('O');
        if (!icmp6_opt_print(ctx, dp + 8, static_cast<int>(length - 8)))
          return ctx.print_trunc();
      }
      break;
    case kRplMessage:
      rpl_print(ctx, code, dp + 4, length - 4);
      break;
    default:
      ctx.put(", length ");
      ctx.put_u(length);
      if (ctx.opt.verbose <= 1) print_unknown_data(ctx, bp, "\n\t", length);
      return;
  }
  if (!ctx.opt.verbose) {
    ctx.put(", length ");
    ctx.put_u(length);
  }
}

}  // namespace tcplens::tcpdump
