// Reads classic pcap (micro- and nanosecond, either byte order) and pcapng capture files,
// without libpcap. Regular files are memory-mapped, so packet bytes are never copied;
// standard input and FIFOs are read through one reusable buffer.
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

class SharedCaptureMap;

class PcapFileSource final : public PacketSource {
 public:
  // Opens `path` ("-" for standard input). On failure, returns nullptr and sets `error`
  // (libpcap's wording, without the file name).
  static std::unique_ptr<PcapFileSource> open(const std::string& path, std::string& error);
  // Reads a capture held in memory (benchmarks, tests); `bytes` must outlive the source.
  static std::unique_ptr<PcapFileSource> open_memory(ByteView bytes, std::string& error);
  // Reader `reader` (< the map's readers) of a file mapped once for several readers; the map
  // must outlive the source.
  static std::unique_ptr<PcapFileSource> open_shared(SharedCaptureMap& map, std::size_t reader,
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

// A capture file mapped once for several sources that read it at the same time (analyze's
// worker threads, one source each). Each source drops nothing itself: a page leaves the
// mapping once every reader is past it, so the file is faulted in once rather than once per
// reader; a reader more than 2 MiB ahead of the slowest waits for it, so the resident part
// stays a few MiB whatever the file's size. Watch out: the readers must therefore not wait
// for one another in other ways (analyze's workers wait only for the merge of rows, which
// waits for the slowest).
class SharedCaptureMap {
 public:
  // nullptr when `path` cannot be mapped (not a regular file, empty, ...): then open the
  // readers one by one with PcapFileSource::open().
  static std::unique_ptr<SharedCaptureMap> map(const std::string& path, std::size_t readers);
  ~SharedCaptureMap();
  SharedCaptureMap(const SharedCaptureMap&) = delete;
  SharedCaptureMap& operator=(const SharedCaptureMap&) = delete;
  // Each reader's source: PcapFileSource::open_shared(map, reader, error).

 private:
  friend class PcapFileSource;
  class Reader;
  SharedCaptureMap(const std::uint8_t* bytes, std::size_t size, std::size_t readers);
  // Reader `reader` no longer needs the bytes before `offset`; drops what no reader needs.
  void passed(std::size_t reader, std::size_t offset);

  const std::uint8_t* bytes_;
  std::size_t size_;
  std::unique_ptr<std::atomic<std::size_t>[]> passed_;  // per reader
  std::size_t readers_;
  std::mutex release_mutex_;
  std::size_t released_ = 0;  // [0, released_) dropped (under release_mutex_)
  std::atomic<std::uint64_t> progress_{0};  // bumped whenever a reader reports
  static constexpr std::size_t kMaxLead = 2u << 20;
};

}  // namespace tcplens
