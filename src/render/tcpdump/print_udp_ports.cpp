// udp_print's port dispatch, in the order of tcpdump 4.99.3's print-udp.c (the first port
// test that matches wins, whichever side it is on), and the first words that each of the
// protocols tcplens has no full printer for prints of an empty or short payload: its
// truncation marker (" [|krb]"), its length message ("[length 0 < 34] (invalid)") or its
// fixed header line. Payloads past what is reproduced here get tcpdump's generic
// "UDP, length N" line (docs/differences.md, other-protocol:udp-apps).
//
// Every decision to fall back is taken before anything is printed, so a payload is either
// printed as tcpdump prints it or not at all.
#include <algorithm>
#include <utility>

#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

// Captured bytes of the payload: what tcpdump's GET_ macros and ND_TCHECKs may read. They
// check against the end of the capture (cut to the IP datagram's length), not the UDP
// length, so a UDP length shorter than the datagram leaves more to read than `length`.
unsigned captured(const PrintContext& ctx, const std::uint8_t* cp) {
  return static_cast<unsigned>(ctx.available(cp));
}

// How a printer of tcpdump's leaves a payload too short for its header: `goto trunc` (the
// marker, then a normal return), or a longjmp out of it (a GET_ macro, or ND_TCHECK in the
// files that define ND_LONGJMP_FROM_TCHECK), after which -x/-X dump the whole frame, link
// header included; or a length check first, so that only a payload the capture cut short
// (its header was on the wire) gets to the longjmp.
enum class Exit { Trunc, Jump, JumpIfCut };

// The payload's captured bytes stop before a fixed header of `header` bytes: `prefix` and
// " [|proto]".
bool trunc_before(PrintContext& ctx, const std::uint8_t* cp, unsigned length, unsigned header,
                  const char* proto, std::string_view prefix = {}, Exit exit = Exit::Trunc) {
  if (captured(ctx, cp) >= header) return false;
  ctx.protocol = proto;
  ctx.put(prefix);
  if (exit == Exit::Jump || (exit == Exit::JumpIfCut && length >= header)) throw Truncated{};
  ctx.print_trunc();
  return true;
}

// "<name> version V packet not supported" when the version field is not `supported`
// (LMP, VQP, sFlow, LSP-PING print this after their header check).
void version_not_supported(PrintContext& ctx, const char* name, std::uint32_t version) {
  ctx.put(name);
  ctx.put(" version ");
  ctx.put_u(version);
  ctx.put(" packet not supported");
}

// print-krb.c: the protocol version byte, and the rest only for Kerberos IV.
bool krb_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  if (trunc_before(ctx, cp, length, 1, "krb")) return true;
  const std::uint8_t pvno = ctx.u8(cp);
  if (pvno == 4) return false;  // krb4_print: not reproduced
  if (pvno >= 1 && pvno <= 3) {
    ctx.put(" v");
    ctx.put_u(pvno);
  } else if (pvno == 106 || pvno == 107) {
    ctx.put(" v5");  // ASN.1 application tags 10 and 11 (AS-REQ, AS-REP), not decoded
  }
  return true;
}

// print-ptp.c: a header of 34 bytes is required before anything else.
bool ptp_print(PrintContext& ctx, unsigned length) {
  constexpr unsigned kHeader = 34;
  if (length >= kHeader) return false;
  ctx.put(" [length ");
  ctx.put_u(length);
  ctx.put(" < 34]");
  ctx.print_invalid();
  return true;
}

// print-isakmp.c (ports 500, 7500, 8500): the 28-byte ISAKMP header is checked first.
bool isakmp_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length,
                  std::string_view prefix = {}) {
  return trunc_before(ctx, cp, length, 28, "isakmp", prefix);
}

