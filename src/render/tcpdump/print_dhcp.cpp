// BOOTP/DHCP (RFC 951, RFC 2131, options RFC 2132 and later) and DHCPv6 (RFC 8415) as
// tcpdump 4.99.3 prints them (print-bootp.c, print-dhcp6.c): the first line at every
// verbosity; with -v the fixed fields, the vendor area (RFC 1048 options or CMU's) and every
// DHCPv6 option, nested options inside IA_NA, IA_TA, IA_PD and relay messages included.
//
// Every read goes through the context, so a packet cut short ends in " [|bootp]" or
// " [|dhcp6]" where tcpdump's GET macros would longjmp. DHCPv6 options that run past the
// end of what was captured are tcpdump's "goto trunc": " [|dhcp6]" ends that option list
// only, and the enclosing parentheses are still closed, as tcpdump does.
#include <algorithm>

#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

// BOOTP fixed header (RFC 951 3, RFC 2131 2): offsets of the fields after op, htype, hlen,
// hops.
constexpr unsigned kXid = 4, kSecs = 8, kFlags = 10, kCiaddr = 12, kYiaddr = 16, kSiaddr = 20,
                   kGiaddr = 24, kChaddr = 28, kSname = 44, kFile = 108, kVend = 236;
constexpr unsigned kSnameLen = 64, kFileLen = 128;

// RFC 1048 options: tcpdump's tag2str, each name led by the letter that chooses how the
// value is printed: i addresses, p address pairs, l unsigned and L signed 32-bit numbers,
// s 16-bit numbers, b dotted bytes, B booleans, a text, $ an option of its own, ' ' none.
const Tok kBootpTags[] = {
    {0, " PAD"}, {1, "iSubnet-Mask"}, {2, "LTime-Zone"}, {3, "iDefault-Gateway"},
    {4, "iTime-Server"}, {5, "iIEN-Name-Server"}, {6, "iDomain-Name-Server"}, {7, "iLOG"},
    {8, "iCS"}, {9, "iLPR-Server"}, {10, "iIM"}, {11, "iRL"}, {12, "aHostname"},
    {13, "sBS"}, {255, " END"}, {14, "aDP"}, {15, "aDomain-Name"}, {16, "iSS"},
    {17, "aRP"}, {18, "aEP"}, {19, "BIPF"}, {20, "BSRT"}, {21, "pPF"}, {22, "sRSZ"},
    {23, "bTTL"}, {24, "lMTU-Timeout"}, {25, "sMTU-Table"}, {26, "sMTU"}, {27, "BLSN"},
    {28, "iBR"}, {29, "BMD"}, {30, "BMS"}, {31, "BRouter-Discovery"}, {32, "iRSA"},
    {33, "pStatic-Route"}, {34, "BUT"}, {35, "lAT"}, {36, "BIE"}, {37, "bTT"},
    {38, "lKI"}, {39, "BKG"}, {40, "aYD"}, {41, "iYS"}, {42, "iNTP"},
    {43, "bVendor-Option"}, {44, "iNetbios-Name-Server"}, {45, "iWDD"},
    {46, "$Netbios-Node"}, {47, "aNetbios-Scope"}, {48, "iXFS"}, {49, "iXDM"},
    {64, "sN+D"}, {65, "iN+S"}, {68, "iMH"}, {69, "iSMTP"}, {70, "iPOP3"}, {71, "iNNTP"},
    {72, "iWWW"}, {73, "iFG"}, {74, "iIRC"}, {75, "iSTS"}, {76, "iSTDA"},
    {50, "iRequested-IP"}, {51, "lLease-Time"}, {52, "$OO"}, {66, "aTFTP"}, {67, "aBF"},
    {53, " DHCP-Message"}, {54, "iServer-ID"}, {55, "bParameter-Request"}, {56, "aMSG"},
    {57, "sMSZ"}, {58, "lRN"}, {59, "lRB"}, {60, "aVendor-Class"}, {61, "$Client-ID"},
    {98, "aUAP"}, {116, "BNOAUTO"}, {78, "bSLP-DA"}, {79, "bSLP-SCOPE"},
    {117, "sNSSEARCH"}, {77, "$User-Class"}, {118, "iSUBNET"},
    {121, "$Classless-Static-Route"}, {249, "$Classless-Static-Route-Microsoft"},
    {150, "iTFTP-Server-Address"}, {80, "aSLP-NA"}, {81, "$FQDN"},
    {82, "$Agent-Information"}, {83, "bARMT"}, {88, "aTZSTR"}, {89, "bFQDNS"},
    {90, "bAUTH"}, {91, "lLast-Transaction-Time"}, {92, "iAssociated-IP"}, {93, "sARCH"},
    {94, "bNDI"}, {97, "bGUID"}, {95, "aLDAP"}, {100, "aPOSIX-TZ"}, {101, "aTZ-Name"},
    {112, "iNI"}, {113, "aNITAG"}, {114, "aURL"}, {161, "aMUD-URL"}, {0, nullptr}};

