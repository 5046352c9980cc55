// Sketches for the detectors: fixed-size summaries of a packet stream that answer "how many
// distinct X" (HyperLogLog), "about how often X" (CountMinSketch) and "who sends most"
// (TopK, space-saving), in memory that does not grow with the traffic.
//
// Every sketch is a plain value (no pointer, no allocation), can be copied, cleared and
// merged with another of the same shape (merge_from): two detectors that saw parts of one
// capture (worker threads, shards) merge into what one detector seeing all of it would hold.
// Keys come in as 64-bit hashes (mix64, hash_address); the sketches trust them to be well
// mixed.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "tcplens/decode/decoded_packet.hpp"

namespace tcplens::detect {

// A strong 64-bit finaliser (splitmix64's): every input bit moves every output bit.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

// The hash of an address (family included), optionally salted with a port or a second value.
inline std::uint64_t hash_address(const IpAddress& a, std::uint64_t salt = 0) {
  std::uint64_t w[2];
  std::memcpy(w, a.bytes.data(), 16);
  return mix64(w[0] * 0x9e3779b97f4a7c15ull ^ mix64(w[1] ^ (std::uint64_t{a.family} << 56)) ^
               (salt * 0xc2b2ae3d27d4eb4full));
}

// HyperLogLog (Flajolet et al. 2007) with 2^P one-byte registers and 64-bit hashes, so no
// large-range correction is needed; small cardinalities use linear counting over the
// registers (the standard small-range correction), which is close to exact while fewer than
// about 2^P / 2 distinct items were added. Relative standard error 1.04 / sqrt(2^P): 13% for
// P = 6, 6.5% for P = 8. The estimate is kept up to date incrementally, so reading it costs
// nothing.
template <unsigned P>
class HyperLogLog {
 public:
  static_assert(P >= 4 && P <= 16);
  static constexpr std::size_t kRegisters = std::size_t{1} << P;

  HyperLogLog() { clear(); }
  void clear() {
    regs_.fill(0);
    zeros_ = kRegisters;
    sum_ = static_cast<double>(kRegisters);
  }
  // Adds an item; true when a register changed (the estimate may have moved).
  bool add(std::uint64_t hash) {
    const std::size_t idx = static_cast<std::size_t>(hash >> (64 - P));
    const std::uint64_t rest = (hash << P) | (std::uint64_t{1} << (P - 1));
    const auto rank = static_cast<std::uint8_t>(std::countl_zero(rest) + 1);
    return raise(idx, rank);
  }
  double estimate() const {
    const double m = static_cast<double>(kRegisters);
    const double raw = alpha() * m * m / sum_;
    if (raw <= 2.5 * m && zeros_ != 0) return m * std::log(m / static_cast<double>(zeros_));
    return raw;
  }
  std::uint64_t count() const { return static_cast<std::uint64_t>(estimate() + 0.5); }
  void merge_from(const HyperLogLog& other) {
    for (std::size_t i = 0; i < kRegisters; ++i) raise(i, other.regs_[i]);
  }
  bool empty() const { return zeros_ == kRegisters; }

 private:
  bool raise(std::size_t idx, std::uint8_t rank) {
    const std::uint8_t old = regs_[idx];
    if (rank <= old) return false;
    regs_[idx] = rank;
    if (old == 0) --zeros_;
    sum_ += std::ldexp(1.0, -rank) - std::ldexp(1.0, -old);
    return true;
  }
  static constexpr double alpha() {
    if constexpr (P == 4) return 0.673;
    if constexpr (P == 5) return 0.697;
    if constexpr (P == 6) return 0.709;
    return 0.7213 / (1.0 + 1.079 / static_cast<double>(kRegisters));
  }
  std::array<std::uint8_t, kRegisters> regs_;
  std::size_t zeros_ = kRegisters;
  double sum_ = 0;  // sum of 2^-register
};

// Count-min sketch (Cormode and Muthukrishnan 2005): Depth rows of 2^LogWidth counters; an
// estimate never undercounts and overcounts by at most e / 2^LogWidth of the total with
// probability 1 - e^-Depth. Counters saturate at 2^32 - 1.
template <unsigned LogWidth, unsigned Depth = 4>
class CountMinSketch {
 public:
  static constexpr std::size_t kWidth = std::size_t{1} << LogWidth;

