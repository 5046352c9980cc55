// UDP services tcpdump names at its default verbosity, beside the TCP they are seen with:
// TFTP (print-tftp.c, the request on port 69), RIP (print-rip.c, port 520, with -v its
// entries), RIPng (print-ripng.c, port 521), NTP (print-ntp.c, with -v every field);
// BOOTP/DHCP and DHCPv6 are in print_dhcp.cpp.
#include "print_context.hpp"
#include "tcplens/wire/ip_text.hpp"

namespace tcplens::tcpdump {

unsigned print_zt(PrintContext& ctx, const std::uint8_t* p, unsigned n) {
  for (unsigned i = 0; i < n; ++i) {
    if (!ctx.ttest(p + i, 1)) return 0;
    if (p[i] == 0) return i + 1;
    ctx.print_char(p[i]);
  }
  return 0;
}

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

namespace {

// BSD address family numbers as RIP carries them (tcpdump's bsd_af_values).
const Tok kBsdAfValues[] = {{2, "IPv4"},  {6, "NS"},    {7, "ISO"},  {16, "Appletalk"},
                            {23, "IPX"},  {24, "IPv6"}, {28, "IPv6"}, {30, "IPv6"},
                            {0, nullptr}};

constexpr unsigned kRipRouteLen = 20;  // one route entry (RFC 1058 3.1, RFC 2453 4)

// mask2plen(): the prefix length of a contiguous mask, else -1.
int mask2plen(std::uint32_t mask) {
  for (int len = 32; len >= 0; --len)
    if ((len == 0 ? 0u : ~0u << (32 - len)) == mask) return len;
  return -1;
}

void put_bsd_af(PrintContext& ctx, unsigned family, bool bare_number) {
  if (const char* name = tok_lookup(kBsdAfValues, family)) return ctx.put(name);
  if (!bare_number) ctx.put("Unknown (");
  ctx.put_u(family);
  if (!bare_number) ctx.put(')');
}

// rip_entry_print_v1(): bytes taken, 0 when the entry is cut short.
unsigned rip_entry_v1(PrintContext& ctx, const std::uint8_t* p, unsigned remaining) {
  if (remaining < kRipRouteLen || !ctx.ttest(p, kRipRouteLen)) return 0;
  const unsigned family = load_be16(p);
  if (family != 2 && family != 0) {
    ctx.put("\n\t AFI ");
    put_bsd_af(ctx, family, false);
    ctx.put(", ");
    print_unknown_data(ctx, p + 4, "\n\t  ", kRipRouteLen - 4);
    return kRipRouteLen;
  }
  if (load_be16(p + 2) || load_be32(p + 8) || load_be32(p + 12)) {  // must-be-zero fields
    print_unknown_data(ctx, p, "\n\t  ", kRipRouteLen);
    return kRipRouteLen;
  }
  ctx.put(family == 0 ? "\n\t  AFI 0, " : "\n\t  ");
  ctx.out.put_ipv4(p + 4);
  ctx.put(", metric: ");
  ctx.put_u(load_be32(p + 16));
  return kRipRouteLen;
}

// rip_entry_print_v2(): a route, or an authentication entry (family 0xffff, RFC 2453 4.1,
// RFC 4822 2.1); bytes taken, 0 when cut short.
unsigned rip_entry_v2(PrintContext& ctx, const std::uint8_t* p, unsigned remaining) {
  if (remaining < 4 || !ctx.ttest(p, 4)) return 0;
  const unsigned family = load_be16(p);
  if (family == 0xffff) {
    const unsigned auth_type = load_be16(p + 2);
    p += 4, remaining -= 4;
    switch (auth_type) {
      case 2:  // simple password
        ctx.put("\n\t  Simple Text Authentication data: ");
        ctx.print_padded_string(p, 16);
        return kRipRouteLen;
      case 3: {  // cryptographic authentication header
        if (!ctx.ttest(p, 16) || remaining < 16) return 0;
        ctx.put("\n\t  Auth header: Packet Len ");
        ctx.put_u(load_be16(p));
        ctx.put(", Key-ID ");
        ctx.put_u(p[2]);
        ctx.put(", Auth Data Len ");
        ctx.put_u(p[3]);
        ctx.put(", SeqNo ");
        ctx.put_u(load_be32(p + 4));
        ctx.put(", MBZ ");
        ctx.put_u(load_be32(p + 8));
        ctx.put(", MBZ ");
        ctx.put_u(load_be32(p + 12));
        return kRipRouteLen;
      }
      case 1:  // the authentication trailer: to the end of the packet
        ctx.put("\n\t  Auth trailer:");
        print_unknown_data(ctx, p, "\n\t  ", remaining);
        return 4 + remaining;
      default:
        ctx.put("\n\t  Unknown (");
        ctx.put_u(auth_type);
        ctx.put(") Authentication data:");
        print_unknown_data(ctx, p, "\n\t  ", remaining);
        return 4 + remaining;
    }
  }
  if (family != 2 && family != 0) {
    ctx.put("\n\t  AFI ");
    put_bsd_af(ctx, family, false);
    print_unknown_data(ctx, p + 4, "\n\t  ", kRipRouteLen - 4);
    return kRipRouteLen;
  }
  if (!ctx.ttest(p, kRipRouteLen) || remaining < kRipRouteLen) return 0;
  // "AFI IPv4, %15s/%-2d, tag 0x%04x, metric: %u, next-hop: "
  ctx.put("\n\t  AFI ");
  put_bsd_af(ctx, family, true);
  ctx.put(", ");
  char addr[16];
  const std::size_t n = static_cast<std::size_t>(format_ipv4_text(addr, p + 4) - addr);
  for (std::size_t i = n; i < 15; ++i) ctx.put(' ');
  ctx.put(std::string_view(addr, n));
  ctx.put('/');
  const int plen = mask2plen(load_be32(p + 8));
  ctx.out.put_i64(plen);
  if (plen >= 0 && plen < 10) ctx.put(' ');
  ctx.put(", tag 0x");
  ctx.out.put_hex(load_be16(p + 2), 4);
  ctx.put(", metric: ");
  ctx.put_u(load_be32(p + 16));
  ctx.put(", next-hop: ");
  if (load_be32(p + 12))
    ctx.out.put_ipv4(p + 12);
  else
    ctx.put("self");
  return kRipRouteLen;
}

}  // namespace

// RIP v1 and v2 (RFC 1058, RFC 2453) on port 520, as print-rip.c: the version, command and
// length; with -v every entry of a request or response.
void rip_print(PrintContext& ctx, const std::uint8_t* dat, unsigned length) {
  ctx.protocol = "rip";
  if (dat > ctx.snapend) return ctx.print_trunc();
  unsigned len = static_cast<unsigned>(std::min<std::size_t>(ctx.available(dat), length));
  if (len < 4) return ctx.print_trunc();
  len -= 4;
  const unsigned vers = dat[1], cmd = dat[0];
  if (ctx.opt.verbose) ctx.put("\n\t");
  ctx.put("RIPv");
  ctx.put_u(vers);
  // RFC 1058 3.4: version 0 is to be ignored; tcpdump dumps it.
  if (vers == 0) return print_unknown_data(ctx, dat, "\n\t", length);
  ctx.put(", ");
  // (tcpdump 4.99.3's names; later versions add RFC 1582's triggered-RIP commands)
  static const Tok kCommands[] = {{1, "Request"},  {2, "Response"}, {3, "Trace on"},
                                  {4, "Trace off"}, {5, "Poll"},    {6, "Poll Entry"},
                                  {0, nullptr}};
  if (const char* name = tok_lookup(kCommands, cmd)) {
    ctx.put(name);
  } else {
    ctx.put("unknown command (");
    ctx.put_u(cmd);
    ctx.put(')');
  }
  ctx.put(", length: ");
  ctx.put_u(length);
  if (!ctx.opt.verbose) return;
  if (cmd == 1 || cmd == 2) {
    if (vers != 1 && vers != 2) {
      ctx.put(", unknown version");
    } else {
      ctx.put(", routes: ");
      ctx.put_u(length / kRipRouteLen);
      if (vers == 2) ctx.put(" or less");
      const std::uint8_t* p = dat + 4;
      while (len != 0) {
        const unsigned entry = vers == 1 ? rip_entry_v1(ctx, p, len) : rip_entry_v2(ctx, p, len);
        if (entry == 0) {
          ctx.print_trunc();
          break;
        }
        if (len < entry) {
          ctx.put(" [remaining entries length ");
          ctx.put_u(len);
          ctx.put(" < ");
          ctx.put_u(entry);
          ctx.put(']');
          ctx.print_invalid();
          break;
        }
        p += entry;
        len -= entry;
      }
    }
  } else if ((cmd < 4 || cmd > 6) && ctx.opt.verbose <= 1) {
    print_unknown_data(ctx, dat, "\n\t", length);  // trace on, and commands it does not know
  }
  if (ctx.opt.verbose > 1) print_unknown_data(ctx, dat, "\n\t", length);
}


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

namespace {

constexpr unsigned kNtpTimeMsgMin = 48;  // RFC 5905 7.3, without extensions or MAC
constexpr unsigned kNtpCtrlMsgMin = 12;  // RFC 9327 2 (mode 6) header

// " (invalid)", and " [|ntp]" when not even the claimed length was captured.
void ntp_invalid(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.print_invalid();
  if (!ctx.ttest(bp, length)) ctx.print_trunc();
}

// p_sfix(): a 16.16 fixed-point value as "%d.%06d" (the fraction in millionths, truncated).
void ntp_short(PrintContext& ctx, const std::uint8_t* p) {
  ctx.put_u(load_be16(p));
  ctx.put('.');
  ctx.out.put_u32_padded(static_cast<std::uint32_t>(std::uint64_t{load_be16(p + 2)} * 1000000 / 65536), 6);
}

// The fraction of a 32.32 timestamp in billionths, as tcpdump computes it (in double).
std::uint32_t ntp_nanos(std::uint32_t fraction) {
  return static_cast<std::uint32_t>(fraction / 4294967296.0 * 1000000000.0);
}

// p_ntp_time(): "%u.%09u", then the UTC date unless the seconds are 0 (era 0: 1900-2036).
void ntp_time(PrintContext& ctx, std::uint32_t i, std::uint32_t fraction) {
  ctx.put_u(i);
  ctx.put('.');
  ctx.out.put_u32_padded(ntp_nanos(fraction), 9);
  if (i == 0) return;
  constexpr std::int64_t kJan1970 = 2208988800;  // NTP seconds at the Unix epoch
  ctx.put(" (");
  put_utc_iso8601(ctx.out, std::int64_t{i} - kJan1970);
  ctx.put(')');
}

// p_ntp_delta(): the signed difference of two timestamps, or the second one alone when the
// first is zero.
void ntp_delta(PrintContext& ctx, const std::uint8_t* olfp, const std::uint8_t* lfp) {
  const std::uint32_t u = load_be32(lfp), uf = load_be32(lfp + 4);
  const std::uint32_t ou = load_be32(olfp), ouf = load_be32(olfp + 4);
  if (ou == 0 && ouf == 0) return ntp_time(ctx, u, uf);
  bool negative;
  std::uint32_t i, f;
  if (u > ou) {
    negative = false, i = u - ou, f = uf - ouf;
    if (ouf > uf) --i;  // borrow
  } else if (u < ou) {
    negative = true, i = ou - u, f = ouf - uf;
    if (uf > ouf) --i;
  } else {
    i = 0, negative = !(uf > ouf), f = negative ? ouf - uf : uf - ouf;
  }
  ctx.put(negative ? '-' : '+');
  ctx.put_u(i);
  ctx.put('.');
  ctx.out.put_u32_padded(ntp_nanos(f), 9);
}

// ntp_time_print(): the time message's fields (RFC 5905 7.3); each part is checked against
// the capture before its label, as tcpdump does.
void ntp_time_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  if (length < kNtpTimeMsgMin) return ntp_invalid(ctx, bp, length);
  const std::uint8_t stratum = ctx.u8(bp + 1);
  ctx.put(", Stratum ");
  ctx.put_u(stratum);
  ctx.put(stratum == 0   ? " (unspecified)"
          : stratum == 1 ? " (primary reference)"
          : stratum <= 15 ? " (secondary reference)"
                          : " (reserved)");
  const auto poll = static_cast<std::int8_t>(ctx.u8(bp + 2));
  ctx.put(", poll ");
  ctx.out.put_i64(poll);
  if (poll > -32 && poll < 32) {  // p_poll(): the interval, 2^poll seconds
    ctx.put(poll >= 0 ? " (" : " (1/");
    ctx.put_u(1u << (poll >= 0 ? poll : -poll));
    ctx.put("s)");
  }
  const auto precision = static_cast<std::int8_t>(ctx.u8(bp + 3));
  ctx.put(", precision ");
  ctx.out.put_i64(precision);
  if (!ctx.ttest(bp + 4, 4)) return ctx.print_trunc();
  ctx.put("\n\tRoot Delay: ");
  ntp_short(ctx, bp + 4);
  if (!ctx.ttest(bp + 8, 4)) return ctx.print_trunc();
  ctx.put(", Root dispersion: ");
  ntp_short(ctx, bp + 8);
  if (!ctx.ttest(bp + 12, 4)) return ctx.print_trunc();
  ctx.put(", Reference-ID: ");
  switch (stratum) {  // what the reference identifier holds depends on the stratum
    case 0: ctx.put("(unspec)"); break;
    case 1:
      for (int k = 0; k < 4; ++k) ctx.print_char(bp[12 + k]);  // a clock's name
      break;
    case 62:  // (tcpdump's implementation-dependent INFO_QUERY and INFO_REPLY)
    case 63:
      ctx.out.put_ipv4(bp + 12);
      ctx.put(stratum == 62 ? " INFO_QUERY" : " INFO_REPLY");
      return;
    default:
      ctx.put("0x");
      ctx.out.put_hex(load_be32(bp + 12), 8);
      break;
  }
  static constexpr const char* kLabels[] = {
      "\n\t  Reference Timestamp:  ", "\n\t  Originator Timestamp: ",
      "\n\t  Receive Timestamp:    ", "\n\t  Transmit Timestamp:   "};
  for (unsigned k = 0; k < 4; ++k) {
    const std::uint8_t* t = bp + 16 + 8 * k;
    if (!ctx.ttest(t, 8)) return ctx.print_trunc();
    ctx.put(kLabels[k]);
    ntp_time(ctx, load_be32(t), load_be32(t + 4));
  }
  ctx.put("\n\t    Originator - Receive Timestamp:  ");
  ntp_delta(ctx, bp + 24, bp + 32);
  ctx.put("\n\t    Originator - Transmit Timestamp: ");
  ntp_delta(ctx, bp + 24, bp + 40);
  // The optional key id and message digest (RFC 5905 7.3; extension fields not decoded).
  const unsigned extra = length - kNtpTimeMsgMin;
  if (extra == 4 || extra == 20 || extra == 24) {
    const std::uint32_t key = ctx.be32(bp + 48);
    ctx.put("\n\tKey id: ");
    ctx.put_u(key);
    if (extra == 4) return;
    ctx.tcheck(bp + 52, extra - 4);
    ctx.put("\n\tAuthentication: ");
    for (unsigned k = 0; k < extra - 4; k += 4) ctx.out.put_hex(load_be32(bp + 52 + k), 8);
  } else if (extra > 0) {
    ctx.put("\n\t(");
    ctx.put_u(extra);
    ctx.put(" more bytes after the header)");
  }
}

// ntp_control_print(): the mode 6 header (RFC 9327 2); the data is not interpreted.
void ntp_control_print(PrintContext& ctx, const std::uint8_t* cd, unsigned length) {
  if (length < kNtpCtrlMsgMin) return ntp_invalid(ctx, cd, length);
  const std::uint8_t control = ctx.u8(cd + 1);
  ctx.put((control & 0x80) ? ", Response" : ", Request");
  ctx.put((control & 0x40) ? ", Error" : ", OK");
  ctx.put((control & 0x20) ? ", More" : ", Last");
  ctx.put(", OpCode=");
  ctx.put_u(control & 0x1f);
  ctx.put('\n');
  // Each field is read before its label is printed (tcpdump's printf arguments).
  const std::uint16_t sequence = ctx.be16(cd + 2);
  ctx.put("\tSequence=");
  ctx.put_u(sequence);
  const std::uint16_t status = ctx.be16(cd + 4);
  ctx.put(", Status=");  // %#hx
  if (status != 0) ctx.put("0x");
  ctx.out.put_hex(status);
  const std::uint16_t assoc = ctx.be16(cd + 6);
  ctx.put(", Assoc.=");
  ctx.put_u(assoc);
  const std::uint16_t offset = ctx.be16(cd + 8);
  ctx.put(", Offset=");
  ctx.put_u(offset);
  const std::uint16_t count = ctx.be16(cd + 10);
  ctx.put(", Count=");
  ctx.put_u(count);
  if (kNtpCtrlMsgMin + count > length) return ntp_invalid(ctx, cd, length);
  if (count != 0) {
    if (!ctx.ttest(cd + kNtpCtrlMsgMin, count)) return ctx.print_trunc();
    ctx.put("\n\tTO-BE-DONE: data not interpreted");
  }
}

}  // namespace

