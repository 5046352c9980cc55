// Private to the tcpdump renderer: the parts of IEEE 802.11 printing (print_wlan.cpp) that
// live in their own files: the radiotap header (print_radiotap.cpp), management frame
// bodies (print_wlan_mgmt.cpp) and the text of reason and status codes (wlan_codes.cpp). Pointers are into the packet being printed.
#pragma once

#include <cstdint>

#include "print_context.hpp"

namespace tcplens::tcpdump {

// ieee802_11_print(): the frame at p (after any radiotap header), with `pad` when the
// header is padded to 4 bytes and `fcslen` FCS bytes at the end. Returns the header length.
unsigned wlan_frame_print(PrintContext& ctx, const std::uint8_t* p, unsigned length,
                          unsigned caplen, bool pad, unsigned fcslen);

// wep_print(): " IV:... Pad ... KeyID ..." from the 4 bytes after the header (WEP's IV and
// key id; the first 4 bytes of TKIP's and CCMP's header, read the same way). False when
// they were not captured.
bool wlan_wep_print(PrintContext& ctx, const std::uint8_t* p, unsigned caplen);

// mgmt_body_print(): the subtype's name and what tcpdump prints of its body. `hdr` is the
// 24-byte header, `p` the body with `length` bytes on the wire and `caplen` captured. False
// when tcpdump would print " [|802.11]" after what was printed.
bool wlan_mgmt_body_print(PrintContext& ctx, std::uint16_t fc, const std::uint8_t* hdr,
                          const std::uint8_t* p, unsigned length, unsigned caplen);

const char* wlan_reason_text(unsigned code);  // "Reserved" past the table
const char* wlan_status_text(unsigned code);  // "n/a" past the table

}  // namespace tcplens::tcpdump
