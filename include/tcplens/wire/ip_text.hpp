// IP addresses as text, exactly as inet_ntop writes them, without the sprintf that glibc's
// inet_ntop calls for every address (a third of a Wireshark-style line's cost).
#pragma once

#include <cstdint>

namespace tcplens {

// Dotted quad; writes at most 15 bytes and returns the end (no terminating NUL).
char* format_ipv4_text(char* out, const std::uint8_t* addr);

// RFC 5952: the longest run of two or more zero groups becomes "::" (the first on a tie),
// lower-case hex without leading zeros, and an IPv4-compatible (not :: or ::1) or -mapped
// address ends in a dotted quad. Writes at most 45 bytes and returns the end.
char* format_ipv6_text(char* out, const std::uint8_t* addr);

}  // namespace tcplens
