#include "tcplens/flow/flow_key.hpp"

namespace tcplens {

IpAddress FlowKey::address(const std::array<std::uint8_t, 16>& bytes) const {
  IpAddress ip;
  ip.family = family;
  ip.bytes = bytes;
  return ip;
}

}  // namespace tcplens
