// Placeholder until the real printer lands: prints nothing beyond what the caller printed.
#include "print_context.hpp"

namespace tcplens::tcpdump {

void domain_print(PrintContext&, const std::uint8_t*, unsigned, bool, bool) {}

void http_print(PrintContext&, const std::uint8_t*, unsigned) {}

void txtproto_print(PrintContext&, const std::uint8_t*, unsigned, const char*,
                    const char* const*, bool) {}

void ssh_print(PrintContext&, const std::uint8_t*, unsigned) {}

void resp_print(PrintContext&, const std::uint8_t*, unsigned) {}

}  // namespace tcplens::tcpdump
