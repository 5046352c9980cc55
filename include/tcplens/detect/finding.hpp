// A finding of `tcplens detect`: what was recognised (kind), who did it (source) to whom
// (target), when (first and last frame and time), how many packets, and the evidence the
// decision rests on, as named values.
//
// Findings are data. JSON, the table and the explanations in English and Chinese are
// renderings of them (finding_render.hpp, messages.hpp): an explanation's sentences name
// evidence values by key, so every number a person reads is one the JSON carries.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tcplens/capture/raw_packet.hpp"

namespace tcplens::detect {

enum class FindingKind : std::uint8_t {
  SynFlood,
  AckFlood,
  RstFlood,
  SynAckReflection,
  PortScan,
  WeakIsn,
  IsnQuality,  // not an alarm: a host's ISNs judged random-looking (--isn-report only)
};
std::string_view to_string(FindingKind k);  // "syn_flood", ...

// The probes of a port scan (nmap's names: -sS, -sT, -sF, -sN, -sX, -sA, -sM, -sW).
enum class ScanType : std::uint8_t { None, Syn, Connect, Fin, Null, Xmas, Ack, Maimon, Window };
std::string_view to_string(ScanType t);  // "" for None, "syn", ...

enum class Severity : std::uint8_t { Info, Low, Medium, High };
std::string_view to_string(Severity s);

// One evidence value: an integer, a real number, a text, or a list of texts (addresses,
// ports). Keys are snake_case and documented in docs/detect.md.
struct Evidence {
  enum class Type : std::uint8_t { Int, Real, Text, List };
  std::string key;
  Type type = Type::Int;
  std::int64_t i = 0;
  double d = 0;
  std::string s;
  std::vector<std::string> list;
};

struct Finding {
  FindingKind kind = FindingKind::SynFlood;
  std::string source;  // the attacker's address, "spoofed", or "" (weak_isn: none)
  std::string target;  // "IP", "IP:port", "NET/LEN:port" or "*:port"
  ScanType scan_type = ScanType::None;
  std::uint64_t first_frame = 0;
  std::uint64_t last_frame = 0;
  Timestamp first_ts;
  Timestamp last_ts;
  std::uint64_t packets = 0;
  Severity severity = Severity::Medium;
  double confidence = 0;  // 0..1
  std::vector<Evidence> evidence;

  void add(std::string_view key, std::int64_t v);
  void add_real(std::string_view key, double v);
  void add_text(std::string_view key, std::string_view v);
  void add_list(std::string_view key, std::vector<std::string> v);
  const Evidence* find(std::string_view key) const;
  void set_span(std::uint64_t first, std::int64_t first_ns, std::uint64_t last, std::int64_t last_ns);
  // Takes `other`'s contents (the same finding, judged on more evidence), keeping the
  // earlier first frame.
  void update_from(const Finding& other);
};

// The findings of a run, in the order they were raised. A detector keeps the index of the
// finding an entry raised and updates it as evidence grows; `on_raise` hears of each new
// finding at once (live output: a finding is printed when its threshold is crossed).
class FindingList {
 public:
  using Callback = std::function<void(const Finding&)>;
  void set_on_raise(Callback cb) { on_raise_ = std::move(cb); }
  std::int32_t raise(Finding f);
  void update(std::int32_t index, const Finding& f) { items_[static_cast<std::size_t>(index)].update_from(f); }
  const std::vector<Finding>& items() const { return items_; }
  std::vector<Finding>& items() { return items_; }

 private:
  std::vector<Finding> items_;
  Callback on_raise_;
};

// Nanoseconds since 1970 and back.
inline std::int64_t to_ns(const Timestamp& ts) { return ts.sec * 1000000000 + ts.nsec; }
inline Timestamp from_ns(std::int64_t ns) {
  std::int64_t s = ns / 1000000000, n = ns % 1000000000;
  if (n < 0) {
    n += 1000000000;
    --s;
  }
  return {s, n};
}

}  // namespace tcplens::detect
