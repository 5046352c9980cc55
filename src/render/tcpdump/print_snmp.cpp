// SNMP (UDP 161 and 162) as tcpdump's print-snmp.c prints it: its own small BER reader
// walks the message (version, community or the SNMPv3 header and USM parameters, the PDU,
// each variable binding) and prints each value as it reads it. Object identifiers are
// numeric (.1.3.6.1.2.1.1.1.0), as tcpdump prints them with -n (tcplens never resolves
// names; without -n tcpdump would use its compiled-in MIB names).
//
// Two kinds of failure, kept as tcpdump has them: a BER element whose header or length
// does not fit what the message claims prints a bracketed note ([len49<asnlen52]) and ends
// the walk; one that fits the claim but not the capture prints " [|snmp]" and also ends it
// (the caller's closing braces of -v still print). A read past the capture inside an element
// header is tcpdump's longjmp (Truncated, " [|snmp]" with nothing after).
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

// What asn1_parse() found (tcpdump's struct be); a view into the packet, no copy.
enum class BeType : std::uint8_t {
  Any, Null, Octet, Oid, Int, Uns, Str, Seq, InetAddr, Pdu, Uns64,
  NoSuchObject, NoSuchInstance, EndOfMibView,
};

struct Be {
  std::uint32_t asnlen = 0;
  const std::uint8_t* raw = nullptr;  // contents (strings, OIDs, sequences)
  std::int32_t integer = 0;
  std::uint32_t uns = 0;
  std::uint64_t uns64 = 0;
  std::uint8_t id = 0, form = 0, cls = 0;
  BeType type = BeType::Any;
};

// Tag names by class, as tcpdump's Universal/Application/Context/Private tables.
constexpr const char* kUniversal[] = {
    "U-0",  "Boolean", "Integer", "Bitstring", "String", "Null", "ObjID", "ObjectDes", "U-8",
    "U-9",  "U-10",    "U-11",    "U-12",      "U-13",   "U-14", "U-15",  "Sequence",  "Set"};
constexpr const char* kApplication[] = {"IpAddress", "Counter", "Gauge",    "TimeTicks",
                                        "Opaque",    "C-5",     "Counter64"};
constexpr const char* kContext[] = {"GetRequest", "GetNextRequest", "GetResponse",
                                    "SetRequest", "Trap",           "GetBulk",
                                    "Inform",     "V2Trap",         "Report"};
constexpr const char* kPrivate[] = {"P-0"};
constexpr const char* kExceptions[] = {"noSuchObject", "noSuchInstance", "endOfMibView"};

struct TagClass {
  const char* const* ids;
  unsigned count;
};
// Watch out: tcpdump's defineCLASS() macro quotes its argument as "x", so every class
// prints as "x" in its notes ([id?C/x/9], [P/x/P-0]).
constexpr TagClass kClasses[] = {
    {kUniversal, std::size(kUniversal)},
    {kApplication, std::size(kApplication)},
    {kContext, std::size(kContext)},
    {kPrivate, std::size(kPrivate)},
};

constexpr const char* kErrorStatus[] = {
    "noError",    "tooBig",         "noSuchName",   "badValue",          "readOnly",
    "genErr",     "noAccess",       "wrongType",    "wrongLength",       "wrongEncoding",
    "wrongValue", "noCreation",     "inconsistentValue", "resourceUnavailable",
    "commitFailed", "undoFailed",   "authorizationError", "notWritable", "inconsistentName"};
constexpr const char* kGenericTrap[] = {"coldStart", "warmStart", "linkDown", "linkUp",
                                        "authenticationFailure", "egpNeighborLoss",
                                        "enterpriseSpecific"};

enum Pdu : unsigned {
  kGetReq = 0, kGetNextReq = 1, kGetResp = 2, kSetReq = 3, kTrap = 4,
  kGetBulkReq = 5, kInformReq = 6, kV2Trap = 7, kReport = 8,
};
enum Version : int { kV1 = 0, kV2c = 1, kV3 = 3 };

constexpr std::uint8_t kUniversalClass = 0, kApplicationClass = 1, kContextClass = 2;

