// PPP's control and authentication protocols as tcpdump 4.99's print-ppp.c prints them:
// the control protocols' first line and, with -v, their options (LCP RFC 1661 6, IPCP
// RFC 1332 and 1877, IP6CP RFC 5072, CCP RFC 1962, BACP RFC 2125) and the LCP codes that
// carry a magic number; CHAP (RFC 1994), PAP (RFC 1334), the multilink header (RFC 1990)
// and BAP (which tcpdump leaves empty).
//
// Watch out: tcpdump's quirks are kept. Each option printer is given the whole options'
// length rather than what is left; some malformed options end the list and others do not;
// an Identification message is printed four bytes too long (up to the capture's end, then
// [|LCP]).
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

constexpr std::uint16_t kLcp = 0xc021, kIpcp = 0x8021, kIp6cp = 0x8057, kCcp = 0x80fd,
                        kBacp = 0xc02b, kChap = 0xc223, kPap = 0xc023, kLqm = 0xc025,
                        kEap = 0xc227, kSpap = 0xc027, kSpapOld = 0xc123, kMlppp = 0x003d,
                        kBap = 0xc02d;

const Tok kCpCodes[] = {
    {0, "Vendor-Extension"}, {1, "Conf-Request"}, {2, "Conf-Ack"},     {3, "Conf-Nack"},
    {4, "Conf-Reject"},      {5, "Term-Request"}, {6, "Term-Ack"},     {7, "Code-Reject"},
    {8, "Prot-Reject"},      {9, "Echo-Request"}, {10, "Echo-Reply"},  {11, "Disc-Req"},
    {12, "Ident"},           {13, "Time-Rem"},    {14, "Reset-Req"},   {15, "Reset-Ack"},
    {0, nullptr},
};

constexpr const char* kLcpOptions[] = {
    "Vend-Ext",       "MRU",           "ACCM",           "Auth-Prot",      "Qual-Prot",
    "Magic-Num",      "deprecated(6)", "PFC",            "ACFC",           "FCS-Alt",
    "SDP",            "Num-Mode",      "deprecated(12)", "Call-Back",      "deprecated(14)",
    "deprecated(15)", "deprecated(16)", "MRRU",          "12-Bit seq #",   "End-Disc",
    "Proprietary",    "DCE-Id",        "MP+",            "Link-Disc",      "LCP-Auth-Opt",
    "COBS",           "Prefix-elision", "Multilink-header-Form", "I18N",   "SDL-over-SONET/SDH",
    "PPP-Muxing"};

const Tok kIpcpOptions[] = {{1, "IP-Addrs"}, {2, "IP-Comp"},    {3, "IP-Addr"},
                            {4, "Home-Addr"}, {129, "Pri-DNS"}, {130, "Pri-NBNS"},
                            {131, "Sec-DNS"}, {132, "Sec-NBNS"}, {0, nullptr}};
const Tok kIpcpCompProtocols[] = {{0x002d, "VJ-Comp"}, {0x61, "IP Header Compression"}, {0, nullptr}};
const Tok kIpcpCompSuboptions[] = {{1, "RTP-Compression"}, {2, "Enhanced RTP-Compression"}, {0, nullptr}};
const Tok kIp6cpOptions[] = {{1, "Interface-ID"}, {0, nullptr}};
const Tok kCcpOptions[] = {
    {0, "OUI"},        {1, "Pred-1"},    {2, "Pred-2"},    {3, "Puddle"},   {16, "HP-PPC"},
    {17, "Stac-LZS"},  {18, "MPPC"},     {19, "Gand-FZA"}, {20, "V.42bis"}, {21, "BSD-Comp"},
    {23, "LZS-DCP"},   {24, "MVRCA"},    {25, "DEC"},      {26, "Deflate"}, {255, "Reserved"},
    {0, nullptr}};
const Tok kBacpOptions[] = {{1, "Favored-Peer"}, {0, nullptr}};
const Tok kAuthAlgorithms[] = {{5, "MD5"}, {128, "MS-CHAPv1"}, {129, "MS-CHAPv2"}, {0, nullptr}};
const Tok kCallbackOperations[] = {{0, "UserAuth"}, {1, "DialString"}, {2, "LocalID"},
                                   {3, "E.164"},    {4, "X.500"},      {6, "CBCP"},
                                   {0, nullptr}};
