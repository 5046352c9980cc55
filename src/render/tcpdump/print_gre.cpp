// GRE (RFC 2784/2890, and PPTP's version 1 of RFC 2637) and MPLS label stacks (RFC 3032),
// as tcpdump 4.99's print-gre.c and print-mpls.c print them. The inner packet goes back
// through the IP, Ethernet and PPP printers.
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

constexpr std::uint16_t kGreChecksum = 0x8000;
constexpr std::uint16_t kGreRouting = 0x4000;
constexpr std::uint16_t kGreKey = 0x2000;
constexpr std::uint16_t kGreSeq = 0x1000;
constexpr std::uint16_t kGreStrictRoute = 0x0800;
constexpr std::uint16_t kGreAck = 0x0080;
constexpr std::uint16_t kGreVersionMask = 0x0007;
constexpr std::uint16_t kGreSreIp = 0x0800;
constexpr std::uint16_t kGreSreAsn = 0xfffe;
constexpr std::uint16_t kGreWccp = 0x883e;

const Tok kGreFlagValues[] = {
    {kGreChecksum, "checksum present"},     {kGreRouting, "routing present"},
    {kGreKey, "key present"},               {kGreSeq, "sequence# present"},
    {kGreStrictRoute, "source routing present"}, {kGreAck, "ack present"},
    {0, nullptr},
};

// A source route entry of IPv4 addresses (4 bytes each) or AS numbers (2 bytes each),
// the one at `offset` starred; false when offset or length contradict the entry size.
bool gre_sre_print(PrintContext& ctx, std::uint16_t af, std::uint8_t offset, std::uint8_t sre_len,
                   const std::uint8_t* bp, unsigned len) {
  const bool ip = af == kGreSreIp;
  if (!ip && af != kGreSreAsn) {
    ctx.put(", (rtaf=0x");
    ctx.out.put_hex(af);
    ctx.put(')');
    return true;
  }
  const unsigned unit = ip ? 4 : 2;
  ctx.put(ip ? ", (rtaf=ip" : ", (rtaf=asn");
  bool ok = true;
  if (offset % unit) {
    ctx.put(", badoffset=");
    ctx.put_u(offset);
    ok = false;
  } else if (sre_len % unit) {
    ctx.put(", badlength=");
    ctx.put_u(sre_len);
    ok = false;
  } else if (offset >= sre_len) {
    ctx.put(", badoff/len=");
    ctx.put_u(offset);
    ctx.put('/');
    ctx.put_u(sre_len);
    ok = false;
  }
  const std::uint8_t* start = bp;
  while (ok && sre_len != 0) {
    if (len < unit) {
      ok = false;
      break;
    }
    ctx.put(' ');
    if (bp - start == offset) ctx.put('*');
    if (ip) {
      ctx.put_ipv4(bp);
    } else {
      ctx.out.put_hex(ctx.be16(bp));
    }
    bp += unit;
    len -= unit;
    sre_len = static_cast<std::uint8_t>(sre_len - unit);
  }
  ctx.put(')');
  return ok;
}

// An optional 32-bit field: ", key=0x7" (hex) or ", seq 5"; false when `len` lacks it.
bool gre_field32(PrintContext& ctx, const std::uint8_t*& bp, unsigned& len, const char* label,
                 bool hex) {
  if (len < 4) return false;
  ctx.put(label);
  if (hex)
    ctx.out.put_hex(ctx.be32(bp));
  else
    ctx.put_u(ctx.be32(bp));
  bp += 4;
  len -= 4;
  return true;
}

// -e: the protocol type by its EtherType name.
void gre_proto_print(PrintContext& ctx, std::uint16_t prot) {
  ctx.put(", proto ");
  put_ethertype_name(ctx, prot, "unknown");
  ctx.put(" (0x");
  ctx.out.put_hex(prot, 4);
  ctx.put(')');
}