void put_int(PrintContext& ctx, std::int32_t v) { ctx.out.put_i64(v); }
// A number between two pieces of text ("[errorIndex(" 3 ")!=0]"), as one printf of tcpdump's.
void put_int(PrintContext& ctx, std::string_view before, std::int32_t v,
             std::string_view after = {}) {
  ctx.put(before);
  put_int(ctx, v);
  ctx.put(after);
}

// A tag SNMP does not use: its contents are kept as bytes (printed _xx_xx) after a note
// naming form, class and tag, bracketed for primitive ones, as tcpdump has it.
void octet_note(PrintContext& ctx, Be& elem, std::string_view prefix, const char* name,
                bool bracket) {
  elem.type = BeType::Octet;
  ctx.put(prefix);
  ctx.put(name);
  if (bracket) ctx.put(']');
}

// asn1_parse(): the element at p within len claimed bytes. Returns the bytes it takes
// (header and contents), or -1 after printing why not.
int asn1_parse(PrintContext& ctx, const std::uint8_t* p, unsigned len, Be& elem) {
  elem.asnlen = 0;
  elem.type = BeType::Any;
  if (len < 1) {
    ctx.put("[nothing to parse]");
    return -1;
  }
  // class (2 bits) | form (1 bit) | id (5 bits)
  std::uint8_t id = ctx.u8(p) & 0x1f;
  const std::uint8_t form = (ctx.u8(p) & 0x20) >> 5;
  const std::uint8_t cls = (ctx.u8(p) & 0xc0) >> 6;
  elem.form = form;
  elem.cls = cls;
  elem.id = id;
  ++p, --len;
  unsigned hdr = 1;
  if (id == 0x1f) {  // the tag number follows in 7-bit groups (kept in 8 bits, as tcpdump)
    id = 0;
    while (ctx.u8(p) & 0x80) {
      if (len < 1) {
        ctx.put("[Xtagfield?]");
        return -1;
      }
      id = static_cast<std::uint8_t>((id << 7) | (ctx.u8(p) & 0x7f));
      --len, ++hdr, ++p;
    }
    if (len < 1) {
      ctx.put("[Xtagfield?]");
      return -1;
    }
    id = static_cast<std::uint8_t>((id << 7) | ctx.u8(p));
    elem.id = id;
    --len, ++hdr, ++p;
  }
  if (len < 1) {
    ctx.put("[no asnlen]");
    return -1;
  }
  elem.asnlen = ctx.u8(p);
  ++p, --len, ++hdr;
  if (elem.asnlen & 0x80) {  // long form: the low bits count the length octets
    std::uint32_t noct = elem.asnlen % 0x80;
    elem.asnlen = 0;
    if (len < noct) {
      put_int(ctx, "[asnlen? ", static_cast<std::int32_t>(len), "<");
      put_int(ctx, static_cast<std::int32_t>(noct));
      ctx.put(']');
      return -1;
    }
    if (!ctx.ttest(p, noct)) {
      ctx.print_trunc();
      return -1;
    }
    for (; noct != 0; --len, ++hdr, --noct) elem.asnlen = (elem.asnlen << 8) | *p++;
  }
  if (len < elem.asnlen) {
    put_int(ctx, "[len", static_cast<std::int32_t>(len), "<asnlen");
    ctx.put_u(elem.asnlen);
    ctx.put(']');
    return -1;
  }
  const TagClass& tc = kClasses[cls];
  if (id >= tc.count) {
    ctx.put("[id?");
    ctx.put(form ? 'C' : 'P');
    ctx.put("/x/");
    ctx.put_u(id);
    ctx.put(']');
    return -1;
  }
  if (!ctx.ttest(p, elem.asnlen)) {
    ctx.print_trunc();
    return -1;
  }
  elem.raw = p;
  const std::uint8_t* const end = p + elem.asnlen;
  if (form == 0) {
    switch (cls) {
      case kUniversalClass:
        switch (id) {
          case 4: elem.type = BeType::Str; break;
          case 2: {
            elem.type = BeType::Int;
            if (elem.asnlen == 0) {
              ctx.put("[asnlen=0]");
              return -1;
            }
            // Sign-extended, as many bytes as there are (wrapping past 32 bits, as tcpdump).
            std::uint32_t data = (*p & 0x80) ? 0xffffffffu : 0;
            for (const std::uint8_t* q = p; q != end; ++q) data = (data << 8) | *q;
            elem.integer = static_cast<std::int32_t>(data);
            break;
          }
          case 6: elem.type = BeType::Oid; break;
          case 5: elem.type = BeType::Null; break;
          default:
            octet_note(ctx, elem, "[P/U/", tc.ids[id], true);
            break;
        }
        break;
      case kApplicationClass:
        switch (id) {
          case 0: elem.type = BeType::InetAddr; break;
          case 1:    // Counter
          case 2:    // Gauge
          case 3:    // TimeTicks
          case 6: {  // Counter64; the 32-bit ones keep the low 32 bits, as tcpdump's wrap
            std::uint64_t data = 0;
            for (const std::uint8_t* q = p; q != end; ++q) data = (data << 8) + *q;
            elem.type = id == 6 ? BeType::Uns64 : BeType::Uns;
            elem.uns64 = data;
            elem.uns = static_cast<std::uint32_t>(data);
            break;
          }
          default:
            octet_note(ctx, elem, "[P/A/", tc.ids[id], true);
            break;
        }
        break;
      case kContextClass:  // the SNMPv2 exceptions; other tags stay Any ([BE_ANY!?])
        if (id == 0) elem.type = BeType::NoSuchObject;
        if (id == 1) elem.type = BeType::NoSuchInstance;
        if (id == 2) elem.type = BeType::EndOfMibView;
        break;
      default:
        octet_note(ctx, elem, "[P/x/", tc.ids[id], true);
        break;
    }
  } else {
    switch (cls) {
      case kUniversalClass:
        if (id == 16) {
          elem.type = BeType::Seq;
        } else {
          octet_note(ctx, elem, "C/U/", tc.ids[id], false);
        }
        break;
      case kContextClass: elem.type = BeType::Pdu; break;
      default:
        octet_note(ctx, elem, "C/x/", tc.ids[id], false);
        break;
    }
  }
  return static_cast<int>(elem.asnlen + hdr);
}