const Tok kChapCodes[] = {{1, "Challenge"}, {2, "Response"}, {3, "Success"}, {4, "Fail"}, {0, nullptr}};
const Tok kPapCodes[] = {{1, "Auth-Req"}, {2, "Auth-ACK"}, {3, "Auth-NACK"}, {0, nullptr}};
const Tok kMlpppFlags[] = {{0x80, "begin"}, {0x40, "end"}, {0, nullptr}};

// tok2str() with a printf-style default: the name, else `prefix` and the number.
void put_tok_or(PrintContext& ctx, const Tok* table, std::uint32_t value, const char* fallback) {
  const char* name = tok_lookup(table, value);
  ctx.put(name ? name : fallback);
}

void put_hex_field(PrintContext& ctx, std::string_view before, std::uint32_t v, int digits) {
  ctx.put(before);
  ctx.out.put_hex(v, digits);
}

// A number after its label, read before anything is printed (as tcpdump's printf arguments).
void put_u_field(PrintContext& ctx, std::string_view before, std::uint32_t v) {
  ctx.put(before);
  ctx.put_u(v);
}

// "Vendor: Cisco (12)".
void put_vendor(PrintContext& ctx, std::string_view before, std::uint32_t oui) {
  ctx.put(before);
  put_tok_or(ctx, kOuiValues, oui, "Unknown");
  put_u_field(ctx, " (", oui);
  ctx.put(')');
}

void bogus(PrintContext& ctx, std::string_view should_be) {
  ctx.put(" (length bogus, should be ");
  ctx.put(should_be);
  ctx.put(')');
}

// "\n\t  NAME Option (0xNN), length N" (the line every option printer starts with).
void option_header(PrintContext& ctx, const char* name, unsigned opt, unsigned len) {
  ctx.put("\n\t  ");
  ctx.put(name);
  put_hex_field(ctx, " Option (0x", opt, 2);
  ctx.put("), length ");
  ctx.put_u(len);
}

// An option's contents as hex: with -v when the printer does not decode it, with -vv always.
void option_dump(PrintContext& ctx, const std::uint8_t* p, unsigned len) {
  print_unknown_data(ctx, p + 2, "\n\t    ", len - 2);
}

// The start every option printer shares: the type and length, checked against the options'
// length. Returns false (with nothing more to print) when the list must end here.
bool option_start(PrintContext& ctx, const std::uint8_t* p, unsigned length, const char* trunc,
                  unsigned& opt, unsigned& len) {
  if (length < 2) return false;
  if (!ctx.ttest(p, 2)) {
    ctx.put(trunc);
    return false;
  }
  opt = p[0];
  len = p[1];
  return length >= len;
}

// option_start() and the option's header line, named from `names` (else `unknown`); an
// option shorter than its own header ends the list.
bool named_option_start(PrintContext& ctx, const std::uint8_t* p, unsigned length,
                        const char* trunc, const Tok* names, const char* unknown, unsigned& opt,
                        unsigned& len) {
  if (!option_start(ctx, p, length, trunc, opt, len)) return false;
  const char* name = tok_lookup(names, opt);
  option_header(ctx, name ? name : unknown, opt, len);
  if (len >= 2) return true;
  bogus(ctx, ">= 2");
  return false;
}

// The end every option printer shares: the contents in hex when not decoded (with -v) and
// always with -vv; the option's length.
unsigned option_end(PrintContext& ctx, const std::uint8_t* p, unsigned len, bool decoded) {
  if (!decoded && ctx.opt.verbose < 2) option_dump(ctx, p, len);
  if (ctx.opt.verbose > 1) option_dump(ctx, p, len);
  return len;
}