// isakmp_rfc3948_print (port 4500): a NAT keep-alive, a non-ESP marker before ISAKMP, or ESP.
// The length decides (a keep-alive is one byte, a marker four); the reads longjmp.
bool isakmp_rfc3948_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  ctx.protocol = "isakmp_rfc3948";
  if (length == 1 && ctx.u8(cp) == 0xff) {
    ctx.put("isakmp-nat-keep-alive");
    return true;
  }
  if (length < 4) {
    ctx.print_trunc();
    return true;
  }
  if (ctx.be32(cp) == 0) return isakmp_print(ctx, cp + 4, length - 4, "NONESP-encap: ");
  ctx.put("UDP-encap: ");
  esp_print(ctx, cp, length);
  return true;
}

// print-lmp.c, print-vqp.c: a fixed header, then the version (high nibble for LMP).
bool versioned_header_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length,
                            unsigned header, const char* proto, const char* name,
                            std::uint32_t version, std::uint32_t supported, Exit exit = Exit::Trunc) {
  if (trunc_before(ctx, cp, length, header, proto, {}, exit)) return true;
  if (version == supported) return false;
  version_not_supported(ctx, name, version);
  return true;
}

// OLSR: its version word before the header check.
bool olsr_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length, bool v6) {
  return trunc_before(ctx, cp, length, 4, "olsr", v6 ? "OLSRv6" : "OLSRv4");
}

// print-rx.c: the 28-byte Rx header, then the length in parentheses after the marker.
bool rx_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  if (!trunc_before(ctx, cp, length, 28, "rx")) return false;
  ctx.put(" (");
  ctx.put_u(length);
  ctx.put(')');
  return true;
}

// "NAME, [length N < H] (invalid)" and similar checks of the whole length (OTV, SOME/IP).
bool length_invalid(PrintContext& ctx, unsigned length, unsigned header, std::string_view text) {
  if (length >= header) return false;
  ctx.put(text);
  ctx.print_invalid();
  return true;
}

// print-vat (in print-udp.c): the length, a 16-bit word that tells vt from vat, the
// length again.
bool vat_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  if (length < 2) {
    ctx.put("udp/va/vat, length ");
    ctx.put_u(length);
    ctx.put(" < 2");
    return true;
  }
  if (trunc_before(ctx, cp, length, 2, "vat", {}, Exit::JumpIfCut)) return true;
  const std::uint16_t ts = ctx.be16(cp);
  if ((ts & 0xf060) != 0) {  // probably vt
    ctx.put("udp/vt ");
    ctx.put_u(length);
    ctx.put(' ');
    ctx.put_u(ts & 0x3ff);
    ctx.put(" / ");
    ctx.put_u(ts >> 10);
    return true;
  }
  if (length < 8) {
    ctx.put("udp/vat, length ");
    ctx.put_u(length);
    ctx.put(" < 8");
    return true;
  }
  return false;
}

// print-aodv.c: the message type; of a type it does not know, the type and the length.
bool aodv_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  if (trunc_before(ctx, cp, length, 1, "aodv", {}, Exit::Jump)) return true;
  const std::uint8_t type = ctx.u8(cp);
  if ((type >= 1 && type <= 4) || (type >= 16 && type <= 19)) return false;  // (v6 drafts: 16..19)
  ctx.put(" aodv type ");
  ctx.put_u(type);
  ctx.put(' ');
  ctx.put_u(length);
  return true;
}

// print-wb.c: a length check of the 12-byte header, then its reads.
bool wb_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  if (length_invalid(ctx, length, 12, "")) return true;
  return trunc_before(ctx, cp, length, 12, "wb", {}, Exit::JumpIfCut);
}

// print-babel.c: "babel", the 4-byte header, its magic byte 42.
bool babel_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  if (trunc_before(ctx, cp, length, 4, "babel", "babel")) return true;
  if (ctx.u8(cp) == 42) return false;
  ctx.put("babel invalid header");
  return true;
}

