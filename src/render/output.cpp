#include "tcplens/render/output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <charconv>
#include <cstdlib>
#include <new>

#include "tcplens/wire/ip_text.hpp"

namespace tcplens {

const char Output::kDigitPairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

Output::Output(int fd, std::size_t initial) : fd_(fd) {
  if (initial < 64) initial = 64;
  buf_ = static_cast<char*>(std::malloc(initial));
  if (buf_ == nullptr) throw std::bad_alloc();
  cur_ = buf_;
  end_ = buf_ + initial;
}

Output::~Output() {
  if (fd_ >= 0) flush();
  std::free(buf_);
}

void Output::grow(std::size_t n) {
  const std::size_t size = this->size();
  const std::size_t capacity = static_cast<std::size_t>(end_ - buf_);
  std::size_t want = capacity * 2;
  if (want < size + n) want = size + n;
  char* bigger = static_cast<char*>(std::realloc(buf_, want));
  if (bigger == nullptr) throw std::bad_alloc();
  buf_ = bigger;
  cur_ = bigger + size;
  end_ = bigger + want;
}

void Output::clear_and_trim(std::size_t keep) {
  cur_ = buf_;
  if (static_cast<std::size_t>(end_ - buf_) <= keep) return;
  if (keep < 64) keep = 64;
  char* smaller = static_cast<char*>(std::realloc(buf_, keep));
  if (smaller == nullptr) return;  // keeps the larger buffer
  buf_ = cur_ = smaller;
  end_ = smaller + keep;
}

bool Output::flush() {
  if (fd_ < 0) return true;
  const std::size_t size = this->size();
  std::size_t done = 0;
  while (done < size) {
    ssize_t w = ::write(fd_, buf_ + done, size - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      failed_ = true;
      break;
    }
    done += static_cast<std::size_t>(w);
  }
  cur_ = buf_;
  return !failed_;
}

void Output::put_u64(std::uint64_t v) {
  if (v <= 0xFFFFFFFFu) {
    put_u32(static_cast<std::uint32_t>(v));
    return;
  }
  char buf[20];
  char* e = buf + sizeof buf;
  char* b = e;
  do {
    *--b = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  put(std::string_view(b, static_cast<std::size_t>(e - b)));
}

void Output::put_i64(std::int64_t v) {
  if (v < 0) {
    put('-');
    put_u64(0 - static_cast<std::uint64_t>(v));
  } else {
    put_u64(static_cast<std::uint64_t>(v));
  }
}

void Output::put_hex(std::uint64_t v, int min_digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char buf[16];
  int n = 0;
  do {
    buf[n++] = kDigits[v & 15];
    v >>= 4;
  } while (v != 0);
  while (n < min_digits && n < 16) buf[n++] = '0';
  char* p = reserve(static_cast<std::size_t>(n));
  char* q = p;
  while (n > 0) *q++ = buf[--n];
  cur_ = q;
}

namespace {

constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
constexpr std::uint64_t kPow10u[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

// v rounded to `decimals` places as an integer (v * 10^decimals), when that is certain
// without the exact decimal expansion: the product is rounded once (error at most
// |p| * 2^-53), so unless its fraction is that close to one half, rounding the computed
// product gives what rounding the exact one gives. False otherwise (to_chars decides).
bool scaled_round(double a, int decimals, std::uint64_t& out) {
  const double p = a * kPow10[decimals];
  if (!(p < 1e14)) return false;  // also NaN
  const double whole = std::floor(p);
  const double frac = p - whole;  // exact below 2^52
  const double margin = p * 0x1p-50 + 0x1p-60;
  if (std::fabs(frac - 0.5) <= margin) return false;
  out = static_cast<std::uint64_t>(whole) + (frac > 0.5 ? 1 : 0);
  return true;
}

}  // namespace

// The seconds of every record (durations, RTTs) pass here: std::to_chars's fixed notation
// works out the exact decimal expansion, a tenth of `conns --format json`'s time, where
// one multiplication decides all but the values within an ulp of a rounding tie.
char* Output::format_fixed(char* p, double v, int decimals) {
  std::uint64_t scaled = 0;
  if (decimals >= 0 && decimals <= 9 && scaled_round(std::fabs(v), decimals, scaled)) {
    if (std::signbit(v)) *p++ = '-';  // as printf: "-0.000000" for a tiny negative value
    const std::uint64_t unit = kPow10u[decimals];
    p = std::to_chars(p, p + 24, scaled / unit).ptr;
    if (decimals > 0) {
      *p++ = '.';
      p = format_u32_padded(p, static_cast<std::uint32_t>(scaled % unit), decimals);
    }
    return p;
  }
  return std::to_chars(p, p + kFixedRoom, v, std::chars_format::fixed, decimals).ptr;
}

void Output::put_fixed(double v, int decimals) { cur_ = format_fixed(reserve(kFixedRoom), v, decimals); }

void Output::put_ipv4(const std::uint8_t* addr) { cur_ = format_ipv4_text(reserve(16), addr); }

void Output::put_ipv6(const std::uint8_t* addr) { cur_ = format_ipv6_text(reserve(46), addr); }

}  // namespace tcplens
