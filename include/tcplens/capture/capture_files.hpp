// The files of `-w FILE` as tcpdump 4.99 makes them, with its ring buffer: -C (a new file
// once this one holds more than N million bytes), -W (with -C: at most N files, reused in
// turn; with -G alone: stop after N files), -G (a new file every N seconds of wall-clock time,
// FILE passed through strftime), -U (each packet written at once). Names as tcpdump's
// MakeFilename(): FILE, then FILE1, FILE2 ... with -C; zero-padded to the digits of N-1 with
// -W (FILE0, FILE1 ...).
//
// Each file holds whole records only (cut back after a failed write such as a full disk),
// written in place or renamed into place when complete (RotationOptions::mode); a file
// another capture is writing is refused (PcapWriter).
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>

#include "tcplens/capture/pcap_writer.hpp"

namespace tcplens {

struct RotationOptions {
  std::string path;
  std::uint64_t max_bytes = 0;  // -C, in bytes (0: no size limit)
  unsigned max_files = 0;       // -W
  unsigned seconds = 0;         // -G
  bool flush_each = false;      // -U
  // InPlace (a live capture: each file valid at any moment) or Replace (a file made from
  // another: each file appears under its name when complete).
  PcapWriter::Mode mode = PcapWriter::Mode::InPlace;
};

class CaptureFiles {
 public:
  bool open(const RotationOptions& options, std::uint32_t linktype, std::uint32_t snaplen, bool nano);
  // Writes one packet, after opening the next file when it is time. False on a failure
  // (error()), or when -G with -W has made its last file (limit_reached()).
  bool write(const RawPacket& packet);
  bool close();
  bool limit_reached() const { return limit_reached_; }
  const std::string& error() const { return error_; }
  const std::string& current_name() const { return name_; }
  // tcpdump's file name for count `n` (public for the tests).
  static std::string file_name(const std::string& pattern, int n, int digits, bool strftime_it, std::time_t when);

 private:
  bool open_file();
  RotationOptions o_;
  std::uint32_t linktype_ = 0, snaplen_ = 0;
  bool nano_ = false;
  int digits_ = 0;       // tcpdump's WflagChars
  int size_count_ = 0;   // Cflag_count
  int time_count_ = 0;   // Gflag_count
  std::time_t started_ = 0;  // Gflag_time
  bool limit_reached_ = false;
  std::string name_;
  std::string error_;
  std::unique_ptr<PcapWriter> writer_;
};

}  // namespace tcplens
