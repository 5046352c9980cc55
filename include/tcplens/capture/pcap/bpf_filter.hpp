// tcpdump's filter language, compiled by libpcap for a link type and run on raw packets.
//
// The only libpcap-facing header besides live capture: everything tcpdump accepts as a filter
// expression works here, because it is libpcap that compiles it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/engine/engine.hpp"

namespace tcplens {

class BpfFilter {
 public:
  // Compiles `expression` for packets of `linktype` (a LINKTYPE_* value) and `snaplen`.
  // On failure returns nullptr and sets `error` to libpcap's message.
  static std::unique_ptr<BpfFilter> compile(const std::string& expression,
                                            std::uint32_t linktype, std::uint32_t snaplen,
                                            std::string& error);
  ~BpfFilter();
  BpfFilter(const BpfFilter&) = delete;
  BpfFilter& operator=(const BpfFilter&) = delete;

  bool matches(const RawPacket& packet) const;

 private:
  BpfFilter() = default;
  struct Program;
  std::unique_ptr<Program> program_;
};

// A BPF filter as the engine applies it: on each packet's bytes.
class BpfPacketFilter final : public PacketFilter {
 public:
  explicit BpfPacketFilter(std::unique_ptr<BpfFilter> filter) : filter_(std::move(filter)) {}
  bool matches(const PacketEvent& event) const override { return filter_->matches(*event.raw); }

 private:
  std::unique_ptr<BpfFilter> filter_;
};

// libpcap's DLT_* value for a file's LINKTYPE_* value.
int linktype_to_dlt(std::uint32_t linktype);

}  // namespace tcplens
