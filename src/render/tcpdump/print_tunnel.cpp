// UDP tunnels whose inner packets tcpdump prints: VXLAN (print-vxlan.c), VXLAN-GPE
// (print-vxlan-gpe.c), Geneve (print-geneve.c) and L2TPv2 (print-l2tp.c: the header, data
// messages, and the attribute-value pairs of control messages, RFC 2661 4.4). The inner
// frame goes back through the Ethernet/IP/PPP printers.
#include "print_context.hpp"

namespace tcplens::tcpdump {

void vxlan_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  ctx.protocol = "vxlan";
  ctx.put("VXLAN");
  if (len < 8) {
    ctx.print_invalid();
    return;
  }
  std::uint8_t flags = ctx.u8(bp);
  ctx.put(", flags [");
  ctx.put((flags & 0x08) ? "I" : "invalid");
  ctx.put("] (0x");
  ctx.out.put_hex(flags, 2);
  ctx.put("), ");
  const std::uint32_t vni = ctx.be24(bp + 4);  // (read before "vni " is put, as tcpdump's GET)
  ctx.put("vni ");
  ctx.put_u(vni);
  // Watch out: tcpdump ends the VXLAN header with a newline inside the packet's record.
  ctx.put('\n');
  ctx.tcheck(bp + 7, 1);
  const std::uint8_t* inner = bp + 8;
  ether_print(ctx, inner, len - 8, static_cast<unsigned>(ctx.available(inner)));
}

void vxlan_gpe_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  ctx.protocol = "vxlan_gpe";
  ctx.put("VXLAN-GPE, ");
  if (len < 8) {  // the header's length first (tcpdump 4.99.3)
    ctx.put(" (len ");
    ctx.put_u(len);
    ctx.put(" < 8)");
    return ctx.print_invalid();
  }
  const std::uint8_t flags = ctx.u8(bp);
  ctx.put("flags [");
  static const Tok kFlags[] = {{0x08, "I"}, {0x04, "P"}, {0x02, "B"}, {0x01, "O"}, {0, nullptr}};
  put_bittok(ctx, kFlags, flags, "none", "");
  ctx.put("], ");
  const std::uint8_t next_protocol = ctx.u8(bp + 3);
  const std::uint32_t vni = ctx.be24(bp + 4);
  ctx.u8(bp + 7);  // the reserved byte is read before the VNI is printed
  ctx.put("vni ");
  ctx.put_u(vni);
  ctx.put(ctx.opt.verbose ? "\n    " : ": ");
  const std::uint8_t* inner = bp + 8;
  len -= 8;
  switch (next_protocol) {
    case 1: return ip_print(ctx, inner, len);
    case 2: return ip6_print(ctx, inner, len);
    case 3: return ether_print(ctx, inner, len, static_cast<unsigned>(ctx.available(inner)));
    default: ctx.put("ERROR: unknown-next-protocol"); return ctx.print_invalid();
  }
}