// print_lcp_config_options(): the option's length, or 0 to end the list.
unsigned lcp_option(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  unsigned opt = 0, len = 0;
  if (!option_start(ctx, p, length, "[|lcp]", opt, len)) return 0;
  const bool known = opt < std::size(kLcpOptions);
  if (!known) {
    put_hex_field(ctx, "\n\tunknown LCP option 0x", opt, 2);
    return len < 2 ? 0 : len;
  }
  option_header(ctx, kLcpOptions[opt], opt, len);
  if (len < 2) {
    bogus(ctx, ">= 2");
    return 0;
  }
  switch (opt) {
    case 0:  // vendor extension
      if (len < 6) return bogus(ctx, ">= 6"), len;
      put_vendor(ctx, ": Vendor: ", ctx.be24(p + 2));
      break;
    case 1:  // MRU
      if (len != 4) return bogus(ctx, "= 4"), len;
      put_u_field(ctx, ": ", ctx.be16(p + 2));
      break;
    case 2:  // ACCM
      if (len != 6) return bogus(ctx, "= 6"), len;
      put_hex_field(ctx, ": 0x", ctx.be32(p + 2), 8);
      break;
    case 3: {  // authentication protocol
      if (len < 4) return bogus(ctx, ">= 4"), len;
      const std::uint16_t proto = ctx.be16(p + 2);
      ctx.put(": ");
      put_tok_or(ctx, kPppTypes, proto, "Unknown Auth Proto (0x04x)");  // sic
      switch (proto) {
        case kChap:
          if (const char* alg = tok_lookup(kAuthAlgorithms, ctx.u8(p + 4))) {
            ctx.put(", ");
            ctx.put(alg);
          } else {
            put_u_field(ctx, ", Unknown Auth Alg ", p[4]);
          }
          break;
        case kPap:
        case kEap:
        case kSpap:
        case kSpapOld: break;
        default: print_unknown_data(ctx, p, "\n\t", len); break;
      }
      break;
    }
    case 4:  // quality protocol
      if (len < 4) return bogus(ctx, ">= 4"), 0;
      ctx.put(ctx.be16(p + 2) == kLqm ? ": LQR" : ": unknown");
      break;
    case 5:  // magic number
      if (len != 6) return bogus(ctx, "= 6"), 0;
      put_hex_field(ctx, ": 0x", ctx.be32(p + 2), 8);
      break;
    case 7:  // protocol field compression
    case 8:  // address and control field compression
      break;
    case 23:  // link discriminator
      if (len != 4) return bogus(ctx, "= 4"), 0;
      put_hex_field(ctx, ": 0x", ctx.be16(p + 2), 4);
      break;
    case 13:  // callback
      if (len < 3) return bogus(ctx, ">= 3"), 0;
    {
      ctx.put(": ");  // sic: tcpdump 4.99.3 prints the colon twice
      const std::uint8_t op = ctx.u8(p + 2);
      ctx.put(": Callback Operation ");
      put_tok_or(ctx, kCallbackOperations, op, "Unknown");
      put_u_field(ctx, " (", op);
      ctx.put(')');
      break;
    }
    case 17:  // multilink MRRU
      if (len != 4) return bogus(ctx, "= 4"), 0;
      put_u_field(ctx, ": ", ctx.be16(p + 2));
      break;
    case 19:  // multilink endpoint discriminator (RFC 1990 5.1.3)
      if (len < 3) return bogus(ctx, ">= 3"), 0;
      switch (ctx.u8(p + 2)) {
        case 0: ctx.put(": Null"); break;
        case 1: ctx.put(": Local"); break;
        case 2:
          if (len != 7) return bogus(ctx, "= 7"), 0;
          ctx.tcheck(p + 3, 4);
          ctx.put(": IPv4 ");
          ctx.put_ipv4(p + 3);
          break;
        case 3:
          if (len != 9) return bogus(ctx, "= 9"), 0;
          ctx.tcheck(p + 3, 6);
          ctx.put(": MAC ");
          ctx.put_mac(p + 3);
          break;
        case 4: ctx.put(": Magic-Num-Block"); break;
        case 5: ctx.put(": PSNDN"); break;
        default:
          ctx.put(": Unknown class ");
          ctx.put_u(ctx.u8(p + 2));
          break;
      }
      break;
    default: return option_end(ctx, p, len, false);
  }
  return option_end(ctx, p, len, true);
}