// print-zep.c: "ZEP", the two preamble characters "EX" (the second read only when the first
// is 'E').
bool zep_print(PrintContext& ctx, const std::uint8_t* cp) {
  const unsigned cap = captured(ctx, cp);
  const bool first_e = cap >= 1 && ctx.u8(cp) == 'E';
  const bool preamble = first_e && cap >= 2 && ctx.u8(cp + 1) == 'X';
  if (preamble && cap > 2) return false;  // the version and the rest: not reproduced
  ctx.protocol = "zep";
  ctx.put("ZEP");
  if (cap == 0 || (first_e && cap == 1) || preamble) {
    ctx.print_trunc();
    return true;
  }
  ctx.put(" [Preamble Code: ");
  ctx.print_char(ctx.u8(cp));
  if (cap == 1) {
    ctx.print_trunc();
    return true;
  }
  ctx.print_char(ctx.u8(cp + 1));
  ctx.put(']');
  ctx.print_invalid();
  return true;
}

// print-otv.c: the length check (then what was captured of it), or the header (flags, its
// I bit, the 24-bit overlay and instance IDs) and the Ethernet frame it carries.
bool otv_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  constexpr unsigned kHeader = 8;
  ctx.protocol = "otv";
  ctx.put("OTV, ");
  if (length < kHeader) {
    ctx.put("[length ");
    ctx.put_u(length);
    ctx.put(" < 8]");
    ctx.print_invalid();
    if (captured(ctx, cp) < length) ctx.print_trunc();
    return true;
  }
  const std::uint8_t flags = ctx.u8(cp);
  ctx.put("flags [");
  ctx.put((flags & 0x08) ? 'I' : '.');
  ctx.put("] (0x");
  ctx.out.put_hex(flags, 2);
  ctx.put("), ");
  const std::uint32_t overlay = ctx.be24(cp + 1);
  ctx.put("overlay ");
  ctx.put_u(overlay);
  ctx.put(", ");
  const std::uint32_t instance = ctx.be24(cp + 4);
  ctx.put("instance ");
  ctx.put_u(instance);
  ctx.put('\n');
  ctx.tcheck(cp + 7, 1);  // reserved
  const std::uint8_t* inner = cp + kHeader;
  ether_print(ctx, inner, length - kHeader, static_cast<unsigned>(ctx.available(inner)));
  return true;
}

// print-sflow.c: the datagram header's line (at -v with the sequence number, uptime and
// sample count, once the whole header is captured; the samples are not reproduced). The
// caller has checked 28 bytes, as much as -n reads.
bool sflow_v5_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  const std::uint32_t addr_type = ctx.be32(cp + 4);
  if (addr_type != 1 && addr_type != 2) return false;
  const std::uint8_t* p = cp + (addr_type == 1 ? 12 : 24);  // sub-agent ID onwards
  if (ctx.opt.verbose) {
    if (!ctx.ttest(p, 16)) return trunc_before(ctx, cp, length, ~0u, "sflow", {}, Exit::Jump);
    if (ctx.be32(p + 12) != 0) return false;
  }
  ctx.put(addr_type == 1 ? "sFlowv5, IPv4 agent " : "sFlowv5, IPv6 agent ");
  if (addr_type == 1)
    ctx.put_ipv4(cp + 8);
  else
    ctx.put_ipv6(cp + 8);
  ctx.put(", agent-id ");
  ctx.put_u(ctx.be32(p));
  if (ctx.opt.verbose) {
    for (const auto& [label, offset] : {std::pair{", seqnum ", 4}, std::pair{", uptime ", 8}}) {
      ctx.put(label);
      ctx.put_u(ctx.be32(p + offset));
    }
    ctx.put(", samples 0");
  }
  ctx.put(", length ");
  ctx.put_u(length);
  return true;
}

// print-sflow.c: the 28-byte datagram header, then its version (5).
bool sflow_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  if (trunc_before(ctx, cp, length, 28, "sflow", {}, Exit::Jump)) return true;
  const std::uint32_t version = ctx.be32(cp);
  if (version == 5) return sflow_v5_print(ctx, cp, length);
  version_not_supported(ctx, "sFlow", version);
  return true;
}

