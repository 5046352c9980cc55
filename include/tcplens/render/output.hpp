// A growable text buffer that renderers append to and that is written out in large blocks.
//
// Appending never allocates once the buffer has grown to its working size; flush() writes
// everything to the file descriptor. Number formatting is done here, without printf, because
// it is the hot path of every renderer.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tcplens {

#if defined(__GNUC__)
#define TCPLENS_INLINE inline __attribute__((always_inline))
#else
#define TCPLENS_INLINE inline
#endif

class Output {
 public:
  // fd < 0: collect only (tests read text()).
  explicit Output(int fd = 1, std::size_t initial = 1 << 20);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  // Each put writes through a local pointer and stores the new end once: a char store may
  // alias any member, so writing through members would reload and store them per byte.
  TCPLENS_INLINE void put(char c) {
    char* p = reserve(1);
    *p = c;
    cur_ = p + 1;
  }
  TCPLENS_INLINE void put(std::string_view s) {
    char* p = reserve(s.size());
    copy(p, s.data(), s.size());
    cur_ = p + s.size();
  }
  void put_u32(std::uint32_t v) {
    const int n = digits(v);
    char* p = reserve(static_cast<std::size_t>(n));
    write_digits(p + n, v);
    cur_ = p + n;
  }
  void put_u64(std::uint64_t v);
  void put_i64(std::int64_t v);
  // `v` with `decimals` digits after the point, exactly as printf's "%.*f" (std::to_chars:
  // the same rounding, a tenth of the cost).
  void put_fixed(double v, int decimals);
  // The same at `p`, which has kFixedRoom bytes; returns the end.
  static char* format_fixed(char* p, double v, int decimals);
  static constexpr std::size_t kFixedRoom = 360;  // the longest double with 40 decimals
  // Zero-padded to `width` digits (v must fit).
  void put_u32_padded(std::uint32_t v, int width) {
    char* p = reserve(static_cast<std::size_t>(width));
    char* e = p + width;
    while (e - p >= 2) {
      e -= 2;
      std::memcpy(e, kDigitPairs + 2 * (v % 100), 2);
      v /= 100;
    }
    if (e != p) *p = static_cast<char>('0' + v % 10);
    cur_ = p + width;
  }
  // Lower-case hex, no prefix, at least `min_digits` digits.
  void put_hex(std::uint64_t v, int min_digits = 1);
  void put_hex_byte(std::uint8_t v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    char* p = reserve(2);
    p[0] = kDigits[v >> 4];
    p[1] = kDigits[v & 15];
    cur_ = p + 2;
  }
  void put_ipv4(const std::uint8_t* addr);
  void put_ipv6(const std::uint8_t* addr);

