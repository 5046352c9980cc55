// ICMP for IPv4, as tcpdump's print-icmp.c prints it.
//
// tcpdump formats the description of a message into a buffer before it prints anything, so a
// message cut short while that buffer is being filled prints nothing of it, only " [|icmp]".
// Here the description goes straight to the output and is taken back if a read throws.
// With -v, error messages are followed by the quoted IP packet, printed by ip_print() itself
// with the capture limit narrowed to the quoted packet's own length, and by the RFC 4884
// multi-part extensions (MPLS label stacks, ...).
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

constexpr std::uint8_t kEchoReply = 0;
constexpr std::uint8_t kUnreach = 3;
constexpr std::uint8_t kSourceQuench = 4;
constexpr std::uint8_t kRedirect = 5;
constexpr std::uint8_t kEcho = 8;
constexpr std::uint8_t kRouterAdvert = 9;
constexpr std::uint8_t kTimeExceeded = 11;
constexpr std::uint8_t kParamProb = 12;
constexpr std::uint8_t kTstamp = 13;
constexpr std::uint8_t kTstampReply = 14;
constexpr std::uint8_t kMaskReply = 18;

// Offsets inside the ICMP message.
constexpr unsigned kOffQuotedIp = 8;             // icmp_ip: the quoted IP header
constexpr unsigned kOffQuotedProto = 8 + 9;      // icmp_ip.ip_p
constexpr unsigned kOffQuotedDst = 8 + 16;       // icmp_ip.ip_dst
constexpr unsigned kExtMinLen = 156 - 20;        // ICMP_EXTD_MINLEN
constexpr unsigned kExtHeaderSize = 141;         // sizeof(struct icmp_ext_t)

const Tok kIcmpTypes[] = {
    {0, "echo reply"},
    {4, "source quench"},
    {8, "echo request"},
    {10, "router solicitation"},
    {13, "time stamp request"},
    {14, "time stamp reply"},
    {15, "information request"},
    {16, "information reply"},
    {17, "address mask request"},
    {0, nullptr},
};

// Destination unreachable codes whose text is "<prefix><dst><suffix>" (codes 0..15 except
// 2, 3 and 4, which print more).
struct UnreachText {
  const char* prefix;
  const char* suffix;
};
const UnreachText kUnreachTexts[16] = {
    {"net ", " unreachable"},
    {"host ", " unreachable"},
    {nullptr, nullptr},
    {nullptr, nullptr},
    {nullptr, nullptr},
    {"", " unreachable - source route failed"},
    {"net ", " unreachable - unknown"},
    {"host ", " unreachable - unknown"},
    {"", " unreachable - source host isolated"},
    {"net ", " unreachable - admin prohibited"},
    {"host ", " unreachable - admin prohibited"},
    {"net ", " unreachable - tos prohibited"},
    {"host ", " unreachable - tos prohibited"},
    {"host ", " unreachable - admin prohibited filter"},
    {"host ", " unreachable - host precedence violation"},
    {"host ", " unreachable - precedence cutoff"},
};

const Tok kMultipartObjects[] = {
    {1, "MPLS Stack Entry"},
    {2, "Interface Identification"},
    {0, nullptr},
};

// tcpdump has two ways out of a short packet: its GET_ macros longjmp to the top (Truncated:
// the rest of the packet is not printed and -x dumps the whole frame), while its ND_TCHECK
// macros jump to the printer's own "trunc:" label, which prints " [|icmp]" and returns.
struct SoftTruncated {};
void soft_tcheck(const PrintContext& ctx, const std::uint8_t* p, std::size_t n) {
  if (!ctx.ttest(p, n)) throw SoftTruncated{};
}

bool is_error_type(std::uint8_t type) {
  return type == kUnreach || type == kSourceQuench || type == kRedirect ||
         type == kTimeExceeded || type == kParamProb;
}

bool has_multipart_ext(std::uint8_t type) {
  return type == kUnreach || type == kTimeExceeded || type == kParamProb;
}