namespace {

// How print-l2tp.c shows each IETF attribute's value (RFC 2661 4.4).
enum class AvpValue : std::uint8_t {
  None, MsgType, ResultCode, ProtoVer, Letters, TieBreaker, U16, U32, Text, Octets, Q931,
  ChallengeResp, ProcDelay, AuthType, AuthId, CallErrors, Accm, DisconnectCause,
};

struct AvpInfo {
  std::uint16_t attr;
  const char* name;
  AvpValue value;
  const char* letters;  // Letters: the names of bits 1 and 0 of the 32-bit value
};

constexpr AvpInfo kAvps[] = {
    {0, "MSGTYPE", AvpValue::MsgType, nullptr},
    {1, "RESULT_CODE", AvpValue::ResultCode, nullptr},
    {2, "PROTO_VER", AvpValue::ProtoVer, nullptr},
    {3, "FRAMING_CAP", AvpValue::Letters, "AS"},  // asynchronous, synchronous
    {4, "BEARER_CAP", AvpValue::Letters, "AD"},   // analog, digital
    {5, "TIE_BREAKER", AvpValue::TieBreaker, nullptr},
    {6, "FIRM_VER", AvpValue::U16, nullptr},
    {7, "HOST_NAME", AvpValue::Text, nullptr},
    {8, "VENDOR_NAME", AvpValue::Text, nullptr},
    {9, "ASSND_TUN_ID", AvpValue::U16, nullptr},
    {10, "RECV_WIN_SIZE", AvpValue::U16, nullptr},
    {11, "CHALLENGE", AvpValue::Octets, nullptr},
    {12, "Q931_CC", AvpValue::Q931, nullptr},
    {13, "CHALLENGE_RESP", AvpValue::ChallengeResp, nullptr},
    {14, "ASSND_SESS_ID", AvpValue::U16, nullptr},
    {15, "CALL_SER_NUM", AvpValue::U32, nullptr},
    {16, "MINIMUM_BPS", AvpValue::U32, nullptr},
    {17, "MAXIMUM_BPS", AvpValue::U32, nullptr},
    {18, "BEARER_TYPE", AvpValue::Letters, "AD"},
    {19, "FRAMING_TYPE", AvpValue::Letters, "AS"},
    {20, "PACKET_PROC_DELAY", AvpValue::ProcDelay, nullptr},
    {21, "CALLED_NUMBER", AvpValue::Text, nullptr},
    {22, "CALLING_NUMBER", AvpValue::Text, nullptr},
    {23, "SUB_ADDRESS", AvpValue::Text, nullptr},
    {24, "TX_CONN_SPEED", AvpValue::U32, nullptr},
    {25, "PHY_CHANNEL_ID", AvpValue::U32, nullptr},
    {26, "INI_RECV_LCP", AvpValue::Octets, nullptr},
    {27, "LAST_SENT_LCP", AvpValue::Octets, nullptr},
    {28, "LAST_RECV_LCP", AvpValue::Octets, nullptr},
    {29, "PROXY_AUTH_TYPE", AvpValue::AuthType, nullptr},
    {30, "PROXY_AUTH_NAME", AvpValue::Text, nullptr},
    {31, "PROXY_AUTH_CHAL", AvpValue::Octets, nullptr},
    {32, "PROXY_AUTH_ID", AvpValue::AuthId, nullptr},
    {33, "PROXY_AUTH_RESP", AvpValue::Octets, nullptr},
    {34, "CALL_ERRORS", AvpValue::CallErrors, nullptr},
    {35, "ACCM", AvpValue::Accm, nullptr},
    {36, "RANDOM_VECTOR", AvpValue::Octets, nullptr},
    {37, "PRIVATE_GRP_ID", AvpValue::Text, nullptr},
    {38, "RX_CONN_SPEED", AvpValue::U32, nullptr},
    {39, "SEQ_REQUIRED", AvpValue::None, nullptr},
    {46, "PPP_DISCON_CC", AvpValue::DisconnectCause, nullptr},
};

const Tok kL2tpMsgTypes[] = {
    {1, "SCCRQ"}, {2, "SCCRP"}, {3, "SCCCN"}, {4, "StopCCN"}, {6, "HELLO"}, {7, "OCRQ"},
    {8, "OCRP"},  {9, "OCCN"},  {10, "ICRQ"}, {11, "ICRP"},   {12, "ICCN"}, {14, "CDN"},
    {15, "WEN"},  {16, "SLI"},  {0, nullptr}};
const Tok kL2tpAuthTypes[] = {{0, "Reserved"}, {1, "Textual"}, {2, "CHAP"}, {3, "PAP"},
                              {4, "No Auth"},  {5, "MS-CHAPv1"}, {0, nullptr}};
const Tok kL2tpCauseDirections[] = {
    {0, "global error"}, {1, "at peer"}, {2, "at local"}, {0, nullptr}};

void too_short(PrintContext& ctx) { ctx.put("AVP too short"); }

void l2tp_text(PrintContext& ctx, const std::uint8_t* p, unsigned n) {
  for (unsigned i = 0; i < n; ++i) ctx.print_char(p[i]);
}

void l2tp_octets(PrintContext& ctx, const std::uint8_t* p, unsigned n) {
  for (unsigned i = 0; i < n; ++i) ctx.out.put_hex_byte(p[i]);
}

// "%08x" of a 32-bit field.
void put_hex32(PrintContext& ctx, std::uint32_t v) { ctx.out.put_hex(v, 8); }

// The value of an IETF attribute, p at its first byte, n bytes long (all captured).
void l2tp_avp_value(PrintContext& ctx, const AvpInfo& info, const std::uint8_t* p, unsigned n) {
  switch (info.value) {
    case AvpValue::None: return;
    case AvpValue::MsgType:
      if (n < 2) return too_short(ctx);
      return put_tok(ctx, kL2tpMsgTypes, load_be16(p), "MSGTYPE-#");
    case AvpValue::ResultCode:  // result code [/error code [message]]
      if (n < 2) return too_short(ctx);
      ctx.put_u(load_be16(p));
      if (n == 2) return;
      if (n < 4) return ctx.put(" AVP too short");
      ctx.put('/');
      ctx.put_u(load_be16(p + 2));
      if (n == 4) return;
      ctx.put(' ');
      return l2tp_text(ctx, p + 4, n - 4);
    case AvpValue::ProtoVer:
      if (n < 2) return too_short(ctx);
      ctx.put_u(p[0]);
      ctx.put('.');
      ctx.put_u(p[1]);
      return;
    case AvpValue::Letters:
      if (n < 4) return too_short(ctx);
      if (load_be32(p) & 2) ctx.put(info.letters[0]);
      if (load_be32(p) & 1) ctx.put(info.letters[1]);
      return;
    case AvpValue::TieBreaker:
      if (n < 8) return too_short(ctx);
      return l2tp_octets(ctx, p, 8);
    case AvpValue::U16:
      if (n < 2) return too_short(ctx);
      return ctx.put_u(load_be16(p));
    case AvpValue::U32:
      if (n < 4) return too_short(ctx);
      return ctx.put_u(load_be32(p));
    case AvpValue::Text: return l2tp_text(ctx, p, n);
    case AvpValue::Octets: return l2tp_octets(ctx, p, n);
    case AvpValue::Q931:  // cause code, cause message [advisory message]
      if (n < 3) return too_short(ctx);
      ctx.put_u(load_be16(p));
      ctx.put(", ");
      ctx.out.put_hex_byte(p[2]);
      if (n > 3) {
        ctx.put(' ');
        l2tp_text(ctx, p + 3, n - 3);
      }
      return;
    case AvpValue::ChallengeResp:
      if (n < 16) return too_short(ctx);
      return l2tp_octets(ctx, p, 16);
    case AvpValue::ProcDelay: return ctx.put("obsolete");
    case AvpValue::AuthType:
      if (n < 2) return too_short(ctx);
      return put_tok(ctx, kL2tpAuthTypes, load_be16(p), "AuthType-#");
    case AvpValue::AuthId:
      if (n < 2) return too_short(ctx);
      return ctx.put_u(load_be16(p) & 0xff);
    case AvpValue::CallErrors: {  // reserved, then six 32-bit counters
      static constexpr const char* kCounters[] = {"CRCErr=", "FrameErr=", "HardOver=",
                                                  "BufOver=", "Timeout=", "AlignErr="};
      if (n < 2) return too_short(ctx);
      p += 2, n -= 2;
      for (const char* label : kCounters) {
        if (n < 4) return too_short(ctx);
        ctx.put(label);
        ctx.put_u(load_be32(p));
        ctx.put(' ');
        p += 4, n -= 4;
      }
      return;
    }
    case AvpValue::Accm:  // reserved, send ACCM, receive ACCM
      if (n < 2) return too_short(ctx);
      p += 2, n -= 2;
      for (const char* label : {"send=", "recv="}) {
        if (n < 4) return too_short(ctx);
        ctx.put(label);
        put_hex32(ctx, load_be32(p));
        ctx.put(' ');
        p += 4, n -= 4;
      }
      return;
    case AvpValue::DisconnectCause:  // code, control protocol, direction [message]
      if (n < 5) return too_short(ctx);
      ctx.out.put_hex(load_be16(p), 4);
      ctx.put(", ");
      ctx.out.put_hex(load_be16(p + 2), 4);
      ctx.put(' ');
      put_tok(ctx, kL2tpCauseDirections, p[4], "Direction-#");
      if (n > 5) {
        ctx.put(' ');
        l2tp_text(ctx, p + 5, n - 5);
      }
      return;
  }
}

// l2tp_avp_print(): each AVP after a space; one whose length is below its own header,
// beyond the message or beyond the capture ends the list with " [|l2tp]".
void l2tp_avp_print(PrintContext& ctx, const std::uint8_t* dat, unsigned length) {
  constexpr unsigned kAvpHeader = 6;  // M, H, reserved, length; vendor id; attribute type
  while (length > 0) {
    ctx.put(' ');
    const std::uint16_t flags_len = ctx.be16(dat);
    const unsigned len = flags_len & 0x03ff;
    if (len < kAvpHeader || len > length || !ctx.ttest(dat, len)) return ctx.print_trunc();
    const bool hidden = flags_len & 0x4000;
    if (flags_len & 0x8000) ctx.put('*');
    if (hidden) ctx.put('?');
    const std::uint16_t vendor = load_be16(dat + 2), attr = load_be16(dat + 4);
    const std::uint8_t* value = dat + kAvpHeader;
    const unsigned n = len - kAvpHeader;
    if (vendor != 0) {
      ctx.put("VENDOR");
      ctx.out.put_hex(vendor, 4);
      ctx.put(":ATTR");
      ctx.out.put_hex(attr, 4);
      ctx.put('(');
      l2tp_octets(ctx, value, n);
      ctx.put(')');
    } else {
      const AvpInfo* info = nullptr;
      for (const AvpInfo& a : kAvps)
        if (a.attr == attr) info = &a;
      if (info) {
        ctx.put(info->name);
      } else {
        ctx.put("AVP-#");
        ctx.put_u(attr);
      }
      ctx.put('(');
      if (hidden)
        ctx.put("???");
      else if (info)
        l2tp_avp_value(ctx, *info, value, n);
      ctx.put(')');
    }
    dat += len;
    length -= len;
  }
}

}  // namespace

