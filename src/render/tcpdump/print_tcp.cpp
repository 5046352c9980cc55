// TCP, as tcpdump's print-tcp.c prints it, and the dispatch to the payload printers by port.
#include <cstring>

#include "print_context.hpp"
#include "tcp_seq_table.hpp"

namespace tcplens::tcpdump {

namespace {

constexpr std::uint8_t kFin = 0x01;
constexpr std::uint8_t kSyn = 0x02;
constexpr std::uint8_t kRst = 0x04;
constexpr std::uint8_t kAck = 0x10;
constexpr std::uint8_t kUrg = 0x20;

constexpr unsigned kTcpHeader = 20;

void put_flags(Output& out, std::uint8_t flags) {
  // tcp_flag_values order: F S R P . U E W
  static constexpr struct {
    std::uint8_t bit;
    char c;
  } kBits[] = {{0x01, 'F'}, {0x02, 'S'}, {0x04, 'R'}, {0x08, 'P'},
               {0x10, '.'}, {0x20, 'U'}, {0x40, 'E'}, {0x80, 'W'}};
  out.put("Flags [");
  if (flags == 0) {
    out.put("none");
  } else {
    for (const auto& b : kBits)
      if (flags & b.bit) out.put(b.c);
  }
  out.put(']');
}

std::string_view tcp_option_name(std::uint8_t opt) {  // a view: no strlen per option
  switch (opt) {
    case 0: return "eol";
    case 1: return "nop";
    case 2: return "mss";
    case 3: return "wscale";
    case 4: return "sackOK";
    case 5: return "sack";
    case 6: return "echo";
    case 7: return "echoreply";
    case 8: return "TS";
    case 11: return "cc";
    case 12: return "ccnew";
    case 13: return "";
    case 19: return "md5";
    case 20: return "scps";
    case 28: return "uto";
    case 29: return "tcp-ao";
    case 30: return "mptcp";
    case 34: return "tfo";
    case 254: return "exp";
    default: return {};
  }
}

void print_tcp_fastopen_option(PrintContext& ctx, const std::uint8_t* cp, unsigned datalen,
                               bool exp) {
  if (exp) ctx.put("tfo");
  if (datalen == 0) {
    ctx.put(" cookiereq");
  } else if (datalen % 2 != 0 || datalen < 4 || datalen > 16) {
    ctx.print_invalid();
  } else {
    ctx.put(" cookie ");
    for (unsigned i = 0; i < datalen; ++i) ctx.out.put_hex_byte(ctx.u8(cp + i));
  }
}

void print_tcp_rst_data(PrintContext& ctx, const std::uint8_t* sp, unsigned length) {
  ctx.put(ctx.ttest(sp, length) ? " [RST" : " [!RST");
  if (length > 30) {
    length = 30;
    ctx.put('+');
  }
  ctx.put(' ');
  while (length && sp < ctx.snapend) {
    ctx.print_char(ctx.u8(sp));
    ++sp;
    --length;
  }
  ctx.put(']');
}

// beep_print (print-beep.c): l_strnstart() compares 4 bytes, so "MSG" and "END" match only
// with a NUL after them; anything else is "(payload or undecoded)".
void beep_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  static constexpr struct {
    char word[5];
    std::string_view text;
  } kWords[] = {{"MSG", " BEEP MSG"}, {"RPY ", " BEEP RPY"}, {"ERR ", " BEEP ERR"},
                {"ANS ", " BEEP ANS"}, {"NUL ", " BEEP NUL"}, {"SEQ ", " BEEP SEQ"},
                {"END", " BEEP END"}};
  if (length >= 4 && ctx.ttest(bp, 4)) {
    for (const auto& w : kWords) {
      if (std::memcmp(w.word, bp, 4) == 0) {
        ctx.put(w.text);
        return;
      }
    }
  }
  ctx.put(" BEEP (payload or undecoded)");
}

bool is_port(std::uint16_t sport, std::uint16_t dport, std::uint16_t port) {
  return sport == port || dport == port;
}

}  // namespace

