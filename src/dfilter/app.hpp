// What the display filter sees of HTTP and DNS in one packet: tshark's verdict on whether the
// frame carries the protocol (after its reassembly) and the bytes to read fields from.
#pragma once

#include <string>
#include <string_view>

#include "tcplens/bytes.hpp"

namespace tcplens::wireshark {
struct TlsFields;
}

namespace tcplens::dfilter {

struct AppResult {
  bool http = false;             // the frame shows http (a message, or a continuation)
  std::string_view http_message;  // the first message completed here: its line and headers
  bool dns = false;       // dns.* fields: DNS or mDNS
  bool mdns = false;      // mDNS (its frames have the dns.* fields but not `dns`)
  bool llmnr = false;     // LLMNR (the same)
  ByteView dns_message;  // from the DNS header on
  std::string names;     // scratch for DNS names (reused)
  // The other protocols the Wireshark-style renderer names in the Protocol column.
  bool ssh = false, smtp = false, ftp = false, resp = false, websocket = false, telnet = false;
  const wireshark::TlsFields* tls = nullptr;  // the frame's TLS records (null: no TLS)
};

}  // namespace tcplens::dfilter