// printf("%0*u", width, v): zero-padded, but never cut.
void put_zero_padded(PrintContext& ctx, std::uint32_t v, int width) {
  std::uint32_t limit = 1;
  for (int i = 0; i < width; ++i) limit *= 10;
  if (v >= limit)
    ctx.put_u(v);
  else
    ctx.out.put_u32_padded(v, width);
}

// Milliseconds since midnight UTC as hh:mm:ss.mmm (icmp_tstamp_print).
void put_icmp_tstamp(PrintContext& ctx, std::uint32_t tstamp) {
  std::uint32_t msec = tstamp % 1000;
  std::uint32_t sec = tstamp / 1000;
  std::uint32_t min = sec / 60;
  sec -= min * 60;
  std::uint32_t hrs = min / 60;
  min -= hrs * 60;
  put_zero_padded(ctx, hrs, 2);
  ctx.put(':');
  put_zero_padded(ctx, min, 2);
  ctx.put(':');
  put_zero_padded(ctx, sec, 2);
  ctx.put('.');
  put_zero_padded(ctx, msec, 3);
}

// The description between "ICMP " and ", length N".
void put_description(PrintContext& ctx, const std::uint8_t* dp, std::uint8_t type,
                     std::uint8_t code) {
  switch (type) {
    case kEcho:
    case kEchoReply:
      ctx.put(type == kEcho ? "echo request, id " : "echo reply, id ");
      ctx.put_u(ctx.be16(dp + 4));
      ctx.put(", seq ");
      ctx.put_u(ctx.be16(dp + 6));
      return;

    case kUnreach:
      switch (code) {
        case 2:  // protocol
          ctx.put_ipv4(dp + kOffQuotedDst);
          ctx.put(" protocol ");
          ctx.put_u(ctx.u8(dp + kOffQuotedProto));
          ctx.put(" unreachable");
          return;
        case 3: {  // port: the quoted transport header gives the port
          soft_tcheck(ctx, dp + kOffQuotedProto, 1);
          const std::uint8_t* oip = dp + kOffQuotedIp;
          unsigned hlen = (oip[0] & 0x0F) * 4u;
          std::uint16_t dport = ctx.be16(oip + hlen + 2);
          std::uint8_t proto = ctx.u8(dp + kOffQuotedProto);
          ctx.put_ipv4(dp + kOffQuotedDst);
          if (proto == 6) {
            ctx.put(" tcp port ");
            ctx.put_u(dport);
          } else if (proto == 17) {
            ctx.put(" udp port ");
            ctx.put_u(dport);
          } else {
            ctx.put(" protocol ");
            ctx.put_u(proto);
            ctx.put(" port ");
            ctx.put_u(dport);
          }
          ctx.put(" unreachable");
          return;
        }
        case 4: {  // need to fragment
          std::uint16_t mtu = ctx.be16(dp + 6);
          ctx.put_ipv4(dp + kOffQuotedDst);
          ctx.put(" unreachable - need to frag");
          if (mtu) {
            ctx.put(" (mtu ");
            ctx.put_u(mtu);
            ctx.put(')');
          }
          return;
        }
        default:
          if (code < 16) {
            ctx.put(kUnreachTexts[code].prefix);
            ctx.put_ipv4(dp + kOffQuotedDst);
            ctx.put(kUnreachTexts[code].suffix);
          } else {
            ctx.put_ipv4(dp + kOffQuotedDst);
            ctx.put(" unreachable - #");
            ctx.put_u(code);
          }
          return;
      }

    case kRedirect: {
      static const char* const kRedirectTexts[4][2] = {
          {"redirect ", " to net "},
          {"redirect ", " to host "},
          {"redirect-tos ", " to net "},
          {"redirect-tos ", " to host "},
      };
      if (code < 4) {
        ctx.put(kRedirectTexts[code][0]);
        ctx.put_ipv4(dp + kOffQuotedDst);
        ctx.put(kRedirectTexts[code][1]);
      } else {
        ctx.put("redirect-#");
        ctx.put_u(code);
        ctx.put(' ');
        ctx.put_ipv4(dp + kOffQuotedDst);
        ctx.put(" to ");
      }
      ctx.put_ipv4(dp + 4);  // icmp_gwaddr
      return;
    }

    case kRouterAdvert: {
      ctx.put("router advertisement lifetime ");
      soft_tcheck(ctx, dp + 4, 4);
      std::uint16_t lifetime = ctx.be16(dp + 6);
      if (lifetime < 60) {
        ctx.put_u(lifetime);
      } else if (lifetime < 60 * 60) {
        ctx.put_u(lifetime / 60);
        ctx.put(':');
        ctx.out.put_u32_padded(lifetime % 60, 2);
      } else {
        ctx.put_u(lifetime / 3600);
        ctx.put(':');
        ctx.out.put_u32_padded((lifetime % 3600) / 60, 2);
        ctx.put(':');
        ctx.out.put_u32_padded(lifetime % 60, 2);
      }
      unsigned num = ctx.u8(dp + 4);
      ctx.put(' ');
      ctx.put_u(num);
      ctx.put(':');
      unsigned size = ctx.u8(dp + 5);
      if (size != 2) {
        ctx.put(" [size ");
        ctx.put_u(size);
        ctx.put(']');
        return;
      }
      const std::uint8_t* idp = dp + 8;
      for (; num > 0; --num, idp += 8) {
        soft_tcheck(ctx, idp, 8);
        ctx.put(" {");
        ctx.put_ipv4(idp);
        ctx.put(' ');
        ctx.put_u(ctx.be32(idp + 4));
        ctx.put('}');
      }
      return;
    }

    case kTimeExceeded:
      soft_tcheck(ctx, dp + kOffQuotedDst, 4);
      if (code == 0) {
        ctx.put("time exceeded in-transit");
      } else if (code == 1) {
        ctx.put("ip reassembly time exceeded");
      } else {
        ctx.put("time exceeded-#");
        ctx.put_u(code);
      }
      return;

    case kParamProb:
      if (code) {
        ctx.put("parameter problem - code ");
        ctx.put_u(code);
      } else {
        ctx.put("parameter problem - octet ");
        ctx.put_u(ctx.u8(dp + 4));  // icmp_pptr
      }
      return;

    case kMaskReply:
      ctx.put("address mask is 0x");
      ctx.out.put_hex(ctx.be32(dp + 8), 8);
      return;

    case kTstamp:
      ctx.put("time stamp query id ");
      ctx.put_u(ctx.be16(dp + 4));
      ctx.put(" seq ");
      ctx.put_u(ctx.be16(dp + 6));
      return;

    case kTstampReply:
      soft_tcheck(ctx, dp + 16, 4);
      ctx.put("time stamp reply id ");
      ctx.put_u(ctx.be16(dp + 4));
      ctx.put(" seq ");
      ctx.put_u(ctx.be16(dp + 6));
      ctx.put(": org ");
      put_icmp_tstamp(ctx, ctx.be32(dp + 8));
      ctx.put(", recv ");
      put_icmp_tstamp(ctx, ctx.be32(dp + 12));
      ctx.put(", xmit ");
      put_icmp_tstamp(ctx, ctx.be32(dp + 16));
      return;

    default:
      put_tok(ctx, kIcmpTypes, type, "type-#");
      return;
  }
}

