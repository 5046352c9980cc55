// Writes a classic pcap file, as `tcpdump -w` does.
//
// The file is built under a temporary name beside the target and renamed into place by
// close(), so no reader ever sees a half-written file under the final name. Records are
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

  // "-" writes to standard output (no temporary file).
  bool open(const std::string& path, std::uint32_t linktype, std::uint32_t snaplen, bool nano);
  bool write(const RawPacket& packet);
  // Writes every buffered record to the file.
  bool flush();
  // Flushes and renames the temporary file to the final name (also after a write error:
  // the file then holds every record written before it).
  bool close();

  const std::string& error() const { return error_; }
  std::uint64_t records() const { return records_; }

 private:
  bool fail(const char* what, int err);
  void append(const void* bytes, std::size_t size);

  int fd_ = -1;
  bool to_stdout_ = false;
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
