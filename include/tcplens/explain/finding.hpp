// Findings: what `tcplens explain` concludes about a connection, as data: a stable code
// ("handshake.complete", "teardown.three_packet", "reset.late_fin", ...; docs/explain.md lists
// every one), the frames that show it, and named parameters. The story's sentences, the
// --teach notes and the JSON `findings` are renderings of the same list, so the text never
// says what the findings do not.
//
// Parameter values are text (numbers in decimal); `number` says the JSON writes one without
// quotes. A parameter whose value is "client" or "server" names a side, which each language
// renders in its own words.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tcplens/explain/trace.hpp"
#include "tcplens/tcp/connection.hpp"

namespace tcplens::explain {

struct FindingParam {
  std::string_view key;
  std::string value;
  bool number = false;
};

struct Finding {
  std::string_view code;
  std::vector<std::uint64_t> frames;
  std::vector<FindingParam> params;

  Finding& frame(std::uint64_t f) {
    if (f != 0) frames.push_back(f);
    return *this;
  }
  Finding& num(std::string_view key, std::uint64_t v) {
    params.push_back({key, std::to_string(v), true});
    return *this;
  }
  Finding& text(std::string_view key, std::string v) {
    params.push_back({key, std::move(v), false});
    return *this;
  }
  Finding& real(std::string_view key, double v, int decimals);
  // The value of a parameter ("" when absent).
  std::string_view param(std::string_view key) const;
};

// Every finding code, in the order a story tells them.
const std::vector<std::string_view>& finding_codes();

// The findings of one connection, in story order.
std::vector<Finding> connection_findings(const Connection& c, const ConnectionTrace& trace);

// "10.0.0.1:80", "[fd00::1]:80".
std::string endpoint_name(const Endpoint& e);

}  // namespace tcplens::explain
