// 802.2 LLC and SNAP (tcpdump's print-llc.c), with the protocols found behind them here:
// spanning tree BPDUs (print-stp.c) and Cisco's CDP (print-cdp.c).
//
// Of the SNAP protocols, tcplens does not reproduce Cisco's DTP/UDLD/VTP nor the
// Token Ring/FDDI bridged frames: those print as an unknown SNAP frame with the hex dump.
#include <cstdio>
#include <cstring>

#include "print_context.hpp"

namespace tcplens::tcpdump {

const Tok kOuiValues[] = {
    {0x000000, "Ethernet"},
    {0x00000c, "Cisco"},
    {0x00005e, "IANA"},
    {0x000081, "Nortel Networks SONMP"},
    {0x0000f8, "Cisco bridged"},
    {0x0080c2, "Ethernet bridged"},
    {0x00a03e, "ATM Forum"},
    {0x00e02f, "DOCSIS Spanning Tree"},
    {0x080007, "Appletalk"},
    {0x009069, "Juniper"},
    {0x080009, "Hewlett-Packard"},
    {0x0080c2, "IEEE 802.1 Private"},
    {0x00120f, "IEEE 802.3 Private"},
    {0x0012bb, "ANSI/TIA"},
    {0x001b21, "DCBX"},
    {0x002320, "Nicira Networks"},
    {0x5c16c7, "Big Switch Networks"},
    {0xb0d2f5, "Vello Systems"},
    {0x002481, "HP"},
    {0x0004ea, "HP-Labs"},
    {0x748771, "Infoblox Inc"},
    {0xa42305, "Open Networking Lab"},
    {0x00049f, "Freescale"},
    {0x0015ad, "Netronome"},
    {0x001018, "Broadcom"},
    {0x00e004, "PMC-Sierra"},
    {0xd0f0db, "Ericsson"},
    {0, nullptr},
};

namespace {

constexpr std::uint8_t kLlcUFmt = 3;
constexpr std::uint8_t kLlcGsap = 1;
constexpr std::uint8_t kLlcIg = 1;
constexpr std::uint8_t kLlcSFmt = 1;
constexpr std::uint8_t kLlcUPoll = 0x10;
constexpr std::uint16_t kLlcIsPoll = 0x0100;
constexpr std::uint8_t kLlcXidFi = 0x81;
constexpr std::uint8_t kLlcUi = 0x03;
constexpr std::uint8_t kLlcXid = 0xaf;

constexpr std::uint8_t kSapGlobal = 0xff;
constexpr std::uint8_t kSapIp = 0x06;
constexpr std::uint8_t kSap8021d = 0x42;
constexpr std::uint8_t kSapSnap = 0xaa;

constexpr std::uint32_t kOuiEncapEther = 0x000000;
constexpr std::uint32_t kOuiCisco = 0x00000c;
constexpr std::uint32_t kOuiCisco90 = 0x0000f8;
constexpr std::uint32_t kOuiRfc2684 = 0x0080c2;
constexpr std::uint32_t kOuiAppletalk = 0x080007;

constexpr std::uint16_t kPidCiscoCdp = 0x2000;
constexpr std::uint16_t kPidCiscoPvst = 0x010b;
constexpr std::uint16_t kPidCiscoVlanBridge = 0x010c;
constexpr std::uint16_t kPidRfc2684EthFcs = 0x0001;
constexpr std::uint16_t kPidRfc2684EthNoFcs = 0x0007;
constexpr std::uint16_t kPidRfc2684Bpdu = 0x000e;

const Tok kLlcValues[] = {
    {0x00, "Null"},      {0xff, "Global"}, {0x02, "802.1B I"}, {0x03, "802.1B G"},
    {0x06, "IP"},        {0x04, "SNA"},    {0x0e, "ProWay NM"}, {0x42, "STP"},
    {0x4e, "RS511"},     {0x7e, "ISO8208"}, {0x8e, "ProWay"},  {0xaa, "SNAP"},
    {0xe0, "IPX"},       {0xf0, "NetBeui"}, {0xfe, "OSI"},     {0, nullptr},
};

const Tok kLlcCmdValues[] = {
    {0x03, "ui"}, {0xe3, "test"}, {0xaf, "xid"},   {0x63, "ua"},   {0x43, "disc"},
    {0x0f, "dm"}, {0x6f, "sabme"}, {0x87, "frmr"}, {0, nullptr},
};

// tok2str semantics: the first entry with the value wins (0 is "Command").
const Tok kLlcFlagValues[] = {
    {0, "Command"},       {kLlcGsap, "Response"},
    {kLlcUPoll, "Poll"},  {kLlcGsap | kLlcUPoll, "Final"},
    {kLlcIsPoll, "Poll"}, {kLlcGsap | kLlcIsPoll, "Final"},
    {0, nullptr},
};

const Tok kLlcIgFlagValues[] = {{0, "Individual"}, {kLlcIg, "Group"}, {0, nullptr}};

const Tok kLlcSupervisoryValues[] = {
    {0, "Receiver Ready"}, {1, "Receiver not Ready"}, {2, "Reject"}, {0, nullptr},
};


const Tok kCiscoValues[] = {
    {0x2000, "CDP"},  {0x2003, "VTP"},         {0x2004, "DTP"}, {0x0111, "UDLD"},
    {0x010b, "PVST"}, {0x010c, "VLAN Bridge"}, {0, nullptr},
};

const Tok kBridgedValues[] = {
    {0x0001, "Ethernet + FCS"},     {0x0007, "Ethernet w/o FCS"},
    {0x0002, "802.4 + FCS"},        {0x0008, "802.4 w/o FCS"},
    {0x0003, "Token Ring + FCS"},   {0x0009, "Token Ring w/o FCS"},
    {0x0004, "FDDI + FCS"},         {0x000a, "FDDI w/o FCS"},
    {0x0005, "802.6 + FCS"},        {0x000b, "802.6 w/o FCS"},
    {0x000e, "BPDU"},               {0, nullptr},
};

const Tok kNullValues[] = {{0, nullptr}};

// oui_to_struct_tok(): the table that names the PID of this OUI.
const Tok* pid_table(std::uint32_t oui) {
  switch (oui) {
    case kOuiEncapEther:
    case kOuiCisco90:
    case kOuiAppletalk:
      return kEthertypeValues;
    case kOuiCisco:
      return kCiscoValues;
    case kOuiRfc2684:
      return kBridgedValues;
    default:
      return kNullValues;
  }
}

void put_name(PrintContext& ctx, const Tok* table, std::uint32_t value, std::string_view unknown) {
  const char* name = tok_lookup(table, value);
  ctx.put(name ? std::string_view(name) : unknown);
}

// "Unknown DSAP 0x%02x" style: the name, or the text and the value in two hex digits.
void put_sap(PrintContext& ctx, std::uint8_t sap, std::string_view unknown) {
  if (const char* name = tok_lookup(kLlcValues, sap)) {
    ctx.put(name);
  } else {
    ctx.put(unknown);
    ctx.put("0x");
    ctx.out.put_hex(sap, 2);
  }
}

void put_hex_padded(PrintContext& ctx, std::uint32_t v, int digits) {
  ctx.out.put_hex(v, digits);
}

// --- spanning tree ---
// Watch out: tcpdump reads every value of one ND_PRINT before printing any of its text, so
// a field cut short drops the whole phrase; the tcheck() calls below reproduce that grouping.------------------------------------------------------------------

constexpr unsigned kStpBpduLen = 36;         // struct stp_bpdu_
constexpr unsigned kStpMstpMinLen = 102;
constexpr unsigned kMstVer3LenOffset = 36;
constexpr unsigned kMstConfigNameOffset = 39;
constexpr unsigned kMstConfigDigestOffset = 73;
constexpr unsigned kMstCistIntPathCostOffset = 89;
constexpr unsigned kMstCistBridgeIdOffset = 93;
constexpr unsigned kMstCistRemainHopsOffset = 101;
constexpr unsigned kMstMstiOffset = 102;
constexpr unsigned kMstMstiLength = 16;
constexpr unsigned kMstConfigInfoLength = 64;

const Tok kStpProtoValues[] = {
    {0x00, "802.1d"}, {0x02, "802.1w"}, {0x03, "802.1s"}, {0x04, "802.1aq"}, {0, nullptr},
};

const Tok kStpBpduFlagValues[] = {
    {0x01, "Topology change"}, {0x02, "Proposal"},  {0x10, "Learn"},
    {0x20, "Forward"},         {0x40, "Agreement"}, {0x80, "Topology change ACK"},
    {0, nullptr},
};

const Tok kStpBpduTypeValues[] = {
    {0x00, "Config"}, {0x02, "Rapid STP"}, {0x80, "Topology Change"}, {0, nullptr},
};

const Tok kRstpPortRoleValues[] = {
    {0x00, "Unknown"}, {0x01, "Alternate"}, {0x02, "Root"}, {0x03, "Designated"}, {0, nullptr},
};

unsigned port_role(std::uint8_t flags) { return (flags & 0x0C) >> 2; }

// pppp.aa:bb:cc:dd:ee:ff
void put_bridge_id(PrintContext& ctx, const std::uint8_t* p) {
  ctx.tcheck(p, 8);
  ctx.out.put_hex_byte(p[0]);
  ctx.out.put_hex_byte(p[1]);
  ctx.put('.');
  for (int i = 2; i < 8; ++i) {
    if (i > 2) ctx.put(':');
    ctx.out.put_hex_byte(p[i]);
  }
}

// "%.2f" of v / 256 (exact in binary, so printf's round-half-even applies to the decimal).
void put_stp_time(PrintContext& ctx, std::uint16_t v) {
  unsigned whole = v >> 8;
  unsigned num = (v & 0xFFu) * 100;
  unsigned hundredths = num / 256;
  unsigned rest = num % 256;
  if (rest > 128 || (rest == 128 && (hundredths & 1))) ++hundredths;
  if (hundredths == 100) {
    ++whole;
    hundredths = 0;
  }
  ctx.put_u(whole);
  ctx.put('.');
  ctx.out.put_u32_padded(hundredths, 2);
  ctx.put('s');
}

void put_stp_times(PrintContext& ctx, const std::uint8_t* bpdu, std::string_view lead) {
  ctx.tcheck(bpdu + 27, 8);
  ctx.put(lead);
  ctx.put("message-age ");
  put_stp_time(ctx, ctx.be16(bpdu + 27));
  ctx.put(", max-age ");
  put_stp_time(ctx, ctx.be16(bpdu + 29));
  ctx.put(", hello-time ");
  put_stp_time(ctx, ctx.be16(bpdu + 31));
  ctx.put(", forwarding-delay ");
  put_stp_time(ctx, ctx.be16(bpdu + 33));
}

void stp_config_bpdu_print(PrintContext& ctx, const std::uint8_t* bpdu, unsigned length) {
  const std::uint8_t flags = ctx.u8(bpdu + 4);
  ctx.put(", Flags [");
  put_bittok(ctx, kStpBpduFlagValues, flags, "none", ", ");
  ctx.put(']');
  ctx.tcheck(bpdu + 17, 10);  // bridge id and port id
  ctx.put(", bridge-id ");
  put_bridge_id(ctx, bpdu + 17);
  ctx.put('.');
  ctx.out.put_hex(ctx.be16(bpdu + 25), 4);
  ctx.put(", length ");
  ctx.put_u(length);
  if (!ctx.opt.verbose) return;
  put_stp_times(ctx, bpdu, "\n\t");
  ctx.tcheck(bpdu + 5, 12);  // root id and path cost
  ctx.put("\n\troot-id ");
  put_bridge_id(ctx, bpdu + 5);
  ctx.put(", root-pathcost ");
  ctx.put_u(ctx.be32(bpdu + 13));
  if (ctx.u8(bpdu + 2) == 0x02) {
    ctx.put(", port-role ");
    put_name(ctx, kRstpPortRoleValues, port_role(flags), "Unknown");
  }
}

void stp_mstp_bpdu_print(PrintContext& ctx, const std::uint8_t* bpdu, unsigned length) {
  const std::uint8_t flags = ctx.u8(bpdu + 4);
  ctx.put(", CIST Flags [");
  put_bittok(ctx, kStpBpduFlagValues, flags, "none", ", ");
  ctx.put("], length ");
  ctx.put_u(length);
  if (!ctx.opt.verbose) return;
  ctx.put("\n\tport-role ");
  put_name(ctx, kRstpPortRoleValues, port_role(flags), "Unknown");
  ctx.put(", ");
  ctx.tcheck(bpdu + 5, 12);
  ctx.put("CIST root-id ");
  put_bridge_id(ctx, bpdu + 5);
  ctx.put(", CIST ext-pathcost ");
  ctx.put_u(ctx.be32(bpdu + 13));
  ctx.tcheck(bpdu + 17, 8);
  ctx.put("\n\tCIST regional-root-id ");
  put_bridge_id(ctx, bpdu + 17);
  ctx.put(", ");
  ctx.tcheck(bpdu + 25, 2);
  ctx.put("CIST port-id ");
  ctx.out.put_hex(ctx.be16(bpdu + 25), 4);
  ctx.put(',');
  put_stp_times(ctx, bpdu, "\n\t");
  ctx.tcheck(bpdu + kMstVer3LenOffset, 2);
  ctx.put("\n\tv3len ");
  ctx.put_u(ctx.be16(bpdu + kMstVer3LenOffset));
  ctx.put(", MCID Name ");
  ctx.print_padded_string(bpdu + kMstConfigNameOffset, 32);
  ctx.tcheck(bpdu + kMstConfigNameOffset + 32, 2 + 16);  // revision and digest
  ctx.put(", rev ");
  ctx.put_u(ctx.be16(bpdu + kMstConfigNameOffset + 32));
  ctx.put(",\n\t\tdigest ");
  for (unsigned i = 0; i < 16; i += 4) put_hex_padded(ctx, ctx.be32(bpdu + kMstConfigDigestOffset + i), 8);
  ctx.put(", ");
  ctx.tcheck(bpdu + kMstCistIntPathCostOffset, 4);
  ctx.put("CIST int-root-pathcost ");
  ctx.put_u(ctx.be32(bpdu + kMstCistIntPathCostOffset));
  ctx.put(',');
  ctx.tcheck(bpdu + kMstCistBridgeIdOffset, 8);
  ctx.put("\n\tCIST bridge-id ");
  put_bridge_id(ctx, bpdu + kMstCistBridgeIdOffset);
  ctx.put(", ");
  ctx.tcheck(bpdu + kMstCistRemainHopsOffset, 1);
  ctx.put("CIST remaining-hops ");
  ctx.put_u(ctx.u8(bpdu + kMstCistRemainHopsOffset));

  const unsigned v3len = ctx.be16(bpdu + kMstVer3LenOffset);
  if (v3len > kMstConfigInfoLength) {
    unsigned len = v3len - kMstConfigInfoLength;
    unsigned offset = kMstMstiOffset;
    while (len >= kMstMstiLength) {
      const std::uint8_t* msti = bpdu + offset;
      ctx.tcheck(msti, 3);
      ctx.put("\n\tMSTI ");
      ctx.put_u(ctx.be16(msti + 1) & 0x0FFF);
      ctx.put(", Flags [");
      put_bittok(ctx, kStpBpduFlagValues, ctx.u8(msti), "none", ", ");
      ctx.put("], port-role ");
      put_name(ctx, kRstpPortRoleValues, port_role(ctx.u8(msti)), "Unknown");
      ctx.tcheck(msti + 1, 12);
      ctx.put("\n\t\tMSTI regional-root-id ");
      put_bridge_id(ctx, msti + 1);
      ctx.put(", pathcost ");
      ctx.put_u(ctx.be32(msti + 9));
      ctx.tcheck(msti + 13, 3);
      ctx.put("\n\t\tMSTI bridge-prio ");
      ctx.put_u(ctx.u8(msti + 13) >> 4);
      ctx.put(", port-prio ");
      ctx.put_u(ctx.u8(msti + 14) >> 4);
      ctx.put(", hops ");
      ctx.put_u(ctx.u8(msti + 15));
      len -= kMstMstiLength;
      offset += kMstMstiLength;
    }
  }
}

// The 802.1aq (SPB) part after the MSTP one; only with -v.
void stp_spb_bpdu_print(PrintContext& ctx, const std::uint8_t* bpdu, unsigned offset) {
  if (!ctx.opt.verbose) return;
  const std::uint8_t* p = bpdu + offset;
  ctx.tcheck(p, 2);
  ctx.put("\n\tv4len ");
  ctx.put_u(ctx.be16(p));
  ctx.put(", AUXMCID Name ");
  ctx.print_padded_string(p + 3, 32);
  ctx.tcheck(p + 35, 2 + 16);
  ctx.put(", Rev ");
  ctx.put_u(ctx.be16(p + 35));
  ctx.put(",\n\t\tdigest ");
  for (unsigned i = 0; i < 16; i += 4) put_hex_padded(ctx, ctx.be32(p + 37 + i), 8);
  ctx.tcheck(p + 53, 34);  // everything up to the end of the agreement digest
  const std::uint8_t agreement = ctx.u8(p + 53);
  ctx.put("\n\tAgreement num ");
  ctx.put_u(agreement >> 6);
  ctx.put(", Discarded Agreement num ");
  ctx.put_u((agreement >> 4) & 0x3);
  ctx.put(", Agreement valid-flag ");
  ctx.put_u((agreement >> 3) & 0x1);
  ctx.put(",\n\tRestricted role-flag: ");
  ctx.put_u((agreement >> 2) & 0x1);
  const std::uint8_t format = ctx.u8(p + 55);
  ctx.put(", Format id ");
  ctx.put_u(format >> 4);
  ctx.put(" cap ");
  ctx.put_u(format);
  const std::uint8_t convention = ctx.u8(p + 56);
  ctx.put(", Convention id ");
  ctx.put_u(convention >> 4);
  ctx.put(" cap ");
  ctx.put_u(convention);
  ctx.put(",\n\tEdge count ");
  ctx.put_u(ctx.be16(p + 57));
  ctx.put(", Agreement digest ");
  for (unsigned i = 0; i < 20; i += 4) put_hex_padded(ctx, ctx.be32(p + 67 + i), 8);
}

// --- CDP (print-cdp.c) -----------------------------------------------------------------

const Tok kCdpCapabilityValues[] = {
    {0x01, "Router"},      {0x02, "Transparent Bridge"}, {0x04, "Source Route Bridge"},
    {0x08, "L2 Switch"},   {0x10, "L3 capable"},         {0x20, "IGMP snooping"},
    {0x40, "L1 capable"},  {0, nullptr},
};

enum class CdpValue {
  kNone, kString, kAddr, kCapability, kVersion, kPrefixes, kUint16, kDuplex, kAta186,
  kPower, kMtu, kUint8x, kPhysLoc
};

struct CdpTlv {
  const char* name;  // null: not a known type
  CdpValue printer;
  int min_len;  // -1: no bound
  int max_len;
};

constexpr unsigned kCdpTypeMax = 0x17;
const CdpTlv kCdpTlvs[kCdpTypeMax + 1] = {
    {nullptr, CdpValue::kNone, 0, 0},  // gaps in tcpdump's table: no name, no printer
    {"Device-ID", CdpValue::kString, -1, -1},
    {"Address", CdpValue::kAddr, -1, -1},
    {"Port-ID", CdpValue::kString, -1, -1},
    {"Capability", CdpValue::kCapability, 4, 4},
    {"Version String", CdpValue::kVersion, -1, -1},
    {"Platform", CdpValue::kString, -1, -1},
    {"Prefixes", CdpValue::kPrefixes, -1, -1},
    {"Protocol-Hello option", CdpValue::kNone, -1, -1},
    {"VTP Management Domain", CdpValue::kString, -1, -1},
    {"Native VLAN ID", CdpValue::kUint16, 2, 2},
    {"Duplex", CdpValue::kDuplex, 1, 1},
    {nullptr, CdpValue::kNone, 0, 0},
    {nullptr, CdpValue::kNone, 0, 0},
    {"ATA-186 VoIP VLAN assignment", CdpValue::kAta186, 3, 3},
    {"ATA-186 VoIP VLAN request", CdpValue::kAta186, 2, 3},
    {"power consumption", CdpValue::kPower, 1, 3},
    {"MTU", CdpValue::kMtu, 4, 4},
    {"AVVID trust bitmap", CdpValue::kUint8x, 1, 1},
    {"AVVID untrusted ports CoS", CdpValue::kUint8x, 1, 1},
    {"System Name", CdpValue::kString, -1, -1},
    {"System Object ID (not decoded)", CdpValue::kNone, -1, -1},
    {"Management Addresses", CdpValue::kAddr, 4, -1},
    {"Physical Location", CdpValue::kPhysLoc, 1, -1},
};

// nd_printn: each byte checked, printed as fn_print_char does.
void cdp_printn(PrintContext& ctx, const std::uint8_t* cp, unsigned len) {
  for (unsigned i = 0; i < len; ++i) ctx.print_char(ctx.u8(cp + i));
}

void cdp_put_hex_list(PrintContext& ctx, const std::uint8_t*& p, unsigned& l, unsigned n) {
  while (n != 0) {
    const std::uint8_t b = ctx.u8(p);
    ctx.put(' ');
    ctx.out.put_hex_byte(b);
    ++p;
    --l;
    --n;
  }
}

void cdp_addr_print(PrintContext& ctx, const std::uint8_t* p, unsigned l) {
  static constexpr std::uint8_t kProtIpv6[8] = {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd};
  auto invalid = [&]() { ctx.tcheck(p, l); };
  if (l < 4) {
    ctx.put(" (not enough space for num)");
    return invalid();
  }
  std::uint32_t num = ctx.be32(p);
  p += 4;
  l -= 4;
  while (num) {
    if (l < 2) {
      ctx.put(" (not enough space for PT+PL)");
      return invalid();
    }
    const unsigned pt = ctx.u8(p);
    const unsigned pl = ctx.u8(p + 1);
    p += 2;
    l -= 2;
    if (l < pl + 2) {
      ctx.put(" (not enough space for P+AL)");
      return invalid();
    }
    const unsigned al = ctx.be16(p + pl);  // also proves the protocol bytes were captured
    if (pt == 1 && pl == 1 && ctx.u8(p) == 0xcc && al == 4) {
      p += pl + 2;
      l -= pl + 2;
      if (l < al) {
        ctx.put(" (not enough space for A)");
        return invalid();
      }
      ctx.tcheck(p, 4);
      ctx.put("IPv4 (");
      ctx.put_u(num);
      ctx.put(") ");
      ctx.put_ipv4(p);
      p += al;
      l -= al;
    } else if (pt == 2 && pl == 8 && std::memcmp(p, kProtIpv6, 8) == 0 && al == 16) {
      p += pl + 2;
      l -= pl + 2;
      if (l < al) {
        ctx.put(" (not enough space for A)");
        return invalid();
      }
      ctx.tcheck(p, 16);
      ctx.put("IPv6 (");
      ctx.put_u(num);
      ctx.put(") ");
      ctx.put_ipv6(p);
      p += al;
      l -= al;
    } else {
      ctx.put("pt=0x");
      ctx.out.put_hex(pt, 2);
      ctx.put(", pl=");
      ctx.put_u(pl);
      ctx.put(", pb=");
      cdp_put_hex_list(ctx, p, l, pl);
      ctx.put(", al=");
      ctx.put_u(al);
      ctx.put(", a=");
      p += 2;
      l -= 2;
      if (l < al) {
        ctx.put(" (not enough space for A)");
        return invalid();
      }
      cdp_put_hex_list(ctx, p, l, al);
    }
    --num;
    if (num) ctx.put(' ');
  }
  if (l) {
    ctx.put(" (");
    ctx.put_u(l);
    ctx.put(" bytes of stray data)");
  }
}

void cdp_value_print(PrintContext& ctx, CdpValue printer, const std::uint8_t* cp, unsigned len) {
  switch (printer) {
    case CdpValue::kNone:
      ctx.tcheck(cp, len);
      break;
    case CdpValue::kString:
      ctx.put('\'');
      cdp_printn(ctx, cp, len);
      ctx.put('\'');
      break;
    case CdpValue::kAddr:
      cdp_addr_print(ctx, cp, len);
      break;
    case CdpValue::kCapability: {
      const std::uint32_t val = ctx.be32(cp);
      ctx.put("(0x");
      ctx.out.put_hex(val, 8);
      ctx.put("): ");
      put_bittok(ctx, kCdpCapabilityValues, val, "none", ", ");
      break;
    }
    case CdpValue::kVersion:
      ctx.put("\n\t  ");
      for (unsigned i = 0; i < len; ++i) {
        const std::uint8_t c = ctx.u8(cp + i);
        if (c == '\n')
          ctx.put("\n\t  ");
        else
          ctx.print_char(c);
      }
      break;
    case CdpValue::kPrefixes:
      if (len % 5) {
        ctx.put(" [length ");
        ctx.put_u(len);
        ctx.put(" is not a multiple of 5]");
        ctx.tcheck(cp, len);
        break;
      }
      ctx.put(" IPv4 Prefixes (");
      ctx.put_u(len / 5);
      ctx.put("):");
      for (; len > 0; len -= 5, cp += 5) {
        ctx.tcheck(cp, 5);
        ctx.put(' ');
        for (int i = 0; i < 4; ++i) {
          if (i) ctx.put('.');
          ctx.put_u(cp[i]);
        }
        ctx.put('/');
        ctx.put_u(cp[4]);
      }
      break;
    case CdpValue::kUint16:
      ctx.put_u(ctx.be16(cp));
      break;
    case CdpValue::kDuplex:
      ctx.put(ctx.u8(cp) ? "full" : "half");
      break;
    case CdpValue::kAta186:
      if (len == 2) {
        const unsigned v = ctx.be16(cp);
        ctx.put("unknown 0x");
        ctx.out.put_hex(v, 4);
      } else {
        ctx.tcheck(cp, 3);
        ctx.put("app ");
        ctx.put_u(cp[0]);
        ctx.put(", vlan ");
        ctx.put_u(load_be16(cp + 1));
      }
      break;
    case CdpValue::kPower: {
      unsigned val = len == 1 ? ctx.u8(cp) : len == 2 ? ctx.be16(cp) : ctx.be24(cp);
      // "%1.2fW" of val / 1000.0: rare enough to let the C library round it.
      char buf[32];
      int n = std::snprintf(buf, sizeof buf, "%1.2fW", val / 1000.0);
      ctx.put(std::string_view(buf, static_cast<std::size_t>(n)));
      break;
    }
    case CdpValue::kMtu:
      ctx.put_u(ctx.be32(cp));
      ctx.put(" bytes");
      break;
    case CdpValue::kUint8x:
      ctx.put("0x");
      ctx.out.put_hex(ctx.u8(cp), 2);
      break;
    case CdpValue::kPhysLoc:
      ctx.put("0x");
      ctx.out.put_hex(ctx.u8(cp), 2);
      if (len > 1) {
        ctx.put('/');
        cdp_printn(ctx, cp + 1, len - 1);
      }
      break;
  }
}

void cdp_print(PrintContext& ctx, const std::uint8_t* tptr, unsigned length) {
  ctx.protocol = "cdp";
  const unsigned orig_length = length;
  auto invalid = [&]() {
    ctx.print_invalid();
    ctx.tcheck(tptr, length);
  };
  if (length < 4) {
    ctx.put(" (packet length ");
    ctx.put_u(length);
    ctx.put(" < 4)");
    return invalid();
  }
  ctx.tcheck(tptr, 2);
  ctx.put("CDPv");
  ctx.put_u(tptr[0]);
  ctx.put(", ttl: ");
  ctx.put_u(tptr[1]);
  ctx.put('s');
  const std::uint16_t checksum = ctx.be16(tptr + 2);
  if (ctx.opt.verbose) {
    ctx.put(", checksum: 0x");
    ctx.out.put_hex(checksum, 4);
    ctx.put(" (unverified), length ");
    ctx.put_u(orig_length);
  }
  tptr += 4;
  length -= 4;
  while (length) {
    if (length < 4) {
      ctx.put(" (remaining packet length ");
      ctx.put_u(length);
      ctx.put(" < 4)");
      return invalid();
    }
    const unsigned type = ctx.be16(tptr);
    unsigned len = ctx.be16(tptr + 2);  // includes the 4-byte TLV header
    // Watch out: a type inside the table's range but without a name still counts as known
    // (its value is checked, not dumped, with -v).
    const CdpTlv* info = type <= kCdpTypeMax ? &kCdpTlvs[type] : nullptr;
    const char* name = info && info->name ? info->name : "unknown field type";
    if (len < 4) {
      if (ctx.opt.verbose) {
        ctx.put("\n\t");
        ctx.put(name);
        ctx.put(" (0x");
        ctx.out.put_hex(type, 2);
        ctx.put("), TLV length: ");
        ctx.put_u(len);
        ctx.put(len == 1 ? " byte" : " bytes");
        ctx.put(" (too short)");
      } else {
        ctx.put(", ");
        ctx.put(name);
        ctx.put(" TLV length ");
        ctx.put_u(len);
        ctx.put(" too short");
      }
      return invalid();
    }
    if (len > length) {
      ctx.put(" (TLV length ");
      ctx.put_u(len);
      ctx.put(" > ");
      ctx.put_u(length);
      ctx.put(')');
      return invalid();
    }
    tptr += 4;
    length -= 4;
    len -= 4;
    if (!ctx.opt.verbose && type == 0x01) {
      ctx.put(", Device-ID ");
    } else if (ctx.opt.verbose) {
      ctx.put("\n\t");
      ctx.put(name);
      ctx.put(" (0x");
      ctx.out.put_hex(type, 2);
      ctx.put("), value length: ");
      ctx.put_u(len);
      ctx.put(len == 1 ? " byte: " : " bytes: ");
    }
    bool covered = false;
    if (info) {
      if ((info->min_len > 0 && len < static_cast<unsigned>(info->min_len)) ||
          (info->max_len > 0 && len > static_cast<unsigned>(info->max_len))) {
        ctx.put(" (malformed TLV)");
      } else if (ctx.opt.verbose || type == 0x01) {
        cdp_value_print(ctx, info->printer, tptr, len);
        covered = true;
      }
    }
    if (!covered) {
      ctx.tcheck(tptr, len);
      hex_print(ctx.out, "\n\t  ", tptr, len);
    }
    tptr += len;
    length -= len;
  }
  if (!ctx.opt.verbose) {
    ctx.put(", length ");
    ctx.put_u(orig_length);
  }
}

// --- SNAP ------------------------------------------------------------------------------

// snap_print(): true when the payload was printed.
bool snap_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen,
                const std::uint8_t* src, const std::uint8_t* dst, unsigned bridge_pad) {
  ctx.protocol = "snap";
  // Watch out: print-llc.c's checks do not unwind (no ND_LONGJMP_FROM_TCHECK): a short
  // SNAP header prints " [|snap]" and counts as printed, so -x/-X then dump nothing.
  if (!ctx.ttest(p, 5) || caplen < 5 || length < 5) {
    ctx.print_trunc();
    return true;
  }
  const std::uint32_t oui = load_be24(p);
  const std::uint16_t et = load_be16(p + 3);
  if (ctx.opt.link_header) {
    ctx.put("oui ");
    put_name(ctx, kOuiValues, oui, "Unknown");
    ctx.put(" (0x");
    ctx.out.put_hex(oui, 6);
    ctx.put(oui == kOuiEncapEther ? "), ethertype " : "), pid ");
    put_name(ctx, pid_table(oui), et, "Unknown");
    ctx.put(" (0x");
    ctx.out.put_hex(et, 4);
    ctx.put("), length ");
    ctx.put_u(length - 5);
    ctx.put(": ");
  }
  p += 5;
  length -= 5;
  caplen -= 5;

  switch (oui) {
    case kOuiEncapEther:
    case kOuiCisco90:
      if (ethertype_print(ctx, et, p, length, caplen, src, dst)) return true;
      break;
    case kOuiAppletalk:
      if (et == 0x809b && ethertype_print(ctx, et, p, length, caplen, src, dst)) return true;
      break;
    case kOuiCisco:
      if (et == kPidCiscoCdp) {
        cdp_print(ctx, p, length);
        return true;
      }
      if (et == kPidCiscoPvst || et == kPidCiscoVlanBridge) {
        stp_print(ctx, p, length);
        return true;
      }
      break;
    case kOuiRfc2684:
      if (et == kPidRfc2684EthFcs || et == kPidRfc2684EthNoFcs) {
        if (!ctx.ttest(p, bridge_pad)) {
          ctx.print_trunc();
          return true;
        }
        ether_print(ctx, p + bridge_pad, length - bridge_pad, caplen - bridge_pad);
        return true;
      }
      if (et == kPidRfc2684Bpdu) {
        stp_print(ctx, p, length);
        return true;
      }
      break;
    default:
      break;
  }
  if (!ctx.opt.link_header) {
    if (src != nullptr && dst != nullptr) {
      ctx.put_mac(src);
      ctx.put(" > ");
      ctx.put_mac(dst);
      ctx.put(' ');
    }
    if (oui == kOuiEncapEther) {
      ctx.put("SNAP, ethertype ");
      put_name(ctx, kEthertypeValues, et, "Unknown");
      ctx.put(" (0x");
      ctx.out.put_hex(et, 4);
    } else {
      ctx.put("SNAP, oui ");
      put_name(ctx, kOuiValues, oui, "Unknown");
      ctx.put(" (0x");
      ctx.out.put_hex(oui, 6);
      ctx.put("), pid ");
      put_name(ctx, pid_table(oui), et, "Unknown");
      ctx.put(" (0x");
      ctx.out.put_hex(et, 4);
    }
    ctx.put("), length ");
    ctx.put_u(length);
    ctx.put(": ");
  }
  return false;
}

}  // namespace