void gre_print_0(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  unsigned len = length;
  const std::uint16_t flags = ctx.be16(bp);
  if (ctx.opt.verbose) {
    ctx.put(", Flags [");
    put_bittok(ctx, kGreFlagValues, flags, "none", ", ");
    ctx.put(']');
  }
  len -= 2;
  bp += 2;
  if (len < 2) return ctx.print_invalid();
  const std::uint16_t prot = ctx.be16(bp);
  len -= 2;
  bp += 2;
  if (flags & (kGreChecksum | kGreRouting)) {
    if (len < 2) return ctx.print_invalid();
    const std::uint16_t sum = ctx.be16(bp);
    if (ctx.opt.verbose) {
      ctx.put(", sum 0x");
      ctx.out.put_hex(sum);
    }
    bp += 2;
    len -= 2;
    if (len < 2) return ctx.print_invalid();
    ctx.put(", off 0x");
    ctx.out.put_hex(ctx.be16(bp));
    bp += 2;
    len -= 2;
  }
  if ((flags & kGreKey) && !gre_field32(ctx, bp, len, ", key=0x", true)) return ctx.print_invalid();
  if ((flags & kGreSeq) && !gre_field32(ctx, bp, len, ", seq ", false)) return ctx.print_invalid();
  if (flags & kGreRouting) {
    for (;;) {
      if (len < 4) return ctx.print_invalid();
      const std::uint16_t af = ctx.be16(bp);
      const std::uint8_t sre_offset = ctx.u8(bp + 2);
      const std::uint8_t sre_len = ctx.u8(bp + 3);
      bp += 4;
      len -= 4;
      if (af == 0 && sre_len == 0) break;
      if (!gre_sre_print(ctx, af, sre_offset, sre_len, bp, len)) return ctx.print_invalid();
      if (len < sre_len) return ctx.print_invalid();
      bp += sre_len;
      len -= sre_len;
    }
  }
  if (ctx.opt.link_header) gre_proto_print(ctx, prot);
  ctx.put(", length ");
  ctx.put_u(length);
  ctx.put(ctx.opt.verbose < 1 ? ": " : "\n\t");
  switch (prot) {
    case kGreWccp:
      ctx.put("wccp ");
      if (len < 1) return ctx.print_invalid();
      if ((ctx.u8(bp) >> 4) != 4) {
        // A WCCP redirect header (draft-wilson-wrec-wccp-v2) before the IPv4 packet.
        if (len < 4) return ctx.print_invalid();
        const std::uint8_t wccp_flags = ctx.u8(bp);
        ctx.put("T:");
        ctx.put((wccp_flags & 0x80) ? '1' : '0');
        ctx.put(" A:");
        ctx.put((wccp_flags & 0x40) ? '1' : '0');
        ctx.put(" U:");
        ctx.put((wccp_flags & 0x20) ? '1' : '0');
        ctx.put(" SId:");
        ctx.put_u(ctx.u8(bp + 1));
        ctx.put(" Alt:");
        ctx.put_u(ctx.u8(bp + 2));
        ctx.put(" Pri:");
        ctx.put_u(ctx.u8(bp + 3));
        bp += 4;
        len -= 4;
        ctx.put(": ");
      }
      ip_print(ctx, bp, len);
      break;
    case 0x0800:
      ip_print(ctx, bp, len);
      break;
    case 0x86dd:
      ip6_print(ctx, bp, len);
      break;
    case 0x8847:
    case 0x8848:
      mpls_print(ctx, bp, len);
      break;
    case 0x6558:  // transparent Ethernet bridging (gretap)
      ether_print(ctx, bp, len, static_cast<unsigned>(ctx.available(bp)));
      break;
    default:
      // ERSPAN (0x88be, 0x22eb) too: tcpdump 4.99 has no printer for it.
      ctx.put("gre-proto-0x");
      ctx.out.put_hex(prot);
      break;
  }
}

