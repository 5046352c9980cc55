// The Info column tshark 4.0 shows for WebSocket (packet-websocket.c), once HTTP's 101
// Switching Protocols with "Upgrade: websocket" hands the connection over: "WebSocket Text
// [FIN] [MASKED]", "WebSocket Binary[FRAGMENT]  " for the last frame a segment completes
// (each frame sets the column anew). Frames are found as tcp_dissect_pdus() finds them: a
// frame longer than the segment is completed by later ones, which show TCP's line.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "tcplens/bytes.hpp"

namespace tcplens::wireshark {

struct WebSocketDirection {
  std::uint64_t remaining = 0;       // bytes still to come of a frame begun earlier
  std::array<char, 48> pending{};    // that frame's text
  std::uint8_t pending_len = 0;
  std::array<std::uint8_t, 14> head{};  // a frame header cut by the segment's end
  std::uint8_t head_len = 0;
};

enum class WebSocketVerdict {
  Frames,      // `info` has the last completed frame's text appended
  TcpSegment,  // no frame completed: TCP's line plus "[TCP segment of a reassembled PDU]"
};

WebSocketVerdict websocket_info(WebSocketDirection& d, ByteView data, std::string& info);

// Whether an HTTP Upgrade header's value names WebSocket (any case).
bool names_websocket(std::string_view upgrade);

}  // namespace tcplens::wireshark