// print_ipcp_config_options().
unsigned ipcp_option(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  unsigned opt = 0, len = 0;
  if (!named_option_start(ctx, p, length, "[|ipcp]", kIpcpOptions, "unknown", opt, len)) return 0;
  switch (opt) {
    case 1:  // IP-Addresses (RFC 1172, deprecated)
      if (len != 10) return bogus(ctx, "= 10"), len;
      ctx.tcheck(p + 2, 8);
      ctx.put(": src ");
      ctx.put_ipv4(p + 2);
      ctx.put(", dst ");
      ctx.put_ipv4(p + 6);
      break;
    case 2: {  // IP-Compression-Protocol
      if (len < 4) return bogus(ctx, ">= 4"), 0;
      const std::uint16_t comp = ctx.be16(p + 2);
      ctx.put(": ");
      put_tok_or(ctx, kIpcpCompProtocols, comp, "Unknown");
      put_hex_field(ctx, " (0x", comp, 2);
      ctx.put("):");
      if (comp != 0x61) break;
      constexpr unsigned kHdrCompMin = 14;  // RFC 3544 2.1
      if (len < kHdrCompMin) return bogus(ctx, ">= 14"), 0;
      if (!ctx.ttest(p + 2, kHdrCompMin)) return ctx.put("[|ipcp]"), 0;
      ctx.put("\n\t    TCP Space ");
      ctx.put_u(ctx.be16(p + 4));
      ctx.put(", non-TCP Space ");
      ctx.put_u(ctx.be16(p + 6));
      ctx.put(", maxPeriod ");
      ctx.put_u(ctx.be16(p + 8));
      ctx.put(", maxTime ");
      ctx.put_u(ctx.be16(p + 10));
      ctx.put(", maxHdr ");
      ctx.put_u(ctx.be16(p + 12));
      if (len > kHdrCompMin) {
        unsigned total = len - kHdrCompMin;
        p += kHdrCompMin;  // Watch out: tcpdump's -vv dump below starts from here
        ctx.put("\n\t      Suboptions, length ");
        ctx.put_u(total);
        while (total >= 2) {
          if (!ctx.ttest(p, 2)) return ctx.put("[|ipcp]"), 0;
          const unsigned sub = p[0], sublen = p[1];
          if (sub == 0 || sublen == 0) break;
          ctx.put("\n\t\t");
          put_tok_or(ctx, kIpcpCompSuboptions, sub, "Unknown");
          ctx.put(" Suboption #");
          ctx.put_u(sub);
          ctx.put(", length ");
          ctx.put_u(sublen);
          if (total < sublen) {
            ctx.put(" [remaining suboptions length ");
            ctx.put_u(total);
            ctx.put(" < ");
            ctx.put_u(sublen);
            ctx.put(']');
            ctx.print_invalid();
            break;
          }
          total -= sublen;
          p += sublen;
        }
      }
      break;
    }
    case 3:    // IP-Address
    case 4:    // Mobile-IPv4 home address
    case 129:  // primary DNS
    case 130:  // primary NBNS
    case 131:  // secondary DNS
    case 132:  // secondary NBNS
      if (len != 6) return bogus(ctx, "= 6"), 0;
      ctx.tcheck(p + 2, 4);
      ctx.put(": ");
      ctx.put_ipv4(p + 2);
      break;
    default: return option_end(ctx, p, len, false);
  }
  return option_end(ctx, p, len, true);  // (p may have moved: see above)
}

// print_ip6cp_config_options().
unsigned ip6cp_option(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  unsigned opt = 0, len = 0;
  if (!named_option_start(ctx, p, length, "[|ip6cp]", kIp6cpOptions, "unknown", opt, len)) return 0;
  if (opt == 1) {
    if (len != 10) return bogus(ctx, "= 10"), len;
    if (!ctx.ttest(p + 2, 8)) return ctx.put("[|ip6cp]"), 0;
    for (unsigned i = 0; i < 4; ++i) put_hex_field(ctx, i ? ":" : ": ", load_be16(p + 2 + 2 * i), 4);
    return option_end(ctx, p, len, true);
  }
  return option_end(ctx, p, len, false);
}