constexpr std::uint8_t kTagPad = 0, kTagEnd = 255, kTagNetbiosNode = 46, kTagOverload = 52,
                       kTagDhcpMessage = 53, kTagParamRequest = 55, kTagClientId = 61,
                       kTagUserClass = 77, kTagClientFqdn = 81, kTagAgentInfo = 82,
                       kTagClasslessRoute = 121, kTagClasslessRouteMs = 249;

const char* bootp_tag(std::uint8_t tag) {
  const char* name = tok_lookup(kBootpTags, tag);
  return name != nullptr ? name : "?Unknown";
}

// nd_printjn(): n bytes as fn_print_char, no stop at a NUL.
void print_n(PrintContext& ctx, const std::uint8_t* p, unsigned n) {
  for (unsigned i = 0; i < n; ++i) ctx.print_char(ctx.u8(p + i));
}

void print_quoted(PrintContext& ctx, const std::uint8_t* p, unsigned n) {
  ctx.put('"');
  print_n(ctx, p, n);
  ctx.put('"');
}

void put_hex2(PrintContext& ctx, std::uint8_t v) { ctx.out.put_hex_byte(v); }

// Option 81 (RFC 4702 2): flags, two obsolete RCODEs, the name as text.
void client_fqdn_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  const std::uint8_t flags = ctx.u8(bp);
  if (flags & 0xf0) {
    ctx.put("[ERROR: MBZ nibble 0x");
    ctx.out.put_hex(flags >> 4);
    ctx.put(" != 0] ");
  }
  if (flags & 0x0f) {
    ctx.put('[');
    if (flags & 0x01) ctx.put('S');
    if (flags & 0x02) ctx.put('O');
    if (flags & 0x04) ctx.put('E');
    if (flags & 0x08) ctx.put('N');
    ctx.put("] ");
  }
  if (ctx.u8(bp + 1) || ctx.u8(bp + 2)) {
    ctx.put_u(bp[1]);
    ctx.put('/');
    ctx.put_u(bp[2]);
    ctx.put(' ');
  }
  print_quoted(ctx, bp + 3, len - 3);
}

// Option 82 (RFC 3046 2.0): sub-options; circuit, remote and subscriber IDs as text.
void agent_info_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  static const Tok kSubopts[] = {{1, "Circuit-ID"}, {2, "Remote-ID"}, {6, "Subscriber-ID"},
                                 {0, nullptr}};
  while (len >= 2) {
    const std::uint8_t subopt = ctx.u8(bp), sublen = ctx.u8(bp + 1);
    bp += 2, len -= 2;
    const char* name = tok_lookup(kSubopts, subopt);
    ctx.put("\n\t      ");
    ctx.put(name != nullptr ? name : "Unknown");
    ctx.put(" SubOption ");
    ctx.put_u(subopt);
    ctx.put(", length ");
    ctx.put_u(sublen);
    if (sublen > len) {
      ctx.put(": length goes past end of option");
      return;
    }
    ctx.put(": ");
    if (name != nullptr)
      print_n(ctx, bp, sublen);
    else
      print_unknown_data(ctx, bp, "\n\t\t", sublen);
    bp += sublen, len -= sublen;
  }
}

// Options 121 and 249 (RFC 3442): (destination/width:router) ...; returns what is left.
void classless_routes_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  bool first = true;
  while (len > 0) {
    if (!first) ctx.put(',');
    first = false;
    const unsigned width = ctx.u8(bp++);
    --len;
    if (width > 32) {
      ctx.put("[ERROR: Mask width (");
      ctx.put_u(width);
      ctx.put(") > 32]");
      return;
    }
    const unsigned octets = (width + 7) / 8;
    if (len < octets + 4) {
      ctx.put("[ERROR: Remaining length (");
      ctx.put_u(len);
      ctx.put(") < ");
      ctx.put_u(octets + 4);
      ctx.put(" bytes]");
      return;
    }
    ctx.put('(');
    if (width == 0) {
      ctx.put("default");
    } else {
      for (unsigned i = 0; i < octets; ++i) {
        if (i > 0) ctx.put('.');
        ctx.put_u(ctx.u8(bp++));
      }
      for (unsigned i = octets; i < 4; ++i) ctx.put(".0");
      ctx.put('/');
      ctx.put_u(width);
    }
    ctx.put(':');
    ctx.put_ipv4(bp);
    ctx.put(')');
    bp += 4;
    len -= octets + 4;
  }
}

// Option 77 (RFC 3004 2): length-prefixed instances.
void user_class_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  for (unsigned n = 1; len > 0; ++n) {
    const unsigned sublen = ctx.u8(bp++);
    --len;
    ctx.put("\n\t      instance#");
    ctx.put_u(n);
    ctx.put(": ");
    if (sublen == 0) return ctx.put("[ERROR: suboption length must be non-zero]");
    if (len < sublen) return ctx.put("[ERROR: invalid option]");
    print_quoted(ctx, bp, sublen);
    ctx.put(", length ");
    ctx.put_u(sublen);
    bp += sublen, len -= sublen;
  }
}

