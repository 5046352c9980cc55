// DNS and mDNS, as tcpdump's print-domain.c prints them.
//
// Default verbosity: the header summary, the question(s) of a query, the answer records of a
// response, and the message length. -v adds each record's owner name and SOA/TSIG details,
// -vv the question and authority/additional sections, -vvv record TTLs.
//
// tcpdump walks the message with raw pointers that may run past the captured data, checking
// them against snapend at specific points; the walk below keeps those points, because they
// decide where a cut-short message ends and whether " [|domain]" follows.
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

using u8p = const std::uint8_t*;

// Label types (top two bits of a length byte).
constexpr unsigned kTypeMask = 0xc0;
constexpr unsigned kTypeIndir = 0xc0;
constexpr unsigned kTypeEdns0 = 0x40;
constexpr unsigned kTypeReserved = 0x80;
constexpr unsigned kEdns0EltBitlabel = 0x01;
constexpr unsigned kMaxCdname = 255;

constexpr std::uint16_t kTypeA = 1, kTypeNs = 2, kTypeCname = 5, kTypeSoa = 6, kTypePtr = 12,
                        kTypeMx = 15, kTypeTxt = 16, kTypeAaaa = 28, kTypeSrv = 33,
                        kTypeA6 = 38, kTypeDname = 39, kTypeOpt = 41, kTypeUnspeca = 104,
                        kTypeTsig = 250, kTypeUri = 256;
constexpr unsigned kClassIn = 1;
constexpr unsigned kClassTopBit = 0x8000;  // mDNS: QU in questions, cache flush in records
constexpr unsigned kOpIquery = 1;

constexpr const char* kOps[16] = {
    "",         " inv_q",    " stat",     " op3",      " notify",    " update",
    " op6",     " op7",      " op8",      " updateA",  " updateD",   " updateDA",
    " updateM", " updateMA", " zoneInit", " zoneRef"};

// tcpdump's table, including its two entries without the leading blank.
constexpr const char* kRcodes[24] = {
    "",        " FormErr", " ServFail", " NXDomain", " NotImp",   " Refused",
    " YXDomain", " YXRRSet", " NXRRSet", " NotAuth",  " NotZone",  " Resp11",
    " Resp12", " Resp13",  " Resp14",   " NoChange", " BadVers",  "Resp17",
    " Resp18", " Resp19",  " Resp20",   "Resp21",    " Resp22",   " BadCookie"};

constexpr Tok kTypes[] = {
    {1, "A"},         {2, "NS"},        {3, "MD"},         {4, "MF"},
    {5, "CNAME"},     {6, "SOA"},       {7, "MB"},         {8, "MG"},
    {9, "MR"},        {10, "NULL"},     {11, "WKS"},       {12, "PTR"},
    {13, "HINFO"},    {14, "MINFO"},    {15, "MX"},        {16, "TXT"},
    {17, "RP"},       {18, "AFSDB"},    {19, "X25"},       {20, "ISDN"},
    {21, "RT"},       {22, "NSAP"},     {23, "NSAP_PTR"},  {24, "SIG"},
    {25, "KEY"},      {26, "PX"},       {27, "GPOS"},      {28, "AAAA"},
    {29, "LOC"},      {30, "NXT"},      {31, "EID"},       {32, "NIMLOC"},
    {33, "SRV"},      {34, "ATMA"},     {35, "NAPTR"},     {36, "KX"},
    {37, "CERT"},     {38, "A6"},       {39, "DNAME"},     {40, "SINK"},
    {41, "OPT"},      {42, "APL"},      {43, "DS"},        {44, "SSHFP"},
    {45, "IPSECKEY"}, {46, "RRSIG"},    {47, "NSEC"},      {48, "DNSKEY"},
    {99, "SPF"},      {100, "UINFO"},   {101, "UID"},      {102, "GID"},
    {103, "UNSPEC"},  {104, "UNSPECA"}, {249, "TKEY"},     {250, "TSIG"},
    {251, "IXFR"},    {252, "AXFR"},    {253, "MAILB"},    {254, "MAILA"},
    {255, "ANY"},     {256, "URI"},     {0, nullptr}};

