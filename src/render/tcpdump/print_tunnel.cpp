// UDP tunnels whose inner packets tcpdump prints: VXLAN (print-vxlan.c), VXLAN-GPE
// (print-vxlan-gpe.c), Geneve (print-geneve.c) and L2TPv2 (print-l2tp.c: the header and
// data messages; control messages' AVPs are not printed). The inner frame goes back through the Ethernet/IP printers.
#include "print_context.hpp"

namespace tcplens::tcpdump {

void vxlan_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  ctx.protocol = "vxlan";
  ctx.put("VXLAN");
  if (len < 8) {
    ctx.print_invalid();
    return;
  }
  std::uint8_t flags = ctx.u8(bp);
  ctx.put(", flags [");
  ctx.put((flags & 0x08) ? "I" : "invalid");
  ctx.put("] (0x");
  ctx.out.put_hex(flags, 2);
  ctx.put("), vni ");
  ctx.put_u(ctx.be24(bp + 4));
  // Watch out: tcpdump ends the VXLAN header with a newline inside the packet's record.
  ctx.put('\n');
  ctx.tcheck(bp + 7, 1);
  const std::uint8_t* inner = bp + 8;
  ether_print(ctx, inner, len - 8, static_cast<unsigned>(ctx.available(inner)));
}

void vxlan_gpe_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  ctx.protocol = "vxlan_gpe";
  ctx.put("VXLAN-GPE, ");
  if (len < 8) {  // the header's length first (tcpdump 4.99.3)
    ctx.put(" (len ");
    ctx.put_u(len);
    ctx.put(" < 8)");
    return ctx.print_invalid();
  }
  const std::uint8_t flags = ctx.u8(bp);
  ctx.put("flags [");
  static const Tok kFlags[] = {{0x08, "I"}, {0x04, "P"}, {0x02, "B"}, {0x01, "O"}, {0, nullptr}};
  put_bittok(ctx, kFlags, flags, "none", "");
  ctx.put("], ");
  const std::uint8_t next_protocol = ctx.u8(bp + 3);
  const std::uint32_t vni = ctx.be24(bp + 4);
  ctx.u8(bp + 7);  // the reserved byte is read before the VNI is printed
  ctx.put("vni ");
  ctx.put_u(vni);
  ctx.put(ctx.opt.verbose ? "\n    " : ": ");
  const std::uint8_t* inner = bp + 8;
  len -= 8;
  switch (next_protocol) {
    case 1: return ip_print(ctx, inner, len);
    case 2: return ip6_print(ctx, inner, len);
    case 3: return ether_print(ctx, inner, len, static_cast<unsigned>(ctx.available(inner)));
    default: ctx.put("ERROR: unknown-next-protocol"); return ctx.print_invalid();
  }
}

void l2tp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "l2tp";
  const std::uint8_t* ptr = bp;
  const std::uint16_t flags = ctx.be16(ptr);
  switch (flags & 0x000f) {
    case 2: ctx.put(" l2tp:["); break;
    case 1: ctx.put(" l2f:"); return;
    default: ctx.put(" Unknown Version, neither L2F(1) nor L2TP(2)"); return;
  }
  if (flags & 0x8000) ctx.put('T');
  if (flags & 0x4000) ctx.put('L');
  if (flags & 0x0800) ctx.put('S');
  if (flags & 0x0200) ctx.put('O');
  if (flags & 0x0100) ctx.put('P');
  ctx.put(']');
  ptr += 2;
  unsigned cnt = 2;
  unsigned l2tp_len = 0;
  if (flags & 0x4000) {
    l2tp_len = ctx.be16(ptr);
    ptr += 2;
    cnt += 2;
  }
  ctx.put('(');
  ctx.put_u(ctx.be16(ptr));
  ctx.put('/');
  ctx.put_u(ctx.be16(ptr + 2));
  ctx.put(')');
  ptr += 4;
  cnt += 4;
  if (flags & 0x0800) {
    ctx.put("Ns=");
    ctx.put_u(ctx.be16(ptr));
    ctx.put(",Nr=");
    ctx.put_u(ctx.be16(ptr + 2));
    ptr += 4;
    cnt += 4;
  }
  if (flags & 0x0200) {
    const unsigned pad = ctx.be16(ptr);
    ptr += 2 + pad;
    cnt += 2 + pad;
  }
  if (flags & 0x4000) {
    if (length < l2tp_len) {
      ctx.put(" Length ");
      ctx.put_u(l2tp_len);
      ctx.put(" larger than packet");
      return;
    }
    length = l2tp_len;
  }
  if (length < cnt) {
    ctx.put(" Length ");
    ctx.put_u(length);
    ctx.put(" smaller than header length");
    return;
  }
  if (flags & 0x8000) {
    if (length - cnt == 0) ctx.put(" ZLB");
    // (the attribute-value pairs of control messages are not printed)
    return;
  }
  ctx.put(" {");
  ppp_print(ctx, ptr, length - cnt);
  ctx.put('}');
}

