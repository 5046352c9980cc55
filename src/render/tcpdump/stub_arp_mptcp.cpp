// Placeholder until the real printer lands: prints nothing beyond what the caller printed.
#include "print_context.hpp"

namespace tcplens::tcpdump {

void arp_print(PrintContext& ctx, const std::uint8_t*, unsigned length, unsigned) {
  ctx.put("ARP, length ");
  ctx.put_u(length);
}

bool mptcp_print(PrintContext&, const std::uint8_t*, unsigned, std::uint8_t) { return true; }

}  // namespace tcplens::tcpdump