// print_ccp_config_options().
unsigned ccp_option(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  unsigned opt = 0, len = 0;
  if (!named_option_start(ctx, p, length, "[|ccp]", kCcpOptions, "Unknown", opt, len)) return 0;
  switch (opt) {
    case 21:  // BSD-Compress (RFC 1977)
      if (len < 3) return bogus(ctx, ">= 3"), len;
      ctx.tcheck(p + 2, 1);
      ctx.put(": Version: ");
      ctx.put_u(ctx.u8(p + 2) >> 5);
      ctx.put(", Dictionary Bits: ");
      ctx.put_u(ctx.u8(p + 2) & 0x1f);
      break;
    case 24:  // Magnalink (RFC 1975)
      if (len < 4) return bogus(ctx, ">= 4"), len;
      ctx.tcheck(p + 2, 2);
      ctx.put(": Features: ");
      ctx.put_u((ctx.u8(p + 2) & 0xc0) >> 6);
      ctx.put((ctx.u8(p + 2) & 0x20) ? ", PxP: Enabled" : ", PxP: Disabled");
      ctx.put(", History: ");
      ctx.put_u(ctx.u8(p + 2) & 0x1f);
      ctx.put(", #CTX-ID: ");
      ctx.put_u(ctx.u8(p + 3));
      break;
    case 26:  // Deflate (RFC 1979)
      if (len < 4) return bogus(ctx, ">= 4"), len;
      ctx.tcheck(p + 2, 2);
      ctx.put(": Window: ");
      ctx.put_u((ctx.u8(p + 2) & 0xf0) >> 4);
      ctx.put((ctx.u8(p + 2) & 0x0f) == 8 ? "K, Method: zlib" : "K, Method: unknown");
      put_hex_field(ctx, " (0x", ctx.u8(p + 2) & 0x0f, 1);
      ctx.put("), MBZ: ");
      ctx.put_u((ctx.u8(p + 3) & 0xfc) >> 2);
      ctx.put(", CHK: ");
      ctx.put_u(ctx.u8(p + 3) & 0x03);
      break;
    default: return option_end(ctx, p, len, false);
  }
  return option_end(ctx, p, len, true);
}

// print_bacp_config_options().
unsigned bacp_option(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  unsigned opt = 0, len = 0;
  if (!named_option_start(ctx, p, length, "[|bacp]", kBacpOptions, "Unknown", opt, len)) return 0;
  if (opt == 1) {
    if (len != 6) return bogus(ctx, "= 6"), len;
    put_hex_field(ctx, ": Magic-Num 0x", ctx.be32(p + 2), 8);
    return option_end(ctx, p, len, true);
  }
  return option_end(ctx, p, len, false);
}

using OptionPrinter = unsigned (*)(PrintContext&, const std::uint8_t*, unsigned);

OptionPrinter option_printer(std::uint16_t proto) {
  switch (proto) {
    case kLcp: return lcp_option;
    case kIpcp: return ipcp_option;
    case kIp6cp: return ip6cp_option;
    case kCcp: return ccp_option;
    case kBacp: return bacp_option;
    default: return nullptr;  // OSICP, MPLSCP: no option printer
  }
}

// "[|LCP]": handle_ctrl_proto's own truncation mark, the protocol's name, no space.
void ctrl_trunc(PrintContext& ctx, std::uint16_t proto) {
  ctx.put("[|");
  put_ppp_type(ctx, proto, "unknown ctrl-proto ");
  ctx.put(']');
}

void magic_number(PrintContext& ctx, const std::uint8_t* p) {
  put_hex_field(ctx, "\n\t  Magic-Num 0x", ctx.be32(p), 8);
}

