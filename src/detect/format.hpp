// Text of addresses and endpoints as findings name them (private to src/detect).
#pragma once

#include <string>

#include "tcplens/decode/decoded_packet.hpp"

namespace tcplens::detect {

// "10.0.0.1", "fd00::1".
std::string address_text(const IpAddress& a);
// "10.0.0.1:80", "[fd00::1]:80".
std::string endpoint_text(const IpAddress& a, std::uint16_t port);

}  // namespace tcplens::detect