void l2tp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "l2tp";
  const std::uint8_t* ptr = bp;
  const std::uint16_t flags = ctx.be16(ptr);
  switch (flags & 0x000f) {
    case 2: ctx.put(" l2tp:["); break;
    case 1: ctx.put(" l2f:"); return;
    default: ctx.put(" Unknown Version, neither L2F(1) nor L2TP(2)"); return;
  }
  if (flags & 0x8000) ctx.put('T');
  if (flags & 0x4000) ctx.put('L');
  if (flags & 0x0800) ctx.put('S');
  if (flags & 0x0200) ctx.put('O');
  if (flags & 0x0100) ctx.put('P');
  ctx.put(']');
  ptr += 2;
  unsigned cnt = 2;
  unsigned l2tp_len = 0;
  if (flags & 0x4000) {
    l2tp_len = ctx.be16(ptr);
    ptr += 2;
    cnt += 2;
  }
  // Watch out: tcpdump reads each field before printing the text around it ("(%u/"), so a
  // cut field prints nothing of its own.
  const std::uint16_t tunnel_id = ctx.be16(ptr);
  ctx.put('(');
  ctx.put_u(tunnel_id);
  ctx.put('/');
  ctx.put_u(ctx.be16(ptr + 2));
  ctx.put(')');
  ptr += 4;
  cnt += 4;
  if (flags & 0x0800) {
    const std::uint16_t ns = ctx.be16(ptr);
    ctx.put("Ns=");
    ctx.put_u(ns);
    ctx.put(',');
    const std::uint16_t nr = ctx.be16(ptr + 2);
    ctx.put("Nr=");
    ctx.put_u(nr);
    ptr += 4;
    cnt += 4;
  }
  if (flags & 0x0200) {
    const unsigned pad = ctx.be16(ptr);
    if (!ctx.ttest(ptr + 2, pad)) return ctx.print_trunc();  // the padding must be captured
    ptr += 2 + pad;
    cnt += 2 + pad;
  }
  if (flags & 0x4000) {
    if (length < l2tp_len) {
      ctx.put(" Length ");
      ctx.put_u(l2tp_len);
      ctx.put(" larger than packet");
      return;
    }
    length = l2tp_len;
  }
  if (length < cnt) {
    ctx.put(" Length ");
    ctx.put_u(length);
    ctx.put(" smaller than header length");
    return;
  }
  if (flags & 0x8000) {  // a control message: RFC 2661 3.1 requires the length field
    if (!(flags & 0x4000)) return ctx.put(" No length");
    if (length - cnt == 0) return ctx.put(" ZLB");
    return l2tp_avp_print(ctx, ptr, length - cnt);
  }
  ctx.put(" {");
  ppp_print(ctx, ptr, length - cnt);
  ctx.put('}');
}

