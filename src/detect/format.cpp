#include "format.hpp"

namespace tcplens::detect {

std::string address_text(const IpAddress& a) {
  if (a.family == 0) return "-";
  char buf[48];
  const std::size_t n = format_ip(a, buf);
  return std::string(buf, n);
}

std::string endpoint_text(const IpAddress& a, std::uint16_t port) {
  const std::string addr = address_text(a);
  return (a.family == 6 ? "[" + addr + "]" : addr) + ":" + std::to_string(port);
}

}  // namespace tcplens::detect