// RFC 4884 multi-part extensions (RFC 4950 MPLS label stack objects). `plen` > kExtMinLen.
void print_multipart_ext(PrintContext& ctx, const std::uint8_t* dp, unsigned plen) {
  if (!ctx.ttest(dp, kExtHeaderSize)) return ctx.print_trunc();
  const std::uint8_t* ext = dp + kExtMinLen;  // icmp_ext_version_res
  if (ctx.u8(dp + 5) == 0 && ctx.ttest(ext, plen - kExtMinLen)) {
    // No length given: only a correct checksum tells that an extension is there.
    if (in_cksum(ext, plen - kExtMinLen) != 0) return;
  }
  unsigned version = ext[0] >> 4;
  ctx.put("\n\tICMP Multi-Part extension v");
  ctx.put_u(version);
  if (version != 2) {
    ctx.put(" packet not supported");
    return;
  }
  unsigned hlen = plen - kExtMinLen;
  if (ctx.ttest(ext, hlen)) {
    ctx.put(", checksum 0x");
    ctx.out.put_hex(ctx.be16(ext + 2), 4);
    ctx.put(in_cksum(ext, hlen) ? " (incorrect), length " : " (correct), length ");
    ctx.put_u(hlen);
  }
  hlen -= 4;  // the common header (wraps like tcpdump's u_int when shorter)
  const std::uint8_t* obj = ext + 4;
  while (hlen > 4) {
    if (!ctx.ttest(obj, 4)) return ctx.print_trunc();
    unsigned obj_len = ctx.be16(obj);
    unsigned obj_class = ctx.u8(obj + 2);
    unsigned obj_ctype = ctx.u8(obj + 3);
    obj += 4;
    ctx.put("\n\t  ");
    const char* obj_name = tok_lookup(kMultipartObjects, obj_class);
    ctx.put(obj_name ? obj_name : "unknown");
    ctx.put(" Object (");
    ctx.put_u(obj_class);
    ctx.put("), Class-Type: ");
    ctx.put_u(obj_ctype);
    ctx.put(", length ");
    ctx.put_u(obj_len);
    hlen -= 4;
    if (obj_class == 0 || obj_len < 4) return;
    obj_len -= 4;
    if (obj_class == 1 && obj_ctype == 1) {
      std::uint32_t raw = ctx.be32(obj);
      ctx.put("\n\t    label ");
      ctx.put_u(raw >> 12);
      ctx.put(", tc ");
      ctx.put_u((raw >> 9) & 7);
      if (raw & 0x100) ctx.put(", [S]");
      ctx.put(", ttl ");
      ctx.put_u(raw & 0xff);
    } else {
      print_unknown_data(ctx, obj, "\n\t    ", obj_len);
    }
    if (hlen < obj_len) break;
    hlen -= obj_len;
    obj += obj_len;
  }
}

}  // namespace