// The '$' options: returns the length left over (for "trailing data").
unsigned special_option_print(PrintContext& ctx, std::uint8_t tag, const std::uint8_t* bp,
                              unsigned len) {
  auto too_short = [&](unsigned min) {
    if (len >= min) return false;
    ctx.put("[ERROR: length < ");
    ctx.put_u(min);
    ctx.put(" bytes]");
    return true;
  };
  switch (tag) {
    case kTagNetbiosNode:
    case kTagOverload: {
      if (too_short(1)) return 0;
      static const Tok kNodes[] = {{1, "b-node"}, {2, "p-node"}, {4, "m-node"}, {8, "h-node"},
                                   {0, nullptr}};
      static const Tok kOverload[] = {{1, "file"}, {2, "sname"}, {3, "file+sname"},
                                      {0, nullptr}};
      put_tok(ctx, tag == kTagOverload ? kOverload : kNodes, ctx.u8(bp), "#");
      return len - 1;
    }
    case kTagClientFqdn:
      if (!too_short(3)) client_fqdn_print(ctx, bp, len);
      return 0;
    case kTagClientId: {
      if (too_short(1)) return 0;
      const std::uint8_t type = ctx.u8(bp);
      if (type == 0) {
        print_quoted(ctx, bp + 1, len - 1);
        return 0;
      }
      static const Tok kArpTypes[] = {{1, "ether"}, {6, "ieee802"}, {7, "arcnet"},
                                      {15, "frelay"}, {23, "strip"}, {24, "ieee1394"},
                                      {0, nullptr}};
      put_tok(ctx, kArpTypes, type, "hardware-type ", ",");
      ctx.put(' ');
      for (unsigned i = 1; i < len; ++i) {
        if (i > 1) ctx.put(':');
        put_hex2(ctx, ctx.u8(bp + i));
      }
      return 0;
    }
    case kTagAgentInfo:
      agent_info_print(ctx, bp, len);
      return 0;
    case kTagClasslessRoute:
    case kTagClasslessRouteMs:
      if (!too_short(5)) classless_routes_print(ctx, bp, len);
      return 0;
    case kTagUserClass:
      if (!too_short(2)) user_class_print(ctx, bp, len);
      return 0;
    default:
      ctx.put("[unknown special tag ");
      ctx.put_u(tag);
      ctx.put(", size ");
      ctx.put_u(len);
      ctx.put(']');
      return 0;
  }
}

// One option's value in the format its table letter names; returns the length left over.
unsigned option_value_print(PrintContext& ctx, char format, std::uint8_t tag,
                            const std::uint8_t* bp, unsigned len) {
  if (format == '?') format = (len & 1) ? 'b' : (len & 2) ? 's' : 'l';  // unknown: by size
  bool first = true;
  auto sep = [&](char c) {
    if (!first) ctx.put(c);
    first = false;
  };
  switch (format) {
    case 'a':
      print_quoted(ctx, bp, len);
      return 0;
    case 'i':
    case 'l':
    case 'L':
      for (; len >= 4; bp += 4, len -= 4) {
        sep(',');
        if (format == 'i')
          ctx.put_ipv4(bp);
        else if (format == 'L')
          ctx.out.put_i64(static_cast<std::int32_t>(ctx.be32(bp)));
        else
          ctx.put_u(ctx.be32(bp));
      }
      return len;
    case 'p':
      for (; len >= 8; bp += 8, len -= 8) {
        sep(',');
        ctx.put('(');
        ctx.put_ipv4(bp);
        ctx.put(':');
        ctx.put_ipv4(bp + 4);
        ctx.put(')');
      }
      return len;
    case 's':
      for (; len >= 2; bp += 2, len -= 2) {
        sep(',');
        ctx.put_u(ctx.be16(bp));
      }
      return len;
    case 'B':
      for (; len > 0; ++bp, --len) {
        sep(',');
        const std::uint8_t v = ctx.u8(bp);
        if (v == 0) {
          ctx.put('N');
        } else if (v == 1) {
          ctx.put('Y');
        } else {
          ctx.put_u(v);
          ctx.put('?');
        }
      }
      return 0;
    case '$':
      return special_option_print(ctx, tag, bp, len);
    default:  // 'b', 'x' and ' '
      for (; len > 0; ++bp, --len) {
        sep(format == 'x' ? ':' : '.');
        if (format == 'x')
          put_hex2(ctx, ctx.u8(bp));
        else
          ctx.put_u(ctx.u8(bp));
      }
      return 0;
  }
}

