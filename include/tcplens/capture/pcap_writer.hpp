// Writes a classic pcap file, as `tcpdump -w` does.
//
// The file is built under a temporary name beside the target and renamed into place by
// close(), so a reader never sees a half-written file under the final name; flush() makes
// every complete packet written so far durable in the temporary file. A write error (disk
// full, file size limit) is reported by write() and close() returning false, with errno's
// text in error().
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "tcplens/capture/raw_packet.hpp"

namespace tcplens {

class PcapWriter {
 public:
  PcapWriter() = default;
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // "-" writes to standard output (no rename).
  bool open(const std::string& path, std::uint32_t linktype, std::uint32_t snaplen, bool nano);
  bool write(const RawPacket& packet);
  bool flush();
  // Flushes, and renames the temporary file to the final name.
  bool close();
  // Removes the temporary file (used when the run fails before any packet was kept).
  void abandon();

  const std::string& error() const { return error_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  bool fail(const char* what);

  std::FILE* file_ = nullptr;
  std::string path_;
  std::string temp_path_;
  std::string error_;
  bool nano_ = false;
  bool to_stdout_ = false;
};

}  // namespace tcplens
