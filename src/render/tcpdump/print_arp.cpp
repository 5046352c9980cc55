// ARP and RARP, as tcpdump's print-arp.c prints them, with the ATM ARP (RFC 2225) variant.
//
// Watch out: tcpdump checks that the whole header up to the end of the target protocol
// address was captured before it prints anything, so a short ARP packet prints only
// " [|arp]"; the addresses themselves are read (and checked) one at a time after that.
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

constexpr std::uint16_t kHrdFrameRelay = 15;
constexpr std::uint16_t kHrdAtm2225 = 19;

constexpr std::uint16_t kProtoIp = 0x0800;
constexpr std::uint16_t kProtoTrail = 0x1000;

constexpr std::uint16_t kOpRequest = 1;
constexpr std::uint16_t kOpReply = 2;
constexpr std::uint16_t kOpRevRequest = 3;
constexpr std::uint16_t kOpRevReply = 4;
constexpr std::uint16_t kOpInvRequest = 8;
constexpr std::uint16_t kOpInvReply = 9;
constexpr std::uint16_t kOpNak = 10;

constexpr unsigned kArpHeaderLen = 8;      // struct arp_pkthdr
constexpr unsigned kAtmArpHeaderLen = 12;  // struct atmarp_pkthdr
constexpr std::uint8_t kAtmLenMask = 0x3F;

const Tok kArpOpValues[] = {
    {kOpRequest, "Request"},
    {kOpReply, "Reply"},
    {kOpRevRequest, "Reverse Request"},
    {kOpRevReply, "Reverse Reply"},
    {kOpInvRequest, "Inverse Request"},
    {kOpInvReply, "Inverse Reply"},
    {kOpNak, "NACK Reply"},
    {0, nullptr},
};

const Tok kArpHrdValues[] = {
    {1, "Ethernet"},   {6, "TokenRing"}, {7, "ArcNet"}, {15, "FrameRelay"},
    {23, "Strip"},     {24, "IEEE 1394"}, {19, "ATM"},  {32, "InfiniBand"},
    {0, nullptr},
};

enum class LinkAddr { kEther, kFrameRelay, kAtm };

// Throws unless `len` bytes at offset `off` from `bp` were captured; never forms a pointer
// past the captured data (the lengths come from the packet and may be anything).
void need(const PrintContext& ctx, const std::uint8_t* bp, std::size_t off, std::size_t len) {
  if (ctx.available(bp) < off + len) throw Truncated{};
}

// q922_string() for a Frame Relay hardware address: "DLCI n" or a complaint.
void put_q922(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  // parse_q922_header(): 1 ok, 0 invalid, -1 truncated.
  auto parse = [&](std::uint32_t& dlci) -> int {
    if (!ctx.ttest(p, 1) || length < 1) return -1;
    if (p[0] & 0x01) return 0;
    if (!ctx.ttest(p + 1, 1) || length < 2) return -1;
    dlci = ((p[0] & 0xFCu) << 2) | ((p[1] & 0xF0u) >> 4);
    if (p[1] & 0x01) return 1;
    const std::uint8_t* q = p + 2;
    unsigned left = length - 2;
    if (!ctx.ttest(q, 1) || left < 1) return -1;
    if ((q[0] & 0x01) == 0) {
      dlci = (dlci << 7) | (q[0] >> 1);
      ++q;
      --left;
    }
    if (!ctx.ttest(q, 1) || left < 1) return -1;
    if ((q[0] & 0x01) == 0) return 0;
    dlci = (dlci << 6) | (q[0] >> 2);
    return 1;
  };
  std::uint32_t dlci = 0;
  switch (parse(dlci)) {
    case 1:
      ctx.put("DLCI ");
      ctx.put_u(dlci);
      break;
    case 0:
      ctx.put("<Invalid DLCI>");
      break;
    default:
      ctx.put("<Truncated>");
      break;
  }
}

// GET_LINKADDR_STRING(): checked, then a MAC, a DLCI or colon-separated hex bytes.
void put_linkaddr(PrintContext& ctx, const std::uint8_t* p, LinkAddr type, unsigned len) {
  ctx.tcheck(p, len);
  if (len == 0) {
    ctx.put("<empty>");
  } else if (type == LinkAddr::kEther && len == 6) {
    ctx.put_mac(p);
  } else if (type == LinkAddr::kFrameRelay) {
    put_q922(ctx, p, len);
  } else {
    for (unsigned i = 0; i < len; ++i) {
      if (i) ctx.put(':');
      ctx.out.put_hex_byte(p[i]);
    }
  }
}

