// The MPTCP TCP option (kind 30), as tcpdump 4.99.3's print-mptcp.c prints it inside
// "options [...]": " <len> <subtype>" and then the subtype's fields.
//
// The caller has limited snapend to the end of the option. Each subtype first checks that
// the option length fits the TCP flags; when it does not (or a DSS runs short) the printer
// returns false and print_tcp.cpp prints "[bad opt]". tcpdump 4.99.3 knows subtypes 0 to 7;
// anything above (TCP_RST is 8) prints as "unknown". Nothing here depends on -v.
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

constexpr std::uint8_t kTcpSyn = 0x02;
constexpr std::uint8_t kTcpAck = 0x10;

constexpr std::uint8_t kCapableChecksum = 0x80;
constexpr std::uint8_t kJoinBackup = 0x01;
constexpr std::uint8_t kPrioBackup = 0x01;

constexpr std::uint8_t kDssFin = 0x10;
constexpr std::uint8_t kDssDsn8 = 0x08;  // m: 8-byte data sequence number
constexpr std::uint8_t kDssDsn = 0x04;   // M: mapping present
constexpr std::uint8_t kDssAck8 = 0x02;  // a: 8-byte data ack
constexpr std::uint8_t kDssAck = 0x01;   // A: data ack present

const Tok kAddAddrSubEcho[] = {
    {0x6, "v0-ip6"}, {0x4, "v0-ip4"}, {0x1, "v1-echo"}, {0x0, "v1"}, {0, nullptr},
};

void put_hex64(PrintContext& ctx, std::uint64_t v) {
  ctx.put("0x");
  ctx.out.put_hex(v);
}

bool capable_print(PrintContext& ctx, const std::uint8_t* opt, unsigned len, std::uint8_t flags) {
  if (!((len == 12 || len == 4) && (flags & kTcpSyn)) &&
      !((len == 20 || len == 22) && (flags & (kTcpSyn | kTcpAck)) == kTcpAck))
    return false;
  const unsigned version = ctx.u8(opt + 2) & 0x0F;
  if (version > 1) {
    ctx.put(" Unknown Version (");
    ctx.put_u(version);
    ctx.put(')');
    return true;
  }
  ctx.put(" v");
  ctx.put_u(version);
  if (ctx.u8(opt + 3) & kCapableChecksum) ctx.put(" csum");
  if (len == 12 || len >= 20) {
    ctx.put(" {");
    put_hex64(ctx, ctx.be64(opt + 4));
    if (len >= 20) {
      ctx.put(',');
      put_hex64(ctx, ctx.be64(opt + 12));
    }
    ctx.put('}');
  }
  return true;
}

bool join_print(PrintContext& ctx, const std::uint8_t* opt, unsigned len, std::uint8_t flags) {
  if (!(len == 12 && (flags & kTcpSyn)) &&
      !(len == 16 && (flags & (kTcpSyn | kTcpAck)) == (kTcpSyn | kTcpAck)) &&
      !(len == 24 && (flags & kTcpAck)))
    return false;
  if (len != 24) {
    if (ctx.u8(opt + 2) & kJoinBackup) ctx.put(" backup");
    ctx.put(" id ");
    ctx.put_u(ctx.u8(opt + 3));
  }
  switch (len) {
    case 12:  // SYN
      ctx.put(" token 0x");
      ctx.out.put_hex(ctx.be32(opt + 4));
      ctx.put(" nonce 0x");
      ctx.out.put_hex(ctx.be32(opt + 8));
      break;
    case 16:  // SYN/ACK
      ctx.put(" hmac ");
      put_hex64(ctx, ctx.be64(opt + 4));
      ctx.put(" nonce 0x");
      ctx.out.put_hex(ctx.be32(opt + 12));
      break;
    case 24:  // ACK: the 20-byte HMAC
      // Watch out: tcpdump reads these bytes unchecked; we check them (the option's length
      // was already checked against the capture by the TCP printer, so output is the same).
      ctx.put(" hmac 0x");
      for (unsigned i = 0; i < 20; ++i) ctx.out.put_hex_byte(ctx.u8(opt + 4 + i));
      break;
    default:
      break;
  }
  return true;
}

bool dss_print(PrintContext& ctx, const std::uint8_t* opt, unsigned len, std::uint8_t flags) {
  if (len < 4) return false;
  if (flags & kTcpSyn) return false;
  const std::uint8_t dss = ctx.u8(opt + 3);
  if (dss & kDssFin) ctx.put(" fin");
  opt += 4;
  len -= 4;
  if (dss & kDssAck) {
    ctx.put(" ack ");
    if (dss & kDssAck8) {
      if (len < 8) return false;
      ctx.out.put_u64(ctx.be64(opt));
      opt += 8;
      len -= 8;
    } else {
      if (len < 4) return false;
      ctx.put_u(ctx.be32(opt));
      opt += 4;
      len -= 4;
    }
  }
  if (dss & kDssDsn) {
    ctx.put(" seq ");
    if (dss & kDssDsn8) {
      if (len < 8) return false;
      ctx.out.put_u64(ctx.be64(opt));
      opt += 8;
      len -= 8;
    } else {
      if (len < 4) return false;
      ctx.put_u(ctx.be32(opt));
      opt += 4;
      len -= 4;
    }
    if (len < 4) return false;
    ctx.put(" subseq ");
    ctx.put_u(ctx.be32(opt));
    opt += 4;
    len -= 4;
    if (len < 2) return false;
    ctx.put(" len ");
    ctx.put_u(ctx.be16(opt));
    opt += 2;
    len -= 2;
    // The checksum is there only when negotiated: take two more bytes as it if present.
    if (len >= 2) {
      ctx.put(" csum 0x");
      ctx.out.put_hex(ctx.be16(opt));
      len -= 2;
    }
  }
  return len == 0;
}

