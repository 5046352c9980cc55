#include "tcplens/detect/isn.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "format.hpp"

namespace tcplens::detect {

std::string_view to_string(IsnPattern p) {
  switch (p) {
    case IsnPattern::TooFew: return "too_few";
    case IsnPattern::Random: return "random";
    case IsnPattern::Constant: return "constant";
    case IsnPattern::TimeLinear: return "time_linear";
    case IsnPattern::SmallIncrements: return "small_increments";
  }
  return "?";
}

namespace {

// P(X >= k) for X ~ Binomial(m, p).
double binomial_tail(unsigned m, unsigned k, double p) {
  if (k == 0) return 1;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  double sum = 0;
  for (unsigned j = k; j <= m; ++j)
    sum += std::exp(std::lgamma(m + 1.0) - std::lgamma(j + 1.0) - std::lgamma(m - j + 1.0) +
                    j * std::log(p) + (m - j) * std::log1p(-p));
  return std::min(1.0, sum);
}

// The regularised upper incomplete gamma function Q(a, x) (Numerical Recipes' gammq: the
// series below a + 1, the continued fraction above).
double gamma_q(double a, double x) {
  if (x <= 0) return 1;
  const double gln = std::lgamma(a);
  if (x < a + 1) {
    double ap = a, sum = 1 / a, del = sum;
    for (int n = 0; n < 500; ++n) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (std::fabs(del) < std::fabs(sum) * 1e-12) break;
    }
    return 1 - sum * std::exp(-x + a * std::log(x) - gln);
  }
  double b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;
  for (int i = 1; i < 500; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (std::fabs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < 1e-12) break;
  }
  return std::exp(-x + a * std::log(x) - gln) * h;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

IsnVerdict judge_isns(const IsnSample* s, std::size_t n, const DetectOptions& opt) {
  IsnVerdict v;
  v.samples = static_cast<std::uint32_t>(n);
  if (n < 2) return v;
  const std::size_t m = n - 1;
  v.pairs = static_cast<std::uint32_t>(m);

  // The unwrapped ISNs against time, and the least-squares line through them.
  std::vector<double> t(n), u(n), inc(m);
  double acc = 0;
  for (std::size_t i = 0; i < n; ++i) {
    t[i] = static_cast<double>(s[i].ns - s[0].ns) / 1e9;
    if (i > 0) {
      inc[i - 1] = static_cast<double>(static_cast<std::int32_t>(s[i].isn - s[i - 1].isn));
      acc += inc[i - 1];
    }
    u[i] = acc;
  }
  double mt = 0, mu = 0;
  for (std::size_t i = 0; i < n; ++i) mt += t[i], mu += u[i];
  mt /= static_cast<double>(n);
  mu /= static_cast<double>(n);
  double stt = 0, stu = 0, suu = 0;
  for (std::size_t i = 0; i < n; ++i) {
    stt += (t[i] - mt) * (t[i] - mt);
    stu += (t[i] - mt) * (u[i] - mu);
    suu += (u[i] - mu) * (u[i] - mu);
  }
  const double slope = stt > 0 ? stu / stt : 0;
  v.rate_per_sec = slope;
  if (suu == 0) {
    v.r2 = 1;
  } else {
    double ssr = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double e = u[i] - (mu + slope * (t[i] - mt));
      ssr += e * e;
    }
    v.r2 = std::max(0.0, 1 - ssr / suu);
  }
  // A line steeper than 2^26 a second wraps 2^32 in a minute: no prediction from it.
  const bool line_usable = std::fabs(slope) <= 67108864.0;

  const double small = opt.isn_small_increment;
  std::array<unsigned, 8> bins{};
  std::vector<double> abs_inc(m);
  for (std::size_t i = 0; i < m; ++i) {
    const std::uint32_t d = s[i + 1].isn - s[i].isn;
    const double di = inc[i];
    abs_inc[i] = std::fabs(di);
    ++bins[d >> 29];
    const bool zero = d == 0;
    const bool is_small = std::fabs(di) <= small;
    bool on_line = false;
    if (line_usable) {
      const double predicted = slope * (t[i + 1] - t[i]);
      const double wrapped = std::remainder(di - predicted, 4294967296.0);
      on_line = std::fabs(wrapped) <= small;
    }
    v.zeros += zero;
    v.small += is_small;
    v.on_line += on_line;
    v.predictable += zero || is_small || on_line;
  }
  v.median_increment = quantile(abs_inc, 0.5);
  v.increment_iqr = quantile(inc, 0.75) - quantile(inc, 0.25);
  // A random increment is small or on the line with probability at most 2 (2 small + 1) / 2^32.
  const double p0 = std::min(1.0, 2 * (2 * small + 1) / 4294967296.0);
  v.pvalue = binomial_tail(static_cast<unsigned>(m), v.predictable, p0);
  double chi2 = 0;
  const double expected = static_cast<double>(m) / 8;
  for (unsigned b : bins) chi2 += (b - expected) * (b - expected) / expected;
  v.uniform_pvalue = gamma_q(3.5, chi2 / 2);