// print-lspping.c: the 32-byte common header.
bool lspping_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  if (length < 32) {
    ctx.put("\n\t\t packet is too short");
    return true;
  }
  if (trunc_before(ctx, cp, length, 32, "lspping", {}, Exit::JumpIfCut)) return true;
  const std::uint16_t version = ctx.be16(cp);
  if (version == 1) return false;
  version_not_supported(ctx, "LSP-PING", version);
  return true;
}

// print-bfd.c: BFD echo (port 3785) is shown by its length only.
bool bfd_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length, std::uint16_t dport) {
  if (dport == 3785) {
    ctx.put("BFD, Echo, length: ");
    ctx.put_u(length);
    if (ctx.opt.verbose) print_unknown_data(ctx, cp, "\n\t", length);
    return true;
  }
  return trunc_before(ctx, cp, length, 24, "bfd", {}, Exit::Jump);
}

// print-hsrp.c (HSRP version 0, to port 1985): opcode, length, state, group, virtual
// address, and at -v the timers, priority and authentication string. Unknown opcodes and
// states are not reproduced (their names are tcpdump's tok2str fallbacks).
const Tok kHsrpOps[] = {{0, "hello"}, {1, "coup"}, {2, "resign"}, {0, nullptr}};
const Tok kHsrpStates[] = {{0, "initial"}, {1, "learn"},    {2, "listen"}, {4, "speak"},
                           {8, "standby"}, {16, "active"}, {0, nullptr}};

bool hsrp_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  const unsigned cap = captured(ctx, cp);
  if (cap > 0 && ctx.u8(cp) == 0 &&
      ((cap > 1 && !tok_lookup(kHsrpOps, ctx.u8(cp + 1))) ||
       (cap > 2 && !tok_lookup(kHsrpStates, ctx.u8(cp + 2)))))
    return false;
  ctx.protocol = "hsrp";
  const std::uint8_t version = ctx.u8(cp);
  ctx.put("HSRPv");
  ctx.put_u(version);
  if (version != 0) return true;
  ctx.put('-');
  ctx.put(tok_lookup(kHsrpOps, ctx.u8(cp + 1)));
  ctx.put(' ');
  ctx.put_u(length);
  ctx.put(": ");
  const char* state = tok_lookup(kHsrpStates, ctx.u8(cp + 2));
  ctx.put("state=");
  ctx.put(state);
  ctx.put(' ');
  const std::uint8_t group = ctx.u8(cp + 6);
  ctx.put("group=");
  ctx.put_u(group);
  ctx.put(' ');
  ctx.tcheck(cp + 16, 4);
  ctx.put("addr=");
  ctx.put_ipv4(cp + 16);
  if (ctx.opt.verbose) {
    ctx.put(" hellotime=");
    put_relts(ctx, ctx.u8(cp + 3));
    ctx.put(" holdtime=");
    put_relts(ctx, ctx.u8(cp + 4));
    ctx.put(" priority=");
    ctx.put_u(ctx.u8(cp + 5));
    ctx.put(" auth=\"");
    ctx.print_padded_string(cp + 8, 8);
    ctx.put('"');
  }
  return true;
}

// print-radius.c: the 20-byte header; at -n its line (code, identifier, length), at -v the
// attributes, which are not reproduced.
const Tok kRadiusCodes[] = {{1, "Access-Request"},     {2, "Access-Accept"},
                            {3, "Access-Reject"},      {4, "Accounting-Request"},
                            {5, "Accounting-Response"}, {11, "Access-Challenge"},
                            {12, "Status-Server"},     {13, "Status-Client"},
                            {40, "Disconnect-Request"}, {41, "Disconnect-ACK"},
                            {42, "Disconnect-NAK"},    {43, "CoA-Request"},
                            {44, "CoA-ACK"},           {45, "CoA-NAK"},
                            {255, "Reserved"},         {0, nullptr}};

