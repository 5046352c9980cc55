// The state of `tcplens detect` over one shard of `tcplens split`, and the merge of every
// shard's state into what one run over the whole input writes (docs/scale-out.md).
//
// Detection is not flow-local: a scan spans many 4-tuples, a flood many sources, and the
// detectors' tables (flow cache, targets, scanners) evict by arrival order. So a shard does
// not detect; it writes the detectors' input (Detector::input_of: one event a TCP packet or
// quoted unreachable probe, with its frame in the whole input), and the merge replays the
// events of every shard in frame order into one Detector: the same calls in the same order as
// one run, hence the same findings, raised at the same frames (--live) and the same final
// output, byte for byte.
//
// File (little-endian): a header ("TLDETST1", u32 version, u32 shard, u32 shards, u64
// packets of the whole input, the DetectOptions, the filter text), then blocks of events (u32
// payload length, u32 events, u64 check of the payload, the payload; at most 64 KiB), an
// empty block, a trailer (u64 events, u64 packets that made no event, u64 check of the two,
// "TLDETEND"). An event is two tag bytes, LEB128 varints and a few raw words: the frame as a
// delta from the previous event's, the time as a zig-zag delta, each address as a literal or
// "the previous event's source/destination", each field left out when zero. About 25 to 40
// bytes a packet.
//
// The writer appends to a fixed block and an Output: no allocation per event. The reader
// checks every block before using it; each error names the file and the byte offset.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tcplens/detect/detector.hpp"
#include "tcplens/render/output.hpp"

namespace tcplens::detect {

inline constexpr std::uint32_t kDetectStateVersion = 1;

// What a state file says of the run that wrote it; a merge refuses files that disagree.
struct DetectStateHeader {
  std::uint32_t version = kDetectStateVersion;
  std::uint32_t shard = 0;
  std::uint32_t shards = 0;
  std::uint64_t input_packets = 0;  // in the whole input (the shard index's count)
  DetectOptions options;
  std::string filter;  // the BPF expression and -Y filter that chose the packets
};

// The first difference between two headers' options or filters ("--syn-rate 5 vs 20"), or
// empty when they agree.
std::string options_difference(const DetectStateHeader& a, const DetectStateHeader& b);

class DetectStateWriter {
 public:
  // Writes to `out` (flushed as blocks fill).
  explicit DetectStateWriter(Output& out) : out_(out) {}
  void start(const DetectStateHeader& header);
  // One event; frames must increase from one event to the next.
  void add(DetectInput kind, const PacketFacts& p);
  void add_other() { ++others_; }
  // The last block, the end block and the trailer; false when writing failed.
  bool finish();
  bool failed() const { return failed_; }
  std::uint64_t events() const { return events_; }

  static constexpr std::size_t kBlockBytes = 1 << 16;
  static constexpr std::size_t kMaxEventBytes = 96;

 private:
  void end_block();

  Output& out_;
  std::array<std::uint8_t, kBlockBytes + kMaxEventBytes> block_{};
  std::size_t used_ = 0;
  std::uint32_t block_events_ = 0;
  std::uint64_t events_ = 0, others_ = 0;
  std::uint64_t prev_frame_ = 0;
  std::int64_t prev_ns_ = 0;
  IpAddress prev_src_, prev_dst_;
  bool failed_ = false;
};

class DetectStateReader {
 public:
  DetectStateReader() = default;
  ~DetectStateReader();
  DetectStateReader(const DetectStateReader&) = delete;
  DetectStateReader& operator=(const DetectStateReader&) = delete;

  // Opens the file and reads its header; false (error()) when it is no state file.
  bool open(const std::string& path);
  const DetectStateHeader& header() const { return header_; }
  // The next event; false at the end (done() and the trailer read) or on an error (error()).
  bool next(DetectInput& kind, PacketFacts& p);
  // Back to the first event.
  bool rewind();
  // Reads every block to the trailer, checking each (its check, its length, the counts),
  // without decoding the events, then rewinds: what the merge does to every file before it
  // replays any. Events are decoded (and checked) by next().
  bool check_blocks();
  bool done() const { return done_; }
  std::uint64_t events() const { return trailer_events_; }
  std::uint64_t other_packets() const { return trailer_others_; }
  // "PATH: offset N: what is wrong".
  const std::string& error() const { return error_; }

 private:
  bool fail(std::uint64_t offset, const std::string& why);
  bool read_exact(void* to, std::size_t n);
  bool next_block();

  std::FILE* file_ = nullptr;
  std::string path_, error_;
  DetectStateHeader header_;
  std::uint64_t events_start_ = 0;  // offset of the first block
  std::uint64_t offset_ = 0;        // of the next byte read from the file
  std::vector<std::uint8_t> block_;
  std::size_t at_ = 0;
  std::uint64_t block_offset_ = 0;  // of the current block's payload
  std::uint32_t block_left_ = 0;    // events still to decode in it
  std::uint64_t events_ = 0, trailer_events_ = 0, trailer_others_ = 0;
  std::uint64_t prev_frame_ = 0;
  std::int64_t prev_ns_ = 0;
  IpAddress prev_src_, prev_dst_;
  bool done_ = false;
};

// `tcplens detect --merge`: checks every file (the options and filter of `expected`, each
// shard of one split once, every block whole: check_blocks()), then replays their events in frame order into
// `detector` (whose on_raise hears each finding as one run raises it); the caller then calls
// finish() and writes the findings. False with `error` set when the files are refused
// (nothing replayed) or, past the checks, one fails to read again.
struct DetectMergeResult {
  std::uint64_t packets = 0;
  std::uint64_t events = 0;
};
bool merge_detect_states(const std::vector<std::string>& paths, const DetectStateHeader& expected,
                         Detector& detector, DetectMergeResult& result, std::string& error);

}  // namespace tcplens::detect