// rfc1048_print(): the options after the magic cookie, until END (RFC 2132 3.2) or the end
// of the capture. With -vvv PAD and END are printed too.
void rfc1048_print(PrintContext& ctx, const std::uint8_t* bp) {
  ctx.put("\n\t  Vendor-rfc1048 Extensions\n\t    Magic Cookie 0x");
  ctx.out.put_hex(ctx.be32(bp), 8);
  bp += 4;
  const bool all = ctx.opt.verbose >= 3;
  while (ctx.ttest(bp, 1)) {
    const std::uint8_t tag = *bp++;
    if (tag == kTagPad && !all) continue;
    if (tag == kTagEnd && !all) return;
    const char* name = bootp_tag(tag);
    unsigned len = 0;
    if (tag != kTagPad && tag != kTagEnd) len = ctx.u8(bp++);
    ctx.put("\n\t    ");
    ctx.put(name + 1);
    ctx.put(" (");
    ctx.put_u(tag);
    ctx.put("), length ");
    ctx.put_u(len);
    if (len > 0) ctx.put(": ");
    if (tag == kTagPad && all) {
      unsigned pads = 1;
      for (; ctx.ttest(bp, 1) && *bp == kTagPad; ++bp) ++pads;
      if (pads > 1) {
        ctx.put(", occurs ");
        ctx.put_u(pads);
      }
    }
    if (!ctx.ttest(bp, len)) return ctx.print_trunc();
    if (tag == kTagDhcpMessage && len == 1) {
      static const Tok kMessages[] = {{1, "Discover"}, {2, "Offer"}, {3, "Request"},
                                      {4, "Decline"},  {5, "ACK"},   {6, "NACK"},
                                      {7, "Release"},  {8, "Inform"}, {0, nullptr}};
      put_tok(ctx, kMessages, *bp, "Unknown (", ")");
      ++bp;
      continue;
    }
    if (tag == kTagParamRequest) {
      for (unsigned i = 0; i < len; ++i) {
        ctx.put(i % 4 == 0 ? "\n\t      " : ", ");
        ctx.put(bootp_tag(bp[i]) + 1);
        ctx.put(" (");
        ctx.put_u(bp[i]);
        ctx.put(')');
      }
      bp += len;
      continue;
    }
    const unsigned left = option_value_print(ctx, name[0], tag, bp, len);
    bp += len;
    if (left != 0) {
      ctx.put("\n\t  trailing data length ");
      ctx.put_u(left);
    }
  }
}

// cmu_print(): the CMU vendor area (magic "CMU\0", flags, eight addresses).
void cmu_fields_print(PrintContext& ctx, const std::uint8_t* bp) {
  // Watch out: tcpdump reads the first byte of the 32-bit flags word.
  const std::uint8_t flags = ctx.u8(bp + 4);
  ctx.tcheck(bp + 4, 4);
  if (flags & ~1u) {
    ctx.put(" F:0x");
    ctx.out.put_hex(flags);
  }
  struct Field {
    unsigned offset;
    const char* name;
  };
  const Field fields[] = {{12, "DG"}, {8, (flags & 1) ? "SM" : "SM*"}, {16, "NS1"}, {20, "NS2"},
                          {24, "IEN1"}, {28, "IEN2"}, {32, "TS1"}, {36, "TS2"}};
  for (const Field& f : fields) {
    if (ctx.be32(bp + f.offset) == 0) continue;
    ctx.put(' ');
    ctx.put(f.name);
    ctx.put(':');
    ctx.put_ipv4(bp + f.offset);
  }
}

void cmu_print(PrintContext& ctx, const std::uint8_t* bp) {
  ctx.put(" vend-cmu");
  try {  // every field behind ND_TCHECK: the local label
    cmu_fields_print(ctx, bp);
  } catch (const Truncated&) {
    ctx.print_trunc();
  }
}

// sname and file: printed when the first byte is not NUL, up to the NUL.
bool bootp_string_print(PrintContext& ctx, const std::uint8_t* p, unsigned n, const char* label) {
  if (ctx.u8(p) == 0) return true;
  ctx.put(label);
  const bool whole = print_zt(ctx, p, n) != 0;
  ctx.put('"');
  if (!whole) ctx.print_trunc();
  return whole;
}

