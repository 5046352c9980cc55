#include "tcplens/render/output.hpp"

#include <unistd.h>

#include <cerrno>

namespace tcplens {

Output::Output(int fd, std::size_t initial) : fd_(fd), data_(initial) {}

Output::~Output() {
  if (fd_ >= 0) flush();
}

void Output::grow(std::size_t n) {
  std::size_t want = data_.size() * 2;
  if (want < size_ + n) want = size_ + n;
  data_.resize(want);
}

bool Output::flush() {
  if (fd_ < 0) return true;
  std::size_t done = 0;
  while (done < size_) {
    ssize_t w = ::write(fd_, data_.data() + done, size_ - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      failed_ = true;
      break;
    }
    done += static_cast<std::size_t>(w);
  }
  size_ = 0;
  return !failed_;
}

void Output::put_u32(std::uint32_t v) {
  char buf[10];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  reserve(static_cast<std::size_t>(n));
  while (n > 0) data_[size_++] = buf[--n];
}

void Output::put_u64(std::uint64_t v) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  reserve(static_cast<std::size_t>(n));
  while (n > 0) data_[size_++] = buf[--n];
}

void Output::put_i64(std::int64_t v) {
  if (v < 0) {
    put('-');
    put_u64(0 - static_cast<std::uint64_t>(v));
  } else {
    put_u64(static_cast<std::uint64_t>(v));
  }
}

void Output::put_u32_padded(std::uint32_t v, int width) {
  reserve(static_cast<std::size_t>(width));
  for (int i = width - 1; i >= 0; --i) {
    data_[size_ + static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  size_ += static_cast<std::size_t>(width);
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
  reserve(static_cast<std::size_t>(n));
  while (n > 0) data_[size_++] = buf[--n];
}

void Output::put_ipv4(const std::uint8_t* addr) {
  reserve(15);
  for (int i = 0; i < 4; ++i) {
    std::uint8_t b = addr[i];
    if (b >= 100) {
      data_[size_++] = static_cast<char>('0' + b / 100);
      data_[size_++] = static_cast<char>('0' + b / 10 % 10);
    } else if (b >= 10) {
      data_[size_++] = static_cast<char>('0' + b / 10);
    }
    data_[size_++] = static_cast<char>('0' + b % 10);
    if (i != 3) data_[size_++] = '.';
  }
}

// RFC 5952 text form, as inet_ntop prints it: the longest run of two or more zero groups
// becomes "::" (the first such run on a tie), and an IPv4-mapped or -compatible address ends
// in dotted quad.
void Output::put_ipv6(const std::uint8_t* addr) {
  std::uint16_t groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = static_cast<std::uint16_t>((addr[2 * i] << 8) | addr[2 * i + 1]);
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
  // ::a.b.c.d (compatible, not :: or ::1) and ::ffff:a.b.c.d (mapped) keep the dotted tail.
  bool dotted_tail = best_start == 0 && (best_len == 6 || (best_len == 5 && groups[5] == 0xffff));
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      put(':');
      if (i == 0) put(':');
      i += best_len - 1;
      if (dotted_tail) {
        if (best_len == 5) put("ffff:");
        put_ipv4(addr + 12);
        return;
      }
      continue;
    }
    put_hex(groups[i]);
    if (i != 7) put(':');
  }
}

}  // namespace tcplens
