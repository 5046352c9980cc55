// VRRP (IP protocol 112), as tcpdump 4.99's print-vrrp.c prints it: version and type, the TTL
// when it is not 255, and for an advertisement of version 2 or 3 the router ID, priority,
// authentication type (v2) and interval; at -v a wrong checksum, the addresses and a v2
// simple-text password. A value is read before the words it is printed with, as tcpdump's
// GET_ macros are arguments of its ND_PRINTs.
#include "print_context.hpp"

namespace tcplens::tcpdump {

void vrrp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len, const std::uint8_t* iph,
                unsigned ttl, int ver) {
  ctx.protocol = "vrrp";
  ctx.put("VRRP");
  const std::uint8_t first = ctx.u8(bp);
  const unsigned version = first >> 4, type = first & 0x0f;
  ctx.put('v');
  ctx.put_u(version);
  ctx.put(", ");
  if (type == 1) {
    ctx.put("Advertisement");
  } else {
    ctx.put("unknown type (");
    ctx.put_u(type);
    ctx.put(')');
  }
  if (ttl != 255) {
    ctx.put(", (ttl ");
    ctx.put_u(ttl);
    ctx.put(')');
  }
  if (version < 2 || version > 3 || type != 1) return;
  const std::uint8_t vrid = ctx.u8(bp + 1), prio = ctx.u8(bp + 2);
  ctx.put(", vrid ");
  ctx.put_u(vrid);
  ctx.put(", prio ");
  ctx.put_u(prio);
  std::uint8_t auth = 0;
  if (version == 2) {
    auth = ctx.u8(bp + 4);
    static const Tok kAuth[] = {{0, "none"}, {1, "simple"}, {2, "ah"}, {0, nullptr}};
    ctx.put(", authtype ");
    if (const char* name = tok_lookup(kAuth, auth)) {
      ctx.put(name);
    } else {
      ctx.put('#');
      ctx.put_u(auth);
    }
    const std::uint8_t interval = ctx.u8(bp + 5);
    ctx.put(", intvl ");
    ctx.put_u(interval);
    ctx.put("s, length ");
  } else {
    const unsigned interval = (ctx.u8(bp + 4) & 0x0fu) << 8 | ctx.u8(bp + 5);  // centiseconds
    ctx.put(", intvl ");
    ctx.put_u(interval);
    ctx.put("cs, length ");
  }
  ctx.put_u(len);
  if (!ctx.opt.verbose) return;
  const unsigned addresses = ctx.u8(bp + 3);
  if (ctx.ttest(bp, len)) {
    // Version 2 sums the VRRP message alone, version 3 with the IP pseudo-header too.
    const std::uint16_t sum = version == 2 ? in_cksum(bp, len)
                              : ver == 4   ? nextproto4_cksum(ctx, iph, bp, len, len, 112)
                                           : nextproto6_cksum(ctx, iph, bp, len, len, 112);
    if (sum != 0) {
      ctx.put(", (bad vrrp cksum ");
      ctx.out.put_hex(ctx.be16(bp + 6));
      ctx.put(')');
    }
  }
  ctx.put(", addrs");
  if (addresses > 1) {
    ctx.put('(');
    ctx.put_u(addresses);
    ctx.put(')');
  }
  ctx.put(':');
  const unsigned size = ver == 4 ? 4 : 16;
  const std::uint8_t* p = bp + 8;
  for (unsigned i = 0; i < addresses; ++i, p += size) {
    ctx.tcheck(p, size);
    ctx.put(i == 0 ? ' ' : ',');
    if (ver == 4)
      ctx.put_ipv4(p);
    else
      ctx.put_ipv6(p);
  }
  if (version == 2 && auth == 1) {
    ctx.put(" auth \"");
    ctx.print_padded_string(p, 8);
    ctx.put('"');
  }
}

}  // namespace tcplens::tcpdump
