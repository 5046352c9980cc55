#include "tcplens/wire/tcp.hpp"

#include "tcplens/bytes.hpp"

namespace tcplens {

const char* to_string(DecodeStatus status) {
  switch (status) {
    case DecodeStatus::Ok: return "ok";
    case DecodeStatus::Truncated: return "truncated";
    case DecodeStatus::Malformed: return "malformed";
    case DecodeStatus::Unsupported: return "unsupported";
  }
  return "?";
}

TcpOptions parse_tcp_options(ByteView options) {
  TcpOptions out;
  // Most segments of a connection with timestamps carry NOP, NOP, timestamps and nothing else.
  if (options.size() == 12 && load_be32(options.data()) == 0x0101080au) {
    out.has_timestamps = true;
    out.ts_val = load_be32(options.data() + 4);
    out.ts_ecr = load_be32(options.data() + 8);
    return out;
  }
  ByteReader r(options);
  while (r.remaining() > 0) {
    std::uint8_t kind = r.u8();
    if (kind == tcpopt::kEol) break;
    if (kind == tcpopt::kNop) continue;
    if (!r.has(1)) {
      out.malformed = true;
      break;
    }
    std::uint8_t len = r.u8();
    if (len < 2 || !r.has(len - 2u)) {
      out.malformed = true;
      break;
    }
    ByteReader body(r.bytes(len - 2u));
    switch (kind) {
      case tcpopt::kMss:
        if (len == 4) {
          out.has_mss = true;
          out.mss = body.be16();
        }
        break;
      case tcpopt::kWindowScale:
        if (len == 3) {
          out.has_window_scale = true;
          out.window_scale = body.u8();
        }
        break;
      case tcpopt::kSackPermitted:
        if (len == 2) out.sack_permitted = true;
        break;
      case tcpopt::kSack:
        out.sack_count = 0;
        while (body.has(8) && out.sack_count < TcpOptions::kMaxSackBlocks) {
          SackBlock& b = out.sack[out.sack_count++];
          b.left = body.be32();
          b.right = body.be32();
        }
        break;
      case tcpopt::kTimestamps:
        if (len == 10) {
          out.has_timestamps = true;
          out.ts_val = body.be32();
          out.ts_ecr = body.be32();
        }
        break;
      case tcpopt::kMptcp:
        out.has_mptcp = true;
        break;
      case tcpopt::kFastOpen:
        if (len == 2) {
          out.tfo_cookie_request = true;
        } else {
          out.has_tfo_cookie = true;
          out.tfo_cookie_len = static_cast<std::uint8_t>(len - 2);
        }
        break;
      case tcpopt::kExperimental1:
      case tcpopt::kExperimental2:
        if (len >= 4 && body.be16() == tcpopt::kFastOpenMagic) {
          if (len == 4) {
            out.tfo_cookie_request = true;
          } else {
            out.has_tfo_cookie = true;
            out.tfo_cookie_len = static_cast<std::uint8_t>(len - 4);
          }
        }
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace tcplens
