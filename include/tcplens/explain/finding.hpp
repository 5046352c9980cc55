// Findings: what `tcplens explain` concludes about a connection, as data: a stable code
// ("handshake.complete", "teardown.three_packet", "reset.late_fin", ...; docs/explain.md lists
// every one), the frames that show it, and named parameters. The story's sentences, the
// --teach notes and the JSON `findings` are renderings of the same list, so the text never
// says what the findings do not.
//
// Parameter values are text (numbers in decimal); `number` says the JSON writes one without
// quotes. A parameter whose value is "client" or "server" names a side, which each language
// renders in its own words.
//
// A finding is a fixed-size value (frames and parameters inline, each value formatted into
// the parameter when the finding is made) and a FindingList reuses its findings from one
// connection to the next, so that explaining a connection allocates nothing once the list has
// grown. Watch out: a parameter made with text_ref() is a view of text the caller keeps (an
// HTTP line in the trace), valid as long as that text.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tcplens/explain/trace.hpp"
#include "tcplens/tcp/connection.hpp"

namespace tcplens::explain {

class FindingParam {
 public:
  // The longest value copied into a parameter: an IPv6 address with brackets and a port is 47.
  static constexpr std::size_t kInline = 48;

  std::string_view key;
  bool number = false;

  std::string_view value() const { return outside_.data() != nullptr ? outside_ : std::string_view(text_, size_); }

 private:
  friend struct Finding;
  std::string_view outside_;  // text_ref(): the caller's text
  std::uint8_t size_ = 0;
  char text_[kInline] = {};
};

struct Finding {
  // The most any code has: window.zero's zero windows and its peer's probes (4 each); the
  // options sentence's nine parameters.
  static constexpr std::size_t kMaxFrames = 2 * FrameTally::kKeep;
  static constexpr std::size_t kMaxParams = 10;

  std::string_view code;

  std::span<const std::uint64_t> frames() const { return {frames_.data(), frame_count_}; }
  std::span<const FindingParam> params() const { return {params_.data(), param_count_}; }

  // Watch out: a code with more frames or parameters than the limits above is a programming
  // error (std::length_error).
  Finding& frame(std::uint64_t f) {
    if (f != 0) push_frame(f);
    return *this;
  }
  // Every frame the tally kept.
  Finding& frames(const FrameTally& tally) {
    for (std::uint64_t f : tally.kept()) push_frame(f);
    return *this;
  }
  Finding& num(std::string_view key, std::uint64_t v);
  Finding& real(std::string_view key, double v, int decimals);
  // Copies `v` (at most FindingParam::kInline bytes: a word, a name, an address).
  Finding& text(std::string_view key, std::string_view v);
  // A view of `v`, which must outlive the finding.
  Finding& text_ref(std::string_view key, std::string_view v);
  // The value of a parameter ("" when absent).
  std::string_view param(std::string_view key) const;

  // Empties the finding for `code` (its storage is reused).
  void reset(std::string_view new_code) {
    code = new_code;
    frame_count_ = 0;
    param_count_ = 0;
  }

 private:
  void push_frame(std::uint64_t f);
  FindingParam& push_param(std::string_view key, bool number);

  std::array<std::uint64_t, kMaxFrames> frames_{};
  std::array<FindingParam, kMaxParams> params_;
  std::uint8_t frame_count_ = 0;
  std::uint8_t param_count_ = 0;
};

// The findings of one connection, in story order. Clearing keeps the findings' storage for
// the next connection.
class FindingList {
 public:
  // A new, empty finding at the end. Watch out: the reference is valid until the next add().
  Finding& add(std::string_view code);
  void clear() { size_ = 0; }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Finding& operator[](std::size_t k) const { return storage_[k]; }
  const Finding* begin() const { return storage_.data(); }
  const Finding* end() const { return storage_.data() + size_; }
  operator std::span<const Finding>() const { return {storage_.data(), size_}; }

 private:
  std::vector<Finding> storage_;  // as many as a connection has had; the first size_ are in use
  std::size_t size_ = 0;
};

// Every finding code, in the order a story tells them.
const std::vector<std::string_view>& finding_codes();

// The findings of one connection, in story order, into `out` (cleared first).
void connection_findings(const Connection& c, const ConnectionTrace& trace, FindingList& out);
FindingList connection_findings(const Connection& c, const ConnectionTrace& trace);

// "10.0.0.1:80", "[fd00::1]:80".
std::string endpoint_name(const Endpoint& e);

}  // namespace tcplens::explain
