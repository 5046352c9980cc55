// Reads classic pcap (micro- and nanosecond, either byte order) and pcapng capture files,
// without libpcap. Regular files are memory-mapped, so packet bytes are never copied;
// standard input and FIFOs are read through one reusable buffer; SharedCaptureFile reads a file
// once for several readers.
//
// Damage is handled the way libpcap handles it (same checks, same messages), so what tcplens
// accepts and rejects matches tcpdump: every record before the damage is delivered, then
// next() returns ReadStatus::Error with the record number and byte offset. For pcapng, an
// unknown block type is skipped, as the format allows.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tcplens/capture/packet_source.hpp"

namespace tcplens {

enum class TimestampPrecision { Micro, Nano };

class SharedCaptureFile;

class PcapFileSource final : public PacketSource {
 public:
  // Opens `path` ("-" for standard input). On failure, returns nullptr and sets `error`
  // (libpcap's wording, without the file name).
  static std::unique_ptr<PcapFileSource> open(const std::string& path, std::string& error);
  // Reads a capture held in memory (benchmarks, tests); `bytes` must outlive the source.
  static std::unique_ptr<PcapFileSource> open_memory(ByteView bytes, std::string& error);
  // Reader `reader` (< the file's readers) of a file read once for several readers; `file`
  // must outlive the source.
  static std::unique_ptr<PcapFileSource> open_shared(SharedCaptureFile& file, std::size_t reader,
                                                     std::string& error);
  ~PcapFileSource() override;

  ReadStatus next(RawPacket& packet) override;
  const SourceInfo& info() const override { return info_; }
  const SourceError& error() const override { return error_; }

  class Input;  // private byte supplier (mmap or stream)

 private:
  PcapFileSource() = default;
  bool read_header(std::string& error);
  bool read_pcapng_start(std::string& error);
  ReadStatus read_pcapng_block(std::uint32_t& type, ByteView& body, std::uint64_t& offset);
  ReadStatus add_interface(ByteView body, std::uint64_t offset);
  ReadStatus next_pcap(RawPacket& packet);
  ReadStatus next_pcapng(RawPacket& packet);
  ReadStatus fail(std::string message, std::uint64_t offset);

  std::unique_ptr<Input> input_;
  SourceInfo info_;
  SourceError error_;
  bool swapped_ = false;
  bool nanosecond_ = false;
  std::uint32_t max_caplen_ = 0;  // pcap: max_snaplen_for(linktype), looked up once
  std::uint64_t records_ = 0;

  // pcapng interfaces: link type, snap length and timestamp units per second.
  struct Interface {
    std::uint32_t linktype = 0;
    std::uint32_t snaplen = 0;
    std::uint64_t units_per_sec = 1000000;
    std::int64_t offset_sec = 0;
  };
  static constexpr std::size_t kMaxInterfaces = 4096;
  std::vector<Interface> interfaces_;
};

// A capture file read once for several sources that read it at the same time (analyze's
// worker threads, one source each). The file is read with pread() into a small ring that is
// mapped twice, back to back, so that a record is contiguous wherever it falls; whichever
// reader first needs bytes not yet read reads the next pieces. A piece overwrites the ring
// only once every reader is past what it replaces, so a reader a ring ahead of the slowest
// waits for it. Reading into a ring the processors' caches hold costs a third less than
// mapping the file and dropping its pages behind (bench/README.md), and the memory stays at
// the ring's size whatever the file's. Watch out: the readers must therefore not wait for one
// another in other ways (analyze's workers wait only for their rows to be written, which
// waits for the slowest).
class SharedCaptureFile {
 public:
  // nullptr when `path` is not a regular file with bytes in it, or the ring cannot be made:
  // then open the readers one by one with PcapFileSource::open().
  static std::unique_ptr<SharedCaptureFile> open(const std::string& path, std::size_t readers);
  ~SharedCaptureFile();
  SharedCaptureFile(const SharedCaptureFile&) = delete;
  SharedCaptureFile& operator=(const SharedCaptureFile&) = delete;
  // Each reader's source: PcapFileSource::open_shared(file, reader, error).

  static constexpr std::size_t kRingSize = 4u << 20;
  // A larger take (a pcapng block of several MiB) is read by its reader alone.
  static constexpr std::size_t kMaxRingView = 256u << 10;
  static constexpr std::size_t kPiece = 512u << 10;
  static constexpr std::size_t kReadAhead = 1u << 20;
  static_assert(kRingSize % kPiece == 0);

 private:
  friend class PcapFileSource;
  class Reader;
  SharedCaptureFile(int fd, std::size_t size, std::uint8_t* ring, std::size_t readers);
  // Reads the file up to at least `need` (or its end, or an error), and on to `want` when
  // that needs no waiting; returns how far it is read.
  std::size_t load_to(std::size_t need, std::size_t want);
  // Reader `reader` no longer needs the bytes before `offset`.
  void passed(std::size_t reader, std::size_t offset);
  std::size_t lowest() const;

  int fd_;
  std::atomic<std::size_t> size_;  // less than the file's size at open if it shrank since
  std::uint8_t* ring_;             // kRingSize bytes, mapped again right after
  std::unique_ptr<std::atomic<std::size_t>[]> passed_;  // per reader
  std::size_t readers_;
  std::mutex load_mutex_;                  // held by the reader that reads
  std::atomic<std::size_t> loaded_{0};     // the file's bytes [0, loaded_) have been read
  std::atomic<int> error_{0};              // errno of a failed read
  std::atomic<std::uint64_t> progress_{0};  // bumped whenever a reader reports
  std::atomic<int> waiting_{0};             // readers waiting for the slowest one
};

}  // namespace tcplens
