// CompactWriter / CompactReader: one object's fields as a short byte string and back, for
// the connections a busy capture keeps after they closed (ConnectionAnalyzer freezes them
// until their linger ends). Integers are LEB128 varints (signed ones zigzagged), so the
// counters, flags and small enums that fill a connection take a byte each; times and frame
// numbers are written relative to a base (the connection's first packet), so they are short
// too.
//
// A type says which fields it has once, in `template <class Io> void transfer(Io& io)` (or a
// free function), calling io(field) for each: the writer reads them, the reader sets them.
#pragma once

#include <concepts>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/decode/decoded_packet.hpp"

namespace tcplens::compact {

constexpr std::int64_t kNsPerSec = 1000000000;
// A nanosecond part as pcap readers make it (0 <= nsec < 1 s).
inline bool plain(std::int64_t nsec) { return nsec >= 0 && nsec < kNsPerSec; }

// Differences of seconds in modulo 2^64 arithmetic: a capture can hold any 64-bit seconds,
// and a - b then b + (a - b) gives a back exactly, without signed overflow.
inline std::int64_t wrap_sub(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}
inline std::int64_t wrap_add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

inline std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

class CompactWriter {
 public:
  static constexpr bool kReading = false;
  // Writes into `out`, which holds exactly the bytes written when the writer is gone (or
  // after finish()).
  explicit CompactWriter(std::vector<std::uint8_t>& out) : out_(out) {
    if (out_.size() < 512) out_.resize(512);
    at_ = out_.data();
    end_ = at_ + out_.size();
  }
  ~CompactWriter() { finish(); }
  CompactWriter(const CompactWriter&) = delete;
  CompactWriter& operator=(const CompactWriter&) = delete;
  void finish() {
    out_.resize(static_cast<std::size_t>(at_ - out_.data()));
    end_ = at_;
  }

  template <class T>
    requires std::unsigned_integral<T>
  [[gnu::always_inline]] void operator()(T& v) { put(v); }
  template <class T>
    requires std::signed_integral<T>
  [[gnu::always_inline]] void operator()(T& v) { put(zigzag(v)); }
  template <class T>
    requires std::is_enum_v<T>
  [[gnu::always_inline]] void operator()(T& v) { put(static_cast<std::uint64_t>(static_cast<std::underlying_type_t<T>>(v))); }
  [[gnu::always_inline]] void operator()(Timestamp& t) { time(t.sec, t.nsec); }
  // A time as nanoseconds after the base (a few bytes for a connection's times), or, when
  // either is not a plain time, as its two parts.
  template <class N>
  [[gnu::always_inline]] void time(std::int64_t& sec, N& nsec) {
    const std::int64_t ns = static_cast<std::int64_t>(nsec);
    const std::int64_t dsec = wrap_sub(sec, base_sec_);
    if (plain(ns) && base_plain_ && dsec > -(std::int64_t{1} << 31) && dsec < (std::int64_t{1} << 31)) {
      put(zigzag(dsec * kNsPerSec + (ns - base_nsec_)) << 1);
    } else {
      put(1);
      put(zigzag(dsec));
      put(zigzag(ns));
    }
  }
  [[gnu::always_inline]] void operator()(IpAddress& a) {
    put(a.family);
    bytes(a.bytes.data(), a.size());
  }
  [[gnu::always_inline]] void operator()(double& d) { raw(d); }
  [[gnu::always_inline]] void operator()(std::string& s) {
    put(s.size());
    bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  }
  // A trivially copyable value, byte for byte (rare, larger ones: an encapsulation chain).
  template <class T>
  void raw(T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes(reinterpret_cast<const std::uint8_t*>(&v), sizeof(T));
  }
  // Times and frames after this are written relative to these.
  void set_base(const Timestamp& t, std::uint64_t frame) {
    base_sec_ = t.sec;
    base_nsec_ = t.nsec;
    base_plain_ = plain(t.nsec);
    base_frame_ = frame;
  }
  [[gnu::always_inline]] void frame(std::uint64_t& f) { put(zigzag(static_cast<std::int64_t>(f - base_frame_))); }

 private:
  // Room for n more bytes (the buffer is sized ahead: most values are a byte or two). The
  // cursor is a pointer pair, not an index into the vector: a field then costs a compare and
  // a store, not the vector's size and data loaded again after every byte written.
  [[gnu::always_inline]] std::uint8_t* room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - at_) < n) [[unlikely]]
      grow(n);
    return at_;
  }
  [[gnu::noinline]] void grow(std::size_t n) {
    const std::size_t used = static_cast<std::size_t>(at_ - out_.data());
    out_.resize((used + n) * 2);
    at_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }
  [[gnu::always_inline]] void put(std::uint64_t v) {
    std::uint8_t* p = room(10);
    if (v < 0x80) [[likely]] {  // most values: one byte
      *p = static_cast<std::uint8_t>(v);
      at_ = p + 1;
      return;
    }
    while (v >= 0x80) {
      *p++ = static_cast<std::uint8_t>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<std::uint8_t>(v);
    at_ = p;
  }
  [[gnu::always_inline]] void bytes(const std::uint8_t* data, std::size_t n) {
    std::uint8_t* p = room(n);
    std::memcpy(p, data, n);
    at_ = p + n;
  }
  std::vector<std::uint8_t>& out_;
  std::uint8_t* at_ = nullptr;  // the next byte's place in out_
  std::uint8_t* end_ = nullptr;
  std::int64_t base_sec_ = 0, base_nsec_ = 0;
  bool base_plain_ = true;
  std::uint64_t base_frame_ = 0;
};