bool is_ip_proto(std::uint16_t pro) { return pro == kProtoIp || pro == kProtoTrail; }

// tpaddr_print_ip / spaddr_print_ip and their ATM variants.
void put_proto_addr(PrintContext& ctx, const std::uint8_t* addr, std::uint16_t pro,
                    unsigned plen, const char* wrong_len) {
  if (!is_ip_proto(pro))
    ctx.put("<wrong proto type>");
  else if (plen != 4)
    ctx.put(wrong_len);
  else
    ctx.put_ipv4(addr);
}

void put_unknown_hrd(PrintContext& ctx, std::uint16_t hrd) {
  put_tok(ctx, kArpHrdValues, hrd, "Unknown Hardware (");
  if (!tok_lookup(kArpHrdValues, hrd)) ctx.put(')');
}

void put_unknown_pro(PrintContext& ctx, std::uint16_t pro) {
  if (const char* name = tok_lookup(kEthertypeValues, pro)) {
    ctx.put(name);
  } else {
    ctx.put("Unknown Protocol (0x");
    ctx.out.put_hex(pro, 4);
    ctx.put(')');
  }
}

void put_op(PrintContext& ctx, std::uint16_t op) {
  ctx.put(ctx.opt.verbose ? ", " : "");
  put_tok(ctx, kArpOpValues, op, "Unknown (");
  if (!tok_lookup(kArpOpValues, op)) ctx.put(')');
  ctx.put(' ');
}

void put_length(PrintContext& ctx, unsigned length) {
  ctx.put(", length ");
  ctx.put_u(length);
}

// atmarp_addr_print(): the ATM number, then ",subaddress" when there is one.
void atmarp_addr_print(PrintContext& ctx, const std::uint8_t* ha, unsigned ha_len,
                       const std::uint8_t* srca, unsigned srca_len) {
  if (ha_len == 0) {
    ctx.put("<No address>");
    return;
  }
  put_linkaddr(ctx, ha, LinkAddr::kAtm, ha_len);
  if (srca_len != 0) {
    ctx.put(',');
    put_linkaddr(ctx, srca, LinkAddr::kAtm, srca_len);
  }
}

void atmarp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length, unsigned caplen) {
  need(ctx, bp, 0, kAtmArpHeaderLen);
  const std::uint16_t hrd = load_be16(bp);
  const std::uint16_t pro = load_be16(bp + 2);
  const unsigned shln = bp[4] & kAtmLenMask;
  const unsigned ssln = bp[5] & kAtmLenMask;
  const std::uint16_t op = load_be16(bp + 6);
  const unsigned spln = bp[8];
  const unsigned thln = bp[9] & kAtmLenMask;
  const unsigned tsln = bp[10] & kAtmLenMask;
  const unsigned tpln = bp[11];

  // Offsets of the variable part, as the aar_* macros add them up.
  const std::size_t sha = kAtmArpHeaderLen;
  const std::size_t ssa = sha + shln;
  const std::size_t spa = ssa + ssln;
  const std::size_t tha = spa + spln;
  const std::size_t tsa = tha + thln;
  const std::size_t tpa = tsa + tsln;
  need(ctx, bp, tpa, tpln);

  if (!ctx.opt.link_header) ctx.put("ARP, ");

  if (!is_ip_proto(pro) || spln != 4 || tpln != 4 || ctx.opt.verbose) {
    put_unknown_hrd(ctx, hrd);
    ctx.put(", ");
    put_unknown_pro(ctx, pro);
    ctx.put(" (len ");
    ctx.put_u(spln);
    ctx.put('/');
    ctx.put_u(tpln);
    ctx.put(')');
    if (!ctx.opt.verbose) {
      put_length(ctx, length);
      return;
    }
  }

  put_op(ctx, op);
  switch (op) {
    case kOpRequest:
      ctx.put("who-has ");
      put_proto_addr(ctx, bp + tpa, pro, tpln, "<wrong tplen>");
      if (thln != 0) {
        ctx.put(" (");
        atmarp_addr_print(ctx, bp + tha, thln, bp + tsa, tsln);
        ctx.put(')');
      }
      ctx.put(" tell ");
      put_proto_addr(ctx, bp + spa, pro, spln, "<wrong splen>");
      break;
    case kOpReply:
      put_proto_addr(ctx, bp + spa, pro, spln, "<wrong splen>");
      ctx.put(" is-at ");
      atmarp_addr_print(ctx, bp + sha, shln, bp + ssa, ssln);
      break;
    case kOpInvRequest:
      ctx.put("who-is ");
      atmarp_addr_print(ctx, bp + tha, thln, bp + tsa, tsln);
      ctx.put(" tell ");
      atmarp_addr_print(ctx, bp + sha, shln, bp + ssa, ssln);
      break;
    case kOpInvReply:
      atmarp_addr_print(ctx, bp + sha, shln, bp + ssa, ssln);
      ctx.put("at ");
      put_proto_addr(ctx, bp + spa, pro, spln, "<wrong splen>");
      break;
    case kOpNak:
      ctx.put("for ");
      put_proto_addr(ctx, bp + spa, pro, spln, "<wrong splen>");
      break;
    default:
      default_print(ctx, bp, caplen);
      return;
  }
  put_length(ctx, length);
}

}  // namespace

