// The Protocol and Info columns tshark 4.0 shows for TLS over TCP (packet-tls.c dissect_ssl,
// read for the facts): "TLSv1 Client Hello", "TLSv1.2 Server Hello, Certificate, Server Hello
// Done", "Change Cipher Spec, Encrypted Handshake Message", "Application Data", "Encrypted
// Alert"; and what the display filter reads of each record (tls.record.*, tls.handshake.*).
// The state is what packet-tls.c keeps per conversation on its single pass: the session's
// version, and per direction the frame of its ChangeCipherSpec, a handshake message that
// runs on into the next record, and a record split over segments.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "render/wireshark/split_pdu.hpp"
#include "tcplens/bytes.hpp"

namespace tcplens::wireshark {

// The largest record kept whole: 2^14 bytes of plaintext, 2048 of expansion, the header.
inline constexpr std::size_t kTlsRecordCap = 16384 + 2048 + 5;

struct TlsStream {
  struct Direction {
    std::uint64_t ccs_frame = 0;      // frame of this side's ChangeCipherSpec (0: none yet)
    std::uint32_t hs_remaining = 0;   // bytes still to come of a handshake message
    std::uint8_t hs_type = 0;         // that message's type
    SplitPdu split{kTlsRecordCap};
  };
  std::uint16_t version = 0;  // session->version: 0 until a record other than ClientHello says
  Direction dir[2];           // [0] client (towards the TLS port), [1] server
};

// What one frame's records carry, for the display filter (each list in frame order).
struct TlsFields {
  static constexpr int kMax = 16;
  struct Record {
    std::uint8_t content_type;
    bool opaque;  // a TLS 1.3 record: tls.record.opaque_type, not content_type
    std::uint16_t version, length;
  };
  bool present = false;  // the TLS dissector was called (`tls`)
  int records = 0, handshakes = 0, hs_types = 0, hs_versions = 0, suites = 0, alerts = 0, alert_records = 0;
  bool change_cipher_spec = false;
  std::array<Record, kMax> record{};
  std::array<std::uint8_t, kMax> hs_type{};
  std::array<std::uint16_t, kMax> hs_version{};
  std::array<std::uint16_t, 64> suite{};
  std::array<std::uint8_t, kMax> alert_level{}, alert_desc{};
  std::string server_name;  // ClientHello's server_name extension (empty: none)
  void clear() {
    present = change_cipher_spec = false;
    records = handshakes = hs_types = hs_versions = suites = alerts = alert_records = 0;
    server_name.clear();
  }
};

// Whether `data` opens like a TLS record or an SSLv2 ClientHello (dissect_ssl_heur), which
// tshark's heuristic takes on a port no dissector owns.
bool looks_like_tls(ByteView data);

// packet-tls.c's tcp.port registrations in Wireshark 4.0 (https 443, smtps 465, ...).
bool tls_port(std::uint16_t port);

enum class TlsVerdict {
  Summary,     // `protocol` and `info` hold the columns
  TcpSegment,  // inside a split record, TLS not called: TCP's line plus the reassembly note
  NotTls,      // text (four printable bytes first): TCP's own line
};

// One TCP segment's payload (all of it captured). `prefix` is TCP's expert prefix, which
// the dissector's col_clear() leaves in place. `fields`, when given, receives the records.
TlsVerdict tls_info(TlsStream& s, ByteView data, bool from_server, std::uint64_t frame,
                    const std::string& prefix, std::string& protocol, std::string& info,
                    TlsFields* fields);

}  // namespace tcplens::wireshark