// Watch out: tcpdump checks some parts with ND_TCHECK and a local label (" [|bootp]", and
// the printing of the packet goes on: -X leaves the link header out) and reads others with
// its GET macros (a longjmp: -X dumps the whole frame). Here the first are ttest() and an
// early return, the second the context's throwing reads.
void bootp_verbose_print(PrintContext& ctx, const std::uint8_t* bp) {
  if (!ctx.ttest(bp + kSecs, 2)) return ctx.print_trunc();
  const std::uint8_t htype = bp[1], hlen = bp[2];
  if (htype != 1) {
    ctx.put(", htype ");
    ctx.put_u(htype);
  }
  if (htype != 1 || hlen != 6) {
    ctx.put(", hlen ");
    ctx.put_u(hlen);
  }
  if (bp[3]) {
    ctx.put(", hops ");
    ctx.put_u(bp[3]);
  }
  if (const std::uint32_t xid = load_be32(bp + kXid)) {
    ctx.put(", xid 0x");
    ctx.out.put_hex(xid);
  }
  if (const std::uint16_t secs = load_be16(bp + kSecs)) {
    ctx.put(", secs ");
    ctx.put_u(secs);
  }
  const std::uint16_t flags = ctx.be16(bp + kFlags);
  ctx.put(", Flags [");
  ctx.put((flags & 0x8000) ? "Broadcast" : "none");
  ctx.put(']');
  if (ctx.opt.verbose > 1) {
    ctx.put(" (0x");
    ctx.out.put_hex(flags, 4);
    ctx.put(')');
  }
  static constexpr struct {
    unsigned offset;
    const char* label;
  } kAddrs[] = {{kCiaddr, "\n\t  Client-IP "}, {kYiaddr, "\n\t  Your-IP "},
                {kSiaddr, "\n\t  Server-IP "}, {kGiaddr, "\n\t  Gateway-IP "}};
  for (const auto& a : kAddrs) {
    if (ctx.be32(bp + a.offset) == 0) continue;
    ctx.put(a.label);
    ctx.put_ipv4(bp + a.offset);
  }
  if (htype == 1 && hlen == 6) {
    ctx.tcheck(bp + kChaddr, 6);
    ctx.put("\n\t  Client-Ethernet-Address ");
    ctx.put_mac(bp + kChaddr);
  }
  if (!bootp_string_print(ctx, bp + kSname, kSnameLen, "\n\t  sname \"")) return;
  if (!bootp_string_print(ctx, bp + kFile, kFileLen, "\n\t  file \"")) return;
  const std::uint8_t* vend = bp + kVend;
  if (!ctx.ttest(vend, 4)) return ctx.print_trunc();
  const std::uint32_t magic = load_be32(vend);
  if (magic == 0x63825363) return rfc1048_print(ctx, vend);  // RFC 1048 / RFC 2132 3
  if (magic == 0x434d5500) return cmu_print(ctx, vend);      // "CMU\0"
  if (magic != 0) {
    ctx.put("\n\t  Vendor-#0x");
    ctx.out.put_hex(magic);
  }
}

}  // namespace

void bootp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "bootp";
  const std::uint8_t op = ctx.u8(bp);
  ctx.put("BOOTP/DHCP, ");
  if (op == 1) {
    ctx.put("Request");
  } else if (op == 2) {
    ctx.put("Reply");
  } else {
    ctx.put("unknown (0x");
    ctx.out.put_hex(op, 2);
    ctx.put(')');
  }
  if (ctx.u8(bp + 1) == 1 && ctx.u8(bp + 2) == 6 && op == 1) {  // Ethernet client address
    ctx.put(" from ");
    ctx.put_mac(bp + kChaddr);
  }
  ctx.put(", length ");
  ctx.put_u(length);
  if (ctx.opt.verbose) bootp_verbose_print(ctx, bp);
}

namespace {

const Tok kDhcp6Types[] = {
    {1, "solicit"},   {2, "advertise"},    {3, "request"},    {4, "confirm"},
    {5, "renew"},     {6, "rebind"},       {7, "reply"},      {8, "release"},
    {9, "decline"},   {10, "reconfigure"}, {11, "inf-req"},   {12, "relay-fwd"},
    {13, "relay-reply"}, {14, "leasequery"}, {15, "leasequery-reply"}, {0, nullptr}};

const Tok kDhcp6Options[] = {
    {1, "client-ID"}, {2, "server-ID"}, {3, "IA_NA"}, {4, "IA_TA"}, {5, "IA_ADDR"},
    {6, "option-request"}, {7, "preference"}, {8, "elapsed-time"}, {9, "relay-message"},
    {11, "authentication"}, {12, "server-unicast"}, {13, "status-code"},
    {14, "rapid-commit"}, {15, "user-class"}, {16, "vendor-class"},
    {17, "vendor-specific-info"}, {18, "interface-ID"}, {19, "reconfigure-message"},
    {20, "reconfigure-accept"}, {21, "SIP-servers-domain"}, {22, "SIP-servers-address"},
    {23, "DNS-server"}, {24, "DNS-search-list"}, {25, "IA_PD"}, {26, "IA_PD-prefix"},
    {31, "SNTP-servers"}, {32, "lifetime"}, {27, "NIS-server"}, {28, "NIS+-server"},
    {29, "NIS-domain-name"}, {30, "NIS+-domain-name"}, {33, "BCMCS-domain-name"},
    {34, "BCMCS-server"}, {36, "Geoconf-Civic"}, {37, "Remote-ID"}, {38, "Subscriber-ID"},
    {39, "Client-FQDN"}, {40, "PANA-agent"}, {41, "POSIX-timezone"},
    {42, "POSIX-tz-database"}, {43, "Echo-request-option"}, {44, "Lease-query"},
    {45, "LQ-client-data"}, {46, "Clt-time"}, {47, "LQ-relay-data"}, {48, "LQ-client-link"},
    {56, "NTP-server"}, {64, "AFTR-Name"}, {112, "MUD-URL"}, {0, nullptr}};

void put_dhcp6_option_name(PrintContext& ctx, unsigned code) {
  put_tok(ctx, kDhcp6Options, code, "opt_");
}

// n bytes as %02x.
void put_hex_run(PrintContext& ctx, const std::uint8_t* p, unsigned n) {
  for (unsigned i = 0; i < n; ++i) put_hex2(ctx, ctx.u8(p + i));
}

// At most 10 bytes in hex, then "...", whatever the length (tcpdump 4.99.3).
void put_hex_brief(PrintContext& ctx, const std::uint8_t* p, unsigned n) {
  put_hex_run(ctx, p, std::min(n, 10u));
  ctx.put("...");
}

void dhcp6_msg_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length);