// NTP (print-ntp.c): version, mode and length; with -v the leap indicator and the time or
// control message's fields.
void ntp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "ntp";
  const std::uint8_t status = ctx.u8(bp);
  ctx.put("NTPv");
  ctx.put_u((status & 0x38) >> 3);
  static const Tok kModes[] = {{0, "unspecified"}, {1, "symmetric active"}, {2, "symmetric passive"},
                               {3, "Client"}, {4, "Server"}, {5, "Broadcast"},
                               {6, "Control Message"}, {7, "Reserved"}, {0, nullptr}};
  const unsigned mode = status & 7;
  ctx.put(", ");
  ctx.put(tok_lookup(kModes, mode));
  ctx.put(", length ");
  ctx.put_u(length);
  if (!ctx.opt.verbose) return;
  static const Tok kLeap[] = {{0x00, ""}, {0x40, "+1s"}, {0x80, "-1s"},
                              {0xc0, "clock unsynchronized"}, {0, nullptr}};
  ctx.put("\n\tLeap indicator: ");
  ctx.put(tok_lookup(kLeap, status & 0xc0));
  ctx.put(" (");
  ctx.put_u(status & 0xc0);
  ctx.put(')');
  if (mode <= 5) return ntp_time_print(ctx, bp, length);
  if (mode == 6) return ntp_control_print(ctx, bp, length);
}

}  // namespace tcplens::tcpdump
