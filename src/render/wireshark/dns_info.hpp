// The Info column tshark shows for a DNS message (packet-dns.c's COL_INFO): "Standard query
// 0x6379 A example.com", "Standard query response 0x6379 A example.com A 93.184.216.34 ...".
#pragma once

#include <string>

#include "tcplens/bytes.hpp"

namespace tcplens::wireshark {

// `msg` starts at the DNS header (after TCP's length prefix). False when the message is too
// short for its header; otherwise `info` holds as much as tshark would show for the part
// that was captured.
bool dns_info(ByteView msg, bool mdns, std::string& info);

// A (possibly compressed) name at `off` of `msg`, as tshark shows it ("<Root>" for the
// root); returns the bytes it takes in place, 0 when it cannot be read.
std::size_t read_name(ByteView msg, std::size_t off, std::string& name);

}  // namespace tcplens::wireshark