  // Direct writing for hot printers: raw(n) gives room for n bytes, the caller writes through
  // the returned pointer (with the format_* helpers) and commit() sets the new end.
  TCPLENS_INLINE char* raw(std::size_t n) { return reserve(n); }
  TCPLENS_INLINE void commit(char* p) { cur_ = p; }
  // s at p (room for s.size() bytes), without a library call for short strings; returns the end.
  TCPLENS_INLINE static char* format_text(char* p, std::string_view s) {
    copy(p, s.data(), s.size());
    return p + s.size();
  }
  // Decimal digits of v at p; returns the end. At most 10 (u32) or 20 (u64) bytes.
  TCPLENS_INLINE static char* format_u32(char* p, std::uint32_t v) {
    const int n = digits(v);
    write_digits(p + n, v);
    return p + n;
  }
  static char* format_u64(char* p, std::uint64_t v) {
    if (v <= 0xFFFFFFFFu) return format_u32(p, static_cast<std::uint32_t>(v));
    char buf[20];
    char* e = buf + sizeof buf;
    char* b = e;
    do {
      *--b = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    std::memcpy(p, b, static_cast<std::size_t>(e - b));
    return p + (e - b);
  }
  // Zero-padded to `width` digits (v must fit).
  TCPLENS_INLINE static char* format_u32_padded(char* p, std::uint32_t v, int width) {
    char* e = p + width;
    while (e - p >= 2) {
      e -= 2;
      std::memcpy(e, kDigitPairs + 2 * (v % 100), 2);
      v /= 100;
    }
    if (e != p) *p = static_cast<char>('0' + v % 10);
    return p + width;
  }

  std::size_t size() const { return static_cast<std::size_t>(cur_ - buf_); }
  std::string_view text() const { return {buf_, size()}; }
  void truncate(std::size_t size) { cur_ = buf_ + size; }
  void clear() { cur_ = buf_; }
  // Empties the buffer and, if it grew past `keep` bytes, gives the memory back: for a buffer
  // reused over and over that once held a burst (thousands of records ended by one timer).
  void clear_and_trim(std::size_t keep);

  // Writes when at least `threshold` bytes are waiting. Returns false on a write error.
  bool flush_if_large(std::size_t threshold = 1 << 18) {
    return size() < threshold ? true : flush();
  }
  bool flush();
  bool failed() const { return failed_; }

  // "00" "01" ... "99"
  static const char kDigitPairs[201];

 private:
  // Room for n more bytes; returns where they go.
  TCPLENS_INLINE char* reserve(std::size_t n) {
    if (static_cast<std::size_t>(end_ - cur_) < n) grow(n);
    return cur_;
  }
  void grow(std::size_t n);
  // memcpy without a library call for the short strings printers put (a literal's size is
  // known at compile time and the branches fold away; names from tables are not).
  // Watch out: every branch reads only [s, s + n); GCC's -Warray-bounds cannot see that the
  // 8- and 4-byte branches are dead for a short literal when sanitizers keep them alive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif
  TCPLENS_INLINE static void copy(char* d, const char* s, std::size_t n) {
    if (n > 16) {
      std::memcpy(d, s, n);
    } else if (n >= 8) {
      std::uint64_t a, b;
      std::memcpy(&a, s, 8);
      std::memcpy(&b, s + n - 8, 8);
      std::memcpy(d, &a, 8);
      std::memcpy(d + n - 8, &b, 8);
    } else if (n >= 4) {
      std::uint32_t a, b;
      std::memcpy(&a, s, 4);
      std::memcpy(&b, s + n - 4, 4);
      std::memcpy(d, &a, 4);
      std::memcpy(d + n - 4, &b, 4);
    } else if (n != 0) {
      d[0] = s[0];
      d[n / 2] = s[n / 2];
      d[n - 1] = s[n - 1];
    }
  }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  static int digits(std::uint32_t v) {
    // floor(log10(v)) from the bit width, corrected by one comparison.
    static constexpr std::uint32_t kPow10[] = {1,      10,      100,      1000,      10000,
                                               100000, 1000000, 10000000, 100000000, 1000000000};
    const int t = ((32 - __builtin_clz(v | 1)) * 1233) >> 12;
    return t + 1 - ((v | 1) < kPow10[t]);  // v | 1: 0 has one digit
  }
  // Writes v's decimal digits so that they end just before `end`. The number is cut in
  // halves of 8 and 4 digits first, so that the divisions run side by side rather than one
  // after another (a 10-digit number: 3 dependent steps instead of 5).
  static void write_digits(char* end, std::uint32_t v) {
    if (v >= 100000000) {
      write_8(end - 8, v % 100000000);
      write_up_to_4(end - 8, v / 100000000);
    } else if (v >= 10000) {
      write_4(end - 4, v % 10000);
      write_up_to_4(end - 4, v / 10000);
    } else {
      write_up_to_4(end, v);
    }
  }
  static void write_4(char* p, std::uint32_t v) {  // exactly 4 digits, v < 10000
    std::memcpy(p, kDigitPairs + 2 * (v / 100), 2);
    std::memcpy(p + 2, kDigitPairs + 2 * (v % 100), 2);
  }
  static void write_8(char* p, std::uint32_t v) {  // exactly 8 digits, v < 10^8
    write_4(p, v / 10000);
    write_4(p + 4, v % 10000);
  }
  static void write_up_to_4(char* end, std::uint32_t v) {  // v < 10000, no leading zeros
    if (v >= 100) {
      std::memcpy(end - 2, kDigitPairs + 2 * (v % 100), 2);
      end -= 2;
      v /= 100;
    }
    if (v >= 10) {
      std::memcpy(end - 2, kDigitPairs + 2 * v, 2);
    } else {
      end[-1] = static_cast<char>('0' + v);
    }
  }

  int fd_;
  char* buf_ = nullptr;  // malloc'd; grows by realloc
  char* cur_ = nullptr;
  char* end_ = nullptr;
  bool failed_ = false;
};

}  // namespace tcplens
