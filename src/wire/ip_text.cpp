#include "tcplens/wire/ip_text.hpp"

namespace tcplens {

char* format_ipv4_text(char* p, const std::uint8_t* addr) {
  for (int i = 0; i < 4; ++i) {
    const unsigned b = addr[i];
    if (b >= 100) *p++ = static_cast<char>('0' + b / 100);
    if (b >= 10) *p++ = static_cast<char>('0' + b / 10 % 10);
    *p++ = static_cast<char>('0' + b % 10);
    if (i != 3) *p++ = '.';
  }
  return p;
}

namespace {

char* put_hex16(char* p, unsigned v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  int shift = 12;
  while (shift > 0 && ((v >> shift) & 15) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) *p++ = kDigits[(v >> shift) & 15];
  return p;
}

}  // namespace

char* format_ipv6_text(char* p, const std::uint8_t* addr) {
  unsigned groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = (unsigned{addr[2 * i]} << 8) | addr[2 * i + 1];
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;
  const bool dotted_tail = best_start == 0 && (best_len == 6 || (best_len == 5 && groups[5] == 0xffff));
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      *p++ = ':';
      if (i == 0) *p++ = ':';
      i += best_len - 1;
      if (dotted_tail) {
        if (best_len == 5) {
          p = put_hex16(p, 0xffff);
          *p++ = ':';
        }
        return format_ipv4_text(p, addr + 12);
      }
      continue;
    }
    p = put_hex16(p, groups[i]);
    if (i != 7) *p++ = ':';
  }
  return p;
}

}  // namespace tcplens
