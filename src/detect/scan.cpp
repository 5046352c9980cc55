#include "tcplens/detect/scan.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "format.hpp"
#include "tcplens/wire/tcp.hpp"

namespace tcplens::detect {

namespace {

bool less(const IpAddress& a, const IpAddress& b) {
  if (a.family != b.family) return a.family < b.family;
  return std::memcmp(a.bytes.data(), b.bytes.data(), 16) < 0;
}

// nmap's raw probes offer one of these windows (nmap scan_engine_raw.cc: 1024 unless
// --scanflags or OS detection; 2048, 3072 and 4096 for some retries and probes).
bool nmap_window(std::uint16_t w) { return w == 1024 || w == 2048 || w == 3072 || w == 4096; }

// The smallest network holding both addresses: "NET/LEN".
std::string covering_network(const IpAddress& lo, const IpAddress& hi) {
  const unsigned bits = lo.family == 6 ? 128 : 32;
  unsigned len = 0;
  while (len < bits) {
    const unsigned byte = len / 8, bit = 7 - len % 8;
    if (((lo.bytes[byte] >> bit) & 1) != ((hi.bytes[byte] >> bit) & 1)) break;
    ++len;
  }
  if (len < (lo.family == 6 ? 16u : 8u)) return "*";
  IpAddress net = lo;
  for (unsigned i = len; i < bits; ++i) net.bytes[i / 8] &= static_cast<std::uint8_t>(~(1u << (7 - i % 8)));
  return address_text(net) + "/" + std::to_string(len);
}

}  // namespace

void ScanPair::merge_from(const ScanPair& o) {
  if (span.merge_from(o.span)) first_seq = o.first_seq;
  if (o.probes != 0) {
    if (probes == 0 || less(o.host_min, host_min)) host_min = o.host_min;
    if (probes == 0 || less(host_max, o.host_max)) host_max = o.host_max;
  }
  packets += o.packets;
  probes += o.probes;
  for (std::size_t i = 0; i < classes.size(); ++i) classes[i] += o.classes[i];
  synacks += o.synacks;
  refused += o.refused;
  half_open_resets += o.half_open_resets;
  completed += o.completed;
  used_conns += o.used_conns;
  closed_replies += o.closed_replies;
  alive += o.alive;
  unreachable += o.unreachable;
  probed.merge_from(o.probed);
  closed.merge_from(o.closed);
  open.merge_from(o.open);
  for (std::uint8_t i = 0; i < o.open_port_count; ++i) {
    const std::uint16_t port = o.open_ports[i];
    if (std::find(open_ports.begin(), open_ports.begin() + open_port_count, port) ==
            open_ports.begin() + open_port_count &&
        open_port_count < open_ports.size())
      open_ports[open_port_count++] = port;
  }
  win_nmap += o.win_nmap;
  win_512 += o.win_512;
  for (std::size_t i = 0; i < option_shapes.size(); ++i) option_shapes[i] += o.option_shapes[i];
  sports.merge_from(o.sports);
  same_seq += o.same_seq;
  ipid_zmap += o.ipid_zmap;
  ttl_min = std::min(ttl_min, o.ttl_min);
  ttl_max = std::max(ttl_max, o.ttl_max);
}

ScanDetector::ScanDetector(const DetectOptions& options, FindingList& findings)
    : opt_(options), findings_(findings), vertical_(options.scan_log2_sets), horizontal_(options.scan_log2_sets) {}

void ScanDetector::keep(ScanPair& e) {
  if (e.finding >= 0) findings_.update(e.finding, describe(e));
}

template <typename F>
void ScanDetector::both(const IpAddress& scanner, const IpAddress& host, std::uint16_t port, F&& f) {
  if (ScanPair* v = vertical_.find({scanner, host, 0})) f(*v);
  if (ScanPair* h = horizontal_.find({scanner, IpAddress{}, port})) f(*h);
}

void ScanDetector::on_probe(const PacketFacts& p, ProbeClass cls) {
  for (int horizontal = 0; horizontal < 2; ++horizontal) {
    const PairKey key = horizontal ? PairKey{p.src, IpAddress{}, p.dport} : PairKey{p.src, p.dst, 0};
    Table& table = horizontal ? horizontal_ : vertical_;
    bool created = false;
    ScanPair& e = table.admit(key, p.ns, created, [this](ScanPair& old) { keep(old); });
    if (created) {
      e.horizontal = horizontal != 0;
      e.first_seq = p.seq;
      e.host_min = e.host_max = p.dst;
    }
    e.span.see(p.frame, p.ns);
    ++e.packets;
    ++e.probes;
    ++e.classes[static_cast<std::size_t>(cls)];
    if (nmap_window(p.window)) ++e.win_nmap;
    if (p.window == 512) ++e.win_512;
    ++e.option_shapes[static_cast<std::size_t>(p.options)];
    e.sports.add(mix64(p.sport));
    if (p.seq == e.first_seq) ++e.same_seq;
    if (p.ip_id == 54321) ++e.ipid_zmap;
    e.ttl_min = std::min(e.ttl_min, p.ttl);
    e.ttl_max = std::max(e.ttl_max, p.ttl);
    if (horizontal) {
      if (less(p.dst, e.host_min)) e.host_min = p.dst;
      if (less(e.host_max, p.dst)) e.host_max = p.dst;
    }
    const bool grew = horizontal ? e.probed.add(hash_address(p.dst)) : e.probed.add(mix64(p.dport));
    if (grew || e.finding >= 0) judge(e);
  }
}

void ScanDetector::on_probe_repeat(const PacketFacts& p) {
  both(p.src, p.dst, p.dport, [&](ScanPair& e) {
    ++e.packets;
    e.span.see(p.frame, p.ns);
  });
}

void ScanDetector::on_open(const PacketFacts& p) {
  both(p.dst, p.src, p.sport, [&](ScanPair& e) {
    ++e.synacks;
    e.open.add(e.horizontal ? hash_address(p.src) : mix64(p.sport));
    if (!e.horizontal &&
        std::find(e.open_ports.begin(), e.open_ports.begin() + e.open_port_count, p.sport) ==
            e.open_ports.begin() + e.open_port_count &&
        e.open_port_count < e.open_ports.size())
      e.open_ports[e.open_port_count++] = p.sport;
  });
}

void ScanDetector::on_closed(const PacketFacts& p, bool to_syn) {
  both(p.dst, p.src, p.sport, [&](ScanPair& e) {
    ++(to_syn ? e.refused : e.closed_replies);
    e.closed.add(e.horizontal ? hash_address(p.src) : mix64(p.sport));
  });
}

void ScanDetector::on_half_open_reset(const IpAddress& scanner, const IpAddress& host, std::uint16_t port) {
  both(scanner, host, port, [](ScanPair& e) { ++e.half_open_resets; });
}

void ScanDetector::on_completed(const IpAddress& scanner, const IpAddress& host, std::uint16_t port) {
  both(scanner, host, port, [](ScanPair& e) { ++e.completed; });
}

void ScanDetector::on_used(const IpAddress& scanner, const IpAddress& host, std::uint16_t port) {
  both(scanner, host, port, [](ScanPair& e) { ++e.used_conns; });
}

void ScanDetector::on_alive(const IpAddress& scanner, const IpAddress& host, std::uint16_t port) {
  both(scanner, host, port, [](ScanPair& e) { ++e.alive; });
}

void ScanDetector::on_unreachable(const PacketFacts& q) {
  both(q.src, q.dst, q.dport, [](ScanPair& e) { ++e.unreachable; });
}

namespace {

// The probe class that most new probes had.
ProbeClass dominant(const ScanPair& e) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < e.classes.size(); ++i)
    if (e.classes[i] > e.classes[best]) best = i;
  return static_cast<ProbeClass>(best);
}

}  // namespace

