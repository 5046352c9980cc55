// IEEE 802.11 frames (link type 105) and the radiotap header before them (127), as
// tcpdump 4.99's print-802_11.c prints them: the radiotap fields (print_radiotap.cpp), then
// the frame: control frames' names and addresses, management bodies (print_wlan_mgmt.cpp),
// protected frames' IV, and what a data frame carries through LLC/SNAP; with -e, the
// frame's flags and addresses.
#include "print_wlan.hpp"

namespace tcplens::tcpdump {

namespace {

constexpr unsigned kTypeMgmt = 0, kTypeCtrl = 1, kTypeData = 2;

// Control frame subtypes (IEEE 802.11-2020 table 9-1) and their fixed lengths, as tcpdump's
// extract_header_length() knows them; 0 for a subtype it does not decode.
constexpr unsigned kCtrlWrapper = 7, kCtrlBar = 8, kCtrlBa = 9, kCtrlPsPoll = 10, kCtrlRts = 11,
                   kCtrlCts = 12, kCtrlAck = 13, kCtrlCfEnd = 14, kCtrlCfEndAck = 15;

unsigned ctrl_header_length(unsigned subtype) {
  switch (subtype) {
    case kCtrlWrapper: return 16;  // FC, duration, address 1, carried FC, HT control
    case kCtrlBar: return 20;      // FC, duration, RA, TA, BAR control, sequence
    case kCtrlBa: return 10;       // tcpdump reads only FC, duration and RA of a BA
    case kCtrlPsPoll: case kCtrlRts: case kCtrlCfEnd: case kCtrlCfEndAck: return 16;
    case kCtrlCts: case kCtrlAck: return 10;
    default: return 0;
  }
}

unsigned wlan_header_length(std::uint16_t fc) {
  const unsigned type = (fc >> 2) & 3, subtype = (fc >> 4) & 0xf;
  if (type == kTypeCtrl) return ctrl_header_length(subtype);
  if (type == kTypeMgmt) return 24;
  if (type != kTypeData) return 0;  // reserved
  unsigned len = ((fc & 0x0300) == 0x0300) ? 30 : 24;  // to-DS and from-DS: a fourth address
  if (subtype & 0x8) len += 2;  // QoS control; tcpdump 4.99 counts no HT control (+HTC)
  return len;
}

const char* ctrl_name(unsigned subtype) {
  switch (subtype) {
    case kCtrlWrapper: return "Control Wrapper";
    case kCtrlBar: return "BAR";
    case kCtrlBa: return "BA";
    case kCtrlPsPoll: return "Power Save-Poll";
    case kCtrlRts: return "Request-To-Send";
    case kCtrlCts: return "Clear-To-Send";
    case kCtrlAck: return "Acknowledgment";
    case kCtrlCfEnd: return "CF-End";
    default: return "CF-End+CF-Ack";
  }
}

void put_addr(PrintContext& ctx, const char* name, const std::uint8_t* mac) {
  ctx.put(name);
  ctx.put_mac(mac);
  ctx.put(' ');
}

// The BAR's addresses, BAR control and starting sequence (tcpdump prints them the same with
// and without -e, with -e before the name).
void bar_print(PrintContext& ctx, const std::uint8_t* p) {
  put_addr(ctx, " RA:", p + 4);
  put_addr(ctx, "TA:", p + 10);
  ctx.put("CTL(");
  ctx.out.put_hex(ctx.le16(p + 16));
  ctx.put(") SEQ(");
  ctx.put_u(ctx.le16(p + 18));
  ctx.put(") ");
}

// -e: ctrl_header_print(), the addresses each subtype carries.
void ctrl_header_print(PrintContext& ctx, unsigned subtype, const std::uint8_t* p) {
  switch (subtype) {
    case kCtrlBar: bar_print(ctx, p); break;
    case kCtrlBa: case kCtrlCts: case kCtrlAck: put_addr(ctx, "RA:", p + 4); break;
    case kCtrlPsPoll: put_addr(ctx, "BSSID:", p + 4), put_addr(ctx, "TA:", p + 10); break;
    case kCtrlRts: put_addr(ctx, "RA:", p + 4), put_addr(ctx, "TA:", p + 10); break;
    case kCtrlCfEnd: case kCtrlCfEndAck:
      put_addr(ctx, "RA:", p + 4), put_addr(ctx, "BSSID:", p + 10);
      break;
    default: break;
  }
}

// ctrl_body_print(): the name, then (without -e, which printed them before) the addresses.
void ctrl_body_print(PrintContext& ctx, unsigned subtype, const std::uint8_t* p) {
  ctx.put(ctrl_name(subtype));
  if (subtype == kCtrlPsPoll) {
    ctx.put(" AID(");
    ctx.out.put_hex(ctx.le16(p + 2));
    ctx.put(')');
    return;
  }
  if (ctx.opt.link_header || subtype == kCtrlWrapper) return;
  switch (subtype) {
    case kCtrlBar: bar_print(ctx, p); break;
    case kCtrlRts: put_addr(ctx, " TA:", p + 10); break;
    default: put_addr(ctx, " RA:", p + 4); break;
  }
}

// -e: ieee_802_11_hdr_print()'s flags and duration (with -v) and, for data frames, the
// addresses named by the DS bits.
void wlan_header_print(PrintContext& ctx, std::uint16_t fc, const std::uint8_t* p) {
  const std::uint8_t flags = static_cast<std::uint8_t>(fc >> 8);
  if (ctx.opt.verbose) {  // the flags and the duration only with -v, as tcpdump
    if (flags & 0x20) ctx.put("More Data ");
    if (flags & 0x04) ctx.put("More Fragments ");
    if (flags & 0x10) ctx.put("Pwr Mgmt ");
    if (flags & 0x08) ctx.put("Retry ");
    if (flags & 0x80) ctx.put("Strictly Ordered ");
    if (flags & 0x40) ctx.put("Protected ");
    if (((fc >> 2) & 3) != kTypeCtrl || ((fc >> 4) & 0xf) != kCtrlPsPoll) {
      ctx.put_u(ctx.le16(p + 2));
      ctx.put("us ");
    }
  }
  if (((fc >> 2) & 3) == kTypeCtrl) ctrl_header_print(ctx, (fc >> 4) & 0xf, p);
  if (((fc >> 2) & 3) == kTypeMgmt)
    put_addr(ctx, "BSSID:", p + 16), put_addr(ctx, "DA:", p + 4), put_addr(ctx, "SA:", p + 10);
  if (((fc >> 2) & 3) != kTypeData) return;
  const unsigned subtype = (fc >> 4) & 0xf;
  if (subtype & 0xb) {  // CF-Ack, CF-Poll, QoS
    ctx.put("CF ");
    if (subtype & 1)
      ctx.put((subtype & 2) ? "Ack/Poll" : "Ack");
    else if (subtype & 2)
      ctx.put("Poll");
    if (subtype & 8) ctx.put("+QoS");
    ctx.put(' ');
  }
  auto addr = [&](const char* name, unsigned off) {
    ctx.put(name);
    ctx.put_mac(p + off);
    ctx.put(' ');
  };
  switch (flags & 0x03) {
    case 0x00: addr("DA:", 4), addr("SA:", 10), addr("BSSID:", 16); break;
    case 0x02: addr("DA:", 4), addr("BSSID:", 10), addr("SA:", 16); break;
    case 0x01: addr("BSSID:", 4), addr("SA:", 10), addr("DA:", 16); break;
    default: addr("RA:", 4), addr("TA:", 10), addr("DA:", 16), addr("SA:", 24); break;
  }
}

}  // namespace

unsigned wlan_frame_print(PrintContext& ctx, const std::uint8_t* p, unsigned length,
                          unsigned caplen, bool pad, unsigned fcslen) {
  ctx.protocol = "802.11";
  const unsigned orig_caplen = caplen;
  if (length < fcslen) {  // tcpdump compares the FCS with the length on the wire
    ctx.print_trunc();
    return caplen;
  }
  length -= fcslen;
  if (caplen > length) {  // only the FCS bytes that were captured come off
    ctx.snapend -= caplen - length;
    caplen = length;
  }
  if (caplen < 2) {
    ctx.print_trunc();
    return orig_caplen;
  }
  const std::uint16_t fc = ctx.le16(p);
  const unsigned type = (fc >> 2) & 3, subtype = (fc >> 4) & 0xf;
  unsigned hdrlen = wlan_header_length(fc);
  if (hdrlen == 0) {  // tcpdump names the subtype (or the reserved type 3) and stops
    ctx.put(type == kTypeCtrl ? "unknown 802.11 ctrl frame subtype ("
                              : "unknown 802.11 frame type (");
    ctx.put_u(type == kTypeCtrl ? subtype : type);
    ctx.put(')');
    return 0;
  }
  if (pad) hdrlen = (hdrlen + 3) & ~3u;
  if (caplen < hdrlen) {
    ctx.print_trunc();
    return hdrlen;
  }
  if (ctx.opt.link_header) wlan_header_print(ctx, fc, p);
  if (type == kTypeCtrl) {
    ctrl_body_print(ctx, subtype, p);
    return hdrlen;
  }
  length -= hdrlen;
  caplen -= hdrlen;
  p += hdrlen;
  if (type == kTypeMgmt) {
    if (!wlan_mgmt_body_print(ctx, fc, p - hdrlen, p, length, caplen)) ctx.print_trunc();
    return hdrlen;
  }
  if (subtype & 0x4) return hdrlen;  // null function: no data
  if (fc & 0x4000) {
    ctx.put("Data");
    if (!wlan_wep_print(ctx, p, caplen)) ctx.print_trunc();
    return hdrlen;
  }
  // get_data_src_dst_mac(): the addresses the DS bits name, for LLC's "src > dst".
  const std::uint8_t* h = p - hdrlen;
  const std::uint8_t* src = (fc & 0x0100) ? ((fc & 0x0200) ? h + 24 : h + 10)
                                          : ((fc & 0x0200) ? h + 16 : h + 10);
  const std::uint8_t* dst = (fc & 0x0100) ? h + 16 : h + 4;
  int llc_len = llc_print(ctx, p, length, caplen, src, dst);
  if (llc_len < 0) {
    if (!suppress_default_print(ctx)) default_print(ctx, p, caplen);
    llc_len = -llc_len;
  }
  return hdrlen + static_cast<unsigned>(llc_len);
}


unsigned wlan_if_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen) {
  return wlan_frame_print(ctx, p, length, caplen, false, 0);
}

}  // namespace tcplens::tcpdump
