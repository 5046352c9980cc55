// Placeholder until the real printer lands: prints nothing beyond what the caller printed.
#include "print_context.hpp"

namespace tcplens::tcpdump {

void icmp_print(PrintContext& ctx, const std::uint8_t*, unsigned length, const std::uint8_t*,
                bool) {
  ctx.put("ICMP, length ");
  ctx.put_u(length);
}

void icmp6_print(PrintContext& ctx, const std::uint8_t*, unsigned length, const std::uint8_t*,
                 bool) {
  ctx.put("ICMP6, length ");
  ctx.put_u(length);
}

}  // namespace tcplens::tcpdump
