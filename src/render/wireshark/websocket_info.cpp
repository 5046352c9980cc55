// WebSocket frames (RFC 6455 5.2) as packet-websocket.c names them (our own code, read for
// the facts): " %s" of the opcode, then " [FIN]" or "[FRAGMENT] ", then " [MASKED]" or " ".
#include "render/wireshark/websocket_info.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace tcplens::wireshark {

namespace {

const char* opcode_name(unsigned op) {
  switch (op) {
    case 0: return "Continuation";
    case 1: return "Text";
    case 2: return "Binary";
    case 8: return "Connection Close";
    case 9: return "Ping";
    case 10: return "Pong";
    default: return "Unknown Opcode";
  }
}

// The frame's text, written into `out` (48 bytes hold the longest): no allocation per frame.
std::size_t frame_text(const std::uint8_t* h, char* out) {
  std::size_t n = 0;
  auto put = [&](std::string_view s) {
    std::memcpy(out + n, s.data(), s.size());
    n += s.size();
  };
  put("WebSocket ");
  put(opcode_name(h[0] & 0x0f));
  put((h[0] & 0x80) ? " [FIN]" : "[FRAGMENT] ");
  put((h[1] & 0x80) ? " [MASKED]" : " ");
  return n;
}

// The header's length once its first two bytes are known.
std::size_t header_length(const std::uint8_t* h) {
  const unsigned len7 = h[1] & 0x7f;
  return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((h[1] & 0x80) ? 4 : 0);
}

std::uint64_t payload_length(const std::uint8_t* h) {
  const unsigned len7 = h[1] & 0x7f;
  if (len7 == 126) return load_be16(h + 2);
  if (len7 == 127) return load_be64(h + 2);
  return len7;
}

}  // namespace

WebSocketVerdict websocket_info(WebSocketDirection& d, ByteView data, std::string& info) {
  char last[48];
  std::size_t last_len = 0;
  bool any = false;
  std::size_t pos = 0;
  if (d.remaining > 0) {
    if (data.size() < d.remaining) {
      d.remaining -= data.size();
      return WebSocketVerdict::TcpSegment;
    }
    pos = static_cast<std::size_t>(d.remaining);
    d.remaining = 0;
    std::memcpy(last, d.pending.data(), d.pending_len);
    last_len = d.pending_len;
    any = true;
  }
  while (pos < data.size()) {
    std::uint8_t h[14];
    const std::size_t held = d.head_len;
    std::memcpy(h, d.head.data(), held);
    const std::size_t take = std::min(sizeof h - held, data.size() - pos);
    std::memcpy(h + held, data.data() + pos, take);
    const std::size_t have = held + take;
    if (have < 2 || have < header_length(h)) {
      // The header itself continues in the next segment.
      std::memcpy(d.head.data(), h, have);
      d.head_len = static_cast<std::uint8_t>(have);
      pos = data.size();
      break;
    }
    const std::size_t hlen = header_length(h);
    d.head_len = 0;
    const std::size_t body_at = pos + (hlen - held);
    const std::uint64_t len = payload_length(h);
    char text[48];
    const std::size_t text_len = frame_text(h, text);
    if (len > data.size() - body_at) {
      d.remaining = len - (data.size() - body_at);
      std::memcpy(d.pending.data(), text, text_len);
      d.pending_len = static_cast<std::uint8_t>(text_len);
      break;
    }
    pos = body_at + static_cast<std::size_t>(len);
    std::memcpy(last, text, text_len);
    last_len = text_len;
    any = true;
  }
  if (!any) return WebSocketVerdict::TcpSegment;
  info.append(last, last_len);
  return WebSocketVerdict::Frames;
}

bool names_websocket(std::string_view upgrade) {
  static constexpr std::string_view kWord = "websocket";
  for (std::size_t i = 0; i + kWord.size() <= upgrade.size(); ++i) {
    std::size_t j = 0;
    while (j < kWord.size() && (upgrade[i + j] | 0x20) == kWord[j]) ++j;
    if (j == kWord.size()) return true;
  }
  return false;
}

}  // namespace tcplens::wireshark