  if (n < opt.isn_min_samples) {
    v.pattern = IsnPattern::TooFew;
    return v;
  }
  const double need = opt.isn_predictable_ratio * static_cast<double>(m);
  if (v.predictable >= need && v.pvalue <= opt.isn_max_pvalue) {
    if (v.zeros >= need)
      v.pattern = IsnPattern::Constant;
    else if (v.on_line >= need && slope > 0 && v.r2 >= 0.9)
      v.pattern = IsnPattern::TimeLinear;
    else
      v.pattern = IsnPattern::SmallIncrements;
  } else {
    v.pattern = IsnPattern::Random;
  }
  return v;
}

// --- IsnHost ---

namespace {
bool by_time(const IsnSample& a, const IsnSample& b) {
  return std::tie(a.ns, a.tuple, a.isn) < std::tie(b.ns, b.tuple, b.isn);
}
}  // namespace

bool IsnHost::has_tuple(std::uint32_t tuple) const {
  for (std::size_t i = 0; i < count; ++i)
    if (ring[(start + i) % kRing].tuple == tuple) return true;
  return false;
}

void IsnHost::push(const IsnSample& s) {
  if (count < kRing) {
    ring[(start + count) % kRing] = s;
    ++count;
  } else {
    ring[start] = s;
    start = static_cast<std::uint8_t>((start + 1) % kRing);
  }
}

std::size_t IsnHost::ordered(IsnSample* out) const {
  for (std::size_t i = 0; i < count; ++i) out[i] = ring[(start + i) % kRing];
  // Samples arrive in capture order; a merge may interleave two hosts' views.
  std::sort(out, out + count, by_time);
  return count;
}

void IsnHost::merge_from(const IsnHost& o) {
  IsnSample mine[kRing], theirs[kRing];
  const std::size_t a = ordered(mine), b = o.ordered(theirs);
  std::vector<IsnSample> all(mine, mine + a);
  for (std::size_t i = 0; i < b; ++i)
    if (!has_tuple(theirs[i].tuple)) all.push_back(theirs[i]);
  std::sort(all.begin(), all.end(), by_time);
  start = count = 0;
  for (std::size_t i = all.size() > kRing ? all.size() - kRing : 0; i < all.size(); ++i) push(all[i]);
  samples += o.samples;
  as_server += o.as_server;
  as_client += o.as_client;
  span.merge_from(o.span);
}

// --- IsnDetector ---

IsnDetector::IsnDetector(const DetectOptions& options, FindingList& findings)
    : opt_(options), findings_(findings), hosts_(options.isn_log2_sets) {}

void IsnDetector::keep(IsnHost& h) {
  if (h.finding >= 0) judge(h, true);
}

void IsnDetector::sample(const IpAddress& host, std::uint32_t isn, std::uint64_t tuple, bool as_server,
                         std::uint64_t frame, std::int64_t ns) {
  bool created = false;
  IsnHost& h = hosts_.admit({host}, ns, created, [this](IsnHost& old) { keep(old); });
  const auto tag = static_cast<std::uint32_t>(tuple ^ (tuple >> 32));
  if (!created && h.has_tuple(tag)) return;
  h.span.see(frame, ns);
  h.push({ns, isn, tag});
  ++h.samples;
  ++(as_server ? h.as_server : h.as_client);
  // Judged at the minimum, then every 4 samples while the ring fills, then every 64: a weak
  // host is reported within a few connections, a busy random one costs little.
  const std::uint64_t every = h.samples < 2 * IsnHost::kRing ? 4 : 64;
  if (h.samples >= opt_.isn_min_samples && (h.samples == opt_.isn_min_samples || h.samples - h.judged_at >= every))
    judge(h, false);
}

void IsnDetector::judge(IsnHost& h, bool final) {
  IsnSample s[IsnHost::kRing];
  const std::size_t n = h.ordered(s);
  const IsnVerdict v = judge_isns(s, n, opt_);
  h.judged_at = h.samples;
  if (v.weak()) {
    if (h.finding < 0)
      h.finding = findings_.raise(describe(h, v));
    else
      findings_.update(h.finding, describe(h, v));
  } else if (final && report_random_ && h.finding < 0 && v.pattern == IsnPattern::Random) {
    h.finding = findings_.raise(describe(h, v));
  }
}

Finding IsnDetector::describe(const IsnHost& h, const IsnVerdict& v) const {
  Finding f;
  f.kind = v.weak() ? FindingKind::WeakIsn : FindingKind::IsnQuality;
  f.target = address_text(h.key.addr);
  f.set_span(h.span.first_frame, h.span.first_ns, h.span.last_frame, h.span.last_ns);
  f.packets = h.samples;
  f.add_text("pattern", to_string(v.pattern));
  f.add("samples", v.samples);
  f.add("connections", static_cast<std::int64_t>(h.samples));
  f.add_text("role", h.as_server && h.as_client ? "server_and_client" : h.as_server ? "server" : "client");
  f.add("increments", v.pairs);
  f.add("predictable", v.predictable);
  f.add_real("predictable_share", v.pairs == 0 ? 0 : static_cast<double>(v.predictable) / v.pairs);
  f.add("zero_increments", v.zeros);
  f.add("small_increments", v.small);
  f.add("on_line", v.on_line);
  f.add_real("rate_per_sec", v.rate_per_sec);
  f.add_real("r2", v.r2);
  f.add_real("median_increment", v.median_increment);
  f.add_real("increment_iqr", v.increment_iqr);
  f.add_real("pvalue", v.pvalue);
  f.add_real("uniform_pvalue", v.uniform_pvalue);
  IsnSample s[IsnHost::kRing];
  const std::size_t n = h.ordered(s);
  std::vector<std::string> examples;
  for (std::size_t i = 0; i < n && i < 6; ++i) examples.push_back(std::to_string(s[i].isn));
  f.add_list("isns", examples);
  f.confidence = std::min(0.999999, 1 - v.pvalue);
  f.severity = v.weak() ? Severity::High : Severity::Info;
  if (!v.weak()) f.confidence = 1 - std::min(1.0, v.pvalue);
  return f;
}

void IsnDetector::finish() {
  hosts_.for_each([this](IsnHost& h) {
    if (h.samples >= opt_.isn_min_samples) judge(h, true);
  });
}

void IsnDetector::merge_from(const IsnDetector& other) {
  hosts_.merge_from(other.hosts_, [this](IsnHost& old) { keep(old); });
}

}  // namespace tcplens::detect