constexpr Tok kClasses[] = {{1, "IN"}, {3, "CHAOS"}, {4, "HS"}, {255, "ANY"}, {0, nullptr}};

constexpr std::uint16_t kOptNsid = 3, kOptDau = 5, kOptDhu = 6, kOptN3u = 7, kOptEcs = 8,
                        kOptExpire = 9, kOptCookie = 10, kOptKeepalive = 11,
                        kOptPadding = 12, kOptChain = 13, kOptKeytag = 14;

constexpr Tok kEdnsOpts[] = {
    {1, "LLQ"},        {2, "UL"},       {3, "NSID"},     {5, "DAU"},
    {6, "DHU"},        {7, "N3U"},      {8, "ECS"},      {9, "EXPIRE"},
    {10, "COOKIE"},    {11, "KEEPALIVE"}, {12, "PADDING"}, {13, "CHAIN"},
    {14, "KEY-TAG"},   {16, "CLIENT-TAG"}, {17, "SERVER-TAG"}, {0, nullptr}};

constexpr Tok kDauAlgs[] = {
    {0, "DELETE"},          {1, "RSAMD5"},           {2, "DH"},
    {3, "DS"},              {5, "RSASHA1"},          {6, "DSA-NSEC3-SHA1"},
    {7, "RSASHA1-NSEC3-SHA1"}, {8, "RSASHA256"},     {10, "RSASHA512"},
    {12, "ECC-GOST"},       {13, "ECDSAP256SHA256"}, {14, "ECDSAP384SHA384"},
    {15, "ED25519"},        {16, "ED448"},           {252, "INDIRECT"},
    {253, "PRIVATEDNS"},    {254, "PRIVATEOID"},     {0, nullptr}};

constexpr Tok kDhuAlgs[] = {
    {1, "SHA-1"}, {2, "SHA-256"}, {3, "GOST_R_34.11-94"}, {4, "SHA-384"}, {0, nullptr}};

constexpr Tok kN3uAlgs[] = {{1, "SHA-1"}, {0, nullptr}};

void put_rcode(PrintContext& ctx, unsigned rcode) {
  if (rcode < 24) {
    ctx.put(kRcodes[rcode]);
  } else {
    ctx.put(" Resp");
    ctx.put_u(rcode & 0xfff);
  }
}

void put_class(PrintContext& ctx, unsigned cls) {
  if (const char* name = tok_lookup(kClasses, cls)) {
    ctx.put(name);
  } else {
    ctx.put("(Class ");
    ctx.put_u(cls);
    ctx.put(')');
  }
}

}  // namespace

// unsigned_relts_print: 1h2m3s style.
void put_relts(PrintContext& ctx, std::uint32_t secs) {
  static constexpr char kUnits[] = {'y', 'w', 'd', 'h', 'm', 's'};
  static constexpr std::uint32_t kSeconds[] = {31536000, 604800, 86400, 3600, 60, 1};
  if (secs == 0) {
    ctx.put("0s");
    return;
  }
  for (int i = 0; secs > 0; ++i) {
    if (secs >= kSeconds[i]) {
      ctx.put_u(secs / kSeconds[i]);
      ctx.put(kUnits[i]);
      secs -= (secs / kSeconds[i]) * kSeconds[i];
    }
  }
}

