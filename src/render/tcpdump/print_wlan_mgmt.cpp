// IEEE 802.11 management frame bodies (IEEE 802.11-2020 9.3.3) as tcpdump 4.99.3's
// print-802_11.c prints them: the subtype's name, then per subtype the fixed fields and the
// elements tcpdump keeps from parse_elements() (the first SSID, the first non-empty rates,
// the first one-byte DS parameter set), capability, reason and status text. Elements are
// walked against both the captured and the on-wire length, as tcpdump does: a short one
// ends the walk and the frame prints what it has, then " [|802.11]".
#include <cstdint>
#include <iterator>
#include <string_view>

#include "print_wlan.hpp"

namespace tcplens::tcpdump {

namespace {

// Subtypes (IEEE 802.11-2020 table 9-1).
constexpr unsigned kAssocRequest = 0, kAssocResponse = 1, kReassocRequest = 2,
                   kReassocResponse = 3, kProbeRequest = 4, kProbeResponse = 5, kBeacon = 8,
                   kAtim = 9, kDisassoc = 10, kAuth = 11, kDeauth = 12, kAction = 13;

constexpr const char* kSubtypeName[] = {
    "Assoc Request", "Assoc Response", "ReAssoc Request", "ReAssoc Response",
    "Probe Request", "Probe Response", nullptr,          nullptr,
    "Beacon",        "ATIM",           "Disassociation", "Authentication",
    "DeAuthentication", "Action"};

// Element IDs tcpdump looks at (9.4.2), and the sizes of its buffers for them: longer
// elements make parse_elements() fail.
constexpr unsigned kEidSsid = 0, kEidRates = 1, kEidDs = 3, kEidTim = 5, kEidChallenge = 16;
constexpr unsigned kMaxSsid = 32, kMaxRates = 16, kMaxTimBitmap = 251, kMaxChallenge = 253;

constexpr std::uint16_t kCapEss = 0x0001, kCapPrivacy = 0x0010;

// What the body printers print of the elements (struct mgmt_body_t).
struct MgmtElements {
  const std::uint8_t* ssid = nullptr;  // present when not null; may be empty
  unsigned ssid_len = 0;
  const std::uint8_t* rates = nullptr;
  unsigned rates_len = 0;
  int channel = -1;
};

// A body being read: `length` on the wire, `caplen` captured, both from p.
struct Body {
  const std::uint8_t* p;
  unsigned length;
  unsigned caplen;
  bool have(unsigned off, unsigned n) const { return off + n <= length && off + n <= caplen; }
};

// parse_elements(): false where tcpdump's returns 0.
bool parse_elements(const Body& b, unsigned off, MgmtElements& e) {
  while (off < b.length) {
    if (!b.have(off, 2)) return false;
    const unsigned id = b.p[off], len = b.p[off + 1];
    if (!b.have(off + 2, len)) return false;
    const std::uint8_t* data = b.p + off + 2;
    if (id == kEidSsid) {
      if (len > kMaxSsid) return false;
      if (!e.ssid) e.ssid = data, e.ssid_len = len;
    } else if (id == kEidChallenge) {
      if (len > kMaxChallenge) return false;
    } else if (id == kEidRates) {
      if (len > kMaxRates) return false;
      if (!e.rates && len != 0) e.rates = data, e.rates_len = len;
    } else if (id == kEidDs) {
      if (len == 1 && e.channel < 0) e.channel = data[0];
    } else if (id == kEidTim) {
      if (len > 3 && len - 3 > kMaxTimBitmap) return false;
    }
    off += 2 + len;
  }
  return true;
}

// PRINT_SSID: the SSID as a C string (up to a NUL), escaped as fn_print_str does.
void ssid_print(PrintContext& ctx, const MgmtElements& e) {
  if (!e.ssid) return;
  ctx.put(" (");
  for (unsigned i = 0; i < e.ssid_len && e.ssid[i] != 0; ++i) ctx.print_char(e.ssid[i]);
  ctx.put(')');
}

// PRINT_RATES: each rate in Mb/s ("%2.1f" of half its low seven bits), '*' for a basic rate.
void rates_print(PrintContext& ctx, const MgmtElements& e) {
  if (!e.rates) return;
  for (unsigned i = 0; i < e.rates_len; ++i) {
    const unsigned half_mbits = e.rates[i] & 0x7f;
    ctx.put(i == 0 ? " [" : " ");
    ctx.put_u(half_mbits / 2);
    ctx.put(half_mbits % 2 ? ".5" : ".0");
    if (e.rates[i] & 0x80) ctx.put('*');
  }
  ctx.put(" Mbit]");
}

// PRINT_DS_CHANNEL: the channel, then PRIVACY from the capability.
void channel_privacy_print(PrintContext& ctx, const MgmtElements& e, std::uint16_t cap) {
  if (e.channel >= 0) {
    ctx.put(" CH: ");
    ctx.put_u(static_cast<unsigned>(e.channel));
  }
  if (cap & kCapPrivacy) ctx.put(", PRIVACY");
}

// Beacon and probe response: timestamp, beacon interval, capability, elements.
bool beacon_print(PrintContext& ctx, const Body& b, bool beacon) {
  if (!b.have(0, 12)) return false;
  const std::uint16_t cap = load_le16(b.p + 10);
  MgmtElements e;
  const bool ok = parse_elements(b, 12, e);
  ssid_print(ctx, e);
  rates_print(ctx, e);
  if (beacon) ctx.put(cap & kCapEss ? " ESS" : " IBSS");
  channel_privacy_print(ctx, e, cap);
  return ok;
}

// Association and reassociation responses: capability, status, AID (top two bits cleared).
bool assoc_response_print(PrintContext& ctx, const Body& b) {
  if (!b.have(0, 6)) return false;
  const std::uint16_t cap = load_le16(b.p), status = load_le16(b.p + 2);
  MgmtElements e;
  const bool ok = parse_elements(b, 6, e);
  ctx.put(" AID(");
  ctx.out.put_hex(load_le16(b.p + 4) & 0x3fff);
  ctx.put(") :");
  if (cap & kCapPrivacy) ctx.put(" PRIVACY ");
  ctx.put(": ");
  ctx.put(wlan_status_text(status));
  return ok;
}

// Authentication: algorithm, transaction sequence number, status (odd numbers only).
bool auth_print(PrintContext& ctx, const Body& b) {
  if (!b.have(0, 6)) return false;
  const unsigned alg = load_le16(b.p), seq = load_le16(b.p + 2), status = load_le16(b.p + 4);
  MgmtElements e;
  const bool ok = parse_elements(b, 6, e);
  constexpr const char* kAlgName[] = {"Open System", "Shared Key", "EAP"};
  ctx.put(" (");
  ctx.put(alg < std::size(kAlgName) ? kAlgName[alg] : "Reserved");
  ctx.put(")-");
  ctx.out.put_hex(seq);
  const bool challenge = alg == 1 && (seq == 2 || seq == 3);
  ctx.put(challenge ? " [Challenge Text] " : ": ");
  if (seq % 2) ctx.put(wlan_status_text(status));
  return ok;
}

// "Act#N" unless the category's table names the action.
void action_name(PrintContext& ctx, const char* const* names, unsigned count, unsigned action) {
  if (action < count && names[action]) {
    ctx.put(names[action]);
    return;
  }
  ctx.put("Act#");
  ctx.put_u(action);
}

void action_print(PrintContext& ctx, unsigned category, unsigned action) {
  static constexpr const char* kBa[] = {"ADDBA Request", "ADDBA Response", "DELBA"};
  static constexpr const char* kHt[] = {"TxChWidth", "MIMOPwrSave"};
  static constexpr const char* kMesh[] = {
      "MeshLink", "HWMP", "Gate Announcement", "Congestion Control", "MCCA Setup Request",
      "MCCA Setup Reply", "MCCA Advertisement Request", "MCCA Advertisement", "MCCA Teardown",
      "TBTT Adjustment Request", "TBTT Adjustment Response"};
  static constexpr const char* kMultihop[] = {"Proxy Update", "Proxy Update Confirmation"};
  static constexpr const char* kSelfProtect[] = {nullptr, "Peering Open", "Peering Confirm",
                                                 "Peering Close", "Group Key Inform",
                                                 "Group Key Acknowledge"};
  switch (category) {
    case 0: ctx.put("Spectrum Management Act#"), ctx.put_u(action); break;
    case 1: ctx.put("QoS Act#"), ctx.put_u(action); break;
    case 2: ctx.put("DLS Act#"), ctx.put_u(action); break;
    case 3: ctx.put("BA "), action_name(ctx, kBa, std::size(kBa), action); break;
    case 7: ctx.put("HT "), action_name(ctx, kHt, std::size(kHt), action); break;
    case 13: ctx.put("MeshAction "), action_name(ctx, kMesh, std::size(kMesh), action); break;
    case 14:
      ctx.put("MultiohopAction ");
      action_name(ctx, kMultihop, std::size(kMultihop), action);
      break;
    case 15:
      ctx.put("SelfprotectAction ");
      action_name(ctx, kSelfProtect, std::size(kSelfProtect), action);
      break;
    case 127: ctx.put("Vendor Act#"), ctx.put_u(action); break;
    default:
      ctx.put("Reserved(");
      ctx.put_u(category);
      ctx.put(") Act#");
      ctx.put_u(action);
      break;
  }
}

// Deauthentication and action frames name their sender (address 2) unless -e printed it.
void sender_print(PrintContext& ctx, const std::uint8_t* hdr) {
  if (ctx.opt.link_header) {
    ctx.put(": ");
    return;
  }
  ctx.put(" (");
  ctx.put_mac(hdr + 10);
  ctx.put("): ");
}

}  // namespace

bool wlan_wep_print(PrintContext& ctx, const std::uint8_t* p, unsigned caplen) {
  if (caplen < 4) return false;
  const std::uint32_t iv = load_le32(p);
  ctx.put(" IV:");
  const std::uint32_t iv24 = iv & 0xffffff;
  unsigned digits = 1;  // "%3x"
  for (std::uint32_t v = iv24 >> 4; v != 0; v >>= 4) ++digits;
  for (; digits < 3; ++digits) ctx.put(' ');
  ctx.out.put_hex(iv24);
  ctx.put(" Pad ");
  ctx.out.put_hex((iv >> 24) & 0x3f);
  ctx.put(" KeyID ");
  ctx.out.put_hex(iv >> 30);
  return true;
}

bool wlan_mgmt_body_print(PrintContext& ctx, std::uint16_t fc, const std::uint8_t* hdr,
                          const std::uint8_t* p, unsigned length, unsigned caplen) {
  const unsigned subtype = (fc >> 4) & 0xf;
  const char* name = subtype < std::size(kSubtypeName) ? kSubtypeName[subtype] : nullptr;
  if (name) {
    ctx.put(name);
  } else {
    ctx.put("Unhandled Management subtype(");
    ctx.out.put_hex(subtype);
    ctx.put(')');
  }
  if (fc & 0x4000) return wlan_wep_print(ctx, p, caplen);  // protected: tcpdump prints the IV
  const Body b{p, length, caplen};
  MgmtElements e;
  switch (subtype) {
    case kAssocRequest:
    case kReassocRequest: {
      const unsigned fixed = subtype == kAssocRequest ? 4 : 10;  // capability, listen (, AP)
      if (!b.have(0, fixed)) return false;
      const bool ok = parse_elements(b, fixed, e);
      ssid_print(ctx, e);
      if (subtype == kAssocRequest) {
        rates_print(ctx, e);
      } else {
        ctx.put(" AP : ");
        ctx.put_mac(p + 4);
      }
      return ok;
    }
    case kAssocResponse:
    case kReassocResponse: return assoc_response_print(ctx, b);
    case kProbeRequest: {
      const bool ok = parse_elements(b, 0, e);
      ssid_print(ctx, e);
      rates_print(ctx, e);
      return ok;
    }
    case kProbeResponse:
    case kBeacon: return beacon_print(ctx, b, subtype == kBeacon);
    case kDisassoc:
    case kDeauth: {
      if (!b.have(0, 2)) return false;
      if (subtype == kDeauth)
        sender_print(ctx, hdr);
      else
        ctx.put(": ");
      ctx.put(wlan_reason_text(load_le16(p)));
      return true;
    }
    case kAuth: return auth_print(ctx, b);
    case kAction:
      if (!b.have(0, 2)) return false;
      sender_print(ctx, hdr);
      action_print(ctx, p[0], p[1]);
      return true;
    case kAtim:
    default: return true;
  }
}

}  // namespace tcplens::tcpdump
