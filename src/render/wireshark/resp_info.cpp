// RESP summaries as Wireshark 4.0's packet-resp.c writes them (our own code, read for facts):
// a loop over CRLF-terminated lines, each typed by its first byte; what reaches the Info
// column depends on the direction and on the array depth. A message cut by the segment end
// asks TCP for more ("[continuation]"), from the start of the outermost array.
#include "render/wireshark/resp_info.hpp"

#include <cstdlib>
#include <string_view>

namespace tcplens::wireshark {

namespace {

constexpr int kMaxDepth = 30;           // MAX_ARRAY_DEPTH_TO_RECURSE
constexpr std::int64_t kMaxShown = 100;  // BULK_STRING_MAX_DISPLAY
constexpr long kNeedMore = -1;

struct Call {
  ByteView t;
  bool response;
  std::string& info;
  std::size_t deseg_offset = 0;
  std::uint32_t deseg_len = 0;
};

// tvb_get_string_enc(ENC_ASCII) as the column sees it: bytes past 0x7f become U+FFFD and
// the C string ends at the first NUL.
std::string ascii(ByteView t, std::size_t off, std::size_t len) {
  std::string r;
  for (std::size_t i = 0; i < len && off + i < t.size(); ++i) {
    const std::uint8_t c = t[off + i];
    if (c == 0) break;
    if (c < 0x80) r += static_cast<char>(c);
    else r += "\xef\xbf\xbd";
  }
  return r;
}

// Appends the pieces in order (one += per piece, no temporaries).
template <class... Parts>
void append(std::string& out, const Parts&... parts) {
  (out.append(parts), ...);
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// g_ascii_strtoll(s, NULL, 10).
std::int64_t to_int(const std::string& s) { return std::strtoll(s.c_str(), nullptr, 10); }

long need(Call& c, std::size_t off, std::uint32_t len) {
  c.deseg_offset = off;
  c.deseg_len = len;
  return kNeedMore;
}

long loop(Call& c, std::size_t off, int depth, std::int64_t expected);

// dissect_resp_bulk_string().
long bulk_string(Call& c, std::size_t off, std::size_t line, int depth) {
  // packet-resp.c keeps the length in an int.
  const std::int32_t len = static_cast<std::int32_t>(to_int(ascii(c.t, off + 1, line - 1)));
  if (len < 0) return static_cast<long>(line + 2);
  const std::size_t start = off + line + 2;
  const std::int64_t remaining = start <= c.t.size() ? static_cast<std::int64_t>(c.t.size() - start) : -1;
  if (remaining < std::int64_t{len} + 2)
    return need(c, off, static_cast<std::uint32_t>(std::int64_t{len} + 2 - remaining));
  const std::string value = ascii(c.t, start, static_cast<std::size_t>(len));
  if (is_ascii(value)) {
    if (!c.response && depth == 1) {
      if (len < kMaxShown) append(c.info, " ", value);
      else append(c.info, " BulkString(", std::to_string(len), ")");
    } else if (c.response && depth == 0 && len < kMaxShown) {
      append(c.info, " ", value);
    } else if (depth == 0) {
      append(c.info, " BulkString(", std::to_string(len), ")");
    }
  } else if (depth == 0) {
    append(c.info, " BulkString(", std::to_string(len), ")");
  }
  return static_cast<long>(line + 2 + static_cast<std::size_t>(len) + 2);
}

// dissect_resp_array().
long array(Call& c, std::size_t off, std::size_t line, int depth) {
  const std::int64_t n = to_int(ascii(c.t, off + 1, line - 1));
  if (n <= 0 || depth > kMaxDepth) return static_cast<long>(line + 2);
  if (off + line + 2 >= c.t.size()) return need(c, off, SplitPdu::kOneMoreSegment);
  if (c.response && depth == 0) append(c.info, " Array(", std::to_string(n), ")");
  const long end = loop(c, off + line + 2, depth + 1, n);
  if (end == kNeedMore) return need(c, off, SplitPdu::kOneMoreSegment);
  return end - static_cast<long>(off);
}

// dissect_resp_message(): one line (and what it announces).
long message(Call& c, std::size_t off, std::size_t line, int depth) {
  switch (c.t[off]) {
    case '+':
      if (c.response && depth == 0) append(c.info, " ", ascii(c.t, off + 1, line - 1));
      return static_cast<long>(line + 2);
    case '-':
      append(c.info, " Error: ", ascii(c.t, off + 1, line - 1));
      return static_cast<long>(line + 2);
    case ':':
      if (c.response && depth == 0) append(c.info, " ", std::to_string(to_int(ascii(c.t, off + 1, line - 1))));
      return static_cast<long>(line + 2);
    case '$': return bulk_string(c, off, line, depth);
    case '*': return array(c, off, line, depth);
    default:
      if (line == 0) return 2;  // a stray CRLF
      c.info += " [fragment]";
      return static_cast<long>(line + 2);
  }
}

// dissect_resp_loop(): elements until the buffer ends or `expected` are done.
long loop(Call& c, std::size_t off, int depth, std::int64_t expected) {
  std::int64_t done = 0;
  while (off < c.t.size()) {
    if (expected >= 0 && done == expected) return static_cast<long>(off);
    std::size_t next = 0;
    const long line = find_line_end(c.t, off, true, next);
    if (line < 0) return need(c, off, SplitPdu::kOneMoreSegment);
    const long used = message(c, off, static_cast<std::size_t>(line), depth);
    if (used == kNeedMore) return kNeedMore;
    ++done;
    off += static_cast<std::size_t>(used);
  }
  return static_cast<long>(off);
}

}  // namespace

RespVerdict resp_info(RespStream& s, ByteView data, bool response, const std::string& prefix,
                      std::string& protocol, std::string& info) {
  SplitPdu& split = s.split[response ? 1 : 0];
  std::size_t used = 0;
  bool reassembled = split.active();
  if (reassembled && !split.complete(data, used)) return RespVerdict::TcpSegment;
  protocol = "RESP";
  info = prefix;
  std::string pdu;
  split.calls(data, reassembled, used, pdu, [&](ByteView tvb, bool first_pdu) {
    info += response ? "Response:" : "Request:";
    Call c{tvb, response, info};
    if (loop(c, 0, 0, -1) != kNeedMore) return true;
    info += " [continuation]";
    split.hold(tvb.subspan(std::min(c.deseg_offset, tvb.size())), c.deseg_len);
    if (c.deseg_offset == 0 && first_pdu) {
      protocol = "TCP";
      info += " [TCP segment of a reassembled PDU]";
    }
    return false;
  });
  return RespVerdict::Summary;
}

}  // namespace tcplens::wireshark