  CountMinSketch() { clear(); }
  void clear() { std::memset(rows_, 0, sizeof rows_); total_ = 0; }
  // Adds n to the item's count and returns its new estimate.
  std::uint32_t add(std::uint64_t hash, std::uint32_t n = 1) {
    std::uint32_t est = 0xffffffffu;
    for (unsigned d = 0; d < Depth; ++d) {
      std::uint32_t& c = rows_[d][column(hash, d)];
      c = c > 0xffffffffu - n ? 0xffffffffu : c + n;
      est = c < est ? c : est;
    }
    total_ += n;
    return est;
  }
  std::uint32_t estimate(std::uint64_t hash) const {
    std::uint32_t est = 0xffffffffu;
    for (unsigned d = 0; d < Depth; ++d) {
      const std::uint32_t c = rows_[d][column(hash, d)];
      est = c < est ? c : est;
    }
    return est;
  }
  std::uint64_t total() const { return total_; }
  void merge_from(const CountMinSketch& other) {
    for (unsigned d = 0; d < Depth; ++d)
      for (std::size_t i = 0; i < kWidth; ++i) {
        const std::uint64_t s = std::uint64_t{rows_[d][i]} + other.rows_[d][i];
        rows_[d][i] = s > 0xffffffffu ? 0xffffffffu : static_cast<std::uint32_t>(s);
      }
    total_ += other.total_;
  }

 private:
  static std::size_t column(std::uint64_t hash, unsigned d) {
    // Row d uses its own 64-bit multiply of the hash (Kirsch-Mitzenmacher style variants).
    return static_cast<std::size_t>(mix64(hash + 0x9e3779b97f4a7c15ull * (d + 1)) >> (64 - LogWidth));
  }
  std::uint32_t rows_[Depth][kWidth];
  std::uint64_t total_ = 0;
};

// The K heaviest addresses of a stream, by the space-saving algorithm (Metwally et al.
// 2005): an address not held replaces the least counted one and inherits its count, so a
// count overestimates by at most `error`; any address with more than total / K occurrences
// is held. K is small (a handful of suspects), so the search is linear.
template <unsigned K>
class TopK {
 public:
  struct Item {
    IpAddress addr;
    std::uint64_t count = 0;
    std::uint64_t error = 0;  // count inherited from the address it replaced
  };
  void clear() { *this = TopK(); }
  void add(const IpAddress& a, std::uint64_t n = 1) {
    Item* min = &items_[0];
    for (Item& it : items_) {
      if (it.count != 0 && it.addr == a) {
        it.count += n;
        return;
      }
      if (it.count < min->count) min = &it;
    }
    const std::uint64_t inherited = min->count;
    min->addr = a;
    min->error = inherited;
    min->count = inherited + n;
  }
  // The item with the highest guaranteed count (count - error; 0 when empty).
  const Item& top() const {
    const Item* best = &items_[0];
    for (const Item& it : items_)
      if (it.count - it.error > best->count - best->error) best = &it;
    return *best;
  }
  const std::array<Item, K>& items() const { return items_; }
  void merge_from(const TopK& other) {
    for (const Item& it : other.items_)
      if (it.count != 0) add(it.addr, it.count);
  }

 private:
  std::array<Item, K> items_{};
};

// Distinct items: exact while at most Exact were added (32-bit fingerprints, so a few
// hundred ports or hosts are counted without a HyperLogLog's rounding), a HyperLogLog's
// estimate beyond. The HyperLogLog is built from the fingerprints when the exact set
// overflows, so clear() costs nothing and a counter that never overflows never touches it.
template <unsigned P, unsigned Exact>
class DistinctCounter {
 public:
  DistinctCounter() = default;
  void clear() { n_ = 0; }
  // True when the count may have grown.
  bool add(std::uint64_t hash) {
    const auto fp = static_cast<std::uint32_t>(hash >> 32) | 1u;
    if (n_ <= Exact) {
      for (unsigned i = 0; i < n_; ++i)
        if (exact_[i] == fp) return false;
      if (n_ < Exact) {
        exact_[n_++] = fp;
        return true;
      }
      overflow();
    }
    return hll_.add(mix64(fp));
  }
  std::uint64_t count() const { return n_ <= Exact ? n_ : std::max<std::uint64_t>(Exact + 1, hll_.count()); }
  void merge_from(const DistinctCounter& o) {
    if (o.n_ <= Exact) {
      for (unsigned i = 0; i < o.n_; ++i) add(std::uint64_t{o.exact_[i]} << 32);
      return;
    }
    if (n_ <= Exact) overflow();
    hll_.merge_from(o.hll_);
  }

 private:
  void overflow() {
    hll_.clear();
    for (unsigned i = 0; i < n_; ++i) hll_.add(mix64(exact_[i]));
    n_ = Exact + 1;
  }
  unsigned n_ = 0;  // Exact + 1: more than Exact (the HyperLogLog counts)
  std::array<std::uint32_t, Exact> exact_{};
  HyperLogLog<P> hll_;
};

// Exact set of the 256 possible byte values (TTLs), 32 bytes.
class ByteSet {
 public:
  void add(std::uint8_t v) { bits_[v >> 6] |= std::uint64_t{1} << (v & 63); }
  unsigned count() const {
    unsigned n = 0;
    for (std::uint64_t b : bits_) n += static_cast<unsigned>(std::popcount(b));
    return n;
  }
  void merge_from(const ByteSet& o) {
    for (int i = 0; i < 4; ++i) bits_[i] |= o.bits_[i];
  }

 private:
  std::uint64_t bits_[4] = {0, 0, 0, 0};
};

}  // namespace tcplens::detect