namespace {

const char* geneve_opt_class(std::uint16_t opt_class) {
  switch (opt_class) {
    case 0x0100: return "Linux";
    case 0x0101: return "Open vSwitch";
    case 0x0102: return "Open Virtual Networking (OVN)";
    case 0x0103: return "In-band Network Telemetry (INT)";
    case 0x0104: return "VMware";
    default:
      if (opt_class <= 0x00ff) return "Standard";
      if (opt_class >= 0xfff0) return "Experimental";
      return "Unknown";
  }
}

void geneve_opts_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  const char* sep = "";
  while (len > 0) {
    ctx.put(sep);
    sep = ", ";
    std::uint16_t opt_class = ctx.be16(bp);
    std::uint8_t opt_type = ctx.u8(bp + 2);
    unsigned opt_len = 4 + ((ctx.u8(bp + 3) & 0x1f) * 4u);
    ctx.put("class ");
    ctx.put(geneve_opt_class(opt_class));
    ctx.put(" (0x");
    ctx.out.put_hex(opt_class);
    ctx.put(") type 0x");
    ctx.out.put_hex(opt_type);
    if (opt_type & 0x80) ctx.put("(C)");
    ctx.put(" len ");
    ctx.put_u(opt_len);
    if (opt_len > len) {
      ctx.put(" [bad length]");
      return;
    }
    if (ctx.opt.verbose > 1 && opt_len > 4) {
      ctx.put(" data");
      for (unsigned i = 4; i < opt_len; i += 4) {
        ctx.put(' ');
        ctx.out.put_hex(ctx.be32(bp + i), 8);
      }
    }
    bp += opt_len;
    len -= opt_len;
  }
}

}  // namespace