namespace {

// nd_printn with snapend as the limit: false when the capture ends before n bytes.
bool print_n(PrintContext& ctx, u8p s, unsigned n) {
  while (n > 0 && s < ctx.snapend) {
    --n;
    ctx.print_char(ctx.u8(s));
    ++s;
  }
  return n == 0;
}

// ns_nskip: the end of a name (a pointer ends it), or null when it cannot be walked.
u8p ns_nskip(PrintContext& ctx, u8p cp) {
  if (!ctx.ttest(cp, 1)) return nullptr;
  unsigned i = *cp++;
  while (i) {
    switch (i & kTypeMask) {
      case kTypeIndir:
        return cp + 1;
      case kTypeEdns0: {
        if ((i & ~kTypeMask) != kEdns0EltBitlabel) return nullptr;
        if (!ctx.ttest(cp, 1)) return nullptr;
        unsigned bitlen = *cp;
        if (bitlen == 0) bitlen = 256;
        ++cp;
        cp += (bitlen + 7) / 8;
        break;
      }
      case kTypeReserved:
        return nullptr;
      default:
        cp += i;
        break;
    }
    if (!ctx.ttest(cp, 1)) return nullptr;
    i = *cp++;
  }
  return cp;
}

// blabel_print: an EDNS0 bit-string label, cp at its bit count.
bool blabel_print(PrintContext& ctx, u8p cp) {
  if (!ctx.ttest(cp, 1)) return false;
  unsigned bitlen = *cp;
  if (bitlen == 0) bitlen = 256;
  const unsigned slen = (bitlen + 3) / 4;
  u8p lim = cp + 1 + slen;
  ctx.put("\\[x");
  u8p bitp = cp + 1;
  unsigned b = bitlen;
  for (; bitp < lim && b > 7; b -= 8, ++bitp) ctx.out.put_hex_byte(ctx.u8(bitp));
  if (b > 4) {
    std::uint8_t tc = ctx.u8(bitp);
    ctx.out.put_hex_byte(static_cast<std::uint8_t>(tc & (0xff << (8 - b))));
  } else if (b > 0) {
    std::uint8_t tc = ctx.u8(bitp);
    ctx.out.put_hex(((tc >> 4) & 0x0f) & (0x0f << (4 - b)), 1);
  }
  ctx.put("/");
  ctx.put_u(bitlen);
  ctx.put(']');
  return true;
}

constexpr unsigned kBadLen = ~0u;

// labellen: bytes of the label at cp (a pointer's first byte for compression), or kBadLen.
unsigned labellen(PrintContext& ctx, u8p cp) {
  if (!ctx.ttest(cp, 1)) return kBadLen;
  unsigned i = *cp;
  switch (i & kTypeMask) {
    case kTypeEdns0: {
      unsigned elt = i & ~kTypeMask;
      if (elt != kEdns0EltBitlabel) {
        ctx.put("<ELT ");
        ctx.put_u(elt);
        ctx.put('>');
        return kBadLen;
      }
      if (!ctx.ttest(cp + 1, 1)) return kBadLen;
      unsigned bitlen = cp[1];
      if (bitlen == 0) bitlen = 256;
      return (bitlen + 7) / 8 + 1;
    }
    case kTypeIndir:
    case 0:
      return i;
    default:
      ctx.put("<BAD LABEL TYPE>");
      return kBadLen;
  }
}

// fqdn_print: a domain name, following compression pointers; they must point backwards
// (before the previous one), which also ends pointer loops. Returns the end of the name in
// the record (after the first pointer when compressed), or null.
u8p fqdn_print(PrintContext& ctx, u8p cp, u8p bp) {
  unsigned l = labellen(ctx, cp);
  if (l == kBadLen) return nullptr;
  if (!ctx.ttest(cp, 1)) return nullptr;
  unsigned max_offset = static_cast<unsigned>(cp - bp);
  unsigned i = *cp++;
  u8p rp = nullptr;
  bool compress = false;
  unsigned name_chars = 0;
  if ((i & kTypeMask) != kTypeIndir) rp = cp + l;

  if (i == 0) {
    ctx.put('.');
    return rp;
  }
  while (i && cp < ctx.snapend) {
    switch (i & kTypeMask) {
      case kTypeIndir: {
        if (!compress) {
          rp = cp + 1;
          compress = true;
        }
        if (!ctx.ttest(cp, 1)) return nullptr;
        unsigned offset = ((i << 8) | *cp) & 0x3fff;
        if (offset >= max_offset) {
          ctx.put("<BAD PTR>");
          return nullptr;
        }
        max_offset = offset;
        cp = bp + offset;
        if (!ctx.ttest(cp, 1)) return nullptr;
        i = *cp;
        l = labellen(ctx, cp);
        if (l == kBadLen) return nullptr;
        ++cp;
        continue;
      }
      case kTypeEdns0: {
        unsigned elt = i & ~kTypeMask;
        if (elt == kEdns0EltBitlabel) {
          if (!blabel_print(ctx, cp)) return nullptr;
        } else {
          ctx.put("<ELT ");
          ctx.put_u(elt);
          ctx.put('>');
          return nullptr;
        }
        break;
      }
      case kTypeReserved:
        ctx.put("<BAD LABEL TYPE>");
        return nullptr;
      default:
        if (name_chars + l <= kMaxCdname) {
          if (!print_n(ctx, cp, l)) return nullptr;
        } else if (name_chars < kMaxCdname) {
          if (!print_n(ctx, cp, kMaxCdname - name_chars)) return nullptr;
        }
        name_chars += l;
        break;
    }
    cp += l;
    if (name_chars <= kMaxCdname) ctx.put('.');
    ++name_chars;
    if (!ctx.ttest(cp, 1)) return nullptr;
    i = *cp;
    l = labellen(ctx, cp);
    if (l == kBadLen) return nullptr;
    ++cp;
    if (!compress) rp += l + 1;
  }
  if (name_chars > kMaxCdname) ctx.put("<DOMAIN NAME TOO LONG>");
  return rp;
}

// ns_cprint: a <character-string>.
u8p ns_cprint(PrintContext& ctx, u8p cp) {
  if (!ctx.ttest(cp, 1)) return nullptr;
  unsigned i = *cp++;
  if (!print_n(ctx, cp, i)) return nullptr;
  return cp + i;
}

void print_eopt_ecs(PrintContext& ctx, u8p cp, unsigned data_len) {
  if (data_len < 4) {
    ctx.print_invalid();
    return;
  }
  unsigned family = ctx.be16(cp);
  unsigned src_len = ctx.u8(cp + 2);
  unsigned scope_len = ctx.u8(cp + 3);
  cp += 4;
  unsigned addr_bits;
  if (family == 1) {
    addr_bits = 32;
  } else if (family == 2) {
    addr_bits = 128;
  } else {
    ctx.print_invalid();
    return;
  }
  if (data_len - 4 > addr_bits / 8 || src_len > addr_bits || scope_len > addr_bits ||
      (src_len + 7) / 8 != data_len - 4) {
    ctx.print_invalid();
    return;
  }
  std::uint8_t padded[16] = {};
  for (unsigned k = 0; k < data_len - 4; ++k) padded[k] = cp[k];  // checked by the caller
  if (family == 1)
    ctx.out.put_ipv4(padded);
  else
    ctx.out.put_ipv6(padded);
  ctx.put('/');
  ctx.put_u(src_len);
  ctx.put('/');
  ctx.put_u(scope_len);
}

// eopt_print: one EDNS option of an OPT record.
u8p eopt_print(PrintContext& ctx, u8p cp) {
  if (!ctx.ttest(cp, 2)) return nullptr;
  unsigned opt = load_be16(cp);
  cp += 2;
  put_tok(ctx, kEdnsOpts, opt, "Opt");
  if (!ctx.ttest(cp, 2)) return nullptr;
  unsigned data_len = load_be16(cp);
  cp += 2;
  if (!ctx.ttest(cp, data_len)) return nullptr;
  if (data_len > 0) {
    ctx.put(' ');
    switch (opt) {
      case kOptEcs:
        print_eopt_ecs(ctx, cp, data_len);
        break;
      case kOptCookie:
        if (data_len < 8 || (data_len > 8 && data_len < 16) || data_len > 40) {
          ctx.print_invalid();
        } else {
          for (unsigned k = 0; k < data_len; ++k) {
            if (k == 8) ctx.put(' ');
            ctx.out.put_hex_byte(cp[k]);
          }
        }
        break;
      case kOptKeepalive:
        if (data_len != 2) {
          ctx.print_invalid();
        } else {
          unsigned v = load_be16(cp);  // units of 100 ms, printed as "%0.1f sec"
          ctx.put_u(v / 10);
          ctx.put('.');
          ctx.put_u(v % 10);
          ctx.put(" sec");
        }
        break;
      case kOptExpire:
        if (data_len != 4) {
          ctx.print_invalid();
        } else {
          ctx.put_u(load_be32(cp));
          ctx.put(" sec");
        }
        break;
      case kOptPadding:
        ctx.put('(');
        ctx.put_u(data_len);
        ctx.put(')');
        break;
      case kOptKeytag:
        if (data_len % 2 != 0) {
          ctx.print_invalid();
        } else {
          for (unsigned k = 0; k < data_len; k += 2) {
            if (k > 0) ctx.put(' ');
            ctx.put_u(load_be16(cp + k));
          }
        }
        break;
      case kOptDau:
      case kOptDhu:
      case kOptN3u: {
        const Tok* table = opt == kOptDau ? kDauAlgs : opt == kOptDhu ? kDhuAlgs : kN3uAlgs;
        for (unsigned k = 0; k < data_len; ++k) {
          if (k > 0) ctx.put(' ');
          put_tok(ctx, table, cp[k], "Alg_");
        }
        break;
      }
      case kOptChain:
        fqdn_print(ctx, cp, cp + data_len);
        break;
      case kOptNsid:
      default:
        for (unsigned k = 0; k < data_len; ++k) ctx.out.put_hex_byte(cp[k]);
        break;
    }
  }
  return cp + data_len;
}

// ns_qprint: " TYPE [CLASS]? name" of a question.
u8p ns_qprint(PrintContext& ctx, u8p cp, u8p bp, bool is_mdns) {
  u8p np = cp;
  cp = ns_nskip(ctx, cp);
  if (cp == nullptr || !ctx.ttest(cp, 4)) return nullptr;
  unsigned type = load_be16(cp);
  unsigned raw_class = load_be16(cp + 2);
  ctx.put(' ');
  put_tok(ctx, kTypes, type, "Type");
  unsigned cls = is_mdns ? (raw_class & ~kClassTopBit) : raw_class;
  if (cls != kClassIn) {
    ctx.put(' ');
    put_class(ctx, cls);
  }
  if (is_mdns) ctx.put((raw_class & kClassTopBit) ? " (QU)" : " (QM)");
  ctx.put("? ");
  cp = fqdn_print(ctx, np, bp);
  return cp ? cp + 4 : nullptr;
}

// ns_rprint: one resource record. Returns where the next record starts (as tcpdump: from the
// record's own rdlength), snapend when the fixed part is missing, null when cut short.
u8p ns_rprint(PrintContext& ctx, u8p cp, u8p bp, bool is_mdns) {
  if (ctx.opt.verbose) {
    ctx.put(' ');
    cp = fqdn_print(ctx, cp, bp);
    if (cp == nullptr) return nullptr;
  } else {
    cp = ns_nskip(ctx, cp);
  }
  if (cp == nullptr || !ctx.ttest(cp, 10)) return ctx.snapend;

  const std::uint16_t typ = load_be16(cp);
  const unsigned raw_class = load_be16(cp + 2);
  cp += 4;
  const unsigned cls = is_mdns ? (raw_class & ~kClassTopBit) : raw_class;
  if (cls != kClassIn && typ != kTypeOpt) {
    ctx.put(' ');
    put_class(ctx, cls);
  }
  if (is_mdns && (raw_class & kClassTopBit)) ctx.put(" (Cache flush)");

  unsigned opt_flags = 0;
  if (typ == kTypeOpt) {
    opt_flags = load_be16(cp + 2);
  } else if (ctx.opt.verbose > 2) {
    ctx.put(" [");
    put_relts(ctx, load_be32(cp));
    ctx.put(']');
  }
  cp += 4;
  const std::uint16_t len = load_be16(cp);
  cp += 2;
  u8p rp = cp + len;

  ctx.put(' ');
  put_tok(ctx, kTypes, typ, "Type");
  if (rp > ctx.snapend) return nullptr;

  switch (typ) {
    case kTypeA:
      if (!ctx.ttest(cp, 4)) return nullptr;
      ctx.put(' ');
      ctx.out.put_ipv4(cp);
      break;

    case kTypeNs:
    case kTypeCname:
    case kTypePtr:
    case kTypeDname:
      ctx.put(' ');
      if (fqdn_print(ctx, cp, bp) == nullptr) return nullptr;
      break;

    case kTypeSoa:
      if (!ctx.opt.verbose) break;
      ctx.put(' ');
      if ((cp = fqdn_print(ctx, cp, bp)) == nullptr) return nullptr;
      ctx.put(' ');
      if ((cp = fqdn_print(ctx, cp, bp)) == nullptr) return nullptr;
      if (!ctx.ttest(cp, 20)) return nullptr;
      for (int k = 0; k < 5; ++k) {
        ctx.put(' ');
        ctx.put_u(load_be32(cp + 4 * k));
      }
      break;

    case kTypeMx:
      ctx.put(' ');
      if (!ctx.ttest(cp, 2)) return nullptr;
      if (fqdn_print(ctx, cp + 2, bp) == nullptr) return nullptr;
      ctx.put(' ');
      ctx.put_u(load_be16(cp));
      break;

    case kTypeTxt:
      while (cp < rp) {
        ctx.put(" \"");
        cp = ns_cprint(ctx, cp);
        if (cp == nullptr) return nullptr;
        ctx.put('"');
      }
      break;

    case kTypeSrv:
      ctx.put(' ');
      if (!ctx.ttest(cp, 6)) return nullptr;
      if (fqdn_print(ctx, cp + 6, bp) == nullptr) return nullptr;
      ctx.put(':');
      ctx.put_u(load_be16(cp + 4));
      ctx.put(' ');
      ctx.put_u(load_be16(cp));
      ctx.put(' ');
      ctx.put_u(load_be16(cp + 2));
      break;

    case kTypeAaaa:
      if (!ctx.ttest(cp, 16)) return nullptr;
      ctx.put(' ');
      ctx.out.put_ipv6(cp);
      break;

    case kTypeA6: {
      if (!ctx.ttest(cp, 1)) return nullptr;
      const unsigned pbit = *cp;
      const unsigned pbyte = (pbit & ~7u) / 8;
      if (pbit > 128) {
        ctx.put(' ');
        ctx.put_u(pbit);
        ctx.put("(bad plen)");
        break;
      }
      if (pbit < 128) {
        std::uint8_t a[16] = {};
        ctx.tcheck(cp + 1, 16 - pbyte);
        for (unsigned k = 0; k < 16 - pbyte; ++k) a[pbyte + k] = cp[1 + k];
        ctx.put(' ');
        ctx.put_u(pbit);
        ctx.put(' ');
        ctx.out.put_ipv6(a);
      }
      if (pbit > 0) {
        ctx.put(' ');
        if (fqdn_print(ctx, cp + 1 + 16 - pbyte, bp) == nullptr) return nullptr;
      }
      break;
    }

    case kTypeUri:
    {
      if (!ctx.ttest(cp, len)) return nullptr;
      // Both fields are fetched before anything is printed (they may lie past a short rdata).
      const unsigned priority = ctx.be16(cp);
      const unsigned weight = ctx.be16(cp + 2);
      ctx.put(' ');
      ctx.put_u(priority);
      ctx.put(' ');
      ctx.put_u(weight);
      ctx.put(' ');
      if (!print_n(ctx, cp + 4, static_cast<unsigned>(static_cast<int>(len) - 4)))
        return nullptr;
      break;
    }

    case kTypeOpt:
      ctx.put(" UDPsize=");
      ctx.put_u(cls);
      if (opt_flags & 0x8000) ctx.put(" DO");
      if (cp < rp) {
        ctx.put(" [");
        while (cp < rp) {
          cp = eopt_print(ctx, cp);
          if (cp == nullptr) return nullptr;
          if (cp < rp) ctx.put(',');
        }
        ctx.put(']');
      }
      break;

    case kTypeUnspeca:
      if (!ctx.ttest(cp, len)) return nullptr;
      if (!print_n(ctx, cp, len)) return nullptr;
      break;

    case kTypeTsig: {
      if (cp + len > ctx.snapend) return nullptr;
      if (!ctx.opt.verbose) break;
      ctx.put(' ');
      if ((cp = fqdn_print(ctx, cp, bp)) == nullptr) return nullptr;
      cp += 6;
      if (!ctx.ttest(cp, 2)) return nullptr;
      ctx.put(" fudge=");
      ctx.put_u(load_be16(cp));
      cp += 2;
      if (!ctx.ttest(cp, 2)) return nullptr;
      ctx.put(" maclen=");
      ctx.put_u(load_be16(cp));
      cp += 2 + load_be16(cp);
      if (!ctx.ttest(cp, 2)) return nullptr;
      ctx.put(" origid=");
      ctx.put_u(load_be16(cp));
      cp += 2;
      if (!ctx.ttest(cp, 2)) return nullptr;
      ctx.put(" error=");
      ctx.put_u(load_be16(cp));
      cp += 2;
      if (!ctx.ttest(cp, 2)) return nullptr;
      ctx.put(" otherlen=");
      ctx.put_u(load_be16(cp));
      break;
    }
    default:
      break;
  }
  return rp;
}

// Prints up to `count` records, the first preceded by `label`, the others by ','; false when
// the section is cut short (tcpdump's goto trunc).
bool print_section(PrintContext& ctx, u8p& cp, u8p bp, unsigned count, const char* label,
                   bool first_needs_room, bool is_mdns) {
  if (count && (!first_needs_room || cp < ctx.snapend)) {
    ctx.put(label);
    if ((cp = ns_rprint(ctx, cp, bp, is_mdns)) == nullptr) return false;
    --count;
    while (cp < ctx.snapend && count) {
      ctx.put(',');
      if ((cp = ns_rprint(ctx, cp, bp, is_mdns)) == nullptr) return false;
      --count;
    }
  }
  return count == 0;
}

// The extended rcode lives in the OPT record's TTL: skip to it as tcpdump does (stopping
// quietly at the first thing that is not there).
unsigned extended_rcode(PrintContext& ctx, u8p cp, unsigned rcode, unsigned qdcount,
                        unsigned ancount, unsigned nscount, unsigned arcount) {
  for (unsigned i = 0; i < qdcount; ++i) {
    if ((cp = ns_nskip(ctx, cp)) == nullptr) return rcode;
    cp += 4;
    if (cp >= ctx.snapend) return rcode;
  }
  for (unsigned i = 0; i < ancount + nscount; ++i) {
    if ((cp = ns_nskip(ctx, cp)) == nullptr) return rcode;
    cp += 8;
    if (cp + 2 > ctx.snapend) return rcode;
    unsigned rdlen = ctx.be16(cp);
    cp += 2 + rdlen;
    if (cp >= ctx.snapend) return rcode;
  }
  for (unsigned i = 0; i < arcount; ++i) {
    if ((cp = ns_nskip(ctx, cp)) == nullptr) return rcode;
    if (cp + 2 > ctx.snapend) return rcode;
    unsigned type = ctx.be16(cp);
    cp += 4;
    if (cp + 1 > ctx.snapend) return rcode;
    if (type == kTypeOpt) return rcode | (static_cast<unsigned>(ctx.u8(cp)) << 4);
    cp += 4;
    if (cp + 2 > ctx.snapend) return rcode;
    unsigned rdlen = ctx.be16(cp);
    cp += 2 + rdlen;
    if (cp >= ctx.snapend) return rcode;
  }
  return rcode;
}

}  // namespace