void tcp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length,
               const std::uint8_t* iph, bool fragmented) {
  ctx.protocol = "tcp";
  const std::uint8_t* tp = bp;
  const bool v6 = (ctx.u8(iph) >> 4) == 6;
  char ch = '\0';

  if (!ctx.ttest(tp + 2, 2)) {
    if (v6) {
      ctx.put_ipv6(iph + 8);
      ctx.put(" > ");
      ctx.put_ipv6(iph + 24);
    } else {
      ctx.put_ipv4(iph + 12);
      ctx.put(" > ");
      ctx.put_ipv4(iph + 16);
    }
    ctx.put(':');
    ctx.print_trunc();
    return;
  }
  std::uint16_t sport = ctx.be16(tp);
  std::uint16_t dport = ctx.be16(tp + 2);
  // The relative-sequence key, built now so that its slot loads while the line is printed.
  TcpSeqTable::Key seq_key;
  bool seq_rev = false;
  const bool seq_key_ok = !ctx.opt.absolute_seq && ctx.ttest(iph + (v6 ? 8 : 12), v6 ? 32 : 8);
  if (seq_key_ok) {
    seq_rev = TcpSeqTable::make_key(seq_key, v6, v6 ? iph + 8 : iph + 12,
                                    v6 ? iph + 24 : iph + 16, sport, dport);
    ctx.tcp_seq.prefetch(seq_key);
  }
  ip_ports_print(ctx, iph, 6, sport, dport);

  if (!ctx.ttest(tp, kTcpHeader)) goto trunc;
  {
    unsigned hlen = (ctx.u8(tp + 12) >> 4) * 4u;
    if (hlen < kTcpHeader) {
      ctx.put(" tcp ");
      ctx.put_u(length - hlen);
      ctx.put(" [bad hdr length ");
      ctx.put_u(hlen);
      ctx.put(" - too short, < 20]");
      return;
    }
    std::uint32_t seq = ctx.be32(tp + 4);
    std::uint32_t ack = ctx.be32(tp + 8);
    std::uint16_t win = ctx.be16(tp + 14);
    std::uint16_t urp = ctx.be16(tp + 18);

    if (ctx.opt.quiet) {
      ctx.put("tcp ");
      ctx.put_u(length - hlen);
      if (hlen > length) {
        ctx.put(" [bad hdr length ");
        ctx.put_u(hlen);
        ctx.put(" - too long, > ");
        ctx.put_u(length);
        ctx.put(']');
      }
      return;
    }

    std::uint8_t flags = ctx.u8(tp + 13);
    put_flags(ctx.out, flags);

    std::uint32_t thseq = 0, thack = 0;
    bool rev = false;
    if (!ctx.opt.absolute_seq && (flags & kAck)) {
      TcpSeqTable::Key key = seq_key;
      rev = seq_rev;
      if (!seq_key_ok)
        rev = TcpSeqTable::make_key(key, v6, v6 ? iph + 8 : iph + 12, v6 ? iph + 24 : iph + 16,
                                    sport, dport);
      bool existed = false;
      TcpSeqTable::Entry& th = ctx.tcp_seq.find_or_insert(key, existed);
      if (!existed || (flags & kSyn)) {
        // A new conversation: record the initial numbers, print these ones absolute.
        if (rev) {
          th.ack = seq;
          th.seq = ack - 1;
        } else {
          th.seq = seq;
          th.ack = ack - 1;
        }
      } else if (rev) {
        seq -= th.ack;
        ack -= th.seq;
      } else {
        seq -= th.seq;
        ack -= th.ack;
      }
      thseq = th.seq;
      thack = th.ack;
    }
    if (hlen > length) {
      ctx.put(" [bad hdr length ");
      ctx.put_u(hlen);
      ctx.put(" - too long, > ");
      ctx.put_u(length);
      ctx.put(']');
      return;
    }

    if (ctx.opt.verbose && !ctx.opt.no_checksums && !fragmented) {
      if (ctx.ttest(tp, length)) {
        std::uint16_t sum = v6 ? nextproto6_cksum(ctx, iph, tp, length, length, 6)
                               : nextproto4_cksum(ctx, iph, tp, length, length, 6);
        std::uint16_t tcp_sum = ctx.be16(tp + 16);
        ctx.put(", cksum 0x");
        ctx.out.put_hex(tcp_sum, 4);
        if (sum != 0) {
          ctx.put(" (incorrect -> 0x");
          ctx.out.put_hex(in_cksum_shouldbe(tcp_sum, sum), 4);
          ctx.put(')');
        } else {
          ctx.put(" (correct)");
        }
      }
    }

    length -= hlen;
    if (ctx.opt.verbose > 1 || length > 0 || (flags & (kSyn | kFin | kRst))) {
      ctx.put(", seq ");
      ctx.put_u(seq);
      if (length > 0) {
        ctx.put(':');
        ctx.put_u(seq + length);
      }
    }
    if (flags & kAck) {
      ctx.put(", ack ");
      ctx.put_u(ack);
    }
    ctx.put(", win ");
    ctx.put_u(win);
    if (flags & kUrg) {
      ctx.put(", urg ");
      ctx.put_u(urp);
    }

    if (hlen > kTcpHeader) {
      unsigned left = hlen - kTcpHeader;
      const std::uint8_t* cp = tp + kTcpHeader;
      ctx.put(", options [");
      while (left > 0) {
        if (ch != '\0') ctx.put(ch);
        std::uint8_t opt = ctx.u8(cp);
        ++cp;
        unsigned len;
        const bool zerolen = opt == 0 || opt == 1;
        if (zerolen) {
          len = 1;
        } else {
          len = ctx.u8(cp);
          ++cp;
          if (len < 2 || len > left) goto bad;
          --left;
        }
        --left;
        unsigned datalen = 0;
        // LENCHECK(l): bail if l bytes are not left in the header or were not captured.
        auto lencheck = [&](unsigned l) -> int {
          if (l > left) return 1;
          if (!ctx.ttest(cp, l)) return 2;
          return 0;
        };
#define TCPLENS_LENCHECK(l)          \
  do {                               \
    int r_ = lencheck(l);            \
    if (r_ == 1) goto bad;           \
    if (r_ == 2) goto trunc_opts;    \
  } while (0)

        if (std::string_view name = tcp_option_name(opt); name.data() != nullptr) {
          ctx.put(name);
        } else {
          ctx.put("unknown-");
          ctx.put_u(opt);
        }
        switch (opt) {
          case 2:
            datalen = 2;
            TCPLENS_LENCHECK(datalen);
            ctx.put(' ');
            ctx.put_u(ctx.be16(cp));
            break;
          case 3:
            datalen = 1;
            TCPLENS_LENCHECK(datalen);
            ctx.put(' ');
            ctx.put_u(ctx.u8(cp));
            break;
          case 5:
            datalen = len - 2;
            if (datalen % 8 != 0) {
              ctx.put(" invalid sack");
            } else {
              ctx.put(' ');
              ctx.put_u(datalen / 8);
              ctx.put(' ');
              for (unsigned i = 0; i < datalen; i += 8) {
                TCPLENS_LENCHECK(i + 4);
                std::uint32_t s = ctx.be32(cp + i);
                TCPLENS_LENCHECK(i + 8);
                std::uint32_t e = ctx.be32(cp + i + 4);
                if (rev) {
                  s -= thseq;
                  e -= thseq;
                } else {
                  s -= thack;
                  e -= thack;
                }
                ctx.put('{');
                ctx.put_u(s);
                ctx.put(':');
                ctx.put_u(e);
                ctx.put('}');
              }
            }
            break;
          case 11:
          case 12:
          case 13:
          case 6:
          case 7:
            datalen = 4;
            TCPLENS_LENCHECK(datalen);
            ctx.put(' ');
            ctx.put_u(ctx.be32(cp));
            break;
          case 8:
            datalen = 8;
            TCPLENS_LENCHECK(datalen);
            ctx.put(" val ");
            ctx.put_u(ctx.be32(cp));
            ctx.put(" ecr ");
            ctx.put_u(ctx.be32(cp + 4));
            break;
          case 19: {
            datalen = 16;
            TCPLENS_LENCHECK(datalen);
            ctx.put(' ');
            // tcpdump (built with libcrypto) cannot verify without a secret given by -M.
            const std::uint8_t* data = tp + hlen;
            if (data + length > ctx.snapend || !ctx.ttest(data, length))
              ctx.put("snaplen too short, ");
            else
              ctx.put("shared secret not supplied with -M, ");
            ctx.put("can't check - ");
            for (unsigned i = 0; i < 16; ++i) ctx.out.put_hex_byte(ctx.u8(cp + i));
            break;
          }
          case 20:
            datalen = 2;
            TCPLENS_LENCHECK(datalen);
            ctx.put(" cap ");
            ctx.out.put_hex(ctx.u8(cp), 2);
            ctx.put(" id ");
            ctx.put_u(ctx.u8(cp + 1));
            break;
          case 29:
            datalen = len - 2;
            if (datalen < 2) {
              ctx.print_invalid();
            } else {
              TCPLENS_LENCHECK(1);
              ctx.put(" keyid ");
              ctx.put_u(ctx.u8(cp));
              TCPLENS_LENCHECK(2);
              ctx.put(" rnextkeyid ");
              ctx.put_u(ctx.u8(cp + 1));
              if (datalen > 2) {
                ctx.put(" mac 0x");
                for (unsigned i = 2; i < datalen; i++) {
                  TCPLENS_LENCHECK(i + 1);
                  ctx.out.put_hex_byte(ctx.u8(cp + i));
                }
              }
            }
            break;
          case 0:
          case 1:
          case 4:
            break;
          case 28: {
            datalen = 2;
            TCPLENS_LENCHECK(datalen);
            unsigned utoval = ctx.be16(cp);
            ctx.put(" 0x");
            ctx.out.put_hex(utoval);
            if (utoval & 0x0001)
              utoval = (utoval >> 1) * 60;
            else
              utoval >>= 1;
            ctx.put(' ');
            ctx.put_u(utoval);
            break;
          }
          case 30: {
            datalen = len - 2;
            TCPLENS_LENCHECK(datalen);
            // The MPTCP printer may not read past this option.
            const std::uint8_t* saved = ctx.snapend;
            if (cp - 2 + len < ctx.snapend) ctx.snapend = cp - 2 + len;
            bool ok = mptcp_print(ctx, cp - 2, len, flags);
            ctx.snapend = saved;
            if (!ok) goto bad;
            break;
          }
          case 34:
            datalen = len - 2;
            TCPLENS_LENCHECK(datalen);
            ctx.put(' ');
            print_tcp_fastopen_option(ctx, cp, datalen, false);
            break;
          case 254: {
            datalen = len - 2;
            TCPLENS_LENCHECK(datalen);
            if (datalen < 2) goto bad;
            std::uint16_t magic = ctx.be16(cp);
            ctx.put('-');
            if (magic == 0xf989) {
              print_tcp_fastopen_option(ctx, cp + 2, datalen - 2, true);
            } else {
              ctx.out.put_hex(magic, 4);
            }
            break;
          }
          default:
            datalen = len - 2;
            if (datalen) ctx.put(" 0x");
            for (unsigned i = 0; i < datalen; ++i) {
              TCPLENS_LENCHECK(i + 1);
              ctx.out.put_hex_byte(ctx.u8(cp + i));
            }
            break;
        }
#undef TCPLENS_LENCHECK
        cp += datalen;
        left -= datalen;
        ++datalen;
        if (!zerolen) ++datalen;
        if (datalen != len) {
          ctx.put("[len ");
          ctx.put_u(len);
          ctx.put(']');
        }
        ch = ',';
        if (opt == 0) break;
      }
      ctx.put(']');
    }

    ctx.put(", length ");
    ctx.put_u(length);
    if (length == 0) return;

    if (!ctx.ttest(bp, hlen)) {
      ctx.put(" [remaining caplen(");
      ctx.put_u(static_cast<std::uint32_t>(ctx.available(bp)));
      ctx.put(") < header length(");
      ctx.put_u(hlen);
      ctx.put(")]");
      throw Truncated{};
    }
    bp += hlen;
    if ((flags & kRst) && ctx.opt.verbose) {
      print_tcp_rst_data(ctx, bp, length);
      return;
    }

    // Payload printers by port, in tcpdump's order. Protocols tcplens does not decode
    // (BGP, PPTP, SMB, OpenFlow, MSDP, RPKI-RTR, LDP, NFS) end at "length N".
    static const char* const kRtspCmds[] = {
        "DESCRIBE", "ANNOUNCE", "GET_PARAMETER", "OPTIONS",       "PAUSE",    "PLAY",
        "RECORD",   "REDIRECT", "SETUP",         "SET_PARAMETER", "TEARDOWN", nullptr};
    if (is_port(sport, dport, 23)) {
      telnet_print(ctx, bp, length);
    } else if (is_port(sport, dport, 25)) {
      ctx.put(": ");
      txtproto_print(ctx, bp, length, "smtp", nullptr, false);
    } else if (is_port(sport, dport, 43)) {
      ctx.put(": ");
      txtproto_print(ctx, bp, length, "whois", nullptr, false);
    } else if (is_port(sport, dport, 179)) {
    } else if (is_port(sport, dport, 1723)) {
    } else if (is_port(sport, dport, 6379)) {
      resp_print(ctx, bp, length);
    } else if (is_port(sport, dport, 22)) {
      ssh_print(ctx, bp, length);
    } else if (is_port(sport, dport, 139) || is_port(sport, dport, 445)) {
    } else if (is_port(sport, dport, 10288)) {
      beep_print(ctx, bp, length);
    } else if (is_port(sport, dport, 6633) || is_port(sport, dport, 6653)) {
    } else if (is_port(sport, dport, 21)) {
      ctx.put(": ");
      txtproto_print(ctx, bp, length, "ftp", nullptr, false);
    } else if (is_port(sport, dport, 80) || is_port(sport, dport, 8080)) {
      ctx.put(": ");
      http_print(ctx, bp, length);
    } else if (is_port(sport, dport, 554) || is_port(sport, dport, 8554)) {
      ctx.put(": ");
      txtproto_print(ctx, bp, length, "rtsp", kRtspCmds, true);
    } else if (is_port(sport, dport, 53)) {
      domain_print(ctx, bp, length, true, false);
    }
    return;
  }
bad:
  ctx.put("[bad opt]");
  if (ch != '\0') ctx.put(']');
  return;
trunc_opts:
trunc:
  ctx.print_trunc();
  if (ch != '\0') ctx.put('>');
}

}  // namespace tcplens::tcpdump
