// PacketPipeline: one pass over a capture on two threads, in capture order.
//
// The calling thread reads each packet and decodes it into a slot of a ring; a worker thread
// then hands the slot to `work` (e.g. the stream tracker); the calling thread finally hands it
// to `finish` (e.g. a renderer). Decoding and rendering on one thread and tracking on the
// other keeps both of a 2-core machine busy. The ring is allocated once: nothing per packet.
//
// Watch out: by the time `work` and `finish` run, the source and the decoder have moved on,
// so Slot::raw.data and the payload views of Slot::pkt may no longer be valid. Those stages
// must use header values only (as the tracker and the TSV writer do), or copy what they need
// in `work`... which runs before the slot can be reused, but after later packets were read.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "tcplens/capture/packet_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"

namespace tcplens {

template <typename Extra>
class PacketPipeline {
 public:
  struct Slot {
    RawPacket raw;
    DecodedPacket pkt;
    Extra extra;  // what `work` leaves for `finish`
  };

  // `slots` is rounded up to a power of two.
  explicit PacketPipeline(std::size_t slots = 4096) {
    std::size_t n = 64;
    while (n < slots) n <<= 1;
    ring_.resize(n);
    mask_ = n - 1;
  }

  // Runs every packet of `source` through decode and `prepare(Slot&)` (calling thread),
  // `work(Slot&)` (worker thread) and `finish(Slot&)` (calling thread). Returns
  // the status that ended the source (End or Error).
  template <typename Prepare, typename Work, typename Finish>
  ReadStatus run(PacketSource& source, PacketDecoder& decoder, Prepare&& prepare, Work&& work,
                 Finish&& finish) {
    // `decoded` counts the slots ready for the worker; kDone is set in it with the last count,
    // so that a worker waiting for a change always sees the end.
    std::atomic<std::uint64_t> decoded{0}, worked{0};
    std::thread worker([&] {
      std::uint64_t w = 0;
      for (;;) {
        const std::uint64_t v = decoded.load(std::memory_order_acquire);
        const std::uint64_t d = v & ~kDone;
        if (w == d) {
          if (v & kDone) break;
          wait_change(decoded, v);
          continue;
        }
        while (w < d) {
          work(ring_[w & mask_]);
          ++w;
          if ((w & (kBatch - 1)) == 0) publish(worked, w);
        }
        publish(worked, w);
      }
    });
    const std::uint64_t capacity = ring_.size();
    std::uint64_t d = 0, f = 0;
    ReadStatus status = ReadStatus::Ok;
    for (;;) {
      const std::uint64_t wk = worked.load(std::memory_order_acquire);
      while (f < wk) finish(ring_[f++ & mask_]);
      if (status == ReadStatus::Ok && d - f < capacity) {
        for (std::uint64_t i = 0; i < kBatch && d - f < capacity; ++i) {
          Slot& s = ring_[d & mask_];
          status = source.next(s.raw);
          if (status != ReadStatus::Ok) break;
          decoder.decode(s.raw, s.pkt);
          prepare(s);
          ++d;
        }
        publish(decoded, status == ReadStatus::Ok ? d : d | kDone);
        continue;
      }
      if (status != ReadStatus::Ok && f == d) break;
      wait_change(worked, wk);
    }
    worker.join();
    return status;
  }

 private:
  static constexpr std::uint64_t kBatch = 32;  // slots between hand-overs
  static constexpr std::uint64_t kDone = std::uint64_t{1} << 63;
  static void publish(std::atomic<std::uint64_t>& counter, std::uint64_t value) {
    counter.store(value, std::memory_order_release);
    counter.notify_one();
  }
  // Waits until `counter` is no longer `seen`: spins for a while (the other thread publishes
  // every few microseconds), then sleeps in the kernel, so that a waiting thread does not
  // hold a core the other one needs when the machine is busy.
  static void wait_change(const std::atomic<std::uint64_t>& counter, std::uint64_t seen) {
    for (int i = 0; i < 4096; ++i) {
      if (counter.load(std::memory_order_acquire) != seen) return;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    counter.wait(seen, std::memory_order_acquire);
  }
  std::vector<Slot> ring_;
  std::size_t mask_ = 0;
};

}  // namespace tcplens
