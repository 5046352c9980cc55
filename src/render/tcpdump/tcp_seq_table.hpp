// tcpdump's table for relative sequence numbers (print-tcp.c, tcp_seq_hash4/6).
//
// Keyed by (src address, dst address, src port << 16 | dst port) in a canonical order chosen
// from the ports (then the addresses); the value is the pair of initial numbers. tcpdump
// never frees an entry, and neither does this table; it grows by doubling, so inserting a
// new conversation allocates only when the table is resized.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace tcplens::tcpdump {

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
  struct Entry {
    Key key;
    std::uint32_t seq;
    std::uint32_t ack;
    bool used;
  };

  TcpSeqTable() : slots_(kInitialSlots) {}

  // Returns the entry for key, and whether it already existed.
  Entry& find_or_insert(const Key& key, bool& existed) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    Entry& e = probe(slots_, key);
    existed = e.used;
    if (!e.used) {
      e.used = true;
      e.key = key;
      ++count_;
    }
    return e;
  }

 private:
  static constexpr std::size_t kInitialSlots = 4096;

  static std::uint64_t hash(const Key& k) {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ k.port ^ (std::uint64_t{k.v6} << 40);
    const std::size_t n = k.v6 ? 16 : 4;
    for (std::size_t i = 0; i < n; i += 4) {
      std::uint32_t a, b;
      std::memcpy(&a, k.src + i, 4);
      std::memcpy(&b, k.dst + i, 4);
      h = (h ^ a) * 0xff51afd7ed558ccdull;
      h = (h ^ b) * 0xc4ceb9fe1a85ec53ull;
    }
    return h ^ (h >> 29);
  }
  static Entry& probe(std::vector<Entry>& slots, const Key& key) {
    std::size_t mask = slots.size() - 1;
    std::size_t i = hash(key) & mask;
    while (slots[i].used && !(slots[i].key == key)) i = (i + 1) & mask;
    return slots[i];
  }
  void grow() {
    std::vector<Entry> bigger(slots_.size() * 2);
    for (const Entry& e : slots_)
      if (e.used) probe(bigger, e.key) = e;
    slots_.swap(bigger);
  }

  std::vector<Entry> slots_;
  std::size_t count_ = 0;
};

}  // namespace tcplens::tcpdump
