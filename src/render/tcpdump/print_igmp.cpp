// IGMP (IP protocol 2), as tcpdump 4.99's print-igmp.c prints it: queries (v1, v2 and v3
// with their maximum response time, group and sources), reports (v1, v2 and v3 with their
// group records at -v, sources at -vv), leaves, mtrace queries and responses, the type
// number of anything else, and at -v a wrong checksum. DVMRP and PIMv1 carried in IGMP are
// not reproduced: igmp_print() says so before printing anything, and the caller prints the
// generic line.
//
// An address tcpdump prints in the same ND_PRINT as the words before it is read first: a
// capture that cut it off stops before those words.
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

// GET_IPADDR_STRING: the address at p, or the longjmp when it was not captured.
const std::uint8_t* address(PrintContext& ctx, const std::uint8_t* p) {
  ctx.tcheck(p, 4);
  return p;
}

void put_text_address(PrintContext& ctx, const char* text, const std::uint8_t* p) {
  address(ctx, p);
  ctx.put(text);
  ctx.put_ipv4(p);
}

// " [label N]": tcpdump's notes of odd lengths and counts.
void note(PrintContext& ctx, const char* label, unsigned n) {
  ctx.put(" [");
  ctx.put(label);
  ctx.put_u(n);
  ctx.put(']');
}

const Tok kV3ReportTypes[] = {{1, "is_in"}, {2, "is_ex"}, {3, "to_in"}, {4, "to_ex"},
                              {5, "allow"}, {6, "block"}, {0, nullptr}};

void v3_report(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  if (len < 16 || (len & 3) != 0) {
    note(ctx, "invalid len ", len);
    return;
  }
  const unsigned groups = ctx.be16(bp + 6);
  ctx.put(", ");
  ctx.put_u(groups);
  ctx.put(" group record(s)");
  if (!ctx.opt.verbose) return;
  unsigned at = 8;
  for (unsigned i = 0; i < groups; ++i) {
    if (len < at + 8) {
      ctx.put(" [invalid number of groups]");
      return;
    }
    put_text_address(ctx, " [gaddr ", bp + at + 4);
    const std::uint8_t type = ctx.u8(bp + at);
    ctx.put(' ');
    if (const char* name = tok_lookup(kV3ReportTypes, type)) {
      ctx.put(name);
    } else {
      note(ctx, "v3-report-#", type);
    }
    const unsigned sources = ctx.be16(bp + at + 2);
    if (len < at + 8 + (sources << 2)) {
      note(ctx, "invalid number of sources ", sources);
      return;
    }
    if (ctx.opt.verbose == 1) {
      ctx.put(", ");
      ctx.put_u(sources);
      ctx.put(" source(s)");
    } else {
      ctx.put(" {");
      for (unsigned j = 0; j < sources; ++j) put_text_address(ctx, " ", bp + at + 8 + (j << 2));
      ctx.put(" }");
    }
    at += 8 + (sources << 2);
    ctx.put(']');
  }
}

void v3_query(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  ctx.put(" v3");
  if ((len & 3) != 0) {  // (len >= 12 here)
    note(ctx, "invalid len ", len);
    return;
  }
  // The maximum response code: tenths of a second, or a floating-point form from 128 up.
  const unsigned code = ctx.u8(bp + 1);
  const unsigned tenths = code < 128 ? code : ((code & 0x0f) | 0x10) << (((code & 0x70) >> 4) + 3);
  if (code != 100) {
    ctx.put(" [max resp time ");
    if (tenths < 600) {
      char* p = ctx.out.raw(Output::kFixedRoom);
      ctx.out.commit(Output::format_fixed(p, tenths * 0.1, 1));
      ctx.put('s');
    } else {
      put_relts(ctx, tenths / 10);
    }
    ctx.put(']');
  }
  if (ctx.be32(bp + 4) == 0) return;
  put_text_address(ctx, " [gaddr ", bp + 4);
  const unsigned sources = ctx.be16(bp + 10);
  if (sources > 0) {
    if (len < 12 + (sources << 2)) {
      ctx.put(" [invalid number of sources]");
    } else if (ctx.opt.verbose > 1) {
      ctx.put(" {");
      for (unsigned i = 0; i < sources; ++i) put_text_address(ctx, " ", bp + 12 + (i << 2));
      ctx.put(" }");
    } else {
      ctx.put(", ");
      ctx.put_u(sources);
      ctx.put(" source(s)");
    }
  }
  ctx.put(']');
}

// mtrace and its response: the query's ID, source, destination, where the answer goes.
void mtrace(PrintContext& ctx, const char* name, const std::uint8_t* bp, unsigned len) {
  constexpr unsigned kQuery = 16;  // struct tr_query, after the 8-byte IGMP header
  if (len < 8 + kQuery) {
    note(ctx, "invalid len ", len);
    return;
  }
  const std::uint8_t* q = bp + 8;
  const std::uint32_t qid = ctx.be24(q + 13);
  address(ctx, q);
  address(ctx, q + 4);
  address(ctx, q + 8);
  ctx.put(name);
  ctx.put(' ');
  ctx.put_u(qid);
  ctx.put(": ");
  ctx.put_ipv4(q);
  ctx.put(" to ");
  ctx.put_ipv4(q + 4);
  ctx.put(" reply-to ");
  ctx.put_ipv4(q + 8);
  if ((ctx.be32(q + 8) & 0xf0000000u) == 0xe0000000u) {
    ctx.put(" with-ttl ");
    ctx.put_u(ctx.u8(q + 12));
  }
}

}  // namespace

bool igmp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  ctx.protocol = "igmp";
  if (ctx.opt.quiet) {
    ctx.put("igmp");
    return true;
  }
  const std::uint8_t type = ctx.u8(bp);
  if ((type == 0x13 && len >= 8) || type == 0x14) return false;  // DVMRP, PIMv1: not reproduced
  switch (type) {
    case 0x11:
      ctx.put("igmp query");
      if (len >= 12) {
        v3_query(ctx, bp, len);
      } else {
        if (const std::uint8_t max = ctx.u8(bp + 1); max != 0) {
          ctx.put(" v2");
          if (max != 100) {
            note(ctx, "max resp time ", max);
          }
        } else {
          ctx.put(" v1");
        }
        if (ctx.be32(bp + 4) != 0) {
          put_text_address(ctx, " [gaddr ", bp + 4);
          ctx.put(']');
        }
        if (len != 8) note(ctx, "len ", len);
      }
      break;
    case 0x12:
      put_text_address(ctx, "igmp v1 report ", bp + 4);
      if (len != 8) note(ctx, "len ", len);
      break;
    case 0x16:
      put_text_address(ctx, "igmp v2 report ", bp + 4);
      break;
    case 0x22:
      ctx.put("igmp v3 report");
      v3_report(ctx, bp, len);
      break;
    case 0x17:
      put_text_address(ctx, "igmp leave ", bp + 4);
      break;
    case 0x13:
      ctx.put("igmp dvmrp");
      note(ctx, "len ", len);
      break;
    case 0x1e:
      mtrace(ctx, "mresp", bp, len);
      break;
    case 0x1f:
      mtrace(ctx, "mtrace", bp, len);
      break;
    default:
      ctx.put("igmp-");
      ctx.put_u(type);
      break;
  }
  if (ctx.opt.verbose && len >= 4 && ctx.ttest(bp, len) && in_cksum(bp, len) != 0) {
    ctx.put(" bad igmp cksum ");
    ctx.out.put_hex(ctx.be16(bp + 2));
    ctx.put('!');
  }
  return true;
}

}  // namespace tcplens::tcpdump