void ScanDetector::judge(ScanPair& e) {
  const std::uint64_t distinct = std::min<std::uint64_t>(e.probed.count(), e.probes);
  const std::uint32_t threshold = e.horizontal ? opt_.scan_hosts : opt_.scan_ports;
  if (distinct < threshold) return;
  const ProbeClass cls = dominant(e);
  if (cls == ProbeClass::Data || cls == ProbeClass::Other) return;  // connections seen mid-stream
  const std::uint64_t success = e.used_conns + e.alive;
  if (static_cast<double>(success) > opt_.scan_max_success * static_cast<double>(e.probes)) return;
  if (e.finding < 0)
    e.finding = findings_.raise(describe(e));
  else
    findings_.update(e.finding, describe(e));
}

Finding ScanDetector::describe(const ScanPair& e) const {
  Finding f;
  f.kind = FindingKind::PortScan;
  f.source = address_text(e.key.scanner);
  const std::uint64_t distinct = std::min<std::uint64_t>(e.probed.count(), e.probes);
  if (e.horizontal)
    f.target = covering_network(e.host_min, e.host_max) + ":" + std::to_string(e.key.port);
  else
    f.target = address_text(e.key.host);
  const ProbeClass cls = dominant(e);
  const bool full_options = e.option_shapes[static_cast<std::size_t>(OptionShape::Full)] * 2 > e.probes;
  switch (cls) {
    case ProbeClass::Syn:
      if (e.half_open_resets > 0)
        f.scan_type = ScanType::Syn;
      else if (e.completed > 0 || full_options)
        f.scan_type = ScanType::Connect;
      else
        f.scan_type = ScanType::Syn;
      break;
    case ProbeClass::Fin: f.scan_type = ScanType::Fin; break;
    case ProbeClass::Null: f.scan_type = ScanType::Null; break;
    case ProbeClass::Xmas: f.scan_type = ScanType::Xmas; break;
    case ProbeClass::Ack: f.scan_type = ScanType::Ack; break;
    case ProbeClass::Maimon: f.scan_type = ScanType::Maimon; break;
    default: f.scan_type = ScanType::None; break;
  }
  f.set_span(e.span.first_frame, e.span.first_ns, e.span.last_frame, e.span.last_ns);
  f.packets = e.packets;

  const double duration = e.span.seconds();
  const double rate = static_cast<double>(e.probes) / std::max(duration, 1e-3);
  f.add_text("direction", e.horizontal ? "horizontal" : "vertical");
  f.add(e.horizontal ? "hosts" : "ports", static_cast<std::int64_t>(distinct));
  if (e.horizontal) {
    f.add_text("first_host", address_text(e.host_min));
    f.add_text("last_host", address_text(e.host_max));
    f.add("port", e.key.port);
  }
  f.add("probes", static_cast<std::int64_t>(e.probes));
  f.add("probe_packets", static_cast<std::int64_t>(e.packets));
  f.add_real("duration_sec", duration);
  f.add_real("probes_per_sec", rate);
  f.add_text("speed", rate < opt_.scan_slow_rate ? "slow" : "fast");

  // What the scanner learned.
  // Open ports are few and counted exactly; the estimates of the others fit around them.
  const std::uint64_t open = std::min<std::uint64_t>(e.open.count(), distinct);
  const std::uint64_t closed = std::min(e.closed.count(), distinct - open);
  switch (f.scan_type) {
    case ScanType::Syn:
    case ScanType::Connect:
      f.add("open", static_cast<std::int64_t>(open));
      f.add("closed", static_cast<std::int64_t>(closed));
      f.add("filtered", static_cast<std::int64_t>(distinct - closed - open));
      break;
    case ScanType::Ack:
    case ScanType::Window:
      f.add("unfiltered", static_cast<std::int64_t>(closed));
      f.add("filtered", static_cast<std::int64_t>(distinct - closed));
      break;
    default:
      f.add("closed", static_cast<std::int64_t>(closed));
      f.add("open_or_filtered", static_cast<std::int64_t>(distinct - closed));
      break;
  }
  if (!e.horizontal) {
    std::vector<std::uint16_t> ports(e.open_ports.begin(), e.open_ports.begin() + e.open_port_count);
    std::sort(ports.begin(), ports.end());
    std::vector<std::string> list;
    for (std::uint16_t p : ports) list.push_back(std::to_string(p));
    f.add_list("open_ports", list);
  }
  f.add("synacks", static_cast<std::int64_t>(e.synacks));
  f.add("rsts", static_cast<std::int64_t>(e.refused + e.closed_replies));
  f.add("unreachable", static_cast<std::int64_t>(e.unreachable));
  f.add("half_open_resets", static_cast<std::int64_t>(e.half_open_resets));
  f.add("completed", static_cast<std::int64_t>(e.completed));
  f.add("used", static_cast<std::int64_t>(e.used_conns + e.alive));

  // The tool, where its probes say it.
  const std::uint64_t half = e.probes / 2;
  const std::uint64_t sports = std::min<std::uint64_t>(e.sports.count(), e.probes);
  const bool fixed_port = sports <= 2 && e.probes >= 8;
  const std::uint64_t no_opts = e.option_shapes[static_cast<std::size_t>(OptionShape::None)];
  const std::uint64_t mss_only = e.option_shapes[static_cast<std::size_t>(OptionShape::MssOnly)];
  std::string tool = "unknown";
  if (e.ipid_zmap > half)
    tool = "zmap";
  else if (fixed_port && e.win_512 > half && no_opts > half)
    tool = "hping3";
  else if (e.win_nmap > half && (mss_only + no_opts) > half && e.same_seq > half)
    tool = "nmap";
  else if (fixed_port && e.win_nmap > half && no_opts > half)
    tool = "masscan";
  else if (full_options)
    tool = "os_connect";
  f.add_text("tool", tool);
  f.add("source_ports", static_cast<std::int64_t>(sports));
  f.add("ttl_min", e.ttl_min);
  f.add("ttl_max", e.ttl_max);
  f.add_real("same_seq_share", e.probes == 0 ? 0 : static_cast<double>(e.same_seq) / static_cast<double>(e.probes));

  const std::uint32_t threshold = e.horizontal ? opt_.scan_hosts : opt_.scan_ports;
  const double over = static_cast<double>(distinct) / std::max<double>(1, threshold);
  f.confidence = std::min(0.99, 0.6 + 0.1 * (over - 1));
  f.severity = distinct >= 100 || f.scan_type != ScanType::Syn ? Severity::Medium : Severity::Low;
  if (open > 0) f.severity = Severity::Medium;
  return f;
}

void ScanDetector::finish() {
  auto final_judge = [this](ScanPair& e) {
    judge(e);
    keep(e);
  };
  vertical_.for_each(final_judge);
  horizontal_.for_each(final_judge);
}

void ScanDetector::merge_from(const ScanDetector& other) {
  auto keep_evicted = [this](ScanPair& old) { keep(old); };
  vertical_.merge_from(other.vertical_, keep_evicted);
  horizontal_.merge_from(other.horizontal_, keep_evicted);
}

}  // namespace tcplens::detect