void arp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length, unsigned caplen) {
  ctx.protocol = "arp";
  need(ctx, bp, 0, kArpHeaderLen);
  const std::uint16_t hrd = load_be16(bp);
  const std::uint16_t pro = load_be16(bp + 2);
  const unsigned hln = bp[4];
  const unsigned pln = bp[5];
  const std::uint16_t op = load_be16(bp + 6);

  LinkAddr linkaddr = LinkAddr::kEther;
  if (hrd == kHrdAtm2225) {
    atmarp_print(ctx, bp, length, caplen);
    return;
  }
  if (hrd == kHrdFrameRelay) linkaddr = LinkAddr::kFrameRelay;

  const std::size_t sha = kArpHeaderLen;
  const std::size_t spa = sha + hln;
  const std::size_t tha = spa + pln;
  const std::size_t tpa = tha + hln;
  need(ctx, bp, tpa, pln);

  if (!ctx.opt.link_header) ctx.put("ARP, ");

  if (!is_ip_proto(pro) || pln != 4 || hln == 0 || ctx.opt.verbose) {
    put_unknown_hrd(ctx, hrd);
    ctx.put(" (len ");
    ctx.put_u(hln);
    ctx.put("), ");
    put_unknown_pro(ctx, pro);
    ctx.put(" (len ");
    ctx.put_u(pln);
    ctx.put(')');
    if (!ctx.opt.verbose) {
      put_length(ctx, length);
      return;
    }
  }

  put_op(ctx, op);
  switch (op) {
    case kOpRequest: {
      ctx.put("who-has ");
      put_proto_addr(ctx, bp + tpa, pro, pln, "<wrong len>");
      bool nonzero = false;
      for (unsigned i = 0; i < hln && !nonzero; ++i) nonzero = ctx.u8(bp + tha + i) != 0;
      if (nonzero) {
        ctx.put(" (");
        put_linkaddr(ctx, bp + tha, linkaddr, hln);
        ctx.put(')');
      }
      ctx.put(" tell ");
      put_proto_addr(ctx, bp + spa, pro, pln, "<wrong len>");
      break;
    }
    case kOpReply:
      put_proto_addr(ctx, bp + spa, pro, pln, "<wrong len>");
      ctx.put(" is-at ");
      put_linkaddr(ctx, bp + sha, linkaddr, hln);
      break;
    case kOpRevRequest:
    case kOpInvRequest:
      ctx.put("who-is ");
      put_linkaddr(ctx, bp + tha, linkaddr, hln);
      ctx.put(" tell ");
      put_linkaddr(ctx, bp + sha, linkaddr, hln);
      break;
    case kOpRevReply:
      put_linkaddr(ctx, bp + tha, linkaddr, hln);
      ctx.put(" at ");
      put_proto_addr(ctx, bp + tpa, pro, pln, "<wrong len>");
      break;
    case kOpInvReply:
      put_linkaddr(ctx, bp + sha, linkaddr, hln);
      ctx.put(" at ");
      put_proto_addr(ctx, bp + spa, pro, pln, "<wrong len>");
      break;
    default:
      default_print(ctx, bp, caplen);
      return;
  }
  put_length(ctx, length);
}

}  // namespace tcplens::tcpdump