// Reads what a CompactWriter wrote, through the same transfer(): bytes it made itself, so
// running out only stops the reading (the fields left keep their values); ok() says so.
class CompactReader {
 public:
  static constexpr bool kReading = true;
  CompactReader(const std::uint8_t* data, std::size_t size) : at_(data), end_(data + size) {}

  template <class T>
    requires std::unsigned_integral<T>
  [[gnu::always_inline]] void operator()(T& v) { v = static_cast<T>(get()); }
  template <class T>
    requires std::signed_integral<T>
  [[gnu::always_inline]] void operator()(T& v) { v = static_cast<T>(unzigzag(get())); }
  template <class T>
    requires std::is_enum_v<T>
  [[gnu::always_inline]] void operator()(T& v) { v = static_cast<T>(static_cast<std::underlying_type_t<T>>(get())); }
  [[gnu::always_inline]] void operator()(Timestamp& t) { time(t.sec, t.nsec); }
  template <class N>
  [[gnu::always_inline]] void time(std::int64_t& sec, N& nsec) {
    const std::uint64_t v = get();
    if ((v & 1) == 0) {
      // base_plain_ held when it was written: the sum is a plain time after the epoch's
      // base, split back into its parts.
      const std::int64_t total = base_nsec_ + unzigzag(v >> 1);
      std::int64_t dsec = total / kNsPerSec, rest = total % kNsPerSec;
      if (rest < 0) {
        rest += kNsPerSec;
        --dsec;
      }
      sec = wrap_add(base_sec_, dsec);
      nsec = static_cast<N>(rest);
    } else {
      sec = wrap_add(base_sec_, unzigzag(get()));
      nsec = static_cast<N>(unzigzag(get()));
    }
  }
  [[gnu::always_inline]] void operator()(IpAddress& a) {
    a = IpAddress{};
    a.family = static_cast<std::uint8_t>(get());
    bytes(a.bytes.data(), a.size());
  }
  [[gnu::always_inline]] void operator()(double& d) { raw(d); }
  [[gnu::always_inline]] void operator()(std::string& s) {
    const std::uint64_t n = get();
    if (n > static_cast<std::uint64_t>(end_ - at_)) {
      ok_ = false;
      at_ = end_;
      return;
    }
    s.assign(reinterpret_cast<const char*>(at_), n);
    at_ += n;
  }
  template <class T>
  void raw(T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes(reinterpret_cast<std::uint8_t*>(&v), sizeof(T));
  }
  void set_base(const Timestamp& t, std::uint64_t frame) {
    base_sec_ = t.sec;
    base_nsec_ = t.nsec;
    base_frame_ = frame;
  }
  [[gnu::always_inline]] void frame(std::uint64_t& f) { f = base_frame_ + static_cast<std::uint64_t>(unzigzag(get())); }
  bool ok() const { return ok_ && at_ == end_; }

 private:
  [[gnu::always_inline]] std::uint64_t get() {
    if (at_ != end_ && *at_ < 0x80) return *at_++;  // most values: one byte
    return get_long();
  }
  std::uint64_t get_long() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ == end_) {
        ok_ = false;
        return v;
      }
      const std::uint8_t b = *at_++;
      v |= std::uint64_t{b & 0x7fu} << shift;
      if (b < 0x80) return v;
    }
    ok_ = false;
    return v;
  }
  void bytes(std::uint8_t* out, std::size_t n) {
    if (static_cast<std::size_t>(end_ - at_) < n) {
      ok_ = false;
      at_ = end_;
      return;
    }
    std::memcpy(out, at_, n);
    at_ += n;
  }
  const std::uint8_t* at_;
  const std::uint8_t* end_;
  std::int64_t base_sec_ = 0, base_nsec_ = 0;
  std::uint64_t base_frame_ = 0;
  bool ok_ = true;
};

// Where frozen objects' bytes live: blocks in size classes of 16 bytes carved from 64 KiB
// chunks, each class with a free list, so that freezing and thawing tens of thousands of
// connections a second costs no malloc and free each. Chunks are given back only with the
// arena (memory follows the peak of frozen bytes). Blobs above kMaxBytes are not kept:
// their owner stays awake.
class BlobArena {
 public:
  static constexpr std::size_t kMaxBytes = 2048;

  BlobArena() = default;
  BlobArena(const BlobArena&) = delete;
  BlobArena& operator=(const BlobArena&) = delete;

  // A copy of `n` <= kMaxBytes bytes.
  std::uint8_t* keep(const std::uint8_t* data, std::size_t n) {
    const std::size_t c = size_class(n);
    std::uint8_t* p = free_[c];
    if (p != nullptr) {
      std::memcpy(&free_[c], p, sizeof p);  // the next free block, kept in the block
    } else {
      const std::size_t bytes = c * kGrain;
      if (chunk_left_ < bytes) {
        chunks_.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(kChunk));
        chunk_at_ = chunks_.back().get();
        chunk_left_ = kChunk;
      }
      p = chunk_at_;
      chunk_at_ += bytes;
      chunk_left_ -= bytes;
    }
    std::memcpy(p, data, n);
    return p;
  }
  void release(std::uint8_t* p, std::size_t n) {
    const std::size_t c = size_class(n);
    std::memcpy(p, &free_[c], sizeof p);
    free_[c] = p;
  }

 private:
  static constexpr std::size_t kGrain = 16;
  static constexpr std::size_t kChunk = 64 * 1024;
  static std::size_t size_class(std::size_t n) { return n == 0 ? 1 : (n + kGrain - 1) / kGrain; }
  std::uint8_t* free_[kMaxBytes / kGrain + 1] = {};
  std::vector<std::unique_ptr<std::uint8_t[]>> chunks_;
  std::uint8_t* chunk_at_ = nullptr;
  std::size_t chunk_left_ = 0;
};

}  // namespace tcplens::compact
