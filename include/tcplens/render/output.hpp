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
#include <vector>

namespace tcplens {

class Output {
 public:
  // fd < 0: collect only (tests read text()).
  explicit Output(int fd = 1, std::size_t initial = 1 << 20);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void put(char c) {
    reserve(1);
    data_[size_++] = c;
  }
  void put(std::string_view s) {
    reserve(s.size());
    std::memcpy(data_.data() + size_, s.data(), s.size());
    size_ += s.size();
  }
  void put_u32(std::uint32_t v);
  void put_u64(std::uint64_t v);
  void put_i64(std::int64_t v);
  // Zero-padded to `width` digits (v must fit).
  void put_u32_padded(std::uint32_t v, int width);
  // Lower-case hex, no prefix, at least `min_digits` digits.
  void put_hex(std::uint64_t v, int min_digits = 1);
  void put_hex_byte(std::uint8_t v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    reserve(2);
    data_[size_++] = kDigits[v >> 4];
    data_[size_++] = kDigits[v & 15];
  }
  void put_ipv4(const std::uint8_t* addr);
  void put_ipv6(const std::uint8_t* addr);

  std::size_t size() const { return size_; }
  std::string_view text() const { return {data_.data(), size_}; }
  void truncate(std::size_t size) { size_ = size; }
  void clear() { size_ = 0; }

  // Writes when at least `threshold` bytes are waiting. Returns false on a write error.
  bool flush_if_large(std::size_t threshold = 1 << 18) {
    return size_ < threshold ? true : flush();
  }
  bool flush();
  bool failed() const { return failed_; }

 private:
  void reserve(std::size_t n) {
    if (size_ + n > data_.size()) grow(n);
  }
  void grow(std::size_t n);

  int fd_;
  std::vector<char> data_;
  std::size_t size_ = 0;
  bool failed_ = false;
};

}  // namespace tcplens
