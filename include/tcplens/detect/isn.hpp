// ISN quality: are the initial sequence numbers a host chooses predictable?
//
// RFC 9293 section 3.4.1 and RFC 6528: ISN = M + F(4-tuple, secret), M a clock ticking every
// 4 microseconds, F a keyed hash. Across different 4-tuples such ISNs look random; on one
// 4-tuple they grow with the clock, which is what keeps old segments out of a new incarnation,
// so a host's ISNs are compared across distinct 4-tuples only (one sample per 4-tuple). Old
// stacks used a global counter (constant, or +64000 a second and +64000 a connection in
// 4.4BSD, or small random increments): an attacker who sees one ISN predicts the next and
// forges a connection (Morris 1985; Bellovin, RFC 1948).
//
// judge_isns() looks at the increments between successive samples (mod 2^32, as signed
// 32-bit numbers): an increment is predictable when it is zero, small
// (DetectOptions::isn_small_increment), or lies on the line fit to the unwrapped ISNs against
// capture time. A host is weak when enough of its increments are predictable and random ISNs
// would make that many with probability below isn_max_pvalue (a binomial tail). Random-looking
// hosts also get a chi-square test of the increments' top bits, for the report.
//
// IsnDetector keeps, per host (a BoundedTable), the last kRing samples; it judges a host when
// it reaches isn_min_samples and again every few samples, and at the end.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "tcplens/detect/finding.hpp"
#include "tcplens/detect/options.hpp"
#include "tcplens/detect/table.hpp"

namespace tcplens::detect {

struct IsnSample {
  std::int64_t ns = 0;     // when the host sent it (its SYN-ACK, or the SYN of a completed handshake)
  std::uint32_t isn = 0;
  std::uint32_t tuple = 0;  // 32 bits of the 4-tuple's hash: one sample per 4-tuple
};

enum class IsnPattern : std::uint8_t { TooFew, Random, Constant, TimeLinear, SmallIncrements };
std::string_view to_string(IsnPattern p);  // "too_few", "random", "constant", "time_linear", "small_increments"

struct IsnVerdict {
  IsnPattern pattern = IsnPattern::TooFew;
  std::uint32_t samples = 0;
  std::uint32_t pairs = 0;        // successive increments
  std::uint32_t predictable = 0;  // of them: zero, small or on the line
  std::uint32_t zeros = 0;
  std::uint32_t small = 0;
  std::uint32_t on_line = 0;
  double rate_per_sec = 0;     // slope of the line (ISN numbers per second)
  double r2 = 0;               // of the line fit
  double median_increment = 0;  // of |increment|
  double increment_iqr = 0;     // spread: interquartile range of the increments
  double pvalue = 1;           // chance that random ISNs look this predictable
  double uniform_pvalue = 1;   // chi-square test of the increments' top 3 bits
  bool weak() const {
    return pattern == IsnPattern::Constant || pattern == IsnPattern::TimeLinear ||
           pattern == IsnPattern::SmallIncrements;
  }
};

// Judges samples in time order.
IsnVerdict judge_isns(const IsnSample* samples, std::size_t n, const DetectOptions& options);

struct HostKey {
  IpAddress addr;
  friend bool operator==(const HostKey&, const HostKey&) = default;
  std::uint64_t hash() const { return hash_address(addr, 0x15a); }
};

struct IsnHost {
  using Key = HostKey;
  static constexpr std::size_t kRing = 32;
  Key key;
  bool used = false;
  std::int32_t finding = -1;
  std::array<IsnSample, kRing> ring{};  // the last kRing samples, oldest at `start`
  std::uint8_t start = 0, count = 0;
  std::uint64_t samples = 0;  // all samples taken
  std::uint64_t as_server = 0, as_client = 0;
  std::uint64_t judged_at = 0;
  Span span;

  void reset(const Key& k) { *this = IsnHost(); key = k; used = true; }
  std::uint64_t score(std::int64_t now_ns) const {
    return recent_score(span, now_ns, 3600'000'000'000, samples, finding >= 0);
  }
  bool has_tuple(std::uint32_t tuple) const;
  void push(const IsnSample& s);
  // The ring's samples in time order.
  std::size_t ordered(IsnSample* out) const;
  void merge_from(const IsnHost& o);
};

class IsnDetector {
 public:
  IsnDetector(const DetectOptions& options, FindingList& findings);
  void set_report_random(bool on) { report_random_ = on; }

  // `host` chose `isn` for the connection on the 4-tuple with hash `tuple`: as the server
  // (its SYN-ACK) or the client (the SYN of a handshake that completed).
  void sample(const IpAddress& host, std::uint32_t isn, std::uint64_t tuple, bool as_server,
              std::uint64_t frame, std::int64_t ns);
  void finish();
  void merge_from(const IsnDetector& other);

 private:
  void judge(IsnHost& h, bool final);
  Finding describe(const IsnHost& h, const IsnVerdict& v) const;
  void keep(IsnHost& h);

  const DetectOptions& opt_;
  FindingList& findings_;
  BoundedTable<IsnHost> hosts_;
  bool report_random_ = false;
};

}  // namespace tcplens::detect