bool radius_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length) {
  constexpr unsigned kHeader = 20;
  if (trunc_before(ctx, cp, length, kHeader, "radius")) return true;
  const unsigned len = ctx.be16(cp + 2);
  if (len < kHeader) return trunc_before(ctx, cp, length, ~0u, "radius");
  const unsigned shown = std::min(len, length);
  if (ctx.opt.verbose && shown > kHeader) return false;  // attributes
  const std::uint8_t code = ctx.u8(cp);
  const char* name = tok_lookup(kRadiusCodes, code);
  if (ctx.opt.verbose) {
    ctx.put("RADIUS, length: ");
    ctx.put_u(shown);
    ctx.put("\n\t");
  } else {
    ctx.put("RADIUS, ");
  }
  ctx.put(name ? name : "Unknown Command");
  ctx.put(" (");
  ctx.put_u(code);
  ctx.put("), id: 0x");
  ctx.out.put_hex(ctx.u8(cp + 1), 2);
  if (ctx.opt.verbose) {
    ctx.put(", Authenticator: ");
    for (unsigned i = 4; i < kHeader; ++i) ctx.out.put_hex_byte(ctx.u8(cp + i));
    return true;
  }
  ctx.put(" length: ");
  ctx.put_u(shown);
  return true;
}

// print-ldp.c: nothing is printed until a PDU (10-byte header and an 8-byte message) fits.
bool ldp_print(unsigned length) { return length <= 18; }

// SIP (print-sip.c): a text protocol, its request lines start with these methods.
const char* const kSipCmds[] = {"ACK",    "BYE",    "CANCEL",    "DO",       "INFO",
                                "INVITE", "MESSAGE", "NOTIFY",   "OPTIONS",  "PRACK",
                                "QAUTH",  "REFER",  "REGISTER",  "SPRACK",   "SUBSCRIBE",
                                "UPDATE", "PUBLISH", nullptr};

// A printer tcplens has in full: it prints whatever the payload is.
bool whole(void (*printer)(PrintContext&, const std::uint8_t*, unsigned), PrintContext& ctx,
           const std::uint8_t* cp, unsigned length) {
  printer(ctx, cp, length);
  return true;
}

// The UDP ports of DDP in UDP: 16512-16639 (client sockets), 200-327 (server sockets) and
// the older server range 768-895.
bool is_atalk_port(std::uint16_t port) {
  return (port >= 16512 && port < 16640) || (port >= 200 && port < 328) ||
         (port >= 768 && port < 896);
}

// RADIUS's six ports (auth and accounting, old and new, Cisco's and RFC 5176's CoA).
bool is_radius_port(std::uint16_t port) {
  return port == 1645 || port == 1812 || port == 1646 || port == 1813 || port == 1700 ||
         port == 3799;
}

}  // namespace