// asn1_print_octets(): _xx for each byte.
void print_octets(PrintContext& ctx, const Be& elem) {
  for (std::uint32_t i = 0; i < elem.asnlen; ++i) {
    ctx.put('_');
    ctx.out.put_hex_byte(elem.raw[i]);
  }
}

// asn1_print_string(): quoted when every byte is printable ASCII, else xx_xx_xx.
void print_string(PrintContext& ctx, const Be& elem) {
  bool printable = true;
  for (std::uint32_t i = 0; printable && i < elem.asnlen; ++i)
    printable = elem.raw[i] >= 0x20 && elem.raw[i] < 0x7f;
  if (printable) {
    ctx.put('"');
    ctx.put(std::string_view(reinterpret_cast<const char*>(elem.raw), elem.asnlen));
    ctx.put('"');
    return;
  }
  for (std::uint32_t i = 0; i < elem.asnlen; ++i) {
    if (i) ctx.put('_');
    ctx.out.put_hex_byte(elem.raw[i]);
  }
}

// An object identifier as tcpdump -n prints it: a dot before every arc, the first byte
// split into two arcs (X.690 8.19). Arithmetic wraps as tcpdump's int does.
void print_oid(PrintContext& ctx, const Be& elem) {
  std::uint32_t o = 0;
  bool first = true;
  for (std::uint32_t i = 0; i < elem.asnlen; ++i) {
    const std::uint8_t b = elem.raw[i];
    o = (o << 7) + (b & 0x7f);
    if (b & 0x80) continue;
    if (first) {
      first = false;
      std::int32_t s = static_cast<std::int32_t>(o) / 40;
      if (s > 2) s = 2;
      ctx.put('.');
      ctx.put_u(static_cast<std::uint32_t>(s));
      o -= static_cast<std::uint32_t>(s) * 40;
    }
    ctx.put('.');
    ctx.put_u(o);
    o = 0;
  }
}