namespace {

const char* geneve_opt_class(std::uint16_t opt_class) {
  switch (opt_class) {
    case 0x0100: return "Linux";
    case 0x0101: return "Open vSwitch";
    case 0x0102: return "Open Virtual Networking (OVN)";
    case 0x0103: return "In-band Network Telemetry (INT)";
    case 0x0104: return "VMware";
    default:
      if (opt_class <= 0x00ff) return "Standard";
      if (opt_class >= 0xfff0) return "Experimental";
      return "Unknown";
  }
}

void geneve_opts_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  const char* sep = "";
  while (len > 0) {
    ctx.put(sep);
    sep = ", ";
    std::uint16_t opt_class = ctx.be16(bp);
    std::uint8_t opt_type = ctx.u8(bp + 2);
    unsigned opt_len = 4 + ((ctx.u8(bp + 3) & 0x1f) * 4u);
    ctx.put("class ");
    ctx.put(geneve_opt_class(opt_class));
    ctx.put(" (0x");
    ctx.out.put_hex(opt_class);
    ctx.put(") type 0x");
    ctx.out.put_hex(opt_type);
    if (opt_type & 0x80) ctx.put("(C)");
    ctx.put(" len ");
    ctx.put_u(opt_len);
    if (opt_len > len) {
      ctx.put(" [bad length]");
      return;
    }
    if (ctx.opt.verbose > 1 && opt_len > 4) {
      ctx.put(" data");
      for (unsigned i = 4; i < opt_len; i += 4) {
        ctx.put(' ');
        ctx.out.put_hex(ctx.be32(bp + i), 8);
      }
    }
    bp += opt_len;
    len -= opt_len;
  }
}

}  // namespace

void geneve_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  ctx.protocol = "geneve";
  ctx.put("Geneve");
  if (len < 8) {
    ctx.put(" [length ");
    ctx.put_u(len);
    ctx.put(" < 8]");
    ctx.print_invalid();
    return;
  }
  if (!ctx.ttest(bp, 8)) {
    ctx.print_trunc();
    return;
  }
  std::uint8_t ver_opt = ctx.u8(bp);
  unsigned version = ver_opt >> 6;
  if (version != 0) {
    ctx.put(" ERROR: unknown-version ");
    ctx.put_u(version);
    return;
  }
  std::uint8_t flags = ctx.u8(bp + 1);
  std::uint16_t prot = ctx.be16(bp + 2);
  std::uint32_t vni = ctx.be24(bp + 4);
  std::uint8_t reserved = ctx.u8(bp + 7);
  bp += 8;
  len -= 8;
  ctx.put(", Flags [");
  static const Tok kFlags[] = {{0x80, "O"},  {0x40, "C"},  {0x20, "R1"}, {0x10, "R2"},
                               {0x08, "R3"}, {0x04, "R4"}, {0x02, "R5"}, {0x01, "R6"},
                               {0, nullptr}};
  put_bittok(ctx, kFlags, flags, "none", "");
  ctx.put("], vni 0x");
  ctx.out.put_hex(vni);
  if (reserved) {
    ctx.put(", rsvd 0x");
    ctx.out.put_hex(reserved);
  }
  if (ctx.opt.link_header) {
    ctx.put(", proto ");
    put_ethertype_name(ctx, prot, "unknown");
    ctx.put(" (0x");
    ctx.out.put_hex(prot, 4);
    ctx.put(')');
  }
  unsigned opts_len = (ver_opt & 0x3f) * 4u;
  if (len < opts_len) {
    ctx.put(" truncated-geneve - ");
    ctx.put_u(opts_len - len);
    ctx.put(" bytes missing");
    return;
  }
  if (!ctx.ttest(bp, opts_len)) {
    ctx.print_trunc();
    return;
  }
  if (opts_len > 0) {
    ctx.put(", options [");
    if (ctx.opt.verbose) {
      geneve_opts_print(ctx, bp, opts_len);
    } else {
      ctx.put_u(opts_len);
      ctx.put(" bytes");
    }
    ctx.put(']');
  }
  bp += opts_len;
  len -= opts_len;
  ctx.put(ctx.opt.verbose < 1 ? ": " : "\n\t");
  unsigned caplen = static_cast<unsigned>(ctx.available(bp));
  if (!ethertype_print(ctx, prot, bp, len, caplen, nullptr, nullptr)) {
    if (prot == 0x6558) {
      ether_print(ctx, bp, len, caplen);
    } else {
      ctx.put("geneve-proto-0x");
      ctx.out.put_hex(prot);
    }
  }
}

}  // namespace tcplens::tcpdump
