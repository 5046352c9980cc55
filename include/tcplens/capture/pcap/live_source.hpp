// Live capture from one or more interfaces with libpcap, as tcpdump opens them (pcap_create,
// then snap length, promiscuous mode, immediate mode, buffer size, time stamp type and
// precision, pcap_activate, direction, the BPF filter compiled for each interface's link
// type and set in the kernel).
//
// Packets are taken off the kernel's ring by a thread of its own and copied into a queue in
// memory (a ring of its own, large by default), so that analysis and output never hold up the
// kernel: a slow terminal delays the output, it does not make the kernel drop. next() hands
// them out in the order they were taken; the bytes stay valid until the next call.
//
// stop() (safe in a signal handler) ends the capture: next() returns every packet already
// taken, then End. An interface that fails (goes down) ends it too: the packets taken before
// come first, then Error with the interface named in the message.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tcplens/capture/packet_source.hpp"

namespace tcplens {

struct LiveOptions {
  std::vector<std::string> interfaces;  // "any" captures on all of them (LINUX_SLL2)
  int snaplen = 262144;                 // -s (0: 262144, as tcpdump)
  int buffer_kib = 0;                   // -B, in KiB (0: libpcap's default)
  bool promiscuous = true;              // -p turns it off
  bool immediate = false;               // --immediate-mode: each packet at once, not in blocks
  std::string direction;                // -Q in|out|inout ("" : libpcap's default)
  std::string tstamp_type;              // -j (pcap_tstamp_type_name_to_val's names)
  bool nano = false;                    // --time-stamp-precision=nano
  std::string filter;                   // BPF, tcpdump's syntax
  std::size_t queue_bytes = std::size_t{64} << 20;  // the queue between capture and analysis
  // >= 0: join this Linux packet fanout group (PACKET_FANOUT_HASH with DEFRAG, as Zeek's and
  // Suricata's AF_PACKET workers): the captures of one group share the interface's packets
  // by a hash of the flow, the same both ways, fragments reassembled before hashing.
  int fanout_group = -1;
};

struct LiveStats {
  std::uint64_t captured = 0;  // packets handed out by next()
  std::uint64_t received = 0;  // by the filter (pcap_stats ps_recv), summed over the interfaces
  std::uint64_t dropped = 0;   // by the kernel (ps_drop)
  std::uint64_t if_dropped = 0;  // by the interface (ps_ifdrop)
};

class PcapLiveSource final : public PacketSource {
 public:
  // Opens and activates every interface and sets its filter. Nothing is captured before
  // start(). On failure returns nullptr and sets `error` in tcpdump's words
  // ("eth9: No such device exists\n(No such device exists)").
  static std::unique_ptr<PcapLiveSource> open(const LiveOptions& options, std::string& error);
  ~PcapLiveSource() override;

  // tcpdump's line for each interface: "listening on lo, link-type EN10MB (Ethernet),
  // snapshot length 262144 bytes".
  std::vector<std::string> listening_lines() const;
  // Starts the capture thread.
  void start();
  ReadStatus next(RawPacket& packet) override;
  // True when next() would have to wait for the kernel (the caller may flush its output).
  bool idle() const override;
  const SourceInfo& info() const override { return info_; }
  const SourceError& error() const override { return error_; }
  // Ends the capture (async-signal-safe).
  void stop();
  LiveStats stats() const;

  struct Impl;

 private:
  PcapLiveSource() = default;
  std::unique_ptr<Impl> impl_;
  SourceInfo info_;
  SourceError error_;
};

// The lines of `tcpdump -D` (pcap_findalldevs), or an error.
bool list_interfaces(std::vector<std::string>& lines, std::string& error);

}  // namespace tcplens
