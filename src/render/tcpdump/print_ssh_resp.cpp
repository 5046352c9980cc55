// SSH (print-ssh.c: the version banner only) and Redis RESP (print-resp.c).
#include <climits>

#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

bool is_print(std::uint8_t c) { return c >= 0x20 && c <= 0x7E; }

}  // namespace

// "SSH-..." up to its LF or CR-LF; anything else (or a banner not ended here) prints nothing.
void ssh_print(PrintContext& ctx, const std::uint8_t* pptr, unsigned len) {
  ctx.protocol = "ssh";
  // The four magic bytes are read whatever `len` says, as tcpdump does.
  static constexpr char kMagic[] = "SSH-";
  for (unsigned i = 0; i < 4; ++i)
    if (ctx.u8(pptr + i) != static_cast<std::uint8_t>(kMagic[i])) return;
  unsigned idx = 4;
  for (; idx < len; ++idx) {
    std::uint8_t c = ctx.u8(pptr + idx);
    if (c == '\n') break;
    if (c == '\r') {
      if (idx + 1 >= len) return;
      if (ctx.u8(pptr + idx + 1) == '\n') break;
      return;
    }
    if (!is_print(c)) return;
  }
  if (idx >= len) return;  // no line end in this segment
  ctx.put(": SSH: ");
  ctx.put(std::string_view(reinterpret_cast<const char*>(pptr), idx));
}

// ---------------------------------------------------------------------------------------
// RESP. Every parse step returns the bytes it consumed, or -1 when the data ends (or is
// malformed); that stops the whole message with " [|resp]".