// asn1_print(): the value. (Contents were checked against the capture by asn1_parse.)
void asn1_print(PrintContext& ctx, const Be& elem) {
  switch (elem.type) {
    case BeType::Octet: return print_octets(ctx, elem);
    case BeType::Null: return;
    case BeType::Oid: return print_oid(ctx, elem);
    case BeType::Int: return put_int(ctx, elem.integer);
    case BeType::Uns: return ctx.put_u(elem.uns);
    case BeType::Uns64: return ctx.out.put_u64(elem.uns64);
    case BeType::Str: return print_string(ctx, elem);
    case BeType::Seq:
      ctx.put("Seq(");
      ctx.put_u(elem.asnlen);
      ctx.put(')');
      return;
    case BeType::InetAddr:
      if (elem.asnlen != 4) ctx.put("[inetaddr len!=4]");
      for (std::uint32_t i = 0; i < elem.asnlen; ++i) {
        if (i) ctx.put('.');
        ctx.put_u(elem.raw[i]);
      }
      return;
    case BeType::NoSuchObject:
    case BeType::NoSuchInstance:
    case BeType::EndOfMibView:
      ctx.put('[');
      ctx.put(kExceptions[elem.id]);
      ctx.put(']');
      return;
    case BeType::Pdu:
      ctx.put(kContext[elem.id]);
      ctx.put('(');
      ctx.put_u(elem.asnlen);
      ctx.put(')');
      return;
    case BeType::Any: ctx.put("[BE_ANY!?]"); return;
  }
}

// Parses the next element and checks its type; on a mismatch prints "[what]" and the
// element, as every step of tcpdump's printers does. False ends the walk.
bool expect(PrintContext& ctx, const std::uint8_t*& np, unsigned& length, Be& elem,
            BeType type, std::string_view what) {
  const int count = asn1_parse(ctx, np, length, elem);
  if (count < 0) return false;
  if (elem.type != type) {
    ctx.put(what);
    asn1_print(ctx, elem);
    return false;
  }
  np += count;
  length -= static_cast<unsigned>(count);
  return true;
}

// The "[N extra after ...]" note tcpdump prints when the last element's size is below what
// is left (its comparison, odd as it is).
void extra_after(PrintContext& ctx, int count, unsigned length, std::string_view what) {
  if (static_cast<unsigned>(count) >= length) return;
  put_int(ctx, "[", static_cast<std::int32_t>(length - static_cast<unsigned>(count)),
          " extra after ");
  ctx.put(what);
  ctx.put(']');
}

// Descends into a SEQUENCE: np and length become its contents. With `extra`, notes the
// bytes that follow it within `length` ("[2 extra after iSEQ]").
bool expect_seq(PrintContext& ctx, const std::uint8_t*& np, unsigned& length,
                std::string_view what, std::string_view extra = {}) {
  Be elem;
  const int count = asn1_parse(ctx, np, length, elem);
  if (count < 0) return false;
  if (elem.type != BeType::Seq) {
    ctx.put(what);
    asn1_print(ctx, elem);
    return false;
  }
  if (!extra.empty()) extra_after(ctx, count, length, extra);
  np = elem.raw;
  length = elem.asnlen;
  return true;
}

void put_error_status(PrintContext& ctx, std::int32_t e) {
  if (e >= 0 && static_cast<std::size_t>(e) < std::size(kErrorStatus)) return ctx.put(kErrorStatus[e]);
  ctx.put("err=");
  ctx.put_u(static_cast<std::uint32_t>(e));
}

bool is_request(unsigned pduid) {
  return pduid == kGetReq || pduid == kGetNextReq || pduid == kGetBulkReq;
}

