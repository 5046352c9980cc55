// Turns a DecodedPacket into what ZeekConnEngine needs (ZeekPacket, FlowKey, Direction), with
// Zeek's checksum rule: the TCP checksum is verified only when the whole segment was captured
// (TCPAnalyzer::ValidateChecksum), and not at all when `verify_checksums` is false (zeek -C).
#pragma once

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/decode/decoded_packet.hpp"
#include "tcplens/flow/flow_key.hpp"
#include "tcplens/tcp/zeek_conn.hpp"

namespace tcplens::zeek {

// False when the packet gives Zeek no TCP connection (no TCP, fewer than 20 header bytes,
// TCP quoted inside an ICMP error).
bool to_zeek_packet(const DecodedPacket& d, const Timestamp& ts, bool verify_checksums,
                    FlowKey& key, Direction& dir, ZeekPacket& out);

// The Internet checksum of the TCP segment with its pseudo-header; true when it verifies.
bool tcp_checksum_ok(const IpHeader& ip, ByteView segment);

}  // namespace tcplens::zeek
