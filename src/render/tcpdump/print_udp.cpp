// UDP, as tcpdump's print-udp.c prints it. Of the many UDP application printers tcpdump
// has, tcplens reproduces DNS and mDNS; the others end in tcpdump's generic
// "UDP, length N" (counted apart in the golden figures).
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

void udpipaddr_print(PrintContext& ctx, const std::uint8_t* iph, int sport, int dport) {
  ip_ports_print(ctx, iph, 17, sport, dport);
}

bool is_port(std::uint16_t sport, std::uint16_t dport, std::uint16_t port) {
  return sport == port || dport == port;
}

}  // namespace

void udp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length,
               const std::uint8_t* iph, bool fragmented, std::uint8_t) {
  ctx.protocol = "udp";
  const std::uint8_t* up = bp;
  const bool v6 = (ctx.u8(iph) >> 4) == 6;
  if (!ctx.ttest(up + 2, 2)) {
    udpipaddr_print(ctx, iph, -1, -1);
    ctx.print_trunc();
    return;
  }
  std::uint16_t sport = ctx.be16(up);
  std::uint16_t dport = ctx.be16(up + 2);
  if (length < 8) {
    udpipaddr_print(ctx, iph, sport, dport);
    ctx.put("truncated-udp ");
    ctx.put_u(length);
    return;
  }
  if (!ctx.ttest(up + 4, 2)) {
    udpipaddr_print(ctx, iph, sport, dport);
    ctx.print_trunc();
    return;
  }
  unsigned ulen = ctx.be16(up + 4);
  if (ulen == 0 && length > 65535) ulen = length;
  if (ulen < 8) {
    udpipaddr_print(ctx, iph, sport, dport);
    ctx.put("truncated-udplength ");
    ctx.put_u(ulen);
    return;
  }
  ulen -= 8;
  length -= 8;
  if (ulen < length) length = ulen;
  const std::uint8_t* cp = up + 8;
  if (cp > ctx.snapend) {
    udpipaddr_print(ctx, iph, sport, dport);
    ctx.print_trunc();
    return;
  }
  udpipaddr_print(ctx, iph, sport, dport);
  // NFS over UDP (port 2049) is not decoded.

  if (ctx.opt.verbose && !fragmented) {
    if (!v6 && ctx.opt.verbose > 1) {
      std::uint16_t udp_sum = ctx.be16(up + 6);
      if (udp_sum == 0) {
        ctx.put("[no cksum] ");
      } else if (ctx.ttest(cp, length)) {
        std::uint16_t sum = nextproto4_cksum(ctx, iph, up, length + 8, length + 8, 17);
        if (sum != 0) {
          ctx.put("[bad udp cksum 0x");
          ctx.out.put_hex(udp_sum, 4);
          ctx.put(" -> 0x");
          ctx.out.put_hex(in_cksum_shouldbe(udp_sum, sum), 4);
          ctx.put("!] ");
        } else {
          ctx.put("[udp sum ok] ");
        }
      }
    } else if (v6) {
      if (ctx.ttest(cp, length)) {
        std::uint16_t sum = nextproto6_cksum(ctx, iph, up, length + 8, length + 8, 17);
        std::uint16_t udp_sum = ctx.be16(up + 6);
        if (sum != 0) {
          ctx.put("[bad udp cksum 0x");
          ctx.out.put_hex(udp_sum, 4);
          ctx.put(" -> 0x");
          ctx.out.put_hex(in_cksum_shouldbe(udp_sum, sum), 4);
          ctx.put("!] ");
        } else {
          ctx.put("[udp sum ok] ");
        }
      }
    }
  }

  if (!ctx.opt.quiet) {
    if (is_port(sport, dport, 53)) {
      domain_print(ctx, cp, length, false, false);
      return;
    }
    if (is_port(sport, dport, 5353)) {
      domain_print(ctx, cp, length, false, true);
      return;
    }
    // (tcpdump tries many other application printers first; none of them use these ports.)
    if (is_port(sport, dport, 4789)) {
      vxlan_print(ctx, cp, length);
      return;
    }
    if (is_port(sport, dport, 6081)) {
      geneve_print(ctx, cp, length);
      return;
    }
  }
  if (ulen > length && !fragmented) {
    ctx.put("UDP, bad length ");
    ctx.put_u(ulen);
    ctx.put(" > ");
    ctx.put_u(length);
  } else {
    ctx.put("UDP, length ");
    ctx.put_u(ulen);
  }
}

}  // namespace tcplens::tcpdump