void geneve_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len) {
  ctx.protocol = "geneve";
  ctx.put("Geneve");
  if (len < 8) {
    ctx.put(" [length ");
    ctx.put_u(len);
    ctx.put(" < 8]");
    ctx.print_invalid();
    return;
  }
  if (!ctx.ttest(bp, 8)) {
    ctx.print_trunc();
    return;
  }
  std::uint8_t ver_opt = ctx.u8(bp);
  unsigned version = ver_opt >> 6;
  if (version != 0) {
    ctx.put(" ERROR: unknown-version ");
    ctx.put_u(version);
    return;
  }
  std::uint8_t flags = ctx.u8(bp + 1);
  std::uint16_t prot = ctx.be16(bp + 2);
  std::uint32_t vni = ctx.be24(bp + 4);
  std::uint8_t reserved = ctx.u8(bp + 7);
  bp += 8;
  len -= 8;
  ctx.put(", Flags [");
  static const Tok kFlags[] = {{0x80, "O"},  {0x40, "C"},  {0x20, "R1"}, {0x10, "R2"},
                               {0x08, "R3"}, {0x04, "R4"}, {0x02, "R5"}, {0x01, "R6"},
                               {0, nullptr}};
  put_bittok(ctx, kFlags, flags, "none", "");
  ctx.put("], vni 0x");
  ctx.out.put_hex(vni);
  if (reserved) {
    ctx.put(", rsvd 0x");
    ctx.out.put_hex(reserved);
  }
  if (ctx.opt.link_header) {
    ctx.put(", proto ");
    put_ethertype_name(ctx, prot, "unknown");
    ctx.put(" (0x");
    ctx.out.put_hex(prot, 4);
    ctx.put(')');
  }
  unsigned opts_len = (ver_opt & 0x3f) * 4u;
  if (len < opts_len) {
    ctx.put(" truncated-geneve - ");
    ctx.put_u(opts_len - len);
    ctx.put(" bytes missing");
    return;
  }
  if (!ctx.ttest(bp, opts_len)) {
    ctx.print_trunc();
    return;
  }
  if (opts_len > 0) {
    ctx.put(", options [");
    if (ctx.opt.verbose) {
      geneve_opts_print(ctx, bp, opts_len);
    } else {
      ctx.put_u(opts_len);
      ctx.put(" bytes");
    }
    ctx.put(']');
  }
  bp += opts_len;
  len -= opts_len;
  ctx.put(ctx.opt.verbose < 1 ? ": " : "\n\t");
  unsigned caplen = static_cast<unsigned>(ctx.available(bp));
  if (!ethertype_print(ctx, prot, bp, len, caplen, nullptr, nullptr)) {
    if (prot == 0x6558) {
      ether_print(ctx, bp, len, caplen);
    } else {
      ctx.put("geneve-proto-0x");
      ctx.out.put_hex(prot);
    }
  }
}

}  // namespace tcplens::tcpdump
