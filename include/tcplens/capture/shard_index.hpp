// The index file `tcplens split` writes beside each shard (shard-K.pcap, shard-K.idx), so
// that a process reading one shard writes what one process reading the whole input writes.
//
// A shard holds some of the input's packets; to number them, time them and free connections
// as a run over the whole input does, the run over the shard needs:
//  - each packet's frame number in the whole input (the shard's record i is frame frames[i]);
//  - the clock's ticks: the engine frees idle and closed connections once per second of
//    capture time, before the packet that crossed the second (engine.hpp). Those packets
//    may be in other shards; the index lists every one, with its time, so the run ticks at
//    the same frames with the same times. The first tick is the input's first packet (its
//    time is frame.time_relative's zero).
//
// Layout (little-endian): "TLSHARD1"; the frames as LEB128 deltas from the previous one
// (from 0); the ticks as (u64 frame, i64 sec, i64 nsec); a 48-byte trailer: u64 offset of
// the ticks, u64 frame count, u64 tick count, u64 packets in the whole input, u32 shard,
// u32 shards, "TLSHEND1". The writer builds the file under a temporary name and renames it
// at close(), as PcapWriter does.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tcplens/capture/raw_packet.hpp"

namespace tcplens {

struct ShardTick {
  std::uint64_t frame = 0;
  Timestamp ts;
};

// The clock's tick rule (engine.hpp), applied to the whole input's packets in order.
class TickClock {
 public:
  // True when the packet at `ts` ticks (the first packet always does).
  bool advance(const Timestamp& ts) {
    const std::int64_t now = ts.sec * 1000000000 + ts.nsec;
    if (started_ && now < next_ns_) return false;
    started_ = true;
    next_ns_ = now + 1000000000;
    return true;
  }

 private:
  bool started_ = false;
  std::int64_t next_ns_ = 0;
};

class ShardIndexWriter {
 public:
  ShardIndexWriter() = default;
  ~ShardIndexWriter();
  ShardIndexWriter(const ShardIndexWriter&) = delete;
  ShardIndexWriter& operator=(const ShardIndexWriter&) = delete;

  bool open(const std::string& path, std::uint32_t shard, std::uint32_t shards);
  bool add_frame(std::uint64_t frame);
  // The ticks (shared by every shard) and the input's packet count, then rename into place.
  bool close(const std::vector<ShardTick>& ticks, std::uint64_t total_packets);
  const std::string& error() const { return error_; }

 private:
  bool put(const void* bytes, std::size_t size);
  bool fail();

  std::FILE* file_ = nullptr;
  std::string path_, temp_path_, error_;
  std::uint32_t shard_ = 0, shards_ = 0;
  std::uint64_t prev_ = 0, count_ = 0, offset_ = 0;
};

class ShardIndex {
 public:
  // Reads the trailer and the ticks; the frames are read as next_frame() asks for them.
  bool open(const std::string& path);
  ~ShardIndex();
  // The shard's next record's frame number in the whole input; false past the last one.
  bool next_frame(std::uint64_t& frame);
  // Starts the frames again from the first (a second pass).
  bool rewind();

  const std::vector<ShardTick>& ticks() const { return ticks_; }
  std::uint64_t frame_count() const { return frame_count_; }
  std::uint64_t total_packets() const { return total_packets_; }
  std::uint32_t shard() const { return shard_; }
  std::uint32_t shards() const { return shards_; }
  const std::string& error() const { return error_; }

 private:
  std::FILE* file_ = nullptr;
  std::string path_, error_;
  std::vector<ShardTick> ticks_;
  std::uint64_t ticks_offset_ = 0, frame_count_ = 0, total_packets_ = 0;
  std::uint64_t read_ = 0, prev_ = 0;
  std::uint32_t shard_ = 0, shards_ = 0;
};

}  // namespace tcplens
