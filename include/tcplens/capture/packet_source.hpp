// Where packets come from: a capture file, standard input or (in tcplens_pcap) an interface.
//
// next() fills a RawPacket whose bytes stay valid until the following next() call. After
// ReadStatus::Error, error() describes the damage; every packet returned before it was
// valid. Sources never throw for bad input.
#pragma once

#include <cstdint>
#include <string>

#include "tcplens/capture/raw_packet.hpp"

namespace tcplens {

// Idle: a live source had nothing to hand over for a while; only the packet's `ts` is set, to
// the current time, so that a reader's clock (timers that end connections) goes on.
enum class ReadStatus { Ok, End, Error, Idle };

struct SourceInfo {
  std::uint32_t linktype = 0;  // of the first interface
  std::uint32_t snaplen = 0;
  bool nanosecond_file = false;
  bool pcapng = false;
};

struct SourceError {
  std::string message;           // tcpdump/libpcap wording, e.g. "truncated dump file; ..."
  std::uint64_t record = 0;      // record number (1-based) where the damage is, 0 if none
  std::uint64_t file_offset = 0;  // byte offset of that record
};

class PacketSource {
 public:
  virtual ~PacketSource() = default;
  virtual ReadStatus next(RawPacket& packet) = 0;
  virtual const SourceInfo& info() const = 0;
  virtual const SourceError& error() const = 0;
  // True when next() would wait for packets to arrive (a live capture): a reader may flush
  // its output meanwhile.
  virtual bool idle() const { return false; }
};

}  // namespace tcplens