void stp_print(PrintContext& ctx, const std::uint8_t* p, unsigned length) {
  ctx.protocol = "stp";
  if (length < 4) {
    ctx.print_invalid();
    return;
  }
  if (ctx.be16(p) != 0) {
    ctx.put("unknown STP version, length ");
    ctx.put_u(length);
    return;
  }
  const std::uint8_t version = ctx.u8(p + 2);
  ctx.put("STP ");
  if (const char* name = tok_lookup(kStpProtoValues, version)) {
    ctx.put(name);
  } else {
    ctx.put("Unknown STP protocol (0x");
    ctx.out.put_hex(version, 2);
    ctx.put(')');
    return;
  }
  const std::uint8_t type = ctx.u8(p + 3);
  ctx.put(", ");
  if (const char* name = tok_lookup(kStpBpduTypeValues, type)) {
    ctx.put(name);
  } else {
    ctx.put("Unknown BPDU Type (0x");
    ctx.out.put_hex(type, 2);
    ctx.put(')');
  }
  switch (type) {
    case 0x00:  // Config
      if (length < kStpBpduLen - 1) {
        ctx.print_invalid();
        return;
      }
      stp_config_bpdu_print(ctx, p, length);
      break;
    case 0x02:  // RSTP / MSTP / SPB
      if (version == 0x02) {
        if (length < kStpBpduLen) {
          ctx.print_invalid();
          return;
        }
        stp_config_bpdu_print(ctx, p, length);
      } else if (version == 0x03 || version == 0x04) {
        if (length < kStpMstpMinLen || ctx.u8(p + 35) != 0) {
          ctx.print_invalid();
          return;
        }
        const unsigned mstp_len = ctx.be16(p + kMstVer3LenOffset) + 2u;
        if (length < kStpBpduLen + mstp_len) {
          ctx.print_invalid();
          return;
        }
        stp_mstp_bpdu_print(ctx, p, length);
        if (version == 0x04) {
          const unsigned spb_len = ctx.be16(p + kMstVer3LenOffset + mstp_len) + 2u;
          if (length < kStpBpduLen + mstp_len + spb_len || spb_len < 87) {
            ctx.print_invalid();
            return;
          }
          stp_spb_bpdu_print(ctx, p, kStpBpduLen + mstp_len);
        }
      }
      break;
    default:  // Topology Change carries nothing more
      break;
  }
}