bool add_addr_print(PrintContext& ctx, const std::uint8_t* opt, unsigned len, std::uint8_t) {
  const bool v4 = len == 8 || len == 10 || len == 16 || len == 18;
  const bool v6 = len == 20 || len == 22 || len == 28 || len == 30;
  if (!v4 && !v6) return false;
  // tok2str() with a format that has no conversion: the text alone for unknown values.
  const char* echo = tok_lookup(kAddAddrSubEcho, ctx.u8(opt + 2) & 0x0F);
  ctx.put(' ');
  ctx.put(echo ? echo : "[bad version/echo]");
  ctx.put(" id ");
  ctx.put_u(ctx.u8(opt + 3));
  const std::uint8_t* addr = opt + 4;
  if (v4) {
    ctx.put(' ');
    ctx.put_ipv4(addr);
    if (len == 10 || len == 18) {
      ctx.put(':');
      ctx.put_u(ctx.be16(addr + 4));
    }
    if (len == 16) {
      ctx.put(" hmac ");
      put_hex64(ctx, ctx.be64(addr + 4));
    }
    if (len == 18) {
      ctx.put(" hmac ");
      put_hex64(ctx, ctx.be64(addr + 6));
    }
  } else {
    ctx.put(' ');
    ctx.put_ipv6(addr);
    if (len == 22 || len == 30) {
      ctx.put(':');
      ctx.put_u(ctx.be16(addr + 16));
    }
    if (len == 28) {
      ctx.put(" hmac ");
      put_hex64(ctx, ctx.be64(addr + 16));
    }
    if (len == 30) {
      ctx.put(" hmac ");
      put_hex64(ctx, ctx.be64(addr + 18));
    }
  }
  return true;
}

bool remove_addr_print(PrintContext& ctx, const std::uint8_t* opt, unsigned len, std::uint8_t) {
  if (len < 4) return false;
  ctx.put(" id");
  for (unsigned i = 0; i < len - 3; ++i) {
    ctx.put(' ');
    ctx.put_u(ctx.u8(opt + 3 + i));
  }
  return true;
}

bool prio_print(PrintContext& ctx, const std::uint8_t* opt, unsigned len, std::uint8_t) {
  if (len != 3 && len != 4) return false;
  ctx.put((ctx.u8(opt + 2) & kPrioBackup) ? " backup" : " non-backup");
  if (len == 4) {
    ctx.put(" id ");
    ctx.put_u(ctx.u8(opt + 3));
  }
  return true;
}

bool fail_print(PrintContext& ctx, const std::uint8_t* opt, unsigned len, std::uint8_t) {
  if (len != 12) return false;
  ctx.put(" seq ");
  ctx.out.put_u64(ctx.be64(opt + 4));
  return true;
}

bool fast_close_print(PrintContext& ctx, const std::uint8_t* opt, unsigned len, std::uint8_t) {
  if (len != 12) return false;
  ctx.put(" key ");
  put_hex64(ctx, ctx.be64(opt + 4));
  return true;
}

bool unknown_print(PrintContext&, const std::uint8_t*, unsigned, std::uint8_t) { return true; }

struct Subtype {
  const char* name;
  bool (*print)(PrintContext&, const std::uint8_t*, unsigned, std::uint8_t);
};

const Subtype kSubtypes[] = {
    {"capable", capable_print},   {"join", join_print},       {"dss", dss_print},
    {"add-addr", add_addr_print}, {"rem-addr", remove_addr_print}, {"prio", prio_print},
    {"fail", fail_print},         {"fast-close", fast_close_print}, {"unknown", unknown_print},
};
constexpr unsigned kUnknownSubtype = 8;

}  // namespace

bool mptcp_print(PrintContext& ctx, const std::uint8_t* cp, unsigned len, std::uint8_t flags) {
  ctx.protocol = "mptcp";
  if (len < 3) return false;
  unsigned subtype = (ctx.u8(cp + 2) >> 4) & 0x0F;
  if (subtype > kUnknownSubtype) subtype = kUnknownSubtype;
  ctx.put(' ');
  ctx.put_u(len);
  ctx.put(' ');
  ctx.put(kSubtypes[subtype].name);
  return kSubtypes[subtype].print(ctx, cp, len, flags);
}

}  // namespace tcplens::tcpdump
