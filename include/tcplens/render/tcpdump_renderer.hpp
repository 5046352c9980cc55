// Prints packets exactly as tcpdump 4.99.3 prints them.
//
// tcpdump prints while it dissects, and where a packet is cut short it stops in the middle of
// a line and adds " [|proto]"; the exact output therefore depends on the order in which it
// reads each byte. This renderer walks the bytes in that same order (see src/render/tcpdump/),
// keeping every tcpdump quirk inside itself: its own relative-sequence table keyed by the
// address/port pair, the " (invalid)" and "[bad hdr length ...]" markers, the hex dumps.
// Host and port names are never looked up: output is always what `tcpdump -n` prints.
#pragma once

#include <cstdint>
#include <memory>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/render/output.hpp"

namespace tcplens {

struct TcpdumpOptions {
  bool absolute_seq = false;  // -S
  int time_format = 0;        // number of -t: 0 local time, 1 none, 2 epoch, 3 delta, 4 date, 5 since first
  int verbose = 0;            // -v count
  bool link_header = false;   // -e
  int quiet = 0;              // -q count
  int hex = 0;                // -x count (2: include link header)
  int hex_ascii = 0;          // -X count
  int ascii = 0;              // -A count
  bool nano = false;          // --time-stamp-precision=nano
  bool packet_number = false;  // -#
  bool no_checksums = false;   // -K: IP, TCP and UDP checksums are not verified (with -v)
};

// What tcpdump knows of the packets it printed before this one, when the caller keeps it
// (a worker of the engine sees only some of them).
struct TcpdumpTimes {
  std::uint64_t number = 0;  // this packet's number among the printed ones (-#)
  Timestamp prev_shown;      // the printed packet before (-ttt); its own time for the first
  Timestamp first_shown;     // the first printed packet (-ttttt)
};

class TcpdumpRenderer {
 public:
  TcpdumpRenderer(Output& out, const TcpdumpOptions& options);
  ~TcpdumpRenderer();
  TcpdumpRenderer(const TcpdumpRenderer&) = delete;
  TcpdumpRenderer& operator=(const TcpdumpRenderer&) = delete;

  // Appends the packet's line(s), ending in '\n'.
  void render(const RawPacket& packet);
  // The same with the printed packets' count and times given.
  void render(const RawPacket& packet, const TcpdumpTimes& times);
  // Where the lines go from now on.
  void set_output(Output& out) { out_ = &out; }

  class State;  // tcpdump's per-run tables (relative sequence numbers, time reference)

 private:
  Output* out_;
  TcpdumpOptions options_;
  std::unique_ptr<State> state_;
  std::uint64_t count_ = 0;
};

}  // namespace tcplens
