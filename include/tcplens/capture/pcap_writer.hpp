// Writes a classic pcap file, as `tcpdump -w` does.
//
// Two ways: Replace builds the file under a temporary name beside the target and renames it
// into place at close(), so no reader ever sees a half-written file under the final name
// (a file made from another); InPlace writes the target itself, header first, then whole
// records only (a live capture, which may be read while it runs or be killed). Either way
// the file is locked while it is written: a second writer of the same file is refused. Records are
// written in large blocks; when a write fails (disk full, file size limit), the file is cut
// back to the last complete record, so what is on disk is always a valid capture, and
// write()/flush()/close() return false with errno's text in error().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tcplens/capture/raw_packet.hpp"

namespace tcplens {

class PcapWriter {
 public:
  PcapWriter() = default;
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  enum class Mode { Replace, InPlace };
  // "-" writes to standard output (no temporary file).
  bool open(const std::string& path, std::uint32_t linktype, std::uint32_t snaplen, bool nano,
            Mode mode = Mode::Replace);
  bool write(const RawPacket& packet);
  // Writes every buffered record to the file.
  bool flush();
  // Flushes and renames the temporary file to the final name (also after a write error:
  // the file then holds every record written before it).
  bool close();

  const std::string& error() const { return error_; }
  std::uint64_t records() const { return records_; }
  // Bytes written so far, buffered ones included (tcpdump's pcap_dump_ftell).
  std::uint64_t size() const { return file_size_ + buffer_.size(); }

 private:
  bool fail(const char* what, int err);
  // Opens `path` for writing, truncated, unless another writer holds its lock.
  bool open_locked(const std::string& path);
  void append(const void* bytes, std::size_t size);

  int fd_ = -1;
  bool to_stdout_ = false;
  bool in_place_ = false;
  bool nano_ = false;
  bool failed_ = false;
  std::string path_;
  std::string temp_path_;
  std::string error_;
  std::vector<std::uint8_t> buffer_;
  std::vector<std::size_t> record_ends_;  // offsets in buffer_ where a record ends
  std::uint64_t file_size_ = 0;           // bytes on disk, always at a record boundary
  std::uint64_t records_ = 0;
};

}  // namespace tcplens
