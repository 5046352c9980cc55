// tcpdump's table for relative sequence numbers (print-tcp.c, tcp_seq_hash4/6).
//
// Keyed by (src address, dst address, src port << 16 | dst port) in a canonical order chosen
// from the ports (then the addresses); the value is the pair of initial numbers. tcpdump
// never frees an entry, and neither does this table; it grows by doubling, so inserting a
// new conversation allocates only when the table is resized.
//
// IPv4 keys live in their own table of 24-byte slots (an IPv6 slot is 52 bytes): a capture
// with hundreds of thousands of connections keeps a table of tens of MB, and the first
// lookup of each connection is a cache miss, so the smaller the slots the more of the
// table stays in cache (big.pcap: 243 k keys, 12 MB instead of 26 MB). Tables of 2 MB and
// more are mapped with transparent huge pages where the kernel allows it (madvise mode):
// one TLB entry per 2 MB instead of 512, which matters for these random lookups,
// especially under virtualisation where a TLB miss walks two sets of page tables.
#pragma once

#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

namespace tcplens::tcpdump {

// std::allocator for small arrays; an anonymous mapping, 2 MB-aligned and advised for huge
// pages, for large ones.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}
  static constexpr std::size_t kHuge = std::size_t{2} << 20;

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHuge) return std::allocator<T>().allocate(n);
    const std::size_t len = (bytes + kHuge - 1) & ~(kHuge - 1);
    void* p = mmap(nullptr, len + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    // Keep the 2 MB-aligned part of the mapping, give back the rest.
    auto* base = static_cast<char*>(p);
    auto addr = reinterpret_cast<std::uintptr_t>(base);
    char* aligned = base + ((kHuge - (addr & (kHuge - 1))) & (kHuge - 1));
    if (aligned != base) munmap(base, static_cast<std::size_t>(aligned - base));
    const std::size_t tail = static_cast<std::size_t>(base + len + kHuge - (aligned + len));
    if (tail != 0) munmap(aligned + len, tail);
#ifdef MADV_HUGEPAGE
    madvise(aligned, len, MADV_HUGEPAGE);
#endif
    return reinterpret_cast<T*>(aligned);
  }
  void deallocate(T* p, std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHuge) return std::allocator<T>().deallocate(p, n);
    munmap(p, (bytes + kHuge - 1) & ~(kHuge - 1));
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
};

class TcpSeqTable {
 public:
  struct Key {
    std::uint8_t src[16];
    std::uint8_t dst[16];
    std::uint32_t port;
    std::uint8_t v6;
    bool operator==(const Key& o) const {
      return port == o.port && v6 == o.v6 && std::memcmp(src, o.src, 16) == 0 &&
             std::memcmp(dst, o.dst, 16) == 0;
    }
  };
  // The value: initial sequence and acknowledgement numbers.
  struct Entry {
    std::uint32_t seq;
    std::uint32_t ack;
  };

  TcpSeqTable() : slots4_(kInitialSlots4), slots6_(kInitialSlots6) {}

  // Canonical key of a segment, as print-tcp.c orders it: by port, then by address.
  // Returns whether the pair was reversed.
  static bool make_key(Key& key, bool v6, const std::uint8_t* src, const std::uint8_t* dst,
                       std::uint16_t sport, std::uint16_t dport) {
    std::memset(&key, 0, sizeof key);
    const std::size_t alen = v6 ? 16 : 4;
    const bool rev = sport > dport || (sport == dport && std::memcmp(src, dst, alen) > 0);
    if (rev) {
      std::memcpy(key.src, dst, alen);
      std::memcpy(key.dst, src, alen);
      key.port = (std::uint32_t{dport} << 16) | sport;
    } else {
      std::memcpy(key.src, src, alen);
      std::memcpy(key.dst, dst, alen);
      key.port = (std::uint32_t{sport} << 16) | dport;
    }
    key.v6 = v6 ? 1 : 0;
    return rev;
  }

  // Starts loading the slot where `key` would be (a hint; the lookup comes a little later,
  // after the addresses and ports are printed).
  void prefetch(const Key& key) const {
    if (key.v6)
      __builtin_prefetch(&slots6_[hash6(key) & (slots6_.size() - 1)]);
    else
      __builtin_prefetch(&slots4_[hash4(Key4::of(key)) & (slots4_.size() - 1)]);
  }

  // Returns the entry for key, and whether it already existed.
  Entry& find_or_insert(const Key& key, bool& existed) {
    if (key.v6) {
      if ((count6_ + 1) * 2 > slots6_.size()) grow(slots6_);
      Slot6& s = probe(slots6_, key);
      existed = s.used;
      if (!s.used) {
        s.used = true;
        s.key = key;
        ++count6_;
      }
      return s.value;
    }
    if ((count4_ + 1) * 2 > slots4_.size()) grow(slots4_);
    const Key4 k = Key4::of(key);
    Slot4& s = probe(slots4_, k);
    existed = s.used;
    if (!s.used) {
      s.used = 1;
      s.key = k;
      ++count4_;
    }
    return s.value;
  }

 private:
  static constexpr std::size_t kInitialSlots4 = 4096;
  static constexpr std::size_t kInitialSlots6 = 256;

  struct Key4 {
    std::uint32_t src, dst, port;
    static Key4 of(const Key& k) {
      Key4 r;
      std::memcpy(&r.src, k.src, 4);
      std::memcpy(&r.dst, k.dst, 4);
      r.port = k.port;
      return r;
    }
    bool operator==(const Key4& o) const {
      return src == o.src && dst == o.dst && port == o.port;
    }
  };
  struct Slot4 {
    Key4 key;
    std::uint32_t used;
    Entry value;
  };
  struct Slot6 {
    Key key;
    Entry value;
    bool used;
  };

  static std::uint64_t mix(std::uint64_t h) {
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    return h ^ (h >> 32);
  }
  static std::uint64_t hash4(const Key4& k) {
    return mix(((std::uint64_t{k.src} << 32) | k.dst) ^ (k.port * 0x9E3779B97F4A7C15ull));
  }
  static std::uint64_t hash6(const Key& k) {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ k.port;
    for (std::size_t i = 0; i < 16; i += 8) {
      std::uint64_t a, b;
      std::memcpy(&a, k.src + i, 8);
      std::memcpy(&b, k.dst + i, 8);
      h = (h ^ a) * 0xff51afd7ed558ccdull;
      h = (h ^ b) * 0xc4ceb9fe1a85ec53ull;
    }
    return mix(h);
  }
  static std::uint64_t hash_of(const Key4& k) { return hash4(k); }
  static std::uint64_t hash_of(const Key& k) { return hash6(k); }

  template <typename Slot>
  using Slots = std::vector<Slot, HugePageAllocator<Slot>>;

  template <typename Slot, typename K>
  static Slot& probe(Slots<Slot>& slots, const K& key) {
    std::size_t mask = slots.size() - 1;
    std::size_t i = hash_of(key) & mask;
    while (slots[i].used && !(slots[i].key == key)) i = (i + 1) & mask;
    return slots[i];
  }
  template <typename Slot>
  static void grow(Slots<Slot>& slots) {
    Slots<Slot> bigger(slots.size() * 2);
    for (const Slot& s : slots)
      if (s.used) probe(bigger, s.key) = s;
    slots.swap(bigger);
  }

  Slots<Slot4> slots4_;
  Slots<Slot6> slots6_;
  std::size_t count4_ = 0;
  std::size_t count6_ = 0;
};

}  // namespace tcplens::tcpdump