// The body of a control packet with -v: tptr after code, id and length (len of them all).
void ctrl_body(PrintContext& ctx, std::uint16_t proto, std::uint8_t code,
               const std::uint8_t* pptr, unsigned len) {
  const std::uint8_t* tptr = pptr + 4;
  const unsigned length = len;
  switch (code) {
    case 0:  // vendor extension (RFC 2153): magic number, OUI
      if (length < 11) return;
      magic_number(ctx, tptr);
      put_vendor(ctx, " Vendor: ", ctx.be24(tptr + 4));
      return;
    case 1:
    case 2:
    case 3:
    case 4: {  // the configure packets: their options
      const OptionPrinter print = option_printer(proto);
      if (!print) return;
      unsigned tlen = len - 4;
      do {
        const unsigned advance = print(ctx, tptr, len);  // sic: len, not tlen
        if (advance == 0) return;
        if (tlen < advance) {
          ctx.put(" [remaining options length ");
          ctx.put_u(tlen);
          ctx.put(" < ");
          ctx.put_u(advance);
          ctx.put(']');
          return ctx.print_invalid();
        }
        tlen -= advance;
        tptr += advance;
      } while (tlen != 0);
      return;
    }
    case 5:  // terminate request and ack: data not decoded
    case 6:
    case 7:  // code reject: the rejected packet not decoded
      return;
    case 8:  // protocol reject
      if (length < 6) return;
      ctx.tcheck(tptr, 2);
      ctx.put("\n\t  Rejected ");
      put_tok_or(ctx, kPppTypes, ctx.be16(tptr), "unknown");
      put_hex_field(ctx, " Protocol (0x", ctx.be16(tptr), 4);
      ctx.put(')');
      if (len > 6) {
        ctx.put("\n\t  Rejected Packet");
        print_unknown_data(ctx, tptr + 2, "\n\t    ", len - 2);
      }
      return;
    case 9:   // echo request
    case 10:  // echo reply
    case 11:  // discard request
      if (length < 8) return;
      magic_number(ctx, tptr);
      if (len > 8) {
        ctx.put("\n\t  -----trailing data-----");
        if (!ctx.ttest(tptr + 4, len - 8)) return ctrl_trunc(ctx, proto);
        print_unknown_data(ctx, tptr + 4, "\n\t  ", len - 8);
      }
      return;
    case 12:  // identification (RFC 1570): magic number, message
      if (length < 8) return;
      magic_number(ctx, tptr);
      if (len > 8) {
        ctx.put("\n\t  Message\n\t    ");
        // sic: len - 4 bytes from the message's start, four past its end (nd_printn).
        const std::uint8_t* s = tptr + 4;
        for (unsigned n = len - 4; n > 0; --n, ++s) {
          if (s >= ctx.snapend) return ctrl_trunc(ctx, proto);
          ctx.print_char(*s);
        }
      }
      return;
    case 13:  // time remaining (RFC 1570)
      if (length < 12) return;
      magic_number(ctx, tptr);
      put_u_field(ctx, ", Seconds-Remaining ", ctx.be32(tptr + 4));
      ctx.put('s');
      return;
    default:
      if (ctx.opt.verbose <= 1) print_unknown_data(ctx, pptr - 2, "\n\t  ", length + 2);
      return;
  }
}

// The header CHAP and PAP share (RFC 1994 4, RFC 1334 2.2): "CHAP, Challenge (0x01), id 1";
// false, after tcpdump's "[|chap]" or "[|chap 0x01]", when the packet is shorter.
bool auth_header(PrintContext& ctx, const std::uint8_t* p, unsigned length, const char* name,
                 const Tok* codes, std::uint8_t& code, unsigned& len) {
  const bool chap = name[0] == 'C';
  if (length < 4) {
    ctx.put(chap ? "[|chap" : "[|pap");
    if (length >= 1) put_hex_field(ctx, " 0x", ctx.u8(p), 2);
    ctx.put(']');
    return false;
  }
  code = ctx.u8(p);
  ctx.put(name);
  ctx.put(", ");
  put_tok_or(ctx, codes, code, "unknown");
  put_hex_field(ctx, " (0x", code, 2);
  ctx.put(')');
  put_u_field(ctx, ", id ", ctx.u8(p + 1));
  len = ctx.be16(p + 2);
  return true;
}

// handle_chap(): code, id, and the value and name or the message.
void chap_print(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  const std::uint8_t* const p0 = p;
  std::uint8_t code = 0;
  unsigned len = 0;
  if (!auth_header(ctx, p, length, "CHAP", kChapCodes, code, len)) return;
  p += 4;
  // Watch out: the name or message runs to the encoded length, which may be below what
  // was read (the count wraps, as tcpdump's does, and the capture's end stops it).
  switch (code) {
    case 1:    // challenge
    case 2: {  // response
      if (length - static_cast<unsigned>(p - p0) < 1) return;
      const unsigned val_size = ctx.u8(p++);
      if (length - static_cast<unsigned>(p - p0) < val_size) return;
      ctx.put(", Value ");
      for (unsigned i = 0; i < val_size; ++i) ctx.out.put_hex_byte(ctx.u8(p++));
      ctx.put(", Name ");
      for (unsigned n = len - static_cast<unsigned>(p - p0); n > 0; --n) ctx.print_char(ctx.u8(p++));
      return;
    }
    case 3:  // success
    case 4:  // failure
      ctx.put(", Msg ");
      for (unsigned n = len - static_cast<unsigned>(p - p0); n > 0; --n) ctx.print_char(ctx.u8(p++));
      return;
    default: return;
  }
}