// The preferred and valid lifetimes of an address or prefix (RFC 8415 21.6, 21.22).
void put_lifetimes(PrintContext& ctx, const std::uint8_t* p) {
  ctx.put(" pltime:");
  ctx.put_u(ctx.be32(p));
  ctx.put(" vltime:");
  ctx.put_u(ctx.be32(p + 4));
}

// tcpdump's "goto trunc" in dhcp6opt_print(): " [|dhcp6]", and the rest of that option
// list is skipped, while the enclosing options and message still close their parentheses.
struct ListTruncated {};

// A DUID (RFC 8415 11): client-ID, server-ID.
void duid_print(PrintContext& ctx, const std::uint8_t* tp, unsigned optlen) {
  if (optlen < 2) return ctx.put(" ?)");
  const unsigned type = ctx.be16(tp);
  switch (type) {
    case 1:  // DUID-LLT
      if (optlen < 8) return ctx.put(" ?)");
      ctx.put(" hwaddr/time type ");
      ctx.put_u(ctx.be16(tp + 2));
      ctx.put(" time ");
      ctx.put_u(ctx.be32(tp + 4));
      ctx.put(' ');
      put_hex_run(ctx, tp + 8, optlen - 8);
      return ctx.put(')');
    case 2:  // DUID-EN: tcpdump 4.99.3 shows its first 8 bytes as one "vid"
      if (optlen < 10) return ctx.put(" ?)");
      ctx.put(" vid ");
      put_hex_run(ctx, tp + 2, 8);
      return ctx.put(')');
    case 3:  // DUID-LL
      if (optlen < 4) return ctx.put(" ?)");
      ctx.put(" hwaddr type ");
      ctx.put_u(ctx.be16(tp + 2));
      ctx.put(' ');
      put_hex_run(ctx, tp + 4, optlen - 4);
      return ctx.put(')');
    default:
      ctx.put(" type ");
      ctx.put_u(type);
      return ctx.put(')');
  }
}

void dhcp6_auth_print(PrintContext& ctx, const std::uint8_t* tp, unsigned optlen) {
  if (optlen < 11) return ctx.put(" ?)");
  const std::uint8_t proto = ctx.u8(tp), alg = ctx.u8(tp + 1), rdm = ctx.u8(tp + 2);
  static const Tok kProtos[] = {{2, "delayed"}, {3, "reconfigure"}, {0, nullptr}};
  static const Tok kAlgs[] = {{1, "HMAC-MD5"}, {0, nullptr}};
  static const Tok kRdms[] = {{0, "mono"}, {0, nullptr}};
  ctx.put(" proto: ");
  put_tok(ctx, kProtos, proto, "");
  ctx.put(", alg: ");
  put_tok(ctx, kAlgs, alg, "");
  ctx.put(", RDM: ");
  put_tok(ctx, kRdms, rdm, "");
  ctx.put(", RD:");
  tp += 3;
  for (int i = 0; i < 4; ++i, tp += 2) {
    ctx.put(' ');
    ctx.out.put_hex(ctx.be16(tp), 4);
  }
  const unsigned info = optlen - 11;
  auto words = [&](const char* label) {
    ctx.put(label);
    for (int i = 0; i < 4; ++i, tp += 4) {
      ctx.put(' ');
      ctx.out.put_hex(ctx.be32(tp), 8);
    }
  };
  if (proto == 2) {
    if (info != 0) {
      if (info < 20) {
        ctx.put(" ??");
      } else {
        const unsigned realm = info - 20;
        if (realm > 0) ctx.put(", realm: ");
        for (unsigned i = 0; i < realm; ++i, ++tp) put_hex2(ctx, ctx.u8(tp));
        ctx.put(", key ID: ");
        ctx.out.put_hex(ctx.be32(tp), 8);
        tp += 4;
        words(", HMAC-MD5:");
      }
    }
  } else if (proto == 3) {
    if (info != 17) {
      ctx.put(" ??");
    } else {
      const std::uint8_t t = ctx.u8(tp++);
      ctx.put(t == 1 ? " reconfig-key" : t == 2 ? " type: HMAC-MD5" : " type: ??");
      words(" value:");
    }
  } else {
    ctx.put(" ??");
  }
  ctx.put(')');
}

// dhcp6opt_print(): the options in [cp, ep); " [|dhcp6]" ends the list early (tcpdump's
// "goto trunc").
void dhcp6opt_print(PrintContext& ctx, const std::uint8_t* cp, const std::uint8_t* ep);

