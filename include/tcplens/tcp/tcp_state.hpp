// The states of one TCP endpoint (RFC 9293, figure 5), as an observer of the packets infers
// them, and their names as `ss` and the RFC print them (SYN_SENT, TIME_WAIT, ...).
#pragma once

#include <cstdint>
#include <string_view>

namespace tcplens {

enum class TcpState : std::uint8_t {
  Unknown,  // nothing seen of this side yet
  Closed,
  Listen,
  SynSent,
  SynReceived,
  Established,
  FinWait1,
  FinWait2,
  CloseWait,
  Closing,
  LastAck,
  TimeWait,
};

// "SYN_SENT" style; "-" for Unknown.
std::string_view to_string(TcpState state);

// One plain-English sentence for each state (shared by the explainer and the docs).
std::string_view describe(TcpState state);

}  // namespace tcplens
