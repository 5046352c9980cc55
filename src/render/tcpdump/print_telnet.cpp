// Telnet option negotiation at the start of a segment on port 23 (tcpdump's print-telnet.c).
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

constexpr unsigned kIac = 255, kDont = 254, kDo = 253, kWont = 252, kWill = 251, kSb = 250;
constexpr unsigned kSe = 240, kCmdFirst = 236;  // xEOF
constexpr unsigned kOptAuthentication = 37, kOptEncrypt = 38;

const char* const kCommands[] = {"EOF", "SUSP", "ABORT", "EOR", "SE",   "NOP",  "DMARK",
                                 "BRK", "IP",   "AO",    "AYT", "EC",   "EL",   "GA",
                                 "SB",  "WILL", "WONT",  "DO",  "DONT", "IAC"};
const char* const kOptions[] = {
    "BINARY", "ECHO", "RCP", "SUPPRESS GO AHEAD", "NAME", "STATUS", "TIMING MARK", "RCTE",
    "NAOL", "NAOP", "NAOCRD", "NAOHTS", "NAOHTD", "NAOFFD", "NAOVTS", "NAOVTD", "NAOLFD",
    "EXTEND ASCII", "LOGOUT", "BYTE MACRO", "DATA ENTRY TERMINAL", "SUPDUP", "SUPDUP OUTPUT",
    "SEND LOCATION", "TERMINAL TYPE", "END OF RECORD", "TACACS UID", "OUTPUT MARKING",
    "TTYLOC", "3270 REGIME", "X.3 PAD", "NAWS", "TSPEED", "LFLOW", "LINEMODE", "XDISPLOC",
    "OLD-ENVIRON", "AUTHENTICATION", "ENCRYPT", "NEW-ENVIRON"};
const char* const kSubCommands[] = {"IS", "SEND", "INFO"};
const char* const kAuthCommands[] = {"IS", "SEND", "REPLY", "NAME"};
const char* const kAuthTypes[] = {"NULL", "KERBEROS_V4", "KERBEROS_V5", "SPX", "MINK",
                                  "SRP", "RSA", "SSL", nullptr, nullptr, "LOKI", "SSA",
                                  "KEA_SJ", "KEA_SJ_INTEG", "DSS", "NTLM"};
const char* const kEncCommands[] = {"IS", "SUPPORT", "REPLY", "START", "END",
                                    "REQUEST-START", "REQUEST-END", "END_KEYID", "DEC_KEYID"};
const char* const kEncTypes[] = {"NULL", "DES_CFB64", "DES_OFB64", "DES3_CFB64", "DES3_OFB64",
                                 nullptr, "CAST5_40_CFB64", "CAST5_40_OFB64", "CAST128_CFB64",
                                 "CAST128_OFB64"};

// "%#x": 0 stays "0", others get "0x".
void put_alt_hex(PrintContext& ctx, unsigned x) {
  if (x == 0) {
    ctx.put('0');
  } else {
    ctx.put("0x");
    ctx.out.put_hex(x);
  }
}

template <std::size_t N>
void put_str_or_id(PrintContext& ctx, unsigned x, const char* const (&table)[N]) {
  if (x < N && table[x] != nullptr)
    ctx.put(table[x]);
  else
    put_alt_hex(ctx, x);
}

// One command at sp (which holds IAC); returns its length, or -1 when it runs past `length`.
int telnet_parse(PrintContext& ctx, const std::uint8_t* sp, unsigned length, bool print) {
  const std::uint8_t* osp = sp;
  unsigned c;
  auto fetch = [&](unsigned& v) {
    if (length < 1) return false;
    v = ctx.u8(sp);
    ++sp;
    --length;
    return true;
  };
  if (!fetch(c) || c != kIac) return -1;
  if (!fetch(c)) return -1;
  if (c == kIac) {
    if (print) ctx.put("IAC IAC");
    return static_cast<int>(sp - osp);
  }
  if (c < kCmdFirst) return -1;
  const unsigned i = c - kCmdFirst;
  if (c == kDont || c == kDo || c == kWont || c == kWill || c == kSb) {
    unsigned x;
    if (!fetch(x)) return -1;
    if (print) {
      ctx.put(kCommands[i]);
      ctx.put(' ');
      if (x < sizeof kOptions / sizeof kOptions[0])
        ctx.put(kOptions[x]);
      else
        put_alt_hex(ctx, x);
    }
    if (c != kSb) return static_cast<int>(sp - osp);
    const std::uint8_t* p = sp;
    while (length > static_cast<unsigned>(p + 1 - sp)) {
      if (ctx.u8(p) == kIac && ctx.u8(p + 1) == kSe) break;
      ++p;
    }
    if (ctx.u8(p) != kIac) return -1;
    if (p > sp) {
      if (!fetch(c)) return -1;
      if (print) {
        ctx.put(' ');
        if (x == kOptAuthentication)
          put_str_or_id(ctx, c, kAuthCommands);
        else if (x == kOptEncrypt)
          put_str_or_id(ctx, c, kEncCommands);
        else
          put_str_or_id(ctx, c, kSubCommands);
      }
      if ((x == kOptAuthentication || x == kOptEncrypt) && p > sp) {
        if (!fetch(c)) return -1;
        if (print) {
          ctx.put(' ');
          if (x == kOptAuthentication)
            put_str_or_id(ctx, c, kAuthTypes);
          else
            put_str_or_id(ctx, c, kEncTypes);
        }
      }
    }
    while (p > sp) {
      unsigned v;
      if (!fetch(v)) return -1;
      if (print) {
        ctx.put(' ');
        put_alt_hex(ctx, v);
      }
    }
    if (print) ctx.put(" SE");
    sp += 2;
    return static_cast<int>(sp - osp);
  }
  if (print) ctx.put(kCommands[i]);
  return static_cast<int>(sp - osp);
}

}  // namespace

void telnet_print(PrintContext& ctx, const std::uint8_t* sp, unsigned length) {
  ctx.protocol = "telnet";
  const std::uint8_t* osp = sp;
  bool first = true;
  const bool dump = ctx.opt.hex_ascii && ctx.opt.verbose > 2;
  while (length > 0 && ctx.u8(sp) == kIac) {
    int l = telnet_parse(ctx, sp, length, false);
    if (l < 0) break;
    if (dump) {
      if (first) ctx.put("\nTelnet:");
      // hex_print_with_offset with "\n" as the line prefix and the offset in the segment.
      unsigned offset = static_cast<unsigned>(sp - osp);
      unsigned n = static_cast<unsigned>(l);
      for (unsigned k = 0; k < n; k += 2) {
        if (k % 16 == 0) {
          ctx.put("\n0x");
          ctx.out.put_hex(offset + k, 4);
          ctx.put(": ");
        }
        ctx.put(' ');
        ctx.out.put_hex_byte(ctx.u8(sp + k));
        if (k + 1 < n) ctx.out.put_hex_byte(ctx.u8(sp + k + 1));
      }
      if (l > 8) {
        ctx.put("\n\t\t\t\t");
      } else {
        for (int k = 0; k < (8 - l) * 3; ++k) ctx.put(' ');
        ctx.put('\t');
      }
    } else {
      ctx.put(first ? " [telnet " : ", ");
    }
    telnet_parse(ctx, sp, length, true);
    first = false;
    sp += l;
    length -= static_cast<unsigned>(l);
  }
  if (!first) ctx.put(dump ? "\n" : "]");
}

}  // namespace tcplens::tcpdump