namespace {

constexpr int kLenTrunc = -2;
constexpr int kLenTooLarge = -3;
constexpr int kLenNegative = -4;
constexpr int kLenInvalid = -5;

int resp_parse(PrintContext& ctx, const std::uint8_t* bp, int length);

// ' "<text>"' through fn_print_char; false when the capture ends inside the text.
bool resp_segment(PrintContext& ctx, const std::uint8_t* bp, int len) {
  ctx.put(" \"");
  unsigned n = static_cast<unsigned>(len);
  while (n > 0 && bp < ctx.snapend) {
    --n;
    ctx.print_char(ctx.u8(bp));
    ++bp;
  }
  if (n != 0) return false;
  ctx.print_char('"');
  return true;
}

// FIND_CRLF: advance p to a CR-LF; false when len or the capture runs out first.
bool find_crlf(PrintContext& ctx, const std::uint8_t*& p, int& len) {
  for (;;) {
    if (len < 2) return false;
    if (!ctx.ttest(p, 2)) return false;
    if (p[0] == '\r' && p[1] == '\n') return true;
    ++p;
    --len;
  }
}

// CONSUME_CR_OR_LF: skip CR and LF bytes; false when the data ends before any was seen.
bool consume_cr_or_lf(PrintContext& ctx, const std::uint8_t*& p, int& len) {
  bool found = false;
  for (;;) {
    if (len == 0 || !ctx.ttest(p, 1)) return found;
    if (*p != '\r' && *p != '\n') return true;
    found = true;
    ++p;
    --len;
  }
}

// resp_get_length: a decimal length ended by CR-LF; *endp is where parsing stopped.
int resp_get_length(PrintContext& ctx, const std::uint8_t* bp, int len,
                    const std::uint8_t** endp) {
  bool too_large = false, neg = false, saw_digit = false;
  int result = 0;
  if (len == 0) {
    *endp = bp;
    return kLenTrunc;
  }
  if (ctx.u8(bp) == '-') {
    neg = true;
    ++bp;
    --len;
  }
  for (;;) {
    if (len == 0) {
      *endp = bp;
      return kLenTrunc;
    }
    std::uint8_t c = ctx.u8(bp);
    if (!(c >= '0' && c <= '9')) {
      if (!saw_digit) {
        *endp = bp + 1;
        return kLenInvalid;
      }
      break;
    }
    c -= '0';
    if (result > INT_MAX / 10) {
      too_large = true;
    } else {
      result *= 10;
      if (result == (INT_MAX / 10) * 10 && c > INT_MAX % 10)
        too_large = true;
      else
        result += c;
    }
    ++bp;
    --len;
    saw_digit = true;
  }
  if (ctx.u8(bp) != '\r') {
    *endp = bp + 1;
    return kLenInvalid;
  }
  ++bp;
  --len;
  if (len == 0) {
    *endp = bp;
    return kLenTrunc;
  }
  if (ctx.u8(bp) != '\n') {
    *endp = bp + 1;
    return kLenInvalid;
  }
  ++bp;
  *endp = bp;
  if (neg) {
    if (too_large || result != 1) return kLenNegative;
    return -1;
  }
  return too_large ? kLenTooLarge : result;
}

// What a bad length prints; false for the truncated case.
bool resp_bad_length(PrintContext& ctx, int value) {
  switch (value) {
    case -1: ctx.put(" null"); return true;
    case kLenTrunc: return false;
    case kLenTooLarge: ctx.put(" length too large"); return true;
    case kLenNegative: ctx.put(" length negative and not -1"); return true;
    default: ctx.put(" invalid"); return true;
  }
}

// '+' simple string, '-' error, ':' integer: the text up to CR-LF.
int resp_string_error_integer(PrintContext& ctx, const std::uint8_t* bp, int length) {
  int cur = length - 1;
  ++bp;  // opcode
  const std::uint8_t* p = bp;
  if (!find_crlf(ctx, p, cur)) return -1;
  int len = static_cast<int>(p - bp);
  if (!resp_segment(ctx, bp, len)) return -1;
  return 1 + len + 2;
}

int resp_bulk_string(PrintContext& ctx, const std::uint8_t* bp, int length) {
  int cur = length - 1;
  ++bp;
  const std::uint8_t* endp;
  int string_len = resp_get_length(ctx, bp, cur, &endp);
  cur -= static_cast<int>(endp - bp);
  bp = endp;
  if (string_len >= 0) {
    if (string_len == 0) {
      ctx.put(" empty");
    } else {
      if (cur < string_len) return -1;
      if (!ctx.ttest(bp, static_cast<std::size_t>(string_len))) return -1;
      if (!resp_segment(ctx, bp, string_len)) return -1;
      bp += string_len;
      cur -= string_len;
    }
    if (!find_crlf(ctx, bp, cur)) return -1;
    bp += 2;
    cur -= 2;
  } else if (!resp_bad_length(ctx, string_len)) {
    return -1;
  }
  return length - cur;
}

int resp_array(PrintContext& ctx, const std::uint8_t* bp, int length) {
  unsigned cur = static_cast<unsigned>(length) - 1;
  ++bp;
  const std::uint8_t* endp;
  int array_len = resp_get_length(ctx, bp, static_cast<int>(cur), &endp);
  cur -= static_cast<unsigned>(endp - bp);
  bp = endp;
  if (array_len > 0) {
    for (int i = 0; i < array_len; ++i) {
      int ret = resp_parse(ctx, bp, static_cast<int>(cur));
      if (ret < 0) return -1;
      bp += ret;
      cur -= static_cast<unsigned>(ret);
    }
  } else if (array_len == 0) {
    ctx.put(" empty");
  } else if (!resp_bad_length(ctx, array_len)) {
    return -1;
  }
  return length - static_cast<int>(cur);
}

// Inline command: text ended by any run of CR/LF (leading ones skipped).
int resp_inline(PrintContext& ctx, const std::uint8_t* bp, int length) {
  int cur = length;
  if (!consume_cr_or_lf(ctx, bp, cur)) return -1;
  const std::uint8_t* p = bp;
  for (;;) {
    if (cur < 1) return -1;
    std::uint8_t c = ctx.u8(p);
    if (c == '\r' || c == '\n') break;
    ++p;
    --cur;
  }
  if (!resp_segment(ctx, bp, static_cast<int>(p - bp))) return -1;
  if (!consume_cr_or_lf(ctx, p, cur)) return -1;
  return length - cur;
}

int resp_parse(PrintContext& ctx, const std::uint8_t* bp, int length) {
  if (length < 1) return -1;
  int ret;
  switch (ctx.u8(bp)) {
    case '+':
    case ':':
    case '-': ret = resp_string_error_integer(ctx, bp, length); break;
    case '$': ret = resp_bulk_string(ctx, bp, length); break;
    case '*': ret = resp_array(ctx, bp, length); break;
    default: ret = resp_inline(ctx, bp, length); break;
  }
  return ret < 0 ? -1 : ret;
}

}  // namespace

void resp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "resp";
  ctx.put(": RESP");
  while (length > 0) {
    int ret = resp_parse(ctx, bp, static_cast<int>(length));
    if (ret < 0) {
      ctx.print_trunc();
      return;
    }
    bp += ret;
    length -= static_cast<unsigned>(ret);
  }
}

}  // namespace tcplens::tcpdump
