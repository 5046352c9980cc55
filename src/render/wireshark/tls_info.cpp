// TLS summaries as Wireshark 4.0's packet-tls.c writes them (our own code, read for facts):
// dissect_ssl() sets the Protocol column from the session's version, clears Info and loops
// over the records of the segment; a record split over segments asks TCP for the rest; each
// record appends its text with ", ". While the session's version is unknown every record
// names its own version in the Protocol column; the first record other than a ClientHello
// fixes it, and a ServerHello sets it again from its hello (supported_versions for TLS 1.3).
#include "render/wireshark/tls_info.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace tcplens::wireshark {

namespace {

using Dir = TlsStream::Direction;

constexpr std::uint32_t kOneMoreSegment = SplitPdu::kOneMoreSegment;

// ssl_is_valid_content_type(): ChangeCipherSpec .. Heartbeat, and TLS 1.2's CID record.
bool valid_content_type(std::uint8_t t) { return t >= 20 && t <= 25; }

// ssl_31_handshake_type.
const char* handshake_name(std::uint8_t t) {
  switch (t) {
    case 0: return "Hello Request";
    case 1: return "Client Hello";
    case 2: return "Server Hello";
    case 3: return "Hello Verify Request";
    case 4: return "New Session Ticket";
    case 5: return "End of Early Data";
    case 6: return "Hello Retry Request";
    case 8: return "Encrypted Extensions";
    case 11: return "Certificate";
    case 12: return "Server Key Exchange";
    case 13: return "Certificate Request";
    case 14: return "Server Hello Done";
    case 15: return "Certificate Verify";
    case 16: return "Client Key Exchange";
    case 20: return "Finished";
    case 21: return "Client Certificate URL";
    case 22: return "Certificate Status";
    case 23: return "Supplemental Data";
    case 24: return "Key Update";
    case 25: return "Compressed Certificate";
    case 67: return "Encrypted Extensions";
    default: return nullptr;
  }
}

// ssl_version_short_names, with dissect_ssl's fallback.
const char* version_name(std::uint16_t v) {
  switch (v) {
    case 0x0002: return "SSLv2";
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLSv1";
    case 0x0302: return "TLSv1.1";
    case 0x0303: return "TLSv1.2";
    case 0x0304: return "TLSv1.3";
    default: return "SSL";
  }
}

// The versions dissect_ssl() dispatches on directly (TLS 1.3 takes the heuristic branch).
bool classic_version(std::uint16_t v) {
  return v == 0x0300 || v == 0x0301 || v == 0x0302 || v == 0x0303 || v == 0x0101;
}

const char* alert_level(std::uint8_t l) { return l == 1 ? "Warning" : l == 2 ? "Fatal" : "Unknown"; }

const char* alert_description(std::uint8_t d) {
  switch (d) {
    case 0: return "Close Notify";
    case 1: return "End of Early Data";
    case 10: return "Unexpected Message";
    case 20: return "Bad Record MAC";
    case 21: return "Decryption Failed";
    case 22: return "Record Overflow";
    case 30: return "Decompression Failure";
    case 40: return "Handshake Failure";
    case 41: return "No Certificate";
    case 42: return "Bad Certificate";
    case 43: return "Unsupported Certificate";
    case 44: return "Certificate Revoked";
    case 45: return "Certificate Expired";
    case 46: return "Certificate Unknown";
    case 47: return "Illegal Parameter";
    case 48: return "Unknown CA";
    case 49: return "Access Denied";
    case 50: return "Decode Error";
    case 51: return "Decrypt Error";
    case 60: return "Export Restriction";
    case 70: return "Protocol Version";
    case 71: return "Insufficient Security";
    case 80: return "Internal Error";
    case 86: return "Inappropriate Fallback";
    case 90: return "User Canceled";
    case 100: return "No Renegotiation";
    case 109: return "Missing Extension";
    case 110: return "Unsupported Extension";
    case 111: return "Certificate Unobtainable";
    case 112: return "Unrecognized Name";
    case 113: return "Bad Certificate Status Response";
    case 114: return "Bad Certificate Hash Value";
    case 115: return "Unknown PSK Identity";
    case 116: return "Certificate Required";
    case 120: return "No application Protocol";
    case 121: return "ECH Required";
    default: return "Unknown";
  }
}

// SHA-256 of "HelloRetryRequest": the random of a ServerHello that is an HRR (RFC 8446 4.1.3).
constexpr std::uint8_t kHrrRandom[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

// col_append_sep_str(..., NULL, s): ", " when the column already holds text.
void append_sep(std::string& info, std::string_view s) {
  if (!info.empty()) info += ", ";
  info += s;
}

struct Call {
  TlsStream& s;
  Dir& d;
  ByteView t;
  std::uint64_t frame;
  std::string& protocol;
  std::string& info;
  TlsFields* fields;
  std::size_t off = 0;
  std::uint32_t deseg = 0;  // bytes asked of TCP (kOneMoreSegment: a segment)
};

// ssl_try_set_version(): a message other than ClientHello fixes the session's version.
void try_set_version(TlsStream& s, std::uint8_t content_type, std::uint8_t hs_type, std::uint16_t v) {
  const bool authoritative = content_type == 22 ? handshake_name(hs_type) != nullptr && hs_type != 1
                                                : valid_content_type(content_type);
  if (!authoritative) return;
  if (content_type == 22 && hs_type == 2 && (v & 0xff00) == 0x7f00) v = 0x0304;  // TLS 1.3 drafts
  if (v < 0x0300 || v > 0x0304) return;
  s.version = v;
}

// A ClientHello or ServerHello body: the fields the filter reads; for a ServerHello the
// version it settles (supported_versions) and whether it is a HelloRetryRequest.
void scan_hello(Call& c, ByteView m, bool server, bool& hrr, std::uint16_t& chosen) {
  hrr = false;
  chosen = 0;
  if (m.size() < 2) return;
  const std::uint16_t version = load_be16(m, 0);
  chosen = version;
  if (c.fields && c.fields->hs_versions < TlsFields::kMax) c.fields->hs_version[c.fields->hs_versions++] = version;
  if (m.size() < 35) return;
  hrr = server && version == 0x0303 && std::memcmp(m.data() + 2, kHrrRandom, 32) == 0;
  std::size_t p = 34;
  const std::size_t sid = m[p];
  p += 1 + sid;
  if (server) {
    if (p + 3 > m.size()) return;
    if (c.fields && c.fields->suites < static_cast<int>(c.fields->suite.size()))
      c.fields->suite[c.fields->suites++] = load_be16(m, p);
    p += 3;
  } else {
    if (p + 2 > m.size()) return;
    const std::size_t n = load_be16(m, p);
    p += 2;
    for (std::size_t i = 0; i + 1 < n && p + i + 2 <= m.size(); i += 2)
      if (c.fields && c.fields->suites < static_cast<int>(c.fields->suite.size()))
        c.fields->suite[c.fields->suites++] = load_be16(m, p + i);
    p += n;
    if (p >= m.size()) return;
    p += 1 + m[p];
  }
  if (p + 2 > m.size()) return;
  const std::size_t end = std::min(m.size(), p + 2 + load_be16(m, p));
  p += 2;
  while (p + 4 <= end) {
    const std::uint16_t type = load_be16(m, p);
    const std::size_t len = load_be16(m, p + 2);
    const std::size_t body = p + 4;
    if (body + len > end) break;
    if (server && type == 43 && len == 2) chosen = load_be16(m, body);
    if (!server && type == 0 && len >= 5 && c.fields && c.fields->server_name.empty()) {
      // server_name_list: its length, then (type, length, name); the host_name entry.
      const std::size_t name_len = load_be16(m, body + 3);
      if (m[body + 2] == 0 && body + 5 + name_len <= body + len)
        c.fields->server_name.assign(reinterpret_cast<const char*>(m.data() + body + 5), name_len);
    }
    p = body + len;
  }
}

// is_encrypted_handshake_message(): packet-tls.c cannot decrypt, so it guesses.
bool encrypted_handshake(const Call& c, ByteView rec) {
  if (rec.size() < 16) return false;
  if (rec[0] == 0 && rec[1] == 0 && rec[2] == 0 && rec[3] == 0 && rec[4] == 0) return true;  // a GCM nonce
  if (c.d.ccs_frame != 0 && c.frame > c.d.ccs_frame) return true;
  return handshake_name(rec[0]) == nullptr || load_be24(rec.data() + 1) >= 0x10000;
}

void count_handshake(Call& c, std::uint8_t type) {
  if (c.fields == nullptr) return;
  ++c.fields->handshakes;
  if (type != 0xff && c.fields->hs_types < TlsFields::kMax) c.fields->hs_type[c.fields->hs_types++] = type;
}

// dissect_tls_handshake(): the messages of one handshake record.
void dissect_handshake(Call& c, ByteView rec) {
  std::size_t p = 0;
  bool first = true;
  if (c.d.hs_remaining > 0) {
    // The rest of a message begun in an earlier record.
    const std::size_t take = std::min<std::size_t>(c.d.hs_remaining, rec.size());
    c.d.hs_remaining -= static_cast<std::uint32_t>(take);
    p = take;
    if (c.d.hs_remaining == 0) {
      append_sep(c.info, handshake_name(c.d.hs_type));
      count_handshake(c, c.d.hs_type);
    } else {
      count_handshake(c, 0xff);
    }
    first = false;
  } else if (encrypted_handshake(c, rec)) {
    append_sep(c.info, "Encrypted Handshake Message");
    count_handshake(c, 0xff);
    return;
  }
  while (p < rec.size()) {
    if (rec.size() - p < 4) return;  // a header cut short: nothing more to show
    const std::uint8_t type = rec[p];
    const std::uint32_t len = load_be24(rec.data() + p + 1);
    const char* name = handshake_name(type);
    if (name == nullptr) {
      if (first) {
        append_sep(c.info, "Encrypted Handshake Message");
        count_handshake(c, 0xff);
      }
      return;
    }
    if (len > rec.size() - p - 4) {
      // Runs on into the next record: reassembled there.
      if (first) append_sep(c.info, std::string("[") + name + " Fragment]");
      count_handshake(c, 0xff);
      c.d.hs_remaining = static_cast<std::uint32_t>(len - (rec.size() - p - 4));
      c.d.hs_type = type;
      return;
    }
    const ByteView body = rec.subspan(p + 4, len);
    bool hrr = false;
    if (type == 1 || type == 2) {
      std::uint16_t chosen = 0;
      scan_hello(c, body, type == 2, hrr, chosen);
      if (type == 2) {
        if (first) try_set_version(c.s, 22, 2, chosen);
        c.protocol = version_name(c.s.version);
      }
    }
    append_sep(c.info, hrr ? "Hello Retry Request" : name);
    count_handshake(c, type);
    p += 4 + len;
    first = false;
  }
}

enum class Step { Ok, NeedMore };

// dissect_ssl3_record(): one record at c.off.
Step dissect_record(Call& c) {
  const ByteView t = c.t;
  const std::size_t avail = t.size() - c.off;
  const std::uint16_t sv = c.s.version;
  if ((sv == 0x0301 || sv == 0x0302 || sv == 0x0303 || sv == 0x0101) && avail >= 1 &&
      !valid_content_type(t[c.off])) {
    append_sep(c.info, "Ignored Unknown Record");
    c.off = t.size();
    return Step::Ok;
  }
  if (avail < 5) {
    c.deseg = kOneMoreSegment;
    return Step::NeedMore;
  }
  const std::uint8_t type = t[c.off];
  std::uint16_t version = load_be16(t, c.off + 1);
  const std::uint16_t length = load_be16(t, c.off + 3);
  if (!valid_content_type(type)) {
    append_sep(c.info, "Continuation Data");
    c.off += 5 + std::size_t{length};
    return Step::Ok;
  }
  if (avail < std::size_t{length} + 5) {
    c.deseg = static_cast<std::uint32_t>(std::size_t{length} + 5 - avail);
    return Step::NeedMore;
  }
  const ByteView rec = t.subspan(c.off + 5, length);
  if (c.fields && c.fields->records < TlsFields::kMax)
    c.fields->record[c.fields->records++] = {type, sv == 0x0304 && type == 23, version, length};
  if (sv == 0) {
    try_set_version(c.s, type, rec.empty() ? 0xff : rec[0], version);
    c.protocol = version_name(version);
  } else {
    version = sv;
  }
  switch (type) {
    case 20:
      append_sep(c.info, "Change Cipher Spec");
      c.d.ccs_frame = c.frame;
      if (c.fields) c.fields->change_cipher_spec = true;
      break;
    case 21:
      if (c.fields) ++c.fields->alert_records;
      if (length != 2) {
        append_sep(c.info, "Encrypted Alert");
      } else {
        append_sep(c.info, std::string("Alert (Level: ") + alert_level(rec[0]) +
                               ", Description: " + alert_description(rec[1]) + ")");
        if (c.fields && c.fields->alerts < TlsFields::kMax) {
          c.fields->alert_level[c.fields->alerts] = rec[0];
          c.fields->alert_desc[c.fields->alerts++] = rec[1];
        }
      }
      break;
    case 22: dissect_handshake(c, rec); break;
    case 23: append_sep(c.info, "Application Data"); break;
    case 24: {
      if (version == 0x0304) break;
      const std::size_t payload = rec.size() >= 3 ? load_be16(rec, 1) : 0;
      const bool plain = length <= 19 || 3 + payload + 16 <= length;
      if (plain && !rec.empty() && (rec[0] == 1 || rec[0] == 2))
        append_sep(c.info, rec[0] == 1 ? "Heartbeat Request" : "Heartbeat Response");
      else
        append_sep(c.info, "Encrypted Heartbeat");
      break;
    }
    default: break;  // 25, a CID record: nothing to show without its keys
  }
  c.off += 5 + std::size_t{length};
  return Step::Ok;
}

// An SSLv2 record (its two-byte header with the top bit set): only its ClientHello is named.
void dissect_sslv2(Call& c) {
  const ByteView t = c.t;
  const std::size_t len = (std::size_t{t[c.off] & 0x7fu} << 8) | t[c.off + 1];
  c.protocol = "SSLv2";
  if (c.off + 2 < t.size()) {
    switch (t[c.off + 2]) {
      case 1: append_sep(c.info, "Client Hello"); break;
      case 2: append_sep(c.info, "Client Master Key"); break;
      case 4: append_sep(c.info, "Server Hello"); break;
      default: append_sep(c.info, "Encrypted Data"); break;
    }
  }
  c.off += 2 + len;
}

// dissect_ssl()'s loop over one tvb's records; false when it asked TCP for more.
bool dissect(Call& c) {
  while (c.off < c.t.size()) {
    const ByteView t = c.t;
    const std::size_t avail = t.size() - c.off;
    if (avail < 5) {
      c.deseg = kOneMoreSegment;
      return false;
    }
    if (classic_version(c.s.version)) {
      if (t[c.off] == 0x80 && t[c.off + 2] == 0x01) dissect_sslv2(c);
      else if (dissect_record(c) == Step::NeedMore) return false;
    } else {
      const std::uint8_t b2 = t[c.off + 2];
      const std::uint16_t v = load_be16(t, c.off + 1);
      if (t[c.off] >= 0x80 && (b2 == 0 || b2 == 1 || b2 == 2 || b2 == 4)) {
        dissect_sslv2(c);
      } else if (valid_content_type(t[c.off]) && classic_version(v)) {
        if (dissect_record(c) == Step::NeedMore) return false;
      } else {
        append_sep(c.info, "Continuation Data");
        c.off = t.size();
      }
    }
  }
  return true;
}

}  // namespace

bool looks_like_tls(ByteView d) {
  if (d.size() >= 5 && (d[0] == 22 || d[0] == 23)) {
    const std::uint16_t v = load_be16(d, 1), len = load_be16(d, 3);
    return (v == 0x0300 || v == 0x0301 || v == 0x0302 || v == 0x0303 || v == 0x0101) && len >= 1 &&
           len < 16384 + 2048;
  }
  // An SSLv2 ClientHello: cipher specs a multiple of 3, a session id of 0 or 16, a 32-byte challenge.
  if (d.size() >= 46 && d[0] == 0x80 && d[2] == 1) {
    const std::size_t specs = load_be16(d, 5), sid = load_be16(d, 7), challenge = load_be16(d, 9);
    return specs != 0 && specs % 3 == 0 && (sid == 0 || sid == 16) && challenge == 32;
  }
  return false;
}

bool tls_port(std::uint16_t p) {
  switch (p) {
    case 324: case 443: case 465: case 636: case 802: case 853: case 993: case 995: case 1300:
    case 2221: case 2443: case 3249: case 3250: case 3251: case 3252: case 3496: case 5061:
    case 5671: case 5684: case 5868: case 8883: case 11207: case 19999: case 27017:
      return true;
    default:
      return false;
  }
}

TlsVerdict tls_info(TlsStream& s, ByteView data, bool from_server, std::uint64_t frame,
                    const std::string& prefix, std::string& protocol, std::string& info,
                    TlsFields* fields) {
  Dir& d = s.dir[from_server ? 1 : 0];
  std::size_t used = 0;  // bytes of `data` that complete a split record
  const bool reassembled = d.split.active();
  if (reassembled && !d.split.complete(data, used)) return TlsVerdict::TcpSegment;
  // Four printable characters first: text, not TLS; dissect_ssl() hands it back to TCP.
  if (!reassembled && data.size() > 4 &&
      std::all_of(data.begin(), data.begin() + 4, [](std::uint8_t b) { return b >= 0x20 && b < 0x7f; }))
    return TlsVerdict::NotTls;
  if (fields) fields->present = true;
  protocol = version_name(s.version);
  info = prefix;  // col_clear() stops at the fence behind TCP's expert prefix
  std::string pdu;
  d.split.calls(data, reassembled, used, pdu, [&](ByteView tvb, bool first_pdu) {
    Call c{s, d, tvb, frame, protocol, info, fields};
    if (dissect(c)) return true;
    d.split.stop(tvb, c.off, c.deseg, first_pdu, protocol, info);
    return false;
  });
  return TlsVerdict::Summary;
}

}  // namespace tcplens::wireshark
