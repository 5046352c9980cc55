// UDP, as tcpdump's print-udp.c prints it. Of the many UDP application printers tcpdump
// has, tcplens reproduces DNS, mDNS, syslog, TFTP requests, RIP, RIPng, SNMP, NTP,
// BOOTP/DHCP and DHCPv6, SIP's first line and the tunnels (VXLAN, VXLAN-GPE, Geneve, L2TP);
// tcpdump's port dispatch and what its other printers print of an empty or short payload
// are in print_udp_ports.cpp; the others end in tcpdump's generic "UDP, length N" (counted
// apart in the golden figures).
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

void udpipaddr_print(PrintContext& ctx, const std::uint8_t* iph, int sport, int dport) {
  ip_ports_print(ctx, iph, 17, sport, dport);
}

const Tok kSyslogSeverities[] = {
    {0, "emergency"}, {1, "alert"}, {2, "critical"}, {3, "error"}, {4, "warning"},
    {5, "notice"},    {6, "info"},  {7, "debug"},    {0, nullptr},
};

const Tok kSyslogFacilities[] = {
    {0, "kernel"},    {1, "user"},    {2, "mail"},    {3, "daemon"},   {4, "auth"},
    {5, "syslog"},    {6, "lpr"},     {7, "news"},    {8, "uucp"},     {9, "cron"},
    {10, "authpriv"}, {11, "ftp"},    {12, "ntp"},    {13, "security"}, {14, "console"},
    {15, "cron"},     {16, "local0"}, {17, "local1"}, {18, "local2"},  {19, "local3"},
    {20, "local4"},   {21, "local5"}, {22, "local6"}, {23, "local7"},  {0, nullptr},
};

// tok2str(table, "unknown (%u)", value)
void put_tok_or_unknown(PrintContext& ctx, const Tok* table, unsigned value) {
  if (const char* name = tok_lookup(table, value)) return ctx.put(name);
  ctx.put("unknown (");
  ctx.put_u(value);
  ctx.put(')');
}

}  // namespace

// Syslog (RFC 3164/5424) on port 514, as print-syslog.c: the priority in angle brackets.
void syslog_print(PrintContext& ctx, const std::uint8_t* p, unsigned len) {
  ctx.protocol = "syslog";
  constexpr unsigned kMaxDigits = 3;
  unsigned off = 0, pri = 0;
  if (ctx.u8(p) != '<') return ctx.print_invalid();
  ++off;
  while (off <= kMaxDigits && ctx.u8(p + off) >= '0' && ctx.u8(p + off) <= '9') {
    pri = pri * 10 + (ctx.u8(p + off) - '0');
    ++off;
  }
  if (ctx.u8(p + off) != '>') return ctx.print_invalid();
  ++off;
  const unsigned facility = (pri & 0x03f8) >> 3, severity = pri & 0x0007;
  if (ctx.opt.verbose < 1) {
    ctx.put("SYSLOG ");
    put_tok_or_unknown(ctx, kSyslogFacilities, facility);
    ctx.put('.');
    put_tok_or_unknown(ctx, kSyslogSeverities, severity);
    ctx.put(", length: ");
    ctx.put_u(len);
    return;
  }
  ctx.put("SYSLOG, length: ");
  ctx.put_u(len);
  ctx.put("\n\tFacility ");
  put_tok_or_unknown(ctx, kSyslogFacilities, facility);
  ctx.put(" (");
  ctx.put_u(facility);
  ctx.put("), Severity ");
  put_tok_or_unknown(ctx, kSyslogSeverities, severity);
  ctx.put(" (");
  ctx.put_u(severity);
  ctx.put(")\n\tMsg: ");
  for (unsigned i = off; i < len; ++i) ctx.print_char(ctx.u8(p + i));
  if (ctx.opt.verbose > 1) print_unknown_data(ctx, p, "\n\t", len);
}

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

  if (ctx.opt.verbose && !ctx.opt.no_checksums && !fragmented) {
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

  if (!ctx.opt.quiet && udp_port_print(ctx, cp, length, sport, dport, v6)) return;
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
