// The IPv6 mobility header (RFC 6275, next header 135, and 62 of the drafts), as tcpdump
// 4.99's print-mobility.c: "mobility: " and the message type (BRR, HoTI, CoTI, HoT, CoT, BU,
// BA, BE, or type-#N), its fixed fields, and at -v its options. A header shorter than its
// type needs prints "(header length N is too small for type T)" and the truncation marker.
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

constexpr unsigned kMinLen = 8;  // next header, length, type, reserved, checksum, 2 bytes

const Tok kTypes[] = {{0, "BRR"}, {1, "HoTI"}, {2, "CoTI"}, {3, "HoT"}, {4, "CoT"},
                      {5, "BU"},  {6, "BA"},   {7, "BE"},   {0, nullptr}};

// The least header length of each type (kMinLen plus its message data).
constexpr unsigned kTypeLen[] = {kMinLen,      kMinLen + 8, kMinLen + 8, kMinLen + 16,
                                 kMinLen + 16, kMinLen + 4, kMinLen + 4, kMinLen + 16};

// " Home Init Cookie=%08x:%08x" and its kin: two 32-bit words in hex.
void put_cookie(PrintContext& ctx, const std::uint8_t* p, bool home, std::string_view what) {
  const std::uint32_t hi = ctx.be32(p), lo = ctx.be32(p + 4);
  ctx.put(home ? " Home " : " Care-of ");
  ctx.put(what);
  ctx.put('=');
  ctx.out.put_hex(hi, 8);
  ctx.put(':');
  ctx.out.put_hex(lo, 8);
}

// `label` and a 16-bit field, shifted left by `shift` (lifetimes count units of 4 seconds);
// the field is read before anything is printed.
void put_field16(PrintContext& ctx, const std::uint8_t* p, std::string_view label,
                 unsigned shift = 0) {
  const unsigned value = static_cast<unsigned>(ctx.be16(p)) << shift;
  ctx.put(label);
  ctx.put_u(value);
}

// "(name: trunc)" when fewer than `min` bytes are left for an option of that kind.
bool opt_short(PrintContext& ctx, unsigned left, unsigned min, std::string_view name) {
  if (left >= min) return false;
  ctx.put('(');
  ctx.put(name);
  ctx.put(": trunc)");
  return true;
}

// mobility_opt_print: the options after the message data; false where tcpdump gives up.
bool options_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  unsigned optlen = 0;
  for (unsigned i = 0; i < len; i += optlen) {
    const std::uint8_t type = ctx.u8(bp + i);
    if (type == 0) {
      optlen = 1;
    } else {
      if (i + 1 >= len) return false;
      optlen = ctx.u8(bp + i + 1) + 2u;
    }
    if (i + optlen > len) return false;
    ctx.tcheck(bp + i + optlen, 1);  // (tcpdump checks the byte after the option)
    const unsigned left = len - i;
    switch (type) {
      case 0: ctx.put("(pad1)"); break;
      case 1:
        if (opt_short(ctx, left, 2, "padn")) return false;
        ctx.put("(padn)");
        break;
      case 2:  // Binding Refresh Advice, in units of 4 seconds
        if (opt_short(ctx, left, 4, "refresh")) return false;
        put_field16(ctx, bp + i + 2, "(refresh: ", 2);
        ctx.put(')');
        break;
      case 3:
        if (opt_short(ctx, left, 18, "altcoa")) return false;
        ctx.tcheck(bp + i + 2, 16);
        ctx.put("(alt-CoA: ");
        ctx.put_ipv6(bp + i + 2);
        ctx.put(')');
        break;
      case 4: {  // Nonce Indices
        if (opt_short(ctx, left, 6, "ni")) return false;
        const std::uint16_t ho = ctx.be16(bp + i + 2), co = ctx.be16(bp + i + 4);
        ctx.put("(ni: ho=0x");
        ctx.out.put_hex(ho, 4);
        ctx.put(" co=0x");
        ctx.out.put_hex(co, 4);
        ctx.put(')');
        break;
      }
      case 5:
        if (opt_short(ctx, left, 12, "auth")) return false;
        ctx.put("(auth)");
        break;
      default:
        if (left < 2) {
          ctx.put("(sopt_type ");
          ctx.put_u(type);
          ctx.put(": trunc)");
          return false;
        }
        ctx.put("(type-0x");
        ctx.out.put_hex(type, 2);
        ctx.put(": len=");
        ctx.put_u(optlen - 2);
        ctx.put(')');
        break;
    }
  }
  return true;
}