// varbind_print(): " name" for requests, " name=value" otherwise.
void varbind_print(PrintContext& ctx, unsigned pduid, const std::uint8_t* np, unsigned length) {
  if (!expect_seq(ctx, np, length, "[!SEQ of varbind]", "SEQ of varbind")) return;
  Be elem;
  while (length > 0) {
    ctx.put(' ');
    const int count = asn1_parse(ctx, np, length, elem);
    if (count < 0) return;
    if (elem.type != BeType::Seq) {
      ctx.put("[!varbind]");
      return asn1_print(ctx, elem);
    }
    const std::uint8_t* const vbend = np + count;
    const unsigned vblength = length - static_cast<unsigned>(count);
    length = elem.asnlen;
    np = elem.raw;
    if (!expect(ctx, np, length, elem, BeType::Oid, "[objName!=OID]")) return;
    asn1_print(ctx, elem);
    if (!is_request(pduid)) ctx.put('=');
    if (asn1_parse(ctx, np, length, elem) < 0) return;
    if (is_request(pduid) && elem.type != BeType::Null) ctx.put("[objVal!=NULL]");
    if (elem.type != BeType::Null) asn1_print(ctx, elem);
    length = vblength;
    np = vbend;
  }
}

// snmppdu_print(): request id (-v), error status and index, the bindings.
void snmppdu_print(PrintContext& ctx, unsigned pduid, const std::uint8_t* np, unsigned length) {
  Be elem;
  if (!expect(ctx, np, length, elem, BeType::Int, "[reqId!=INT]")) return;
  if (ctx.opt.verbose) {
    put_int(ctx, "R=", elem.integer, " ");
  }
  if (!expect(ctx, np, length, elem, BeType::Int, "[errorStatus!=INT]")) return;
  // Requests and notifications must carry zero error fields.
  const bool must_be_zero = pduid == kGetReq || pduid == kGetNextReq || pduid == kSetReq ||
                            pduid == kInformReq || pduid == kV2Trap || pduid == kReport;
  std::int32_t error_status = 0;
  if (must_be_zero && elem.integer != 0) {
    ctx.put("[errorStatus(");
    put_error_status(ctx, elem.integer);
    ctx.put(")!=0]");
  } else if (pduid == kGetBulkReq) {
    put_int(ctx, " N=", elem.integer);
  } else if (elem.integer != 0) {
    ctx.put(' ');
    put_error_status(ctx, elem.integer);
    error_status = elem.integer;
  }
  if (!expect(ctx, np, length, elem, BeType::Int, "[errorIndex!=INT]")) return;
  if (must_be_zero && elem.integer != 0) {
    put_int(ctx, "[errorIndex(", elem.integer, ")!=0]");
  } else if (pduid == kGetBulkReq) {
    put_int(ctx, " M=", elem.integer);
  } else if (elem.integer != 0) {
    if (!error_status) {
      put_int(ctx, "[errorIndex(", elem.integer, ") w/o errorStatus]");
    } else {
      put_int(ctx, "@", elem.integer);
    }
  } else if (error_status) {
    ctx.put("[errorIndex==0]");
  }
  varbind_print(ctx, pduid, np, length);
}

// trappdu_print(): SNMPv1 Trap-PDU (RFC 1157 4.1.6).
void trappdu_print(PrintContext& ctx, const std::uint8_t* np, unsigned length) {
  Be elem;
  ctx.put(' ');
  if (!expect(ctx, np, length, elem, BeType::Oid, "[enterprise!=OID]")) return;
  asn1_print(ctx, elem);
  ctx.put(' ');
  if (!expect(ctx, np, length, elem, BeType::InetAddr, "[agent-addr!=INETADDR]")) return;
  asn1_print(ctx, elem);
  if (!expect(ctx, np, length, elem, BeType::Int, "[generic-trap!=INT]")) return;
  const std::int32_t generic = elem.integer;
  ctx.put(' ');
  if (generic >= 0 && static_cast<std::size_t>(generic) < std::size(kGenericTrap)) {
    ctx.put(kGenericTrap[generic]);
  } else {
    put_int(ctx, "gt=", generic);
  }
  if (!expect(ctx, np, length, elem, BeType::Int, "[specific-trap!=INT]")) return;
  if (generic != 6) {
    if (elem.integer != 0) {
      put_int(ctx, "[specific-trap(", elem.integer, ")!=0]");
    }
  } else {
    put_int(ctx, " s=", elem.integer);
  }
  ctx.put(' ');
  if (!expect(ctx, np, length, elem, BeType::Uns, "[time-stamp!=TIMETICKS]")) return;
  asn1_print(ctx, elem);
  varbind_print(ctx, kTrap, np, length);
}

