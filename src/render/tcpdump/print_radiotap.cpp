// The radiotap header (link type 127, radiotap.org) as tcpdump 4.99.3's print-802_11.c prints it
// before the 802.11 frame: every presence word in turn (bit 31 chains them), the fields of the
// radiotap namespace in bit order, each read at its natural alignment from the start of the header;
// bit 29 returns to the radiotap namespace, bit 30 opens a vendor namespace whose data tcpdump
// skips by the length the namespace item gives. A field tcpdump does not know ("[bit N]") or one
// past it_len (" [|802.11_radio]") ends the list; the frame after it_len is printed either way.
#include <bit>
#include <cstdint>
#include <iterator>

#include "print_wlan.hpp"

namespace tcplens::tcpdump {

namespace {

// tcpdump 4.99.3's HT rates (ieee80211_float_htrates, as it prints them with "%.1f"), in tenths of
// Mb/s, per MCS index 0-76: {20 MHz long GI, 20 MHz short GI, 40 MHz long, 40 MHz short}. 0: no
// rate (MCS 32 at 20 MHz).
constexpr std::uint16_t kHtRateTenths[77][4] = {
    {65, 72, 135, 150},       {130, 144, 270, 300},     {195, 217, 405, 450},
    {260, 289, 540, 600},     {390, 433, 810, 900},     {520, 578, 1080, 1200},
    {585, 650, 1215, 1350},   {650, 722, 1350, 1500},   {130, 144, 270, 300},
    {260, 289, 540, 600},     {390, 433, 810, 900},     {520, 578, 1080, 1200},
    {780, 867, 1620, 1800},   {1040, 1156, 2160, 2400}, {1170, 1300, 2430, 2700},
    {1300, 1444, 2700, 3000}, {195, 217, 405, 450},     {390, 433, 810, 900},
    {585, 650, 1215, 1350},   {780, 867, 1620, 1800},   {1170, 1300, 2430, 2700},
    {1560, 1733, 3240, 3600}, {1755, 1950, 3645, 4050}, {1950, 2167, 4050, 4500},
    {260, 289, 540, 600},     {520, 578, 1080, 1200},   {780, 867, 1620, 1800},
    {1040, 1156, 2160, 2400}, {1560, 1733, 3240, 3600}, {2080, 2311, 4320, 4800},
    {2340, 2600, 4860, 5400}, {2600, 2889, 5400, 6000}, {0, 0, 60, 67},
    {390, 433, 810, 900},     {520, 578, 1080, 1200},   {650, 722, 1350, 1500},
    {585, 650, 1215, 1350},   {780, 867, 1620, 1800},   {975, 1083, 2025, 2250},
    {520, 578, 1080, 1200},   {650, 722, 1350, 1500},   {650, 722, 1350, 1500},
    {780, 867, 1620, 1800},   {910, 1011, 1890, 2100},  {910, 1011, 1890, 2100},
    {1040, 1156, 2160, 2400}, {780, 867, 1620, 1800},   {975, 1083, 2025, 2250},
    {975, 1083, 2025, 2250},  {1170, 1300, 2430, 2700}, {1365, 1517, 2835, 3150},
    {1365, 1517, 2835, 3150}, {1560, 1733, 3240, 3600}, {650, 722, 1350, 1500},
    {780, 867, 1620, 1800},   {910, 1011, 1890, 2100},  {780, 867, 1620, 1800},
    {910, 1011, 1890, 2100},  {1040, 1156, 2160, 2400}, {1170, 1300, 2430, 2700},
    {1040, 1156, 2160, 2400}, {1170, 1300, 2430, 2700}, {1300, 1444, 2700, 3000},
    {1300, 1444, 2700, 3000}, {1430, 1589, 2970, 3300}, {975, 1083, 2025, 2250},
    {1170, 1300, 2430, 2700}, {1365, 1517, 2835, 3150}, {1170, 1300, 2430, 2700},
    {1365, 1517, 2835, 3150}, {1560, 1733, 3240, 3600}, {1755, 1950, 3645, 4050},
    {1560, 1733, 3240, 3600}, {1755, 1950, 3645, 4050}, {1950, 2167, 4050, 4500},
    {1950, 2167, 4050, 4500}, {2145, 2383, 4455, 4950},
};

// Radiotap field numbers (radiotap.org/fields/defined).
enum RadiotapBit : unsigned {
  kTsft = 0,
  kFlags = 1,
  kRate = 2,
  kChannel = 3,
  kFhss = 4,
  kDbmSignal = 5,
  kDbmNoise = 6,
  kLockQuality = 7,
  kTxAttenuation = 8,
  kDbTxAttenuation = 9,
  kDbmTxPower = 10,
  kAntenna = 11,
  kDbSignal = 12,
  kDbNoise = 13,
  kRxFlags = 14,
  kXChannel = 18,
  kMcs = 19,
  kAmpduStatus = 20,
  kVht = 21,
  kRadiotapNamespace = 29,
  kVendorNamespace = 30,
  kExt = 31
};

constexpr std::uint8_t kFlagFcs = 0x10, kFlagDataPad = 0x20;

// nd_cpack: reads aligned to their size from the start of the header, never past it_len.
struct Cpack {
  const std::uint8_t* base;
  unsigned len;
  unsigned off;
  // Aligns to `align` and takes `size` bytes; null when they are not there.
  const std::uint8_t* take(unsigned size, unsigned align) {
    const unsigned at = (off + align - 1) & ~(align - 1);
    if (at > len || size > len - at) return nullptr;
    off = at + size;
    return base + at;
  }
  bool advance(unsigned n) {
    if (n > len - off) return false;
    off += n;
    return true;
  }
};

void put_signed(PrintContext& ctx, int v) {
  if (v < 0) ctx.put('-');
  ctx.put_u(static_cast<unsigned>(v < 0 ? -v : v));
}

// "%d" then the field's unit and name.
void put_value(PrintContext& ctx, int v, const char* suffix) {
  put_signed(ctx, v);
  ctx.put(suffix);
}

// A name, "%u" and a space.
void put_labeled(PrintContext& ctx, const char* label, unsigned v) {
  ctx.put(label);
  ctx.put_u(v);
  ctx.put(' ');
}

// A rate in tenths as "%.1f".
void put_tenths(PrintContext& ctx, unsigned tenths) {
  ctx.put_u(tenths / 10);
  ctx.put('.');
  ctx.put_u(tenths % 10);
}

// print_chaninfo(): the frequency and the PHY its flags name (11n when the same presence word has
// the MCS field), then the HT channel width of an XChannel.
void chaninfo_print(PrintContext& ctx, unsigned freq, std::uint32_t flags, std::uint32_t present) {
  constexpr std::uint32_t kTurbo = 0x0010, kCck = 0x0020, kOfdm = 0x0040, k2Ghz = 0x0080,
                          k5Ghz = 0x0100, kDyn = 0x0400, kGfsk = 0x0800, kHalf = 0x4000,
                          kQuarter = 0x8000, kHt20 = 0x10000, kHt40u = 0x20000, kHt40d = 0x40000;
  ctx.put_u(freq);
  ctx.put(" MHz");
  if (present & (1u << kMcs)) {
    ctx.put(" 11n");
  } else {
    const char* width = (flags & kHalf) ? "/10Mhz" : (flags & kQuarter) ? "/5Mhz" : "";
    if ((flags & (k2Ghz | kGfsk)) == (k2Ghz | kGfsk)) ctx.put(" FHSS");
    if ((flags & (k5Ghz | kOfdm)) == (k5Ghz | kOfdm)) {
      ctx.put(" 11a");
      ctx.put(width);
    }
    if ((flags & (k2Ghz | kOfdm)) == (k2Ghz | kOfdm) ||
        (flags & (k2Ghz | kDyn)) == (k2Ghz | kDyn)) {
      ctx.put(" 11g");
      ctx.put(width);
    } else if ((flags & (k2Ghz | kCck)) == (k2Ghz | kCck)) {
      ctx.put(" 11b");
    }
    if (flags & kTurbo) ctx.put(" Turbo");
  }
  if (flags & kHt20)
    ctx.put(" ht/20");
  else if (flags & kHt40d)
    ctx.put(" ht/40-");
  else if (flags & kHt40u)
    ctx.put(" ht/40+");
  ctx.put(' ');
}

// The MCS field: known bits, flags, index (radiotap.org/fields/MCS).
void mcs_print(PrintContext& ctx, const std::uint8_t* f) {
  constexpr std::uint8_t kBwKnown = 0x01, kIndexKnown = 0x02, kGiKnown = 0x04, kFormatKnown = 0x08,
                         kFecKnown = 0x10, kStbcKnown = 0x20;
  const std::uint8_t known = f[0], flags = f[1], index = f[2];
  if (known & kIndexKnown) {
    unsigned tenths = 0;
    // tcpdump looks the rate up when either the bandwidth or the guard interval is known.
    if (index < std::size(kHtRateTenths) && (known & (kBwKnown | kGiKnown)))
      tenths = kHtRateTenths[index][((flags & 3) == 1 ? 2 : 0) + ((flags & 0x04) ? 1 : 0)];
    if (tenths) {
      put_tenths(ctx, tenths);
      ctx.put(" Mb/s ");
    }
    put_labeled(ctx, "MCS ", index);
  }
  static constexpr const char* kBandwidth[] = {"20 MHz", "40 MHz", "20 MHz (L)", "20 MHz (U)"};
  if (known & kBwKnown) ctx.put(kBandwidth[flags & 3]), ctx.put(' ');
  if (known & kGiKnown) ctx.put((flags & 0x04) ? "short GI " : "long GI ");
  if (known & kFormatKnown) ctx.put((flags & 0x08) ? "greenfield " : "mixed ");
  if (known & kFecKnown) ctx.put((flags & 0x10) ? "LDPC FEC " : "BCC FEC ");
  if (known & kStbcKnown) ctx.put("RX-STBC"), ctx.put_u((flags >> 5) & 3), ctx.put(' ');
}

// The VHT field: known, flags, bandwidth, four users' MCS/NSS, coding, group, partial AID.
void vht_print(PrintContext& ctx, const std::uint8_t* f) {
  const unsigned known = load_le16(f), flags = f[2], bandwidth = f[3] & 0x1f, coding = f[8];
  for (unsigned user = 0; user < 4; ++user) {
    const unsigned nss = f[4 + user] & 0x0f, mcs = f[4 + user] >> 4;
    if (nss == 0) continue;
    ctx.put("User ");
    ctx.put_u(user);
    ctx.put(" MCS ");
    ctx.put_u(mcs);
    ctx.put((coding & (1u << user)) ? " LDPC FEC " : " BCC FEC ");
  }
  // VHT bandwidth index (radiotap.org/fields/VHT) in tcpdump's words. Watch out: index 21
  // is "160 MHz (UUU)" in tcpdump's table, where LUU is meant; kept.
  static constexpr const char* kBandwidth[] = {
      "20 MHz", "40 MHz", "20 MHz (L)", "20 MHz (U)",
      "80 MHz", "80 MHz (L)", "80 MHz (U)", "80 MHz (LL)",
      "80 MHz (LU)", "80 MHz (UL)", "80 MHz (UU)", "160 MHz",
      "160 MHz (L)", "160 MHz (U)", "160 MHz (LL)", "160 MHz (LU)",
      "160 MHz (UL)", "160 MHz (UU)", "160 MHz (LLL)", "160 MHz (LLU)",
      "160 MHz (LUL)", "160 MHz (UUU)", "160 MHz (ULL)", "160 MHz (ULU)",
      "160 MHz (UUL)", "160 MHz (UUU)"};
  if (known & 0x0040) {
    if (bandwidth < std::size(kBandwidth)) {
      ctx.put(kBandwidth[bandwidth]);
    } else {
      ctx.put("unknown (");
      ctx.put_u(bandwidth);
      ctx.put(')');
    }
    ctx.put(' ');
  }
  if (known & 0x0004) ctx.put((flags & 0x04) ? "short GI " : "long GI ");
}

// print_radiotap_field(): false when the list ends here (unknown field or truncated).
bool field_print(PrintContext& ctx, Cpack& c, unsigned bit, std::uint8_t& flags,
                 std::uint32_t present) {
  const std::uint8_t* f = nullptr;
  switch (bit) {
    case kTsft:
      if (!(f = c.take(8, 8))) break;
      ctx.out.put_u64(load_le64(f));
      ctx.put("us tsft ");
      return true;
    case kFlags:
      if (!(f = c.take(1, 1))) break;
      flags = f[0];
      if (flags & 0x01) ctx.put("cfp ");
      if (flags & 0x02) ctx.put("short preamble ");
      if (flags & 0x04) ctx.put("wep ");
      if (flags & 0x08) ctx.put("fragmented ");
      if (flags & 0x40) ctx.put("bad-fcs ");
      return true;
    case kRate:  // 500 kb/s units, or 0x80 + an MCS index up to 15
      if (!(f = c.take(1, 1))) break;
      if (f[0] >= 0x80 && f[0] <= 0x8f) {
        put_labeled(ctx, "MCS ", f[0] & 0x7f);
      } else {
        put_tenths(ctx, f[0] * 5u);
        ctx.put(" Mb/s ");
      }
      return true;
    case kChannel:
      if (!(f = c.take(4, 2))) break;
      if (!(present & (1u << kXChannel)))
        chaninfo_print(ctx, load_le16(f), load_le16(f + 2), present);
      return true;
    case kFhss:  // tcpdump reads hop set and pattern as two bytes, unaligned
      if (!(f = c.take(2, 1))) break;
      put_labeled(ctx, "fhset ", f[0]);
      put_labeled(ctx, "fhpat ", f[1]);
      return true;
    case kDbmSignal:
    case kDbmNoise:
      if (!(f = c.take(1, 1))) break;
      put_value(ctx, static_cast<std::int8_t>(f[0]),
                bit == kDbmSignal ? "dBm signal " : "dBm noise ");
      return true;
    case kLockQuality:
      if (!(f = c.take(2, 2))) break;
      put_value(ctx, load_le16(f), " sq ");
      return true;
    case kTxAttenuation:
      if (!(f = c.take(2, 2))) break;
      put_value(ctx, -static_cast<std::int16_t>(load_le16(f)), " tx power ");
      return true;
    case kDbTxAttenuation:  // Watch out: a 16-bit field that tcpdump reads as one
                            // signed byte
      if (!(f = c.take(1, 1))) break;
      put_value(ctx, -static_cast<std::int8_t>(f[0]), "dB tx attenuation ");
      return true;
    case kDbmTxPower:
      if (!(f = c.take(1, 1))) break;
      put_value(ctx, static_cast<std::int8_t>(f[0]), "dBm tx power ");
      return true;
    case kAntenna:
      if (!(f = c.take(1, 1))) break;
      put_labeled(ctx, "antenna ", f[0]);
      return true;
    case kDbSignal:
    case kDbNoise:
      if (!(f = c.take(1, 1))) break;
      put_value(ctx, f[0], bit == kDbSignal ? "dB signal " : "dB noise ");
      return true;
    case kRxFlags:  // read, not printed
      if (!(f = c.take(2, 2))) break;
      return true;
    case kXChannel:  // flags, frequency, channel, max power
      if (!(f = c.take(8, 4))) break;
      chaninfo_print(ctx, load_le16(f + 4), load_le32(f), present);
      return true;
    case kMcs:
      if (!(f = c.take(3, 1))) break;
      mcs_print(ctx, f);
      return true;
    case kAmpduStatus:  // reference number, flags, delimiter CRC: read, not
                        // printed
      if (!(f = c.take(8, 4))) break;
      return true;
    case kVht:
      if (!(f = c.take(12, 2))) break;
      vht_print(ctx, f);
      return true;
    default:
      ctx.put("[bit ");
      ctx.put_u(bit);
      ctx.put("] ");
      return false;
  }
  ctx.print_trunc();
  return false;
}

}  // namespace

unsigned radiotap_if_print(PrintContext& ctx, const std::uint8_t* p, unsigned length,
                           unsigned caplen) {
  ctx.protocol = "802.11_radio";
  if (caplen < 8) {
    ctx.print_trunc();
    return caplen;
  }
  const unsigned len = load_le16(p + 2);
  if (len < 8 || caplen < len) {
    ctx.print_trunc();
    return caplen;
  }
  Cpack c{p, len, 8};
  unsigned last = 4;  // offset of the last presence word
  while (last + 4 <= len && (load_le32(p + last) & (1u << kExt))) {
    last += 4;
    c.advance(4);
  }
  if (last + 4 > len) {  // more presence words than the header holds
    ctx.print_trunc();
    return caplen;
  }
  unsigned bit0 = 0, skip = 0;
  bool vendor = false;
  std::uint8_t flags = 0;
  for (unsigned word = 4; word <= last; word += 4) {
    const std::uint32_t present = load_le32(p + word);
    if (vendor) {  // tcpdump decodes no vendor namespace: skip its data
      if (!c.advance(skip)) break;
      skip = 0;
    } else {
      bool ok = true;
      for (std::uint32_t bits = present; bits && ok; bits &= bits - 1) {
        const unsigned bitno = static_cast<unsigned>(std::countr_zero(bits));
        if (bitno >= kRadiotapNamespace) break;
        ok = field_print(ctx, c, bit0 + bitno, flags, present);
      }
      if (!ok) break;
    }
    const std::uint32_t ns = present & ((1u << kRadiotapNamespace) | (1u << kVendorNamespace));
    if (ns == 0) {
      bit0 += 32;
    } else if (ns == (1u << kRadiotapNamespace)) {
      bit0 = 0;
      vendor = false;
    } else if (ns == (1u << kVendorNamespace)) {
      bit0 = 0;
      vendor = true;
      // The namespace item: OUI, sub-namespace, then the length of its data.
      const std::uint8_t* item = c.take(4, 2);
      const std::uint8_t* skip_len = item ? c.take(2, 2) : nullptr;
      if (skip_len)
        skip = load_le16(skip_len);
      else
        ctx.print_trunc();
    }
  }
  const bool pad = flags & kFlagDataPad;
  const unsigned fcslen = (flags & kFlagFcs) ? 4 : 0;
  return len + wlan_frame_print(ctx, p + len, length - len, caplen - len, pad, fcslen);
}

}  // namespace tcplens::tcpdump
