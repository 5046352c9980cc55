// One captured packet as a source hands it over.
//
// The bytes are borrowed from the source: they stay valid until the source's next call to
// next(). `caplen` is what was captured (the size of `data`), `wirelen` what was on the wire;
// wirelen >= caplen for every packet a source delivers without complaint, but a damaged
// file may say otherwise and the printers cope with either.
#pragma once

#include <cstdint>

#include "tcplens/bytes.hpp"

namespace tcplens {

// Seconds and nanoseconds since 1970, UTC. Sources with microsecond files scale up; printers
// that show microseconds divide by 1000 (truncating, as libpcap does).
// Watch out: a damaged file can hold a fraction of a second outside [0, 1 s); libpcap reads
// it as a signed 32-bit number and tcpdump prints it unchanged, so it is kept as it is.
struct Timestamp {
  std::int64_t sec = 0;
  std::int64_t nsec = 0;
};

struct RawPacket {
  Timestamp ts;
  std::uint32_t caplen = 0;
  std::uint32_t wirelen = 0;
  std::uint32_t linktype = 0;  // LINKTYPE_* value as stored in the file (see link_type.hpp)
  ByteView data;
  std::uint64_t number = 0;       // 1-based record number in the source
  std::uint64_t file_offset = 0;  // byte offset of the record's header in the file
};

}  // namespace tcplens
