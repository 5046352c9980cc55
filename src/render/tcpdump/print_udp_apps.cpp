// UDP services tcpdump names at its default verbosity, beside the TCP they are seen with:
// TFTP (print-tftp.c, the request on port 69), RIPng (print-ripng.c, port 521), and the first
// line of NTP (print-ntp.c), BOOTP/DHCP (print-bootp.c) and DHCPv6 (print-dhcp6.c), whose
// -v details are not printed (docs/differences.md).
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

// nd_printztn(): a NUL-terminated string of at most n bytes; returns the bytes taken with
// the NUL, 0 when it does not end within n (or the capture).
unsigned print_zt(PrintContext& ctx, const std::uint8_t* p, unsigned n) {
  for (unsigned i = 0; i < n; ++i) {
    if (!ctx.ttest(p + i, 1)) return 0;
    if (p[i] == 0) return i + 1;
    ctx.print_char(p[i]);
  }
  return 0;
}

}  // namespace

// TFTP options (RRQ, WRQ after the mode; OACK): each string after a space, unless empty.
bool tftp_options(PrintContext& ctx, const std::uint8_t*& bp, unsigned& length) {
  while (length != 0) {
    if (ctx.u8(bp) != 0) ctx.put(' ');
    const unsigned used = print_zt(ctx, bp, length);
    if (used == 0) return false;
    bp += used, length -= used;
  }
  return true;
}

void tftp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "tftp";
  ctx.put("TFTP, length ");
  ctx.put_u(length);
  if (length < 2) return ctx.print_trunc();
  const unsigned opcode = ctx.be16(bp);
  bp += 2;
  length -= 2;
  static const Tok kOps[] = {{1, "RRQ"}, {2, "WRQ"}, {3, "DATA"}, {4, "ACK"},
                             {5, "ERROR"}, {6, "OACK"}, {0, nullptr}};
  ctx.put(", ");
  put_tok(ctx, kOps, opcode, "tftp-#");
  switch (opcode) {
    case 1:
    case 2: {  // "file" mode [options]
      if (length == 0) return ctx.print_trunc();
      ctx.put(" \"");
      unsigned used = print_zt(ctx, bp, length);
      ctx.put('"');
      if (used == 0) return ctx.print_trunc();
      bp += used, length -= used;
      if (length == 0) return ctx.print_trunc();
      ctx.put(' ');
      used = print_zt(ctx, bp, length);
      if (used == 0) return ctx.print_trunc();
      bp += used, length -= used;
      if (!tftp_options(ctx, bp, length)) ctx.print_trunc();
      return;
    }
    case 6:
      if (!tftp_options(ctx, bp, length)) ctx.print_trunc();
      return;
    case 3:
    case 4:
      if (length < 2) return ctx.print_trunc();
      ctx.put(" block ");
      ctx.put_u(ctx.be16(bp));
      return;
    default:
      // ERROR's code and message are not printed (docs/differences.md).
      return;
  }
}

namespace {

constexpr unsigned kRip6EntryLen = 20;  // prefix (16), route tag, prefix length, metric

void rip6_entry_print(PrintContext& ctx, const std::uint8_t* ni, bool metric) {
  ctx.put_ipv6(ni);
  ctx.put('/');
  ctx.put_u(ctx.u8(ni + 18));
  if (const unsigned tag = ctx.be16(ni + 16)) {
    ctx.put(" [");
    ctx.put_u(tag);
    ctx.put(']');
  }
  if (metric) {
    ctx.put(" (");
    ctx.put_u(ctx.u8(ni + 19));
    ctx.put(')');
  }
}

}  // namespace

void ripng_print(PrintContext& ctx, const std::uint8_t* dat, unsigned length) {
  ctx.protocol = "ripng";
  const unsigned cmd = ctx.u8(dat);
  if (cmd != 1 && cmd != 2) {
    ctx.put(" ripng-");
    ctx.put_u(cmd);
    ctx.put(" ?");
  } else {
    if (length < 4) return ctx.print_invalid();
    unsigned left = length - 4;
    const unsigned entries = left / kRip6EntryLen;
    const std::uint8_t* ni = dat + 4;
    if (cmd == 1) {
      bool dump = false;
      if (entries == 1) {
        ctx.tcheck(ni, kRip6EntryLen);
        dump = ctx.be16(ni + 16) == 0 && ni[18] == 0 && ni[19] == 16;
        for (int i = 0; i < 16 && dump; ++i) dump = ni[i] == 0;
      }
      if (dump) {
        ctx.put(" ripng-req dump");
      } else {
        ctx.put(" ripng-req ");
        ctx.put_u(entries);
        if (entries * kRip6EntryLen != left) {
          ctx.put('[');
          ctx.put_u(length);
          ctx.put(']');
        }
        ctx.put(':');
        for (; left >= kRip6EntryLen; left -= kRip6EntryLen, ni += kRip6EntryLen) {
          ctx.put(ctx.opt.verbose > 1 ? "\n\t" : " ");
          rip6_entry_print(ctx, ni, false);
        }
      }
    } else {
      ctx.put(" ripng-resp ");
      ctx.put_u(entries);
      ctx.put(':');
      for (; left >= kRip6EntryLen; left -= kRip6EntryLen, ni += kRip6EntryLen) {
        ctx.put(ctx.opt.verbose > 1 ? "\n\t" : " ");
        rip6_entry_print(ctx, ni, true);
      }
      if (left != 0) return ctx.print_invalid();
    }
  }
  if (const unsigned version = ctx.u8(dat + 1); version != 1) {
    ctx.put(" [vers ");
    ctx.put_u(version);
    ctx.put(']');
  }
}

void ntp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "ntp";
  const std::uint8_t status = ctx.u8(bp);
  ctx.put("NTPv");
  ctx.put_u((status & 0x38) >> 3);
  static const Tok kModes[] = {{0, "unspecified"}, {1, "symmetric active"}, {2, "symmetric passive"},
                               {3, "Client"}, {4, "Server"}, {5, "Broadcast"},
                               {6, "Control Message"}, {7, "Reserved"}, {0, nullptr}};
  ctx.put(", ");
  ctx.put(tok_lookup(kModes, status & 7));
  if ((status & 7) == 6) return;  // control messages: their fields are not printed
  ctx.put(", length ");
  ctx.put_u(length);
  if (length < 48) ctx.print_invalid();
}

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
    ctx.put_mac(bp + 28);
  }
  ctx.put(", length ");
  ctx.put_u(length);
}

void dhcp6_print(PrintContext& ctx, const std::uint8_t* cp, unsigned) {
  ctx.protocol = "dhcp6";
  ctx.put("dhcp6");
  static const Tok kTypes[] = {
      {1, "solicit"},   {2, "advertise"},    {3, "request"},    {4, "confirm"},
      {5, "renew"},     {6, "rebind"},       {7, "reply"},      {8, "release"},
      {9, "decline"},   {10, "reconfigure"}, {11, "inf-req"},   {12, "relay-fwd"},
      {13, "relay-reply"}, {0, nullptr}};
  const std::uint8_t type = ctx.u8(cp);
  ctx.put(' ');
  put_tok(ctx, kTypes, type, "msgtype-");
}

}  // namespace tcplens::tcpdump