void gre_print_1(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  unsigned len = length;
  const std::uint16_t flags = ctx.be16(bp);
  len -= 2;
  bp += 2;
  if (ctx.opt.verbose) {
    ctx.put(", Flags [");
    put_bittok(ctx, kGreFlagValues, flags, "none", ", ");
    ctx.put(']');
  }
  if (len < 2) return ctx.print_invalid();
  const std::uint16_t prot = ctx.be16(bp);
  len -= 2;
  bp += 2;
  constexpr std::uint16_t kMikrotikEoip = 0x6400;
  if (prot == kMikrotikEoip && (flags & ~kGreVersionMask) != kGreKey) {
    ctx.put(" unknown-eoip-flags-");
    ctx.out.put_hex(flags, 4);
    ctx.put('!');
    return;
  }
  if (flags & kGreKey) {
    // PPTP: payload length, then the call id.
    if (len < 2) return ctx.print_invalid();
    ctx.tcheck(bp, 2);
    len -= 2;
    bp += 2;
    if (len < 2) return ctx.print_invalid();
    ctx.put(prot == kMikrotikEoip ? ", tunnel-id " : ", call ");
    ctx.put_u(ctx.be16(bp));
    len -= 2;
    bp += 2;
  } else {
    ctx.put(", (ERROR: K flag not set)");
  }
  if ((flags & kGreSeq) && !gre_field32(ctx, bp, len, ", seq ", false)) return ctx.print_invalid();
  if ((flags & kGreAck) && !gre_field32(ctx, bp, len, ", ack ", false)) return ctx.print_invalid();
  const bool no_payload = prot != kMikrotikEoip && (flags & kGreSeq) == 0;
  if (no_payload) ctx.put(", no-payload");
  if (ctx.opt.link_header) gre_proto_print(ctx, prot);
  ctx.put(", length ");
  ctx.put_u(length);
  if (no_payload) return;
  ctx.put(ctx.opt.verbose < 1 ? ": " : "\n\t");
  switch (prot) {
    case 0x880b:
      ppp_print(ctx, bp, len);
      break;
    case kMikrotikEoip:
      if (len == 0)
        ctx.put("keepalive");
      else
        ether_print(ctx, bp, len, static_cast<unsigned>(ctx.available(bp)));
      break;
    default:
      ctx.put("gre-proto-0x");
      ctx.out.put_hex(prot);
      break;
  }
}

}  // namespace

void gre_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "gre";
  ctx.put("GRE");
  if (length < 2) return ctx.print_invalid();
  const unsigned version = ctx.be16(bp) & kGreVersionMask;
  ctx.put('v');
  ctx.put_u(version);
  switch (version) {
    case 0: return gre_print_0(ctx, bp, length);
    case 1: return gre_print_1(ctx, bp, length);
    default: ctx.put(" ERROR: unknown-version"); return;
  }
}

namespace {

const char* const kMplsLabelNames[] = {
    "IPv4 explicit NULL", "router alert", "IPv6 explicit NULL", "implicit NULL",
    "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd", "rsvd",
};

}  // namespace

void mpls_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "mpls";
  ctx.put("MPLS");
  const std::uint8_t* p = bp;
  std::uint32_t entry = 0;
  bool first_entry = true;
  do {
    if (length < 4) {
      ctx.print_invalid();
      ctx.tcheck(p, length);
      return;
    }
    entry = ctx.be32(p);
    const std::uint32_t label = entry >> 12;
    ctx.put((!first_entry && ctx.opt.verbose) ? "\n\t(label " : " (label ");
    ctx.put_u(label);
    first_entry = false;
    if (ctx.opt.verbose && label < 16) {
      ctx.put(" (");
      ctx.put(kMplsLabelNames[label]);
      ctx.put(')');
    }
    ctx.put(", tc ");
    ctx.put_u((entry >> 9) & 7);
    if (entry & 0x100) ctx.put(", [S]");
    ctx.put(", ttl ");
    ctx.put_u(entry & 0xff);
    ctx.put(')');
    p += 4;
    length -= 4;
  } while (!(entry & 0x100));

  // Watch out: tcpdump takes the implicit-null label (3) for IPv4, and any other label by
  // the first byte (0x45-0x4f IPv4, 0x60-0x6f IPv6, 0x81-0x83 OSI), where Wireshark's
  // decoder, and ours, take any version-4 or -6 nibble.
  int kind = 0;  // 4, 6, 1 (OSI) or 0 (unknown)
  switch (entry >> 12) {
    case 0:
    case 3: kind = 4; break;
    case 2: kind = 6; break;
    default: {
      if (length < 1) return;
      const std::uint8_t first = ctx.u8(p);
      kind = (first >= 0x45 && first <= 0x4f) ? 4
             : (first >= 0x60 && first <= 0x6f) ? 6
             : (first >= 0x81 && first <= 0x83) ? 1
                                                 : 0;
    }
  }
  switch (kind) {
    case 4:
      ctx.put(ctx.opt.verbose ? "\n\t" : " ");
      ip_print(ctx, p, length);
      break;
    case 6:
      ctx.put(ctx.opt.verbose ? "\n\t" : " ");
      ip6_print(ctx, p, length);
      break;
    case 1:
      // OSI (CLNP, ES-IS, IS-IS) is not printed by tcplens.
      ctx.put(ctx.opt.verbose ? "\n\t" : " ");
      ctx.put("OSI");
      break;
    default:
      if (!suppress_default_print(ctx)) default_print(ctx, p, length);
      break;
  }
}

}  // namespace tcplens::tcpdump
