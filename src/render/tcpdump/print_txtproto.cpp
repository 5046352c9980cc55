// Line-oriented text protocols (HTTP, FTP, SMTP, WHOIS, RTSP), as tcpdump's txtproto_print()
// in util-print.c prints them: the protocol name in capitals, then the first line (or, with
// -v, the payload length and every line), stopping at the first byte that is not printable
// ASCII. A line without its end is cut short with " [|proto]".
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

constexpr unsigned kMaxToken = 128;  // token buffer holds kMaxToken + 1 bytes with the NUL

bool is_print(std::uint8_t c) { return c >= 0x20 && c <= 0x7E; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// ascii_strcasecmp() == 0
bool equals_nocase(const char* a, const char* b) {
  for (; *a && *b; ++a, ++b)
    if (to_upper(*a) != to_upper(*b)) return false;
  return *a == *b;
}

// fetch_token(): copies the token starting at idx into tok (NUL-terminated) and returns the
// index just past it and the blanks after it, or 0 when there is no usable token.
unsigned fetch_token(PrintContext& ctx, const std::uint8_t* p, unsigned idx, unsigned len,
                     char* tok) {
  unsigned toklen = 0;
  for (; idx < len; ++idx) {
    if (!ctx.ttest(p + idx, 1)) return 0;
    std::uint8_t c = p[idx];
    if (c >= 0x80) return 0;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') break;
    if (!is_print(c)) return 0;
    if (toklen + 2 > kMaxToken + 1) return 0;
    tok[toklen++] = static_cast<char>(c);
  }
  if (toklen == 0) return 0;
  tok[toklen] = '\0';
  for (; idx < len; ++idx) {
    if (!ctx.ttest(p + idx, 1)) break;
    std::uint8_t c = p[idx];
    if (c == '\r' || c == '\n') break;
    if (!is_print(c)) break;
    if (c != ' ' && c != '\t') break;
  }
  return idx;
}

// print_txt_line(): prints `prefix` and the line starting at idx (without its CR-LF or LF)
// and returns the index after the line end; 0 for binary data or a line not ended here.
unsigned print_txt_line(PrintContext& ctx, std::string_view prefix, const std::uint8_t* p,
                        unsigned idx, unsigned len) {
  const unsigned start = idx;
  unsigned linelen;
  while (idx < len) {
    std::uint8_t c = ctx.u8(p + idx);
    if (c == '\n') {
      linelen = idx - start;
      ++idx;
      goto print;
    }
    if (c == '\r') {
      if (idx + 1 >= len) return 0;
      if (ctx.u8(p + idx + 1) == '\n') {
        linelen = idx - start;
        idx += 2;
        goto print;
      }
      return 0;
    }
    if (!is_print(c) && c != '\t') return 0;
    ++idx;
  }
  // Printable up to the end of the payload, but no line end: shown as truncated.
  ctx.put(prefix);
  ctx.put(std::string_view(reinterpret_cast<const char*>(p + start), idx - start));
  ctx.print_trunc();
  return 0;

print:
  ctx.put(prefix);
  ctx.put(std::string_view(reinterpret_cast<const char*>(p + start), linelen));
  return idx;
}

constexpr const char* kHttpCmds[] = {
    "GET",        "PUT",         "COPY",        "HEAD",         "LOCK",
    "MOVE",       "POLL",        "POST",        "BCOPY",        "BMOVE",
    "MKCOL",      "TRACE",       "LABEL",       "MERGE",        "DELETE",
    "SEARCH",     "UNLOCK",      "REPORT",      "UPDATE",       "NOTIFY",
    "BDELETE",    "CONNECT",     "OPTIONS",     "CHECKIN",      "PROPFIND",
    "CHECKOUT",   "CCM_POST",    "SUBSCRIBE",   "PROPPATCH",    "BPROPFIND",
    "BPROPPATCH", "UNCHECKOUT",  "MKACTIVITY",  "MKWORKSPACE",  "UNSUBSCRIBE",
    "RPC_CONNECT", "VERSION-CONTROL", "BASELINE-CONTROL", nullptr};

}  // namespace

// `second_token_code`: the response code is the second token of a response line
// (RESP_CODE_SECOND_TOKEN), as in HTTP and RTSP.
void txtproto_print(PrintContext& ctx, const std::uint8_t* pptr, unsigned len,
                    const char* protoname, const char* const* cmds, bool second_token_code) {
  ctx.protocol = protoname;
  bool print_this = false;
  if (cmds != nullptr) {
    // Print only request or response lines, not continuations of their bodies.
    char token[kMaxToken + 1];
    unsigned idx = fetch_token(ctx, pptr, 0, len, token);
    if (idx != 0) {
      for (const char* const* cmd = cmds; *cmd != nullptr; ++cmd) {
        if (equals_nocase(token, *cmd)) {
          print_this = true;
          break;
        }
      }
      if (second_token_code) idx = fetch_token(ctx, pptr, idx, len, token);
      if (idx != 0 && is_digit(token[0]) && is_digit(token[1]) && is_digit(token[2]) &&
          token[3] == '\0')
        print_this = true;
    }
  } else {
    print_this = true;
  }

  for (const char* s = protoname; *s; ++s) ctx.put(to_upper(*s));

  if (!print_this) return;
  if (ctx.opt.verbose) {
    ctx.put(", length: ");
    ctx.put_u(len);
    unsigned idx = 0;
    while (idx < len) {
      unsigned eol = print_txt_line(ctx, "\n\t", pptr, idx, len);
      if (eol == 0) break;
      idx = eol;
    }
  } else {
    print_txt_line(ctx, ": ", pptr, 0, len);
  }
}

void http_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  txtproto_print(ctx, bp, length, "http", kHttpCmds, true);
}

}  // namespace tcplens::tcpdump