void icmp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned plen, const std::uint8_t*,
                bool fragmented) {
  ctx.protocol = "icmp";
  const std::uint8_t* dp = bp;
  std::uint8_t type = ctx.u8(dp);
  std::uint8_t code = ctx.u8(dp + 1);

  const std::size_t mark = ctx.out.size();
  try {
    ctx.put("ICMP ");
    put_description(ctx, dp, type, code);
  } catch (const Truncated&) {
    ctx.out.truncate(mark);  // tcpdump had only filled its buffer
    throw;
  } catch (const SoftTruncated&) {
    ctx.out.truncate(mark);
    ctx.print_trunc();
    return;
  }
  ctx.put(", length ");
  ctx.put_u(plen);

  if (ctx.opt.verbose && !fragmented && ctx.ttest(dp, plen)) {
    std::uint16_t sum = in_cksum(dp, plen);
    if (sum != 0) {
      std::uint16_t icmp_sum = ctx.be16(dp + 2);
      ctx.put(" (wrong icmp cksum ");
      ctx.out.put_hex(icmp_sum);
      ctx.put(" (->");
      ctx.out.put_hex(in_cksum_shouldbe(icmp_sum, sum));
      ctx.put(")!)");
    }
  }

  if (ctx.opt.verbose && is_error_type(type)) {
    // The quoted packet, limited to its own length so that extensions after it are not
    // taken for its payload.
    const std::uint8_t* oip = dp + 8;
    ctx.put("\n\t");
    unsigned ip_len = ctx.be16(oip + 2);
    const std::uint8_t* saved = ctx.snapend;
    if (ip_len < static_cast<std::size_t>(ctx.snapend - oip)) ctx.snapend = oip + ip_len;
    ip_print(ctx, oip, ip_len);
    ctx.snapend = saved;
  }
  ctx.protocol = "icmp";

  if (ctx.opt.verbose && plen > kExtMinLen && has_multipart_ext(type)) {
    print_multipart_ext(ctx, dp, plen);
  }
}

}  // namespace tcplens::tcpdump