// " status=N" of a BA or BE (the byte is read before anything is printed).
void put_status(PrintContext& ctx, const std::uint8_t* bp) {
  const std::uint8_t status = ctx.u8(bp + 6);
  ctx.put(" status=");
  ctx.put_u(status);
}

// The message data of each type; returns where the options start.
unsigned message_print(PrintContext& ctx, const std::uint8_t* bp, std::uint8_t type) {
  unsigned hlen = kMinLen;
  switch (type) {
    case 0: break;
    case 1:
    case 2:
      if (ctx.opt.verbose) put_cookie(ctx, bp + hlen, type == 1, "Init Cookie");
      hlen += 8;
      break;
    case 3:
    case 4: {
      const std::uint16_t nonce = ctx.be16(bp + 6);
      ctx.put(" nonce id=0x");
      ctx.out.put_hex(nonce, 1);
      if (ctx.opt.verbose) put_cookie(ctx, bp + hlen, type == 3, "Init Cookie");
      hlen += 8;
      if (ctx.opt.verbose) put_cookie(ctx, bp + hlen, type == 3, "Keygen Token");
      hlen += 8;
      break;
    }
    case 5: {  // Binding Update: sequence number, flags A H L K, lifetime (units of 4 s)
      put_field16(ctx, bp + 6, " seq#=");
      ctx.tcheck(bp + hlen, 2);  // the flags and the reserved byte, together
      const std::uint8_t flags = ctx.u8(bp + hlen);
      if (flags & 0xf0) {
        ctx.put(' ');
        if (flags & 0x80) ctx.put('A');
        if (flags & 0x40) ctx.put('H');
        if (flags & 0x20) ctx.put('L');
        if (flags & 0x10) ctx.put('K');
      }
      hlen += 2;
      put_field16(ctx, bp + hlen, " lifetime=", 2);
      hlen += 2;
      break;
    }
    case 6: {  // Binding Acknowledgement: status, K, sequence number, lifetime
      put_status(ctx, bp);
      if (ctx.u8(bp + 7) & 0x80) ctx.put(" K");
      put_field16(ctx, bp + hlen, " seq#=");
      hlen += 2;
      put_field16(ctx, bp + hlen, " lifetime=", 2);
      hlen += 2;
      break;
    }
    case 7:  // Binding Error: status, home address
      put_status(ctx, bp);
      ctx.tcheck(bp + hlen, 16);
      ctx.put(" homeaddr ");
      ctx.put_ipv6(bp + hlen);
      hlen += 16;
      break;
  }
  return hlen;
}

}  // namespace

void mobility_print(PrintContext& ctx, const std::uint8_t* bp) {
  ctx.protocol = "mobility";
  if (!ctx.ttest(bp + 1, 1)) return ctx.print_trunc();
  const unsigned mhlen = (ctx.u8(bp + 1) + 1u) << 3;
  const std::uint8_t type = ctx.u8(bp + 2);
  if (type <= 7 && mhlen < kTypeLen[type]) {
    ctx.put("(header length ");
    ctx.put_u(mhlen);
    ctx.put(" is too small for type ");
    ctx.put_u(type);
    ctx.put(')');
    return ctx.print_trunc();
  }
  ctx.put("mobility: ");
  put_tok(ctx, kTypes, type, "type-#");
  if (type > 7) {
    ctx.put(" len=");
    ctx.put_u(ctx.u8(bp + 1));
    return;
  }
  const unsigned hlen = message_print(ctx, bp, type);
  if (ctx.opt.verbose && !options_print(ctx, bp + hlen, mhlen - hlen)) ctx.print_trunc();
}

}  // namespace tcplens::tcpdump