bool udp_port_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length,
                    std::uint16_t sport, std::uint16_t dport, bool v6) {
  const auto port = [&](std::uint16_t p) { return sport == p || dport == p; };
  if (port(53)) {
    domain_print(ctx, cp, length, false, false);
    return true;
  }
  if (port(5353)) {
    domain_print(ctx, cp, length, false, true);
    return true;
  }
  if (port(525)) return trunc_before(ctx, cp, length, 1, "timed", {}, Exit::Jump);
  if (port(69)) return whole(tftp_print, ctx, cp, length);
  if (port(68) || port(67)) return whole(bootp_print, ctx, cp, length);
  if (port(520)) return whole(rip_print, ctx, cp, length);
  if (port(654)) return aodv_print(ctx, cp, length);
  if (port(500)) return isakmp_print(ctx, cp, length);
  if (port(4500)) return isakmp_rfc3948_print(ctx, cp, length);
  if (port(7500) || port(8500)) return isakmp_print(ctx, cp, length);
  if (port(161) || port(162)) return whole(snmp_print, ctx, cp, length);
  if (port(123)) return whole(ntp_print, ctx, cp, length);
  if (port(88) || port(750)) return krb_print(ctx, cp, length);
  if (port(1701)) return whole(l2tp_print, ctx, cp, length);
  // (NetBIOS 137 and 138 only in builds with SMB printing, which Debian's is not.)
  if (dport == 3456) return vat_print(ctx, cp, length);
  if (port(2103) || port(2104)) return length_invalid(ctx, length, 1, "");
  if ((sport >= 7000 && sport <= 7009) || (dport >= 7000 && dport <= 7009))
    return rx_print(ctx, cp, length);
  if (port(521)) return whole(ripng_print, ctx, cp, length);
  if (port(547) || port(546)) return whole(dhcp6_print, ctx, cp, length);
  if (port(5359)) return length_invalid(ctx, length, 1, "AHCP");
  if (port(6696) || port(6697)) return babel_print(ctx, cp, length);
  if (port(8231)) {
    if (length != 0) return false;
    ctx.put("hncp (0)");
    return true;
  }
  if (dport == 4567) return wb_print(ctx, cp, length);
  if (port(496)) {  // cisco_autorp_print checks the length before it prints anything
    if (length >= 8) return false;
    ctx.protocol = "cisco_autorp";
    ctx.print_trunc();
    return true;
  }
  if (is_radius_port(sport) || is_radius_port(dport))
    return radius_print(ctx, cp, length);
  if (dport == 1985) return hsrp_print(ctx, cp, length);
  if (port(921)) return trunc_before(ctx, cp, length, 28, "lwres", {}, Exit::Jump);
  if (port(646)) return ldp_print(length);
  if (port(698)) return olsr_print(ctx, cp, length, v6);
  if (port(3503)) return lspping_print(ctx, cp, length);
  if (dport == 3784 || dport == 4784 || dport == 6784 || dport == 3785)
    return bfd_print(ctx, cp, length, dport);
  if (port(701)) {
    const unsigned cap = captured(ctx, cp);
    return versioned_header_print(ctx, cp, length, 8, "lmp", "LMP",
                                  cap >= 8 ? ctx.u8(cp) >> 4 : 0, 1, Exit::Jump);
  }
  if (port(1589)) {
    const unsigned cap = captured(ctx, cp);
    return versioned_header_print(ctx, cp, length, 8, "vqp", "VQP", cap >= 8 ? ctx.u8(cp) : 0,
                                  1);
  }
  if (port(6343)) return sflow_print(ctx, cp, length);
  if (dport == 12223) return trunc_before(ctx, cp, length, 12, "lwapp_control");
  if (sport == 12223) return trunc_before(ctx, cp, length, 6, "lwapp_control");
  if (port(12222)) return trunc_before(ctx, cp, length, 6, "lwapp_data");
  if (port(5060)) {
    txtproto_print(ctx, cp, length, "sip", kSipCmds, true);
    return true;
  }
  if (port(514)) return whole(syslog_print, ctx, cp, length);
  if (port(8472)) return otv_print(ctx, cp, length);
  if (port(4789)) return whole(vxlan_print, ctx, cp, length);
  if (port(6081)) return whole(geneve_print, ctx, cp, length);
  if (port(4342)) return trunc_before(ctx, cp, length, 16, "lisp");
  if (port(4790)) return whole(vxlan_gpe_print, ctx, cp, length);
  if (port(17754)) return zep_print(ctx, cp);
  if (port(6635)) return whole(mpls_print, ctx, cp, length);
  // AppleTalk in UDP (LAP type DDP on an AppleTalk port; tcpdump's llap_print, "kip" at -v):
  // not reproduced, but it comes before PTP, whose ports are AppleTalk ports too.
  if (captured(ctx, cp) >= 3 && ctx.u8(cp + 2) == 2 &&
      (is_atalk_port(sport) || is_atalk_port(dport)))
    return false;
  if (port(319) || port(320)) return ptp_print(ctx, length);
  if (port(30490)) return length_invalid(ctx, length, 16, "SOMEIP");
  if (sport == 49152) {  // print-bcm-li.c: Broadcom's lawful intercept header
    if (length >= 4) return false;
    ctx.put(" (length ");
    ctx.put_u(length);
    ctx.put(" < 4)");
    ctx.print_invalid();
    return true;
  }
  return false;
}

}  // namespace tcplens::tcpdump
