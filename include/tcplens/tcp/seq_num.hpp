// 32-bit TCP sequence numbers with wrap-around comparison (RFC 9293 section 3.4, RFC 1982).
//
// a < b means a comes before b within half the sequence space; distance() is b - a modulo
// 2^32. These are the comparisons Wireshark's GT_SEQ/LT_SEQ macros make.
#pragma once

#include <cstdint>

namespace tcplens {

class SeqNum {
 public:
  constexpr SeqNum() = default;
  constexpr explicit SeqNum(std::uint32_t v) : v_(v) {}
  constexpr std::uint32_t value() const { return v_; }

  friend constexpr bool operator==(SeqNum a, SeqNum b) { return a.v_ == b.v_; }
  friend constexpr bool operator<(SeqNum a, SeqNum b) {
    return static_cast<std::int32_t>(a.v_ - b.v_) < 0;
  }
  friend constexpr bool operator>(SeqNum a, SeqNum b) { return b < a; }
  friend constexpr bool operator<=(SeqNum a, SeqNum b) { return !(b < a); }
  friend constexpr bool operator>=(SeqNum a, SeqNum b) { return !(a < b); }
  friend constexpr SeqNum operator+(SeqNum a, std::uint32_t n) { return SeqNum(a.v_ + n); }
  friend constexpr SeqNum operator-(SeqNum a, std::uint32_t n) { return SeqNum(a.v_ - n); }
  // Bytes from a to b, modulo 2^32.
  static constexpr std::uint32_t distance(SeqNum a, SeqNum b) { return b.v_ - a.v_; }

 private:
  std::uint32_t v_ = 0;
};

}  // namespace tcplens

namespace tcplens {

// Unwraps 32-bit sequence numbers into a 64-bit space around the newest one seen, so that
// byte ranges of long transfers compare without wrap-around.
struct SeqUnwrapper {
  bool started = false;
  std::uint64_t last = 0;
  std::uint64_t operator()(std::uint32_t seq) {
    if (!started) {
      started = true;
      last = (std::uint64_t{1} << 32) + seq;  // room below for old segments
      return last;
    }
    auto delta = static_cast<std::int32_t>(seq - static_cast<std::uint32_t>(last));
    std::uint64_t v = last + static_cast<std::uint64_t>(static_cast<std::int64_t>(delta));
    if (v > last) last = v;
    return v;
  }
};

}  // namespace tcplens