// The option's value, tp at its first byte; every case closes the option's parenthesis.
void dhcp6_option_value(PrintContext& ctx, unsigned type, const std::uint8_t* tp,
                        unsigned optlen) {
  const std::uint8_t* end = tp + optlen;
  switch (type) {
    case 1:
    case 2:
      return duid_print(ctx, tp, optlen);
    case 5:  // IA Address (RFC 8415 21.6)
      if (optlen < 24) return ctx.put(" ?)");
      ctx.put(' ');
      ctx.put_ipv6(tp);
      put_lifetimes(ctx, tp + 16);
      if (optlen > 24) dhcp6opt_print(ctx, tp + 24, end);
      return ctx.put(')');
    case 6:
    case 43:  // option codes
      if (optlen % 2) return ctx.put(" ?)");
      for (unsigned i = 0; i < optlen; i += 2) {
        ctx.put(' ');
        put_dhcp6_option_name(ctx, ctx.be16(tp + i));
      }
      return ctx.put(')');
    case 7:
      if (optlen != 1) return ctx.put(" ?)");
      ctx.put(' ');
      ctx.put_u(ctx.u8(tp));
      return ctx.put(')');
    case 8:
      if (optlen != 2) return ctx.put(" ?)");
      ctx.put(' ');
      ctx.put_u(ctx.be16(tp));
      return ctx.put(')');
    case 9: {  // a relayed message, printed within the option's bounds
      ctx.put(" (");
      const std::uint8_t* saved = ctx.snapend;
      if (end < ctx.snapend) ctx.snapend = end;
      try {
        dhcp6_msg_print(ctx, tp, optlen);
      } catch (const Truncated&) {
        ctx.snapend = saved;
        throw;
      }
      ctx.snapend = saved;
      return ctx.put(')');
    }
    case 11:
      return dhcp6_auth_print(ctx, tp, optlen);
    case 14:
    case 20:  // rapid commit, reconfigure accept: empty
      return ctx.put(')');
    case 18:
    case 38:  // interface-ID, subscriber-ID
      ctx.put(' ');
      put_hex_brief(ctx, tp, optlen);
      return ctx.put(')');
    case 19: {
      if (optlen != 1) return ctx.put(" ?)");
      const std::uint8_t msg = ctx.u8(tp);
      if (msg == 5) return ctx.put(" for renew)");
      if (msg == 11) return ctx.put(" for inf-req)");
      ctx.put(" for ?\?\?(");
      put_hex2(ctx, msg);
      return ctx.put("))");
    }
    case 22:
    case 23:
    case 31:
    case 27:
    case 28:
    case 34:
    case 40:
    case 48:  // lists of IPv6 addresses
      if (optlen % 16) return ctx.put(" ?)");
      for (unsigned i = 0; i < optlen; i += 16) {
        ctx.put(' ');
        ctx.put_ipv6(tp + i);
      }
      return ctx.put(')');
    case 21:
    case 24:  // lists of domain names (RFC 1035 3.1)
      while (tp < end) {
        ctx.put(' ');
        tp = dns_name_print(ctx, tp, end);
        if (tp == nullptr) throw ListTruncated{};
      }
      return ctx.put(')');
    case 13:
      if (optlen < 2) return ctx.put(" ?)");
      {
        const unsigned code = ctx.be16(tp);
        static const Tok kStatus[] = {
            {0, "Success"},        {1, "UnspecFail"},      {2, "NoAddrsAvail"},
            {3, "NoBinding"},      {4, "NotOnLink"},       {5, "UseMulticast"},
            {6, "NoPrefixAvail"},  {7, "UnknownQueryType"}, {8, "MalformedQuery"},
            {9, "NotConfigured"},  {10, "NotAllowed"},     {0, nullptr}};
        ctx.put(' ');
        if (code > 255)
          ctx.put("INVALID code");
        else
          put_tok(ctx, kStatus, code, "code");
      }
      return ctx.put(')');
    case 3:
    case 25:  // IA_NA, IA_PD: IAID, T1, T2, options
      if (optlen < 12) return ctx.put(" ?)");
      ctx.put(" IAID:");
      ctx.put_u(ctx.be32(tp));
      ctx.put(" T1:");
      ctx.put_u(ctx.be32(tp + 4));
      ctx.put(" T2:");
      ctx.put_u(ctx.be32(tp + 8));
      if (optlen > 12) dhcp6opt_print(ctx, tp + 12, end);
      return ctx.put(')');
    case 4:  // IA_TA
      if (optlen < 4) return ctx.put(" ?)");
      ctx.put(" IAID:");
      ctx.put_u(ctx.be32(tp));
      if (optlen > 4) dhcp6opt_print(ctx, tp + 4, end);
      return ctx.put(')');
    case 26:  // IA Prefix (RFC 8415 21.22)
      if (optlen < 25) return ctx.put(" ?)");
      ctx.put(' ');
      ctx.put_ipv6(tp + 9);
      ctx.put('/');
      ctx.put_u(ctx.u8(tp + 8));
      put_lifetimes(ctx, tp);
      if (optlen > 25) dhcp6opt_print(ctx, tp + 25, end);
      return ctx.put(')');
    case 32:
    case 46:
      if (optlen != 4) return ctx.put(" ?)");
      ctx.put(' ');
      ctx.put_u(ctx.be32(tp));
      return ctx.put(')');
    case 37:  // remote-ID: enterprise, then the ID
      if (optlen < 4) return ctx.put(" ?)");
      ctx.put(' ');
      ctx.put_u(ctx.be32(tp));
      ctx.put(' ');
      put_hex_brief(ctx, tp + 4, optlen - 4);
      return ctx.put(')');
    case 44: {  // leasequery (RFC 5007 4.1.2.1)
      if (optlen < 17) return ctx.put(" ?)");
      static const Tok kQueryTypes[] = {{1, "by-address"}, {2, "by-clientID"}, {0, nullptr}};
      ctx.put(' ');
      put_tok(ctx, kQueryTypes, ctx.u8(tp), "type_");
      ctx.put(' ');
      ctx.put_ipv6(tp + 1);
      if (optlen > 17) dhcp6opt_print(ctx, tp + 17, end);
      return ctx.put(')');
    }
    case 45:
      if (optlen > 0) dhcp6opt_print(ctx, tp, end);
      return ctx.put(')');
    case 47:
      if (optlen < 16) return ctx.put(" ?)");
      ctx.put(' ');
      ctx.put_ipv6(tp);
      ctx.put(' ');
      put_hex_brief(ctx, tp + 16, optlen - 16);
      return ctx.put(')');
    case 56: {  // NTP server (RFC 5908 4): sub-options
      if (optlen < 4) return ctx.put(" ?)");
      while (tp < end - 4) {
        const unsigned code = ctx.be16(tp), sublen = ctx.be16(tp + 2);
        tp += 4;
        if (tp + sublen > end) throw ListTruncated{};
        ctx.put(" subopt:");
        ctx.put_u(code);
        if (code == 1 || code == 2) {
          if (sublen != 16) {
            ctx.put(" ?");
          } else {
            ctx.put(' ');
            ctx.put_ipv6(tp);
          }
        } else if (code == 3) {
          ctx.put(' ');
          if (dns_name_print(ctx, tp, tp + sublen) == nullptr) throw ListTruncated{};
        } else {
          ctx.put(" ?");
        }
        tp += sublen;
      }
      return ctx.put(')');
    }
    case 64: {  // AFTR name (RFC 6334 3): labels
      if (optlen < 3) return ctx.put(" ?)");
      unsigned remain = optlen;
      ctx.put(' ');
      while (remain && ctx.u8(tp)) {
        const unsigned label = *tp++;
        if (label < remain - 1) {
          ctx.print_padded_string(tp, label);
          tp += label;
          remain -= label + 1;
          if (ctx.u8(tp)) ctx.put('.');
        } else {
          ctx.put(" ?");
          break;
        }
      }
      return ctx.put(')');
    }
    case 41:
    case 42:
    case 112:  // text
      if (optlen < 5) return ctx.put(" ?)");
      ctx.put(' ');
      ctx.print_padded_string(tp, optlen);
      return ctx.put(')');
    default:
      return ctx.put(')');
  }
}