int llc_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen,
              const std::uint8_t* src, const std::uint8_t* dst) {
  ctx.protocol = "llc";
  auto short_header = [&](unsigned ret) {
    ctx.print_trunc();
    default_print(ctx, p, caplen);
    return static_cast<int>(ret);
  };
  if (caplen < 3) return short_header(caplen);
  if (length < 3) return short_header(length);

  const std::uint8_t dsap_field = ctx.u8(p);
  const std::uint8_t ssap_field = ctx.u8(p + 1);
  std::uint16_t control = ctx.u8(p + 2);
  bool is_u;
  unsigned hdrlen;
  if ((control & kLlcUFmt) == kLlcUFmt) {
    is_u = true;
    hdrlen = 3;
  } else {
    if (caplen < 4) return short_header(caplen);
    if (length < 4) return short_header(length);
    control = ctx.le16(p + 2);
    is_u = false;
    hdrlen = 4;
  }

  if (ssap_field == kSapGlobal && dsap_field == kSapGlobal) {
    // Novell "raw" 802.3 IPX: tcplens has no IPX printer.
    if (ctx.opt.link_header) ctx.put("IPX 802.3: ");
    ctx.put("IPX, length ");
    ctx.put_u(length);
    return 0;
  }

  const std::uint8_t dsap = dsap_field & ~kLlcIg;
  const std::uint8_t ssap = ssap_field & ~kLlcGsap;

  if (ctx.opt.link_header) {
    ctx.put("LLC, dsap ");
    put_name(ctx, kLlcValues, dsap, "Unknown");
    ctx.put(" (0x");
    ctx.out.put_hex(dsap, 2);
    ctx.put(") ");
    put_name(ctx, kLlcIgFlagValues, dsap_field & kLlcIg, "Unknown");
    ctx.put(", ssap ");
    put_name(ctx, kLlcValues, ssap, "Unknown");
    ctx.put(" (0x");
    ctx.out.put_hex(ssap, 2);
    ctx.put(") ");
    put_name(ctx, kLlcFlagValues, ssap_field & kLlcGsap, "Unknown");
    ctx.put(", ctrl 0x");
    ctx.out.put_hex(control, is_u ? 2 : 4);
    ctx.put(": ");
  }

  p += hdrlen;
  length -= hdrlen;
  caplen -= hdrlen;

  if (ssap == kSapSnap && dsap == kSapSnap && control == kLlcUi) {
    if (!snap_print(ctx, p, length, caplen, src, dst, 2)) return -static_cast<int>(hdrlen + 5);
    return static_cast<int>(hdrlen + 5);
  }
  if (ssap == kSap8021d && dsap == kSap8021d && control == kLlcUi) {
    stp_print(ctx, p, length);
    return static_cast<int>(hdrlen);
  }
  if (ssap == kSapIp && dsap == kSapIp && control == kLlcUi) {
    ip_print(ctx, p, length);
    return static_cast<int>(hdrlen);
  }

  if (!ctx.opt.link_header) {
    if (ssap == dsap) {
      if (src != nullptr && dst != nullptr) {
        ctx.put_mac(src);
        ctx.put(" > ");
        ctx.put_mac(dst);
        ctx.put(' ');
      }
      put_sap(ctx, dsap, "Unknown DSAP ");
      ctx.put(' ');
    } else {
      if (src != nullptr && dst != nullptr) {
        ctx.put_mac(src);
        ctx.put(' ');
      }
      put_sap(ctx, ssap, "Unknown SSAP ");
      ctx.put(" > ");
      if (src != nullptr && dst != nullptr) {
        ctx.put_mac(dst);
        ctx.put(' ');
      }
      put_sap(ctx, dsap, "Unknown DSAP ");
      ctx.put(' ');
    }
  }

  if (is_u) {
    ctx.put("Unnumbered, ");
    const unsigned cmd = control & 0xef;
    if (const char* name = tok_lookup(kLlcCmdValues, cmd))
      ctx.put(name);
    else
      ctx.out.put_hex(cmd, 2);
    ctx.put(", Flags [");
    put_name(ctx, kLlcFlagValues, (ssap_field & kLlcGsap) | (control & kLlcUPoll), "?");
    ctx.put("], length ");
    ctx.put_u(length + hdrlen);
    if ((control & ~kLlcUPoll) == kLlcXid) {
      if (length == 0) return static_cast<int>(hdrlen);
      if (caplen < 1) {
        ctx.print_trunc();
        return static_cast<int>(hdrlen);
      }
      if (ctx.u8(p) == kLlcXidFi) {
        if (caplen < 3 || length < 3) {
          ctx.print_trunc();
          default_print(ctx, p, caplen);
        } else {
          ctx.tcheck(p + 1, 2);
          ctx.put(": ");
          ctx.out.put_hex_byte(ctx.u8(p + 1));
          ctx.put(' ');
          ctx.out.put_hex_byte(ctx.u8(p + 2));
        }
        return static_cast<int>(hdrlen);
      }
    }
  } else if ((control & kLlcSFmt) == kLlcSFmt) {
    ctx.put("Supervisory, ");
    put_name(ctx, kLlcSupervisoryValues, (control >> 2) & 0x03, "?");
    ctx.put(", rcv seq ");
    ctx.put_u((control >> 9) & 0x7f);
    ctx.put(", Flags [");
    put_name(ctx, kLlcFlagValues, (ssap_field & kLlcGsap) | (control & kLlcIsPoll), "?");
    ctx.put("], length ");
    ctx.put_u(length + hdrlen);
    return static_cast<int>(hdrlen);
  } else {
    ctx.put("Information, send seq ");
    ctx.put_u((control >> 1) & 0x7f);
    ctx.put(", rcv seq ");
    ctx.put_u((control >> 9) & 0x7f);
    ctx.put(", Flags [");
    put_name(ctx, kLlcFlagValues, (ssap_field & kLlcGsap) | (control & kLlcIsPoll), "?");
    ctx.put("], length ");
    ctx.put_u(length + hdrlen);
  }
  return -static_cast<int>(hdrlen);
}

}  // namespace tcplens::tcpdump