// pdu_print(): the PDU's name and length, then its fields.
void pdu_print(PrintContext& ctx, const std::uint8_t* np, unsigned length, int version) {
  Be pdu;
  const int count = asn1_parse(ctx, np, length, pdu);
  if (count < 0) return;
  if (pdu.type != BeType::Pdu) return ctx.put("[no PDU]");
  extra_after(ctx, count, length, "PDU");
  if (ctx.opt.verbose) ctx.put("{ ");
  asn1_print(ctx, pdu);
  ctx.put(' ');
  np = pdu.raw;
  length = pdu.asnlen;
  if (version == kV1 && (pdu.id == kGetBulkReq || pdu.id == kInformReq || pdu.id == kV2Trap ||
                         pdu.id == kReport))
    return ctx.put("[v2 PDU in v1 message]");
  if (version == kV2c && pdu.id == kTrap) return ctx.put("[v1 PDU in v2 message]");
  if (pdu.id == kTrap)
    trappdu_print(ctx, np, length);
  else
    snmppdu_print(ctx, pdu.id, np, length);
  if (ctx.opt.verbose) ctx.put(" } ");
}

// scopedpdu_print(): SNMPv3's context engine id and name, then the PDU.
void scopedpdu_print(PrintContext& ctx, const std::uint8_t* np, unsigned length, int version) {
  Be elem;
  if (!expect_seq(ctx, np, length, "[!scoped PDU]")) return;
  if (!expect(ctx, np, length, elem, BeType::Str, "[contextEngineID!=STR]")) return;
  ctx.put("E=");
  print_octets(ctx, elem);
  ctx.put(' ');
  if (!expect(ctx, np, length, elem, BeType::Str, "[contextName!=STR]")) return;
  ctx.put("C=");
  print_string(ctx, elem);
  ctx.put(' ');
  pdu_print(ctx, np, length, version);
}

// community_print(): SNMPv1 and v2c; the community is shown unless it is "public".
void community_print(PrintContext& ctx, const std::uint8_t* np, unsigned length, int version) {
  Be elem;
  if (!expect(ctx, np, length, elem, BeType::Str, "[comm!=STR]")) return;
  const std::string_view community(reinterpret_cast<const char*>(elem.raw), elem.asnlen);
  if (community != "public") {
    ctx.put("C=");
    print_string(ctx, elem);
    ctx.put(' ');
  }
  pdu_print(ctx, np, length, version);
}

// A step of usm_print() / v3msg_print(): like expect() but also gives the element's size.
int expect_counted(PrintContext& ctx, const std::uint8_t*& np, unsigned& length, Be& elem,
                   BeType type, std::string_view what) {
  const std::uint8_t* const start = np;
  if (!expect(ctx, np, length, elem, type, what)) return -1;
  return static_cast<int>(np - start);
}

// usm_print(): the User-based Security Model parameters (RFC 3414 2.4).
void usm_print(PrintContext& ctx, const std::uint8_t* np, unsigned length) {
  Be elem;
  if (!expect_seq(ctx, np, length, "[!usm]")) return;
  if (!expect(ctx, np, length, elem, BeType::Str, "[msgAuthoritativeEngineID!=STR]")) return;
  if (!expect(ctx, np, length, elem, BeType::Int, "[msgAuthoritativeEngineBoots!=INT]")) return;
  if (ctx.opt.verbose) {
    put_int(ctx, "B=", elem.integer, " ");
  }
  if (!expect(ctx, np, length, elem, BeType::Int, "[msgAuthoritativeEngineTime!=INT]")) return;
  if (ctx.opt.verbose) {
    put_int(ctx, "T=", elem.integer, " ");
  }
  if (!expect(ctx, np, length, elem, BeType::Str, "[msgUserName!=STR]")) return;
  ctx.put("U=");
  print_string(ctx, elem);
  ctx.put(' ');
  if (!expect(ctx, np, length, elem, BeType::Str, "[msgAuthenticationParameters!=STR]")) return;
  const int count = expect_counted(ctx, np, length, elem, BeType::Str, "[msgPrivacyParameters!=STR]");
  if (count < 0) return;
  extra_after(ctx, count, length, "usm SEQ");
}

