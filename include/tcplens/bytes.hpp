// Byte views and big/little-endian loads.
//
// Every protocol value is built from bytes with the load_* functions, never by casting a
// pointer to a struct, so alignment and byte order never matter. The load_* functions do no
// bounds checking: callers check a view's size once (see the wire views) and then read.
// ByteReader is the checked alternative for variable-length parts: it cannot read past its
// end and remembers the first failure instead of throwing.
//
// A ByteView borrows its bytes; whoever produced it says how long they stay valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tcplens {

using ByteView = std::span<const std::uint8_t>;

inline std::uint16_t load_be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t load_be24(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
}
inline std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}
inline std::uint64_t load_be64(const std::uint8_t* p) {
  return (std::uint64_t{load_be32(p)} << 32) | load_be32(p + 4);
}
inline std::uint16_t load_le16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint32_t load_le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}
inline std::uint64_t load_le64(const std::uint8_t* p) {
  return std::uint64_t{load_le32(p)} | (std::uint64_t{load_le32(p + 4)} << 32);
}

inline std::uint16_t load_be16(ByteView v, std::size_t off) { return load_be16(v.data() + off); }
inline std::uint32_t load_be32(ByteView v, std::size_t off) { return load_be32(v.data() + off); }

// Sequential reader over a view. After the first read that would pass the end, ok() is false
// and every later read returns 0 without touching memory.
class ByteReader {
 public:
  explicit ByteReader(ByteView bytes) : bytes_(bytes) {}

  bool ok() const { return ok_; }
  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return bytes_.size() - pos_; }

  bool has(std::size_t n) const { return ok_ && n <= remaining(); }

  std::uint8_t u8() { return take(1) ? bytes_[pos_ - 1] : 0; }
  std::uint16_t be16() { return take(2) ? load_be16(bytes_.data() + pos_ - 2) : 0; }
  std::uint32_t be32() { return take(4) ? load_be32(bytes_.data() + pos_ - 4) : 0; }
  ByteView bytes(std::size_t n) {
    return take(n) ? bytes_.subspan(pos_ - n, n) : ByteView{};
  }
  void skip(std::size_t n) { take(n); }

 private:
  bool take(std::size_t n) {
    if (!ok_ || n > remaining()) {
      ok_ = false;
      return false;
    }
    pos_ += n;
    return true;
  }

  ByteView bytes_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace tcplens