const std::uint8_t* dns_name_print(PrintContext& ctx, const std::uint8_t* cp,
                                   const std::uint8_t* bp) {
  return fqdn_print(ctx, cp, bp);
}

void domain_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length, bool over_tcp,
                  bool is_mdns) {
  ctx.protocol = "domain";

  if (over_tcp) {
    // RFC 1035 4.2.2: a two-byte length prefix, which must match the segment.
    if (length < 2) {
      ctx.put(" [DNS over TCP: length ");
      ctx.put_u(length);
      ctx.put(" < 2]");
      ctx.print_invalid();
      return;
    }
    length -= 2;
    unsigned prefix = ctx.be16(bp);
    if (prefix != length) {
      ctx.put(" [prefix length(");
      ctx.put_u(prefix);
      ctx.put(") != length(");
      ctx.put_u(length);
      ctx.put(")]");
      ctx.print_invalid();
      return;
    }
    bp += 2;
    ctx.put(' ');
  }

  u8p np = bp;
  if (length < 12) {
    ctx.put("domain [length ");
    ctx.put_u(length);
    ctx.put(" < 12]");
    ctx.print_invalid();
    return;
  }
  if (!ctx.ttest(np, 12)) {
    ctx.print_trunc();
    return;
  }
  const unsigned id = load_be16(np);
  const unsigned flags = load_be16(np + 2);
  unsigned qdcount = load_be16(np + 4);
  unsigned ancount = load_be16(np + 6);
  unsigned nscount = load_be16(np + 8);
  unsigned arcount = load_be16(np + 10);
  const unsigned opcode = (flags >> 11) & 0xf;
  const bool verbose2 = ctx.opt.verbose > 1;

  const unsigned rcode =
      extended_rcode(ctx, np + 12, flags & 0xf, qdcount, ancount, nscount, arcount);

  u8p cp = np + 12;
  bool complete = true;
  if (flags & 0x8000) {
    // A response.
    ctx.put_u(id);
    ctx.put(kOps[opcode]);
    put_rcode(ctx, rcode);
    if (flags & 0x0400) ctx.put('*');
    if (!(flags & 0x0080)) ctx.put('-');
    if (flags & 0x0200) ctx.put('|');
    if (flags & 0x0020) ctx.put('$');
    if (qdcount != 1) {
      ctx.put(" [");
      ctx.put_u(qdcount);
      ctx.put("q]");
    }
    for (unsigned i = 0; i < qdcount && complete; ++i) {
      if (i != 0) ctx.put(',');
      if (verbose2) {
        ctx.put(" q:");
        cp = ns_qprint(ctx, cp, bp, is_mdns);
        if (cp == nullptr) complete = false;
      } else {
        cp = ns_nskip(ctx, cp);
        if (cp == nullptr)
          complete = false;
        else
          cp += 4;
      }
    }
    if (complete) {
      ctx.put(' ');
      ctx.put_u(ancount);
      ctx.put('/');
      ctx.put_u(nscount);
      ctx.put('/');
      ctx.put_u(arcount);
      complete = print_section(ctx, cp, bp, ancount, "", false, is_mdns);
      if (complete && verbose2)
        complete = print_section(ctx, cp, bp, nscount, " ns:", true, is_mdns) &&
                   print_section(ctx, cp, bp, arcount, " ar:", true, is_mdns);
    }
  } else {
    // A query.
    ctx.put_u(id);
    ctx.put(kOps[opcode]);
    if (flags & 0x0100) ctx.put('+');
    if (flags & 0x0010) ctx.put('%');
    if (flags & 0x6cf) {
      ctx.put(" [b2&3=0x");
      ctx.out.put_hex(flags);
      ctx.put(']');
    }
    if (opcode == kOpIquery) {
      if (qdcount) {
        ctx.put(" [");
        ctx.put_u(qdcount);
        ctx.put("q]");
      }
      if (ancount != 1) {
        ctx.put(" [");
        ctx.put_u(ancount);
        ctx.put("a]");
      }
    } else {
      if (ancount) {
        ctx.put(" [");
        ctx.put_u(ancount);
        ctx.put("a]");
      }
      if (qdcount != 1) {
        ctx.put(" [");
        ctx.put_u(qdcount);
        ctx.put("q]");
      }
    }
    if (nscount) {
      ctx.put(" [");
      ctx.put_u(nscount);
      ctx.put("n]");
    }
    if (arcount) {
      ctx.put(" [");
      ctx.put_u(arcount);
      ctx.put("au]");
    }
    if (qdcount) {
      cp = ns_qprint(ctx, cp, np, is_mdns);
      if (cp == nullptr) {
        complete = false;
      } else {
        --qdcount;
        while (cp < ctx.snapend && qdcount) {
          cp = ns_qprint(ctx, cp, np, is_mdns);
          if (cp == nullptr) {
            complete = false;
            break;
          }
          --qdcount;
        }
      }
    }
    if (complete && qdcount) complete = false;
    if (complete && verbose2)
      complete = print_section(ctx, cp, bp, ancount, "", false, is_mdns) &&
                 print_section(ctx, cp, bp, nscount, " ns:", true, is_mdns) &&
                 print_section(ctx, cp, bp, arcount, " ar:", true, is_mdns);
  }
  if (!complete) {
    ctx.print_trunc();
    return;
  }
  ctx.put(" (");
  ctx.put_u(length);
  ctx.put(')');
}

}  // namespace tcplens::tcpdump
