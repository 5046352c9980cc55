#include "tcplens/detect/finding.hpp"

namespace tcplens::detect {

std::string_view to_string(FindingKind k) {
  switch (k) {
    case FindingKind::SynFlood: return "syn_flood";
    case FindingKind::AckFlood: return "ack_flood";
    case FindingKind::RstFlood: return "rst_flood";
    case FindingKind::SynAckReflection: return "synack_reflection";
    case FindingKind::PortScan: return "port_scan";
    case FindingKind::WeakIsn: return "weak_isn";
    case FindingKind::IsnQuality: return "isn_quality";
  }
  return "?";
}

std::string_view to_string(ScanType t) {
  switch (t) {
    case ScanType::None: return "";
    case ScanType::Syn: return "syn";
    case ScanType::Connect: return "connect";
    case ScanType::Fin: return "fin";
    case ScanType::Null: return "null";
    case ScanType::Xmas: return "xmas";
    case ScanType::Ack: return "ack";
    case ScanType::Maimon: return "maimon";
    case ScanType::Window: return "window";
  }
  return "?";
}

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Low: return "low";
    case Severity::Medium: return "medium";
    case Severity::High: return "high";
  }
  return "?";
}

void Finding::add(std::string_view key, std::int64_t v) {
  Evidence& e = evidence.emplace_back();
  e.key = key;
  e.type = Evidence::Type::Int;
  e.i = v;
}

void Finding::add_real(std::string_view key, double v) {
  Evidence& e = evidence.emplace_back();
  e.key = key;
  e.type = Evidence::Type::Real;
  e.d = v;
}

void Finding::add_text(std::string_view key, std::string_view v) {
  Evidence& e = evidence.emplace_back();
  e.key = key;
  e.type = Evidence::Type::Text;
  e.s = v;
}

void Finding::add_list(std::string_view key, std::vector<std::string> v) {
  Evidence& e = evidence.emplace_back();
  e.key = key;
  e.type = Evidence::Type::List;
  e.list = std::move(v);
}

const Evidence* Finding::find(std::string_view key) const {
  for (const Evidence& e : evidence)
    if (e.key == key) return &e;
  return nullptr;
}

void Finding::set_span(std::uint64_t first, std::int64_t first_ns, std::uint64_t last, std::int64_t last_ns) {
  first_frame = first;
  first_ts = from_ns(first_ns);
  last_frame = last;
  last_ts = from_ns(last_ns);
}

void Finding::update_from(const Finding& other) {
  const std::uint64_t first = first_frame;
  const Timestamp first_time = first_ts;
  *this = other;
  if (first != 0 && (first < other.first_frame || other.first_frame == 0)) {
    first_frame = first;
    first_ts = first_time;
  }
}

std::int32_t FindingList::raise(Finding f) {
  items_.push_back(std::move(f));
  if (on_raise_) on_raise_(items_.back());
  return static_cast<std::int32_t>(items_.size() - 1);
}

}  // namespace tcplens::detect
