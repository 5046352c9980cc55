// The Info column tshark 4.0 shows for RESP, the Redis protocol on port 6379
// (packet-resp.c): "Request: GET key", "Response: OK", "Response: Array(3)",
// "Request: [fragment]" for inline commands, "... [continuation]" while a message is split.
#pragma once

#include <cstdint>
#include <string>

#include "render/wireshark/split_pdu.hpp"
#include "tcplens/bytes.hpp"

namespace tcplens::wireshark {

struct RespStream {
  SplitPdu split[2];  // [0] requests (to the server port), [1] responses
};

enum class RespVerdict {
  Summary,     // `protocol` and `info` hold the columns
  TcpSegment,  // inside a split message, RESP not called: TCP's line plus the reassembly note
};

// One TCP segment's payload (all of it captured). `prefix`: TCP's expert prefix, which
// stays in front of the text (packet-resp.c clears the column only up to TCP's fence).
RespVerdict resp_info(RespStream& s, ByteView data, bool response, const std::string& prefix,
                      std::string& protocol, std::string& info);

}  // namespace tcplens::wireshark