void dhcp6opt_print(PrintContext& ctx, const std::uint8_t* cp, const std::uint8_t* ep) {
  while (cp < ep) {
    if (ep - cp < 4) return ctx.print_trunc();
    const unsigned optlen = ctx.be16(cp + 2);
    if (static_cast<std::size_t>(ep - cp) < 4 + std::size_t{optlen}) return ctx.print_trunc();
    const unsigned type = ctx.be16(cp);
    ctx.put(" (");
    put_dhcp6_option_name(ctx, type);
    if (!ctx.ttest(cp + 4, optlen)) return ctx.print_trunc();
    try {
      dhcp6_option_value(ctx, type, cp + 4, optlen);
    } catch (const ListTruncated&) {
      return ctx.print_trunc();
    }
    cp += 4 + optlen;
  }
}

void dhcp6_msg_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  ctx.put("dhcp6");
  const std::uint8_t* ep = ctx.snapend;
  if (ctx.ttest(cp, 0) && length < ctx.available(cp)) ep = cp + length;
  // ND_TCHECK_4 with a local label: " [|dhcp6]" without ending the packet's printing, so
  // -X still leaves the link header out.
  if (!ctx.ttest(cp, 4)) return ctx.print_trunc();
  const std::uint8_t type = *cp;
  ctx.put(' ');
  put_tok(ctx, kDhcp6Types, type, "msgtype-");
  if (!ctx.opt.verbose) return;
  ctx.put(" (");
  if (type != 12 && type != 13) {
    ctx.put("xid=");
    ctx.out.put_hex(load_be32(cp) & 0xffffff);
    dhcp6opt_print(ctx, cp + 4, ep);
  } else {  // relay-forward, relay-reply (RFC 8415 9)
    // Each address is read before its label is printed (tcpdump's printf arguments).
    ctx.tcheck(cp + 2, 16);
    ctx.put("linkaddr=");
    ctx.put_ipv6(cp + 2);
    ctx.tcheck(cp + 18, 16);
    ctx.put(" peeraddr=");
    ctx.put_ipv6(cp + 18);
    dhcp6opt_print(ctx, cp + 34, ep);
  }
  ctx.put(')');
}

}  // namespace

void dhcp6_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  ctx.protocol = "dhcp6";
  dhcp6_msg_print(ctx, cp, length);
}

}  // namespace tcplens::tcpdump