// v3msg_print(): SNMPv3 header (RFC 3412 6), security parameters, scoped PDU.
void v3msg_print(PrintContext& ctx, const std::uint8_t* np, unsigned length) {
  Be elem;
  const std::uint8_t* const xnp = np;
  const unsigned xlength = length;
  if (!expect_seq(ctx, np, length, "[!message]")) return;
  if (ctx.opt.verbose) ctx.put("{ ");
  if (!expect(ctx, np, length, elem, BeType::Int, "[msgID!=INT]")) return;
  if (!expect(ctx, np, length, elem, BeType::Int, "[msgMaxSize!=INT]")) return;
  const int count = asn1_parse(ctx, np, length, elem);
  if (count < 0) return;
  if (elem.type != BeType::Str) {
    ctx.put("[msgFlags!=STR]");
    return asn1_print(ctx, elem);
  }
  if (elem.asnlen != 1) {
    put_int(ctx, "[msgFlags size ", static_cast<std::int32_t>(elem.asnlen), "]");
    return;
  }
  const std::uint8_t flags = elem.raw[0];
  // Valid combinations: none, auth, auth+priv, each with or without reportable.
  if (flags != 0x00 && flags != 0x01 && flags != 0x03 && flags != 0x04 && flags != 0x05 &&
      flags != 0x07) {
    static constexpr char kUpperHex[] = "0123456789ABCDEF";  // %02X
    ctx.put("[msgFlags=0x");
    ctx.put(kUpperHex[flags >> 4]);
    ctx.put(kUpperHex[flags & 15]);
    ctx.put(']');
    return;
  }
  np += count;
  length -= static_cast<unsigned>(count);
  ctx.put("F=");
  if (flags & 0x01) ctx.put('a');
  if (flags & 0x02) ctx.put('p');
  if (flags & 0x04) ctx.put('r');
  ctx.put(' ');
  const int mcount = expect_counted(ctx, np, length, elem, BeType::Int, "[msgSecurityModel!=INT]");
  if (mcount < 0) return;
  const std::int32_t model = elem.integer;
  extra_after(ctx, mcount, length, "message SEQ");
  if (ctx.opt.verbose) ctx.put("} ");
  if (model != 3) {
    put_int(ctx, "[security model ", model, "]");
    return;
  }
  if (ctx.opt.verbose) ctx.put("{ USM ");
  // What follows the header SEQUENCE: tcpdump measures it from the start of the header.
  length = xlength - static_cast<unsigned>(np - xnp);
  if (!expect(ctx, np, length, elem, BeType::Str, "[msgSecurityParameters!=STR]")) return;
  usm_print(ctx, elem.raw, elem.asnlen);
  if (ctx.opt.verbose) ctx.put("} ");
  if (ctx.opt.verbose) ctx.put("{ ScopedPDU ");
  scopedpdu_print(ctx, np, length, kV3);
  if (ctx.opt.verbose) ctx.put("} ");
}

}  // namespace

void snmp_print(PrintContext& ctx, const std::uint8_t* np, unsigned length) {
  ctx.protocol = "snmp";
  ctx.put(' ');
  if (!expect_seq(ctx, np, length, "[!init SEQ]", "iSEQ")) return;
  Be elem;
  if (!expect(ctx, np, length, elem, BeType::Int, "[version!=INT]")) return;
  const std::int32_t version = elem.integer;
  if (version != kV1 && version != kV2c && version != kV3) {
    put_int(ctx, "SNMP [version = ", version, "]");
    return;
  }
  if (ctx.opt.verbose) {
    ctx.put("{ ");
    ctx.put(version == kV1 ? "SNMPv1" : version == kV2c ? "SNMPv2c" : "SNMPv3");
    ctx.put(' ');
  }
  if (version == kV3)
    v3msg_print(ctx, np, length);
  else
    community_print(ctx, np, length, version);
  if (ctx.opt.verbose) ctx.put("} ");
}

}  // namespace tcplens::tcpdump