// One length-prefixed PAP field (", Peer alice"); false when it does not fit `length`.
bool pap_field(PrintContext& ctx, const std::uint8_t* p0, const std::uint8_t*& p, unsigned length,
               std::string_view label) {
  if (length - static_cast<unsigned>(p - p0) < 1) return false;
  const unsigned n = ctx.u8(p++);
  if (length - static_cast<unsigned>(p - p0) < n) return false;
  ctx.put(label);
  for (unsigned i = 0; i < n; ++i) ctx.print_char(ctx.u8(p++));
  return true;
}

// handle_pap().
void pap_print(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  const std::uint8_t* const p0 = p;
  std::uint8_t code = 0;
  unsigned len = 0;
  if (!auth_header(ctx, p, length, "PAP", kPapCodes, code, len)) return;
  p += 4;
  if (len > length) {
    ctx.put(", length ");
    ctx.put_u(len);
    return ctx.put(" > packet size");
  }
  length = len;
  if (length < 4) {
    ctx.put(", length ");
    ctx.put_u(length);
    return ctx.put(" < PAP header length");
  }
  switch (code) {
    case 1:  // authenticate request: peer id and password (RFC 1334 2.2.1)
      if (len < 6) return ctx.put("[|pap]");
      // (tcpdump labels the password "Name")
      if (pap_field(ctx, p0, p, length, ", Peer ")) pap_field(ctx, p0, p, length, ", Name ");
      return;
    case 2:  // ack
    case 3:  // nak
      if (len < 5) return ctx.put("[|pap]");
      pap_field(ctx, p0, p, length, ", Msg ");
      return;
    default: return;
  }
}

// handle_mlppp(): the 12-bit sequence number header.
void mlppp_print(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  if (!ctx.opt.link_header) ctx.put("MLPPP, ");
  if (length < 2 || !ctx.ttest(p, 2)) return ctx.put("[|mlppp]");
  put_hex_field(ctx, "seq 0x", load_be16(p) & 0x0fff, 3);
  ctx.put(", Flags [");
  put_bittok(ctx, kMlpppFlags, p[0] & 0xc0, "none", ", ");
  ctx.put("], length ");
  ctx.put_u(length);
}

}  // namespace

// handle_ctrl_proto(): the first line; with -v the encoded length and the body.
void ppp_ctrl_print(PrintContext& ctx, std::uint16_t proto, const std::uint8_t* p, unsigned length) {
  put_ppp_type(ctx, proto, "unknown ctrl-proto ");
  ctx.put(", ");
  if (length < 4 || !ctx.ttest(p, 2)) return ctrl_trunc(ctx, proto);
  const std::uint8_t code = p[0];
  const char* name = tok_lookup(kCpCodes, code);
  ctx.put(name ? name : "Unknown Opcode");
  put_hex_field(ctx, " (0x", code, 2);
  ctx.put("), id ");
  ctx.put_u(p[1]);
  ctx.put(", length ");
  ctx.put_u(length + 2);
  if (!ctx.opt.verbose) return;
  const unsigned len = ctx.be16(p + 2);
  ctx.put("\n\tencoded length ");
  ctx.put_u(len);
  if (len < 4) return ctx.put(" (< 4))");
  if (len > length) {
    ctx.put(" (> packet length ");
    ctx.put_u(length);
    return ctx.put("))");
  }
  ctx.put(" (=Option(s) length ");
  ctx.put_u(len - 4);
  ctx.put(')');
  if (len == 4) return;  // an empty Configure-Request, a Terminate-Ack...
  if (ctx.opt.verbose > 1) print_unknown_data(ctx, p - 2, "\n\t", 6);
  ctrl_body(ctx, proto, code, p, len);
}

bool ppp_auth_print(PrintContext& ctx, std::uint16_t proto, const std::uint8_t* p, unsigned length) {
  switch (proto) {
    case kMlppp: mlppp_print(ctx, p, length); return true;
    case kChap: chap_print(ctx, p, length); return true;
    case kPap: pap_print(ctx, p, length); return true;
    case kBap: return true;  // tcpdump's handle_bap() prints nothing ("not yet completed")
    default: return false;
  }
}

}  // namespace tcplens::tcpdump
